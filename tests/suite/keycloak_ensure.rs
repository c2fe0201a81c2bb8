//! `omsso keycloak ensure` against the real Keycloak, a fresh realm per test: create from
//! nothing, idempotency (no write request the second time), drift (reported field by field,
//! repaired, user-set fields kept), the implicit-flow setting and --create-realm.

use crate::support::keycloak;

use crate::support::keycloak::{
    client, default_scopes, drop_default_scope, ensure_ok, fields, keycloak, run_json, CLIENT_ID,
    OM_URL,
};
use crate::support::{run, Admin};
use serde_json::{json, Value};

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn creates_the_client_from_nothing_with_every_field() {
    let admin = Admin::login();
    let realm = admin.new_realm("ens-create");
    let dir = tempfile::tempdir().unwrap();

    let (r, plan) = run_json(keycloak(dir.path(), "ensure", &realm).arg("--dry-run"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let planned = plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["field"] == "defaultClientScopes")
        .expect("the plan lists the default scopes")["desired"]
        .clone();

    let v = ensure_ok(dir.path(), &realm);
    assert_eq!(v["action"], "create");
    assert_eq!(v["applied"]["client_created"], true);
    assert!(v["requests"]["POST"].as_u64().unwrap() >= 1, "{v}");

    let c = client(&admin, &realm);
    assert_eq!(c["enabled"], true);
    assert_eq!(c["protocol"], "openid-connect");
    assert_eq!(c["publicClient"], false);
    assert_eq!(c["bearerOnly"], false);
    assert_eq!(c["clientAuthenticatorType"], "client-secret");
    assert_eq!(c["standardFlowEnabled"], true);
    assert_eq!(c["implicitFlowEnabled"], true);
    assert_eq!(c["serviceAccountsEnabled"], true);
    assert_eq!(c["rootUrl"], OM_URL);
    let redirects = strings(&c["redirectUris"]);
    assert!(
        redirects.contains(&format!("{OM_URL}/callback")),
        "{redirects:?}"
    );
    assert!(
        redirects.contains(&format!("{OM_URL}/silent-callback")),
        "{redirects:?}"
    );
    assert_eq!(strings(&c["webOrigins"]), [OM_URL]);
    assert_eq!(
        c["attributes"]["post.logout.redirect.uris"],
        format!("{OM_URL}/*")
    );

    // The realm's defaults were kept (no defaultClientScopes on create) and hold the three.
    let scopes = default_scopes(&admin, &realm);
    for needed in ["profile", "email", "basic", "roles", "web-origins"] {
        assert!(
            scopes.iter().any(|s| s == needed),
            "{needed} missing: {scopes:?}"
        );
    }
    // The plan predicted them (Keycloak adds `service_account` for service accounts itself).
    let mut predicted = strings(&planned);
    predicted.push("service_account".into());
    predicted.sort();
    assert_eq!(predicted, scopes);

    // A token issued for the new client carries `sub` (the `basic` scope's mapper).
    let claims = keycloak::client_credentials(&realm, &keycloak::secret(&admin, &realm))
        .expect("the new client's secret authenticates");
    assert!(claims["sub"].is_string(), "no sub in {claims}");
    assert_eq!(claims["azp"], CLIENT_ID);
}

#[test]
fn a_second_ensure_is_up_to_date_and_sends_no_write_request() {
    let admin = Admin::login();
    let realm = admin.new_realm("ens-idem");
    let dir = tempfile::tempdir().unwrap();
    ensure_ok(dir.path(), &realm);
    let before = client(&admin, &realm);

    let v = ensure_ok(dir.path(), &realm);
    assert_eq!(v["action"], "none");
    assert_eq!(v["up_to_date"], true);
    assert_eq!(v["applied"], Value::Null);
    assert_eq!(v["changes"], json!([]));
    for method in ["POST", "PUT", "DELETE"] {
        assert_eq!(v["requests"][method], 0, "{method} sent: {v}");
    }
    assert!(v["requests"]["GET"].as_u64().unwrap() > 0);
    assert_eq!(client(&admin, &realm), before);

    let r = run(&mut keycloak(dir.path(), "ensure", &realm));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("is up to date"), "{}", r.stdout);
    let r = run(keycloak(dir.path(), "ensure", &realm).arg("--check"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    // -v reports the request counts.
    let r = run(keycloak(dir.path(), "ensure", &realm).arg("-v"));
    assert!(
        r.stderr.contains("POST 0, PUT 0, DELETE 0"),
        "no request counts at -v: {}",
        r.stderr
    );
}

#[test]
fn drift_is_listed_field_by_field_then_repaired_keeping_user_fields() {
    let admin = Admin::login();
    let realm = admin.new_realm("ens-drift");
    let dir = tempfile::tempdir().unwrap();
    ensure_ok(dir.path(), &realm);
    let uuid = client(&admin, &realm)["id"].as_str().unwrap().to_string();

    drift_the_client_by_hand(&admin, &realm, &uuid);
    let drifted = client(&admin, &realm);

    let expected = [
        "implicitFlowEnabled",
        "rootUrl",
        "redirectUris",
        "defaultClientScopes",
    ];
    let (r, v) = run_json(keycloak(dir.path(), "ensure", &realm).arg("--check"));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_eq!(fields(&v), expected, "{v}");
    assert!(r.stderr.contains("differs"), "{}", r.stderr);
    let change = &v["changes"][0];
    assert_eq!(change["current"], false);
    assert_eq!(change["desired"], true);

    let r = run(keycloak(dir.path(), "ensure", &realm).arg("--dry-run"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    for f in expected {
        assert!(r.stdout.contains(f), "{f} not in the plan: {}", r.stdout);
    }
    assert!(r.stdout.contains("rootUrl: \"http://elsewhere.test\" → "));
    assert_eq!(
        client(&admin, &realm),
        drifted,
        "--dry-run changed the client"
    );

    let v = ensure_ok(dir.path(), &realm);
    assert_eq!(v["action"], "update");
    assert_eq!(fields(&v), expected);
    assert_eq!(
        v["applied"]["updated"],
        json!(["implicitFlowEnabled", "rootUrl", "redirectUris"])
    );
    assert_eq!(v["applied"]["scopes_added"], json!(["email"]));

    let c = client(&admin, &realm);
    assert_eq!(c["implicitFlowEnabled"], true);
    assert_eq!(c["rootUrl"], OM_URL);
    let redirects = strings(&c["redirectUris"]);
    for uri in [
        "http://elsewhere.test/*".to_string(),
        format!("{OM_URL}/callback"),
    ] {
        assert!(redirects.contains(&uri), "{uri} missing: {redirects:?}");
    }
    // Fields omsso does not manage keep what the user set.
    assert_eq!(c["description"], "set by a person");
    assert_eq!(c["directAccessGrantsEnabled"], true);
    assert!(default_scopes(&admin, &realm).contains(&"email".to_string()));

    let r = run(keycloak(dir.path(), "ensure", &realm).arg("--check"));
    assert_eq!(r.code, 0, "still differs after repair: {}", r.stdout);
}

/// What a person does to the client in the console.
fn drift_the_client_by_hand(admin: &Admin, realm: &str, uuid: &str) {
    // Someone changes managed fields in the console, and sets fields omsso does not manage.
    admin.put(
        &format!("/{realm}/clients/{uuid}"),
        &json!({
            "implicitFlowEnabled": false,
            "rootUrl": "http://elsewhere.test",
            "redirectUris": ["http://elsewhere.test/*"],
            "description": "set by a person",
            "directAccessGrantsEnabled": true,
        }),
    );
    // ... and moves `email` from the default to the optional scopes.
    let email = drop_default_scope(admin, realm, uuid, "email");
    admin.put(
        &format!("/{realm}/clients/{uuid}/optional-client-scopes/{email}"),
        &json!({}),
    );
}

#[test]
fn the_implicit_flow_setting_turns_it_off() {
    let admin = Admin::login();
    let realm = admin.new_realm("ens-implicit");
    let dir = tempfile::tempdir().unwrap();
    ensure_ok(dir.path(), &realm);

    let (r, v) = run_json(
        keycloak(dir.path(), "ensure", &realm)
            .env("OMSSO_IMPLICIT_FLOW", "false")
            .arg("--check"),
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_eq!(fields(&v), ["implicitFlowEnabled"]);

    let (r, _) =
        run_json(keycloak(dir.path(), "ensure", &realm).args(["--implicit-flow", "false"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(client(&admin, &realm)["implicitFlowEnabled"], false);
}

#[test]
fn create_realm_creates_a_missing_realm_and_the_client() {
    let admin = Admin::login();
    // A name no realm has: new_realm's naming, without creating it.
    let realm = format!("ens-newrealm-{}-{}", std::process::id(), rand_suffix());
    let dir = tempfile::tempdir().unwrap();

    let (r, v) =
        run_json(keycloak(dir.path(), "ensure", &realm).args(["--create-realm", "--dry-run"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(v["create_realm"], true);
    assert_eq!(v["action"], "create");
    let exists = admin
        .request(reqwest::Method::GET, &format!("/{realm}"))
        .send()
        .unwrap()
        .status();
    assert_eq!(exists.as_u16(), 404, "--dry-run created the realm");

    let (r, v) = run_json(keycloak(dir.path(), "ensure", &realm).arg("--create-realm"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(v["applied"]["realm_created"], true);
    assert_eq!(client(&admin, &realm)["rootUrl"], OM_URL);
    let scopes = default_scopes(&admin, &realm);
    for needed in ["profile", "email", "basic"] {
        assert!(scopes.iter().any(|s| s == needed), "{needed}: {scopes:?}");
    }
}

fn rand_suffix() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos()
}

#[test]
fn a_service_account_with_manage_clients_in_the_realm_can_ensure_and_fetch() {
    let admin = Admin::login();
    let realm = admin.new_realm("ens-sa");
    // A provisioning client in the same realm whose service account holds manage-clients.
    let r = admin.post(
        &format!("/{realm}/clients"),
        &json!({
            "clientId": "provisioner", "publicClient": false,
            "serviceAccountsEnabled": true, "standardFlowEnabled": false,
            "secret": "Prov1sioner-secret-value",
        }),
    );
    assert_eq!(r.status().as_u16(), 201);
    let provisioner = admin.client(&realm, "provisioner").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let sa = admin.get(&format!(
        "/{realm}/clients/{provisioner}/service-account-user"
    ));
    let rm = admin.client(&realm, "realm-management").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let role = admin.get(&format!("/{realm}/clients/{rm}/roles/manage-clients"));
    let r = admin.post(
        &format!(
            "/{realm}/users/{}/role-mappings/clients/{rm}",
            sa["id"].as_str().unwrap()
        ),
        &json!([role]),
    );
    assert!(r.status().is_success(), "{}", r.status());

    let dir = tempfile::tempdir().unwrap();
    let as_provisioner = |sub: &str| {
        let mut cmd = keycloak(dir.path(), sub, &realm);
        cmd.env_remove("OMSSO_ADMIN_USERNAME")
            .env_remove("OMSSO_ADMIN_PASSWORD")
            .env("OMSSO_ADMIN_CLIENT_SECRET", "Prov1sioner-secret-value")
            .args(["--admin-client-id", "provisioner", "--admin-realm", &realm]);
        cmd
    };
    let (r, v) = run_json(&mut as_provisioner("ensure"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(v["action"], "create");
    assert!(r.stderr.contains("client `provisioner`"), "{}", r.stderr);
    let (r, v) = run_json(as_provisioner("fetch").arg("--show-secret"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        v["client_secret"],
        keycloak::secret(&admin, &realm).as_str()
    );
    assert!(!r.stderr.contains("Prov1sioner-secret-value"));
}
