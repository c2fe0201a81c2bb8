//! The running OpenMetadata: `verify` compares what it uses with the file, `apply` (and `run
//! --apply`) pushes the file through its API, and its version decides the release line. No
//! OpenMetadata server can be installed here, so the server is the stand-in of
//! tests/suite/support/om_standin.py, which holds every request body and answer to that release's
//! own generated models (the `openmetadata-ingestion` wheels of 1.10, 1.12, 1.13 and 2.0);
//! Keycloak is the real one.
//!
//! Gap: from 1.10 on the server keeps its security configuration in its database, so a
//! re-rendered file is ignored, and `verify` said "all passed" while the server ran something
//! else.

use crate::support::{self, keycloak};

use std::path::Path;
use std::process::Command;

use crate::support::keycloak::{check, configured, keycloak, run_json};
use crate::support::om_standin::{StandIn, ADMIN_TOKEN, READER_TOKEN};
use crate::support::{one_error, run, Admin};
use serde_json::Value;

/// A realm with the OpenMetadata client for OpenMetadata at `om_url`, and its credentials in
/// `creds.json`.
pub(crate) fn realm_with_client(dir: &Path, om_url: &str) -> String {
    let admin = Admin::login();
    let realm = admin.new_realm("omapi");
    let r = run(keycloak(dir, "ensure", &realm).env("OMSSO_OM_URL", om_url));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(keycloak(dir, "fetch", &realm).args(["--write", "creds.json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    realm
}

/// omsso for `realm` with OpenMetadata at the stand-in.
pub(crate) fn om(dir: &Path, realm: &str, server: &StandIn) -> Command {
    let mut cmd = configured(dir, realm);
    cmd.env("OMSSO_OM_URL", &server.url);
    cmd
}

pub(crate) fn render(dir: &Path, realm: &str, server: &StandIn, extra: &[&str]) -> support::Run {
    let r = run(om(dir, realm, server)
        .args(["render", "--credentials", "creds.json", "--force"])
        .args(extra));
    assert_eq!(r.code, 0, "{}", r.stderr);
    r
}

fn secret(dir: &Path) -> String {
    let creds: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("creds.json")).unwrap()).unwrap();
    creds["client_secret"].as_str().unwrap().to_string()
}

fn rendered_blocks(dir: &Path) -> Value {
    let text = std::fs::read_to_string(dir.join("out/openmetadata.yaml")).unwrap();
    let doc: Value = serde_yaml::from_str(&text).unwrap();
    serde_json::json!({
        "authenticationConfiguration": doc["authenticationConfiguration"],
        "authorizerConfiguration": doc["authorizerConfiguration"],
    })
}

#[test]
fn verify_fails_while_the_server_runs_another_configuration_and_passes_once_applied() {
    let d = tempfile::tempdir().unwrap();
    // A fresh 1.12 server: basic login, whatever the files say.
    let server = StandIn::start("1.12", "1.12.7");
    let realm = realm_with_client(d.path(), &server.url);
    // No key pair of omsso's: the stand-in serves a fixed key of its own, which the
    // own-key-rendered check (tests/suite/om_back_door.rs) would rightly fail for another one.
    render(d.path(), &realm, &server, &["--jwt-keys", "false"]);

    let (r, v) = run_json(om(d.path(), &realm, &server).arg("verify"));
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    let c = check(&v, "server-config");
    assert_eq!(c["status"], "fail", "{v}");
    let detail = c["detail"].as_str().unwrap();
    assert!(
        detail.contains("authenticationConfiguration.provider: \"basic\" → \"custom-oidc\""),
        "{detail}"
    );
    let hint = c["hint"].as_str().unwrap();
    assert!(
        hint.contains("OpenMetadata 1.12 keeps its security configuration in its database")
            && hint.contains("omsso apply")
            && hint.contains("remove-security-config --force"),
        "{hint}"
    );
    assert_eq!(check(&v, "server-version")["status"], "pass");
    assert_eq!(v["openmetadata"]["version"], "1.12.7");
    // The server's own JWKS answers at its public address.
    assert_eq!(check(&v, "own-jwks-answers")["status"], "pass", "{v}");

    // apply pushes the file: validated, saved, read back; verify then passes.
    let r = run(om(d.path(), &realm, &server)
        .env("OMSSO_OM_TOKEN", ADMIN_TOKEN)
        .arg("apply"));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("applied out/openmetadata.yaml"),
        "{}",
        r.stdout
    );
    assert_eq!(
        server.state(),
        rendered_blocks(d.path()),
        "the server holds the file"
    );
    keycloak::assert_no_secret(&r, &secret(d.path()));
    keycloak::assert_no_secret(&r, ADMIN_TOKEN);
    let (r, v) = run_json(om(d.path(), &realm, &server).arg("verify"));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(check(&v, "server-config")["status"], "pass", "{v}");
}

