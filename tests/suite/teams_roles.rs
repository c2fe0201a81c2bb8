//! Keycloak groups and roles as OpenMetadata teams and roles (`openmetadata.team_claim`,
//! `openmetadata.roles_from`), against the real Keycloak: `keycloak ensure` adds the protocol
//! mappers (plan, apply, idempotent, drift put back), render writes `jwtTeamClaimMapping` and
//! `useRolesFromProvider`, and a real login's ID token carries the user's group names and
//! roles, which `verify --login` reports. Groups, roles and users are created by the tests.

use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};

use crate::support::keycloak::{
    check, configured, create_user, fetch_and_render, login, person, run_json, CLIENT_ID,
};
use crate::support::om_standin::{StandIn, ADMIN_TOKEN};
use crate::support::render::{om_yaml, render, Creds};
use crate::support::table::each;
use crate::support::{one_error, run, Admin, Run};

/// omsso for `realm` with groups as teams (claim `groups`) and the client's roles as roles.
fn mapped(dir: &Path, realm: &str) -> Command {
    let mut cmd = configured(dir, realm);
    cmd.env("OMSSO_TEAM_CLAIM", "groups")
        .env("OMSSO_ROLES_FROM", "client");
    cmd
}

/// A new realm whose client `keycloak ensure` has mapped (groups as teams, client roles).
fn mapped_realm(dir: &Path, admin: &Admin) -> String {
    let realm = admin.new_realm("teams");
    let (r, _) = run_json(mapped(dir, &realm).args(["keycloak", "ensure"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    realm
}

/// The client's credentials and openmetadata.yaml rendered for `realm` with the mappings.
fn mapped_files(dir: &Path, realm: &str) {
    let args = ["--target", "openmetadata-yaml"];
    fetch_and_render(dir, realm, mapped(dir, realm), &args);
}

/// The id at the end of a 201's Location.
fn created_id(r: reqwest::blocking::Response, what: &str) -> String {
    assert_eq!(r.status().as_u16(), 201, "create {what}");
    let location = r.headers()["location"].to_str().unwrap().to_string();
    location.rsplit('/').next().unwrap().to_string()
}

/// alice, in group "Data Engineering" and holding the client role "DataSteward".
fn alice(admin: &Admin, realm: &str) {
    let group = created_id(
        admin.post(
            &format!("/{realm}/groups"),
            &json!({"name": "Data Engineering"}),
        ),
        "group",
    );
    let uuid = admin.client(realm, CLIENT_ID).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = admin.post(
        &format!("/{realm}/clients/{uuid}/roles"),
        &json!({"name": "DataSteward"}),
    );
    assert_eq!(r.status().as_u16(), 201, "create client role");
    let role = admin.get(&format!("/{realm}/clients/{uuid}/roles/DataSteward"));
    let alice = person("alice", Some("alice@example.test"), true, "pw-Alice-1");
    let user = create_user(admin, realm, &alice);
    admin.put(&format!("/{realm}/users/{user}/groups/{group}"), &json!({}));
    let r = admin.post(
        &format!("/{realm}/users/{user}/role-mappings/clients/{uuid}"),
        &json!([role]),
    );
    assert!(r.status().is_success(), "map client role: {}", r.status());
}

fn mapper<'a>(client: &'a Value, name: &str) -> &'a Value {
    client["protocolMappers"]
        .as_array()
        .and_then(|all| all.iter().find(|m| m["name"] == name))
        .unwrap_or_else(|| panic!("no mapper {name}: {client}"))
}

/// alice (see [`alice`]), the client's credentials and openmetadata.yaml rendered for `realm`,
/// whose client `ensure` has already mapped.
fn alice_and_her_files(dir: &Path, admin: &Admin, realm: &str) {
    alice(admin, realm);
    mapped_files(dir, realm);
    let yaml = std::fs::read_to_string(dir.join("out/openmetadata.yaml")).unwrap();
    let doc = om_yaml(&yaml);
    assert_eq!(
        doc["authenticationConfiguration"]["jwtTeamClaimMapping"],
        "groups"
    );
    assert_eq!(doc["authorizerConfiguration"]["useRolesFromProvider"], true);
}

#[test]
fn groups_and_client_roles_reach_the_id_token_and_verify_names_them() {
    let d = tempfile::tempdir().unwrap();
    let admin = Admin::login();
    let realm = admin.new_realm("teams");

    // The plan names both mappers; applying twice changes nothing the second time.
    let (r, v) = run_json(mapped(d.path(), &realm).args(["keycloak", "ensure"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let fields: Vec<&str> = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"protocolMappers.omsso teams"),
        "{fields:?}"
    );
    assert!(
        fields.contains(&"protocolMappers.omsso roles"),
        "{fields:?}"
    );
    assert_eq!(
        v["applied"]["mappers_changed"],
        json!(["omsso teams", "omsso roles"])
    );
    let (r, v) = run_json(mapped(d.path(), &realm).args(["keycloak", "ensure"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(v["up_to_date"], true, "{v}");
    let client = admin.client(&realm, CLIENT_ID).unwrap();
    assert_eq!(
        mapper(&client, "omsso teams")["config"]["full.path"],
        "false"
    );
    assert_eq!(
        mapper(&client, "omsso roles")["config"]["usermodel.clientRoleMapping.clientId"],
        CLIENT_ID
    );

    alice_and_her_files(d.path(), &admin, &realm);
    let (r, v) = login(mapped(d.path(), &realm), "alice", "pw-Alice-1");
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(check(&v, "claim-mappers")["status"], "pass", "{v}");
    let teams_roles = check(&v, "login-teams-roles");
    assert_eq!(teams_roles["status"], "pass", "{v}");
    assert_eq!(
        teams_roles["detail"],
        "alice -> teams: Data Engineering; roles: DataSteward"
    );
    assert_eq!(v["login"]["teams"], json!(["Data Engineering"]));
    assert_eq!(v["login"]["roles"], json!(["DataSteward"]));
}

#[test]
fn verify_login_names_the_teams_and_roles_openmetadata_does_not_have() {
    let d = tempfile::tempdir().unwrap();
    let admin = Admin::login();
    let realm = mapped_realm(d.path(), &admin);
    alice_and_her_files(d.path(), &admin, &realm);
    // This OpenMetadata has the team but no role DataSteward, which it would skip at login.
    let directory = json!({
        "teams": [{"id": "5d6f2b9e-0c1a-4e8b-9f3d-7a2b4c6d8e01", "name": "Data Engineering",
                   "teamType": "Group"}],
        "roles": [{"id": "8e1f3a5c-2b4d-4c6e-8a0b-1c3e5f7a9b02", "name": "DataConsumer"}],
    });
    let om = StandIn::start_holding("2.0", "2.0.7", None, None, None, Some(&directory));
    let mut cmd = mapped(d.path(), &realm);
    cmd.env("OMSSO_OM_URL", &om.url)
        .env("OMSSO_OM_TOKEN", ADMIN_TOKEN);
    let (_, v) = login(cmd, "alice", "pw-Alice-1");
    let teams_roles = check(&v, "login-teams-roles");
    assert_eq!(teams_roles["status"], "warn", "{v}");
    assert_eq!(
        teams_roles["detail"],
        "alice -> teams: Data Engineering; roles: DataSteward; OpenMetadata has no role \
         `DataSteward`"
    );
    assert_eq!(v["login"]["unmatched"], json!(["role `DataSteward`"]));
    let looked: Vec<(String, u64)> = om
        .requests()
        .iter()
        .filter(|r| r["path"].as_str().unwrap().contains("/name/"))
        .map(|r| {
            (
                r["path"].as_str().unwrap().to_string(),
                r["status"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(
        looked.contains(&("/api/v1/teams/name/Data%20Engineering".into(), 200)),
        "{looked:?}"
    );
    assert!(
        looked.contains(&("/api/v1/roles/name/DataSteward".into(), 404)),
        "{looked:?}"
    );
}

#[test]
fn a_mapper_changed_by_hand_fails_verify_and_ensure_puts_it_back() {
    let d = tempfile::tempdir().unwrap();
    let admin = Admin::login();
    let realm = mapped_realm(d.path(), &admin);
    mapped_files(d.path(), &realm);

    // Someone turns on "Full group path": tokens then say "/Data Engineering", a name no
    // OpenMetadata team has.
    let client = admin.client(&realm, CLIENT_ID).unwrap();
    let uuid = client["id"].as_str().unwrap();
    let mut teams = mapper(&client, "omsso teams").clone();
    teams["config"]["full.path"] = json!("true");
    let id = teams["id"].as_str().unwrap().to_string();
    admin.put(
        &format!("/{realm}/clients/{uuid}/protocol-mappers/models/{id}"),
        &teams,
    );

    let (r, v) = run_json(mapped(d.path(), &realm).arg("verify"));
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    let c = check(&v, "claim-mappers");
    assert_eq!(c["status"], "fail", "{v}");
    assert!(
        c["detail"].as_str().unwrap().contains("full group paths"),
        "{c}"
    );

    let (r, v) = run_json(mapped(d.path(), &realm).args(["keycloak", "ensure", "--dry-run"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        v["changes"][0]["field"], "protocolMappers.omsso teams",
        "{v}"
    );
    assert_eq!(v["changes"][0]["current"]["config"]["full.path"], "true");
    let (r, _) = run_json(mapped(d.path(), &realm).args(["keycloak", "ensure"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (r, v) = run_json(mapped(d.path(), &realm).arg("verify"));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(check(&v, "claim-mappers")["status"], "pass", "{v}");

    // A user in no group and with no role of the client: a warning, not a failure (OpenMetadata
    // lets them in, with no team and no role).
    let bob = person("bob", Some("bob@example.test"), true, "pw-Bob-1");
    create_user(&admin, &realm, &bob);
    let (r, v) = login(mapped(d.path(), &realm), "bob", "pw-Bob-1");
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let c = check(&v, "login-teams-roles");
    assert_eq!(c["status"], "warn", "{v}");
    assert_eq!(
        c["detail"],
        "bob: the ID token has no `groups` claim (teams) and no role in `roles` (Keycloak's own \
         roles aside)"
    );
}

#[test]
fn team_mapping_is_refused_for_a_release_without_it_and_named_where_it_exists() {
    let d = tempfile::tempdir().unwrap();
    Creds::default().write(d.path());
    let r = render(
        d.path(),
        &["--team-claim", "groups", "--om-version", "1.10"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        one_error(&r),
        "error: openmetadata.team_claim is not a setting of OpenMetadata 1.10 (it exists from \
         1.11 on)"
    );
    assert!(!d.path().join("out").exists(), "nothing written");

    // A file written for 1.11 and checked for 1.10: the offline lint names the key and 1.11.
    let yaml = render(
        d.path(),
        &[
            "--team-claim",
            "groups",
            "--om-version",
            "1.11",
            "--target",
            "openmetadata-yaml",
            "--stdout",
        ],
    );
    assert_eq!(yaml.code, 0, "{}", yaml.stderr);
    std::fs::write(d.path().join("om.yaml"), &yaml.stdout).unwrap();
    let r = run(crate::support::omsso(d.path()).args([
        "verify",
        "--file",
        "om.yaml",
        "--om-version",
        "1.10",
    ]));
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("error[unknown-key] `jwtTeamClaimMapping`")
            && r.stdout.contains("it was added in OpenMetadata 1.11"),
        "{}",
        r.stdout
    );
}

/// What one target's render (`Run`) must show.
type Shows = fn(&Run);

/// Each target rendered with a team claim and roles from the realm: what it carries, and
/// whether it says what it cannot.
#[test]
fn the_env_file_and_helm_values_say_they_cannot_carry_the_team_claim() {
    let rows: [(&str, Shows); 3] = [
        ("env", |env| {
            assert!(
                env.stdout
                    .contains("\nAUTHORIZER_USE_ROLES_FROM_PROVIDER=true\n"),
                "{}",
                env.stdout
            );
            assert!(!env.stdout.contains("groups"), "{}", env.stdout);
            assert!(
                env.stderr.contains(
                    "warning: openmetadata.env cannot carry openmetadata.team_claim: \
                     OpenMetadata reads jwtTeamClaimMapping only from openmetadata.yaml or its \
                     database"
                ),
                "{}",
                env.stderr
            );
        }),
        ("helm-values", |values| {
            assert!(
                values
                    .stdout
                    .contains("\n      useRolesFromProvider: true\n"),
                "{}",
                values.stdout
            );
            assert!(
                values.stderr.contains("helm/values.yaml cannot carry"),
                "{}",
                values.stderr
            );
        }),
        // openmetadata.yaml carries both, and says nothing.
        ("openmetadata-yaml", |yaml| {
            assert!(!yaml.stderr.contains("cannot carry"), "{}", yaml.stderr);
            let doc = om_yaml(&yaml.stdout);
            assert_eq!(
                doc["authenticationConfiguration"]["jwtTeamClaimMapping"],
                "groups"
            );
            assert_eq!(doc["authorizerConfiguration"]["useRolesFromProvider"], true);
        }),
    ];
    let d = tempfile::tempdir().unwrap();
    Creds::default().write(d.path());
    each(&rows, |target, then| {
        let r = render(
            d.path(),
            &[
                "--target",
                target,
                "--stdout",
                "--team-claim",
                "groups",
                "--roles-from",
                "realm",
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        then(&r);
    });
}