#[test]
fn before_1_10_the_hint_is_to_deploy_the_files_and_apply_refuses() {
    let d = tempfile::tempdir().unwrap();
    let server = StandIn::start("1.9", "1.9.17");
    let realm = realm_with_client(d.path(), &server.url);
    let r = render(d.path(), &realm, &server, &[]);
    assert!(
        r.stderr
            .contains("runs 1.9.17: writing for release line 1.9"),
        "{}",
        r.stderr
    );
    let (r, v) = run_json(om(d.path(), &realm, &server).arg("verify"));
    assert_eq!(r.code, 3, "{}", r.stderr);
    let hint = check(&v, "server-config")["hint"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        hint.contains("OpenMetadata 1.9 reads its security configuration from its files")
            && !hint.contains("omsso apply"),
        "{hint}"
    );

    let before = server.requests().len();
    let r = run(om(d.path(), &realm, &server)
        .env("OMSSO_OM_TOKEN", ADMIN_TOKEN)
        .arg("apply"));
    assert_eq!(r.code, 2, "{}", r.stderr);
    let error = one_error(&r);
    assert!(
        error.contains("OpenMetadata 1.9.17 takes its security configuration from its files"),
        "{error}"
    );
    assert!(r.stderr.contains("deploy this file"), "{}", r.stderr);
    // Only the version was asked.
    let after: Vec<Value> = server.requests()[before..].to_vec();
    assert!(after.iter().all(|q| q["method"] == "GET"), "{after:?}");
}

#[test]
fn apply_works_on_every_line_with_the_security_api() {
    let d = tempfile::tempdir().unwrap();
    let realm = realm_with_client(d.path(), keycloak::OM_URL);
    for (line, version) in [
        ("1.10", "1.10.14"),
        ("1.12", "1.12.14"),
        ("1.13", "1.13.6"),
        ("2.0", "2.0.7"),
    ] {
        let server = StandIn::start(line, version);
        // The release line comes from the server: nothing configured.
        render(d.path(), &realm, &server, &[]);
        let text = std::fs::read_to_string(d.path().join("out/openmetadata.yaml")).unwrap();
        assert!(
            text.starts_with(&format!("# OpenMetadata {line}:")),
            "{line}: {}",
            text.lines().next().unwrap()
        );
        let (r, v) = run_json(
            om(d.path(), &realm, &server)
                .env("OMSSO_OM_TOKEN", ADMIN_TOKEN)
                .arg("apply"),
        );
        assert_eq!(r.code, 0, "{line}: {}\n{}", r.stdout, r.stderr);
        assert_eq!(v["apply"]["applied"], true, "{line}: {v}");
        assert_eq!(v["apply"]["validation"]["status"], "success", "{line}");
        assert_eq!(v["apply"]["server_version"], version);
        // validate, then put, then the read-back.
        let sent: Vec<String> = server
            .requests()
            .iter()
            .filter(|q| q["method"] != "GET" || q["path"] == "/api/v1/system/config/auth")
            .map(|q| {
                format!(
                    "{} {}",
                    q["method"].as_str().unwrap(),
                    q["path"].as_str().unwrap()
                )
            })
            .collect();
        assert_eq!(
            sent,
            [
                "POST /api/v1/system/security/validate",
                "PUT /api/v1/system/security/config",
                "GET /api/v1/system/config/auth"
            ],
            "{line}"
        );
        assert_eq!(server.state(), rendered_blocks(d.path()), "{line}");
    }
}

#[test]
fn dry_run_shows_the_difference_with_the_secret_masked_and_changes_nothing() {
    let d = tempfile::tempdir().unwrap();
    let server = StandIn::start("1.13", "1.13.6");
    let realm = realm_with_client(d.path(), &server.url);
    render(d.path(), &realm, &server, &[]);
    // The server runs this file, with another client id and an old secret.
    let mut running = rendered_blocks(d.path());
    running["authenticationConfiguration"]["clientId"] = "old-client".into();
    running["authenticationConfiguration"]["oidcConfiguration"]["secret"] = "old-secret".into();
    drop(server);
    let server = StandIn::start_with("1.13", "1.13.6", Some(&running));

    let (r, v) = run_json(
        om(d.path(), &realm, &server)
            .env("OMSSO_OM_TOKEN", ADMIN_TOKEN)
            .args(["apply", "--dry-run"]),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let changes = v["apply"]["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{v}");
    assert_eq!(changes[0]["field"], "authenticationConfiguration.clientId");
    assert_eq!(changes[0]["current"], "old-client");
    assert_eq!(v["apply"]["applied"], false);
    assert_eq!((server.sent("PUT"), server.sent("POST")), (0, 0));
    assert_eq!(server.state(), running, "nothing changed");
    let r = run(om(d.path(), &realm, &server)
        .env("OMSSO_OM_TOKEN", ADMIN_TOKEN)
        .args(["apply", "--dry-run"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("authenticationConfiguration.clientId: \"old-client\" → \"open-metadata\"")
            && r.stdout.contains("masked on both sides"),
        "{}",
        r.stdout
    );
    for s in [secret(d.path()).as_str(), "old-secret", ADMIN_TOKEN] {
        keycloak::assert_no_secret(&r, s);
    }
}

/// apply sent the file alone as the whole SecurityConfiguration, so a PUT reset every key the
/// file does not set (issue 21): the server's configuration is the base, the file's keys are
/// merged in, and the plan shows only what the file changes.
#[test]
fn apply_keeps_what_the_file_does_not_set() {
    let d = tempfile::tempdir().unwrap();
    let server = StandIn::start("1.13", "1.13.6");
    let realm = realm_with_client(d.path(), &server.url);
    render(d.path(), &realm, &server, &[]);
    let mut running = rendered_blocks(d.path());
    let auth = &mut running["authenticationConfiguration"];
    auth["clientId"] = "old-client".into();
    auth["jwtPrincipalClaimsMapping"] = serde_json::json!(["username:preferred_username"]);
    auth["oidcConfiguration"]["tokenValidity"] = 7200.into();
    let authorizer = &mut running["authorizerConfiguration"];
    authorizer["botPrincipals"] = serde_json::json!(["ingestion-bot"]);
    authorizer["allowedEmailRegistrationDomains"] = serde_json::json!(["example.org"]);
    drop(server);
    let server = StandIn::start_with("1.13", "1.13.6", Some(&running));

    let (r, v) = run_json(
        om(d.path(), &realm, &server)
            .env("OMSSO_OM_TOKEN", ADMIN_TOKEN)
            .arg("apply"),
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(v["apply"]["applied"], true, "{v}");
    // The server holds the file's keys and kept the others.
    let mut want = running.clone();
    want["authenticationConfiguration"]["clientId"] =
        rendered_blocks(d.path())["authenticationConfiguration"]["clientId"].clone();
    assert_eq!(server.state(), want);
    // The plan: only what the file changes.
    let changes = v["apply"]["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{v}");
    assert_eq!(changes[0]["field"], "authenticationConfiguration.clientId");
    let r = run(om(d.path(), &realm, &server)
        .env("OMSSO_OM_TOKEN", ADMIN_TOKEN)
        .arg("apply"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("0 fields changed, the keys the file does not set kept as they were"),
        "{}",
        r.stdout
    );
    keycloak::assert_no_secret(&r, &secret(d.path()));
}

#[test]
fn the_servers_own_validation_errors_are_shown_per_field_and_nothing_changes() {
    let d = tempfile::tempdir().unwrap();
    let server = StandIn::start("2.0", "2.0.7");
    let realm = realm_with_client(d.path(), &server.url);
    render(d.path(), &realm, &server, &[]);
    // The realm's certs under another host name: the same keys, but not the discovery's
    // jwks_uri, which the server requires verbatim.
    let kc = support::keycloak_url();
    let p = d.path().join("out/openmetadata.yaml");
    let text = std::fs::read_to_string(&p).unwrap();
    let certs = format!("{kc}/realms/{realm}/protocol/openid-connect/certs");
    assert!(text.contains(&certs));
    std::fs::write(
        &p,
        text.replace(&certs, &certs.replace("127.0.0.1", "localhost")),
    )
    .unwrap();
    let before = server.state();

    let r = run(om(d.path(), &realm, &server)
        .env("OMSSO_OM_TOKEN", ADMIN_TOKEN)
        .arg("apply"));
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains(
            "authenticationConfiguration.publicKeyUrls: publicKeyUrls must include the JWKS URI \
             from discovery"
        ),
        "{}",
        r.stdout
    );
    let error = one_error(&r);
    assert!(error.contains("SSO validation refused"), "{error}");
    assert_eq!(server.sent("PUT"), 0);
    assert_eq!(server.state(), before);
    // verify names the same rule before anyone applies.
    let (_, v) = run_json(om(d.path(), &realm, &server).arg("verify"));
    assert_eq!(check(&v, "jwks-uri-listed")["status"], "fail");
}

#[test]
fn a_key_the_servers_release_lacks_is_refused_by_its_models() {
    let d = tempfile::tempdir().unwrap();
    let server = StandIn::start("1.12", "1.12.14");
    let realm = realm_with_client(d.path(), &server.url);
    // Rendered for 2.0 (sessionExpiry exists only there) against a 1.12 server.
    let r = render(
        d.path(),
        &realm,
        &server,
        &["--om-version", "2.0", "--session-expiry", "7200"],
    );
    assert!(
        r.stderr
            .contains("openmetadata.version is 2.0 (flag --om-version), but OpenMetadata at")
            && r.stderr.contains("runs 1.12.14"),
        "{}",
        r.stderr
    );
    let r = run(om(d.path(), &realm, &server)
        .env("OMSSO_OM_TOKEN", ADMIN_TOKEN)
        .args(["apply", "--om-version", "2.0"]));
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("runs 1.12.14"), "{}", r.stderr);
    let error = one_error(&r);
    assert!(
        error.contains("refused the configuration (400)") && error.contains("sessionExpiry"),
        "{error}"
    );
    assert_eq!(server.sent("PUT"), 0);
    // verify names both versions too.
    let (_, v) = run_json(om(d.path(), &realm, &server).args(["verify", "--om-version", "2.0"]));
    let c = check(&v, "server-version");
    assert_eq!(c["status"], "warn");
    assert!(
        c["detail"].as_str().unwrap().contains("is 2.0")
            && c["detail"].as_str().unwrap().contains("runs 1.12.14"),
        "{c}"
    );
}

#[test]
fn the_admin_token_comes_from_the_environment_a_file_or_a_prompt_and_must_be_an_admins() {
    let d = tempfile::tempdir().unwrap();
    let server = StandIn::start("1.12", "1.12.14");
    let realm = realm_with_client(d.path(), &server.url);
    render(d.path(), &realm, &server, &[]);
    // None given, stdin not a terminal: refused before any request.
    let before = server.requests().len();
    let r = run(om(d.path(), &realm, &server).arg("apply"));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        one_error(&r).contains("OpenMetadata admin token"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("OMSSO_OM_TOKEN"), "{}", r.stderr);
    assert_eq!(server.requests().len(), before);
    // A token the server does not know, and one of a user who is not an admin.
    let r = run(om(d.path(), &realm, &server)
        .env("OMSSO_OM_TOKEN", "not-a-token")
        .arg("apply"));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        one_error(&r).contains("refused the admin token"),
        "{}",
        r.stderr
    );
    keycloak::assert_no_secret(&r, "not-a-token");
    std::fs::write(d.path().join("reader"), format!("{READER_TOKEN}\n")).unwrap();
    let r = run(om(d.path(), &realm, &server).args(["apply", "--om-token-file", "reader"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(one_error(&r).contains("not an admin"), "{}", r.stderr);
    keycloak::assert_no_secret(&r, READER_TOKEN);
    assert_eq!(server.sent("PUT"), 0);
    // No flag takes the token itself.
    let r = run(om(d.path(), &realm, &server).args(["apply", "--om-token", ADMIN_TOKEN]));
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn run_apply_pushes_the_configuration_and_verify_confirms_it() {
    let d = tempfile::tempdir().unwrap();
    let admin = Admin::login();
    let realm = admin.new_realm("run-apply");
    // No default admin left (run's back-door checks: tests/suite/run_back_door.rs).
    let users = serde_json::json!([crate::om_back_door::user(
        "alice",
        "alice@example.com",
        true
    )]);
    let server = StandIn::start_serving("1.13", "1.13.6", None, None, Some(&users));
    // render, apply and verify all need the server's version; one run asks once.
    let versions_asked = |from: usize| {
        server.requests()[from..]
            .iter()
            .filter(|q| q["path"] == "/api/v1/system/version")
            .count()
    };

    // Without --apply, the server cannot run what was just written: a warning, not a failure.
    let (r, v) = run_json(om(d.path(), &realm, &server).arg("run"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(versions_asked(0), 1);
    let before = server.requests().len();
    let c = check(&v["steps"]["verify"], "server-config");
    assert_eq!(c["status"], "warn", "{c}");
    assert!(c["hint"].as_str().unwrap().contains("--apply"), "{c}");
    assert_eq!(server.sent("PUT"), 0);

    // The server restarted on the key pair the first run made (apply cannot load key files).
    crate::run_back_door::serve_rendered_key(&server, d.path());
    let (r, v) = run_json(
        om(d.path(), &realm, &server)
            .env("OMSSO_OM_TOKEN", ADMIN_TOKEN)
            .args(["run", "--apply"]),
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(v["steps"]["apply"]["applied"], true, "{v}");
    assert_eq!(versions_asked(before), 1);
    assert!(
        r.stderr.contains("apply   OpenMetadata 1.13.6"),
        "{}",
        r.stderr
    );
    assert_eq!(
        check(&v["steps"]["verify"], "server-config")["status"],
        "pass"
    );
    assert_eq!(server.sent("PUT"), 1);
    assert_eq!(server.state(), rendered_blocks(d.path()));
    // Keycloak's request counts stay Keycloak's.
    assert_eq!(v["requests"]["PUT"], 0, "{v}");
    keycloak::assert_no_secret(&r, &keycloak::secret(&admin, &realm));
    keycloak::assert_no_secret(&r, ADMIN_TOKEN);
}

#[test]
fn an_openmetadata_out_of_reach_is_a_visible_skip() {
    let d = tempfile::tempdir().unwrap();
    let realm = realm_with_client(d.path(), "http://127.0.0.1:1");
    let r = run(configured(d.path(), &realm)
        .env("OMSSO_OM_URL", "http://127.0.0.1:1")
        .args(["render", "--credentials", "creds.json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (r, v) = run_json(
        configured(d.path(), &realm)
            .env("OMSSO_OM_URL", "http://127.0.0.1:1")
            .arg("verify"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    for name in ["server-version", "server-config"] {
        let c = check(&v, name);
        assert_eq!(c["status"], "skip", "{c}");
        assert!(
            c["detail"]
                .as_str()
                .unwrap()
                .contains("not reachable from here"),
            "{c}"
        );
    }
    // apply needs the server: one error naming it.
    let r = run(configured(d.path(), &realm)
        .env("OMSSO_OM_URL", "http://127.0.0.1:1")
        .env("OMSSO_OM_TOKEN", ADMIN_TOKEN)
        .arg("apply"));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        one_error(&r).contains("cannot reach OpenMetadata at http://127.0.0.1:1"),
        "{}",
        r.stderr
    );
}
