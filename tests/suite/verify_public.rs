//! Public OpenMetadata clients against the real Keycloak. Gap: a public config with the
//! implicit flow turned off (`--client-type public --implicit-flow false`) passed `run` and
//! `verify`, yet Keycloak refuses the login OpenMetadata's UI starts ("Implicit flow is
//! disabled for the client").

use crate::support::keycloak::{check, configured, keycloak, run_json, CLIENT_ID};
use crate::support::{one_error, run, Admin};
use serde_json::Value;

fn status<'a>(v: &'a Value, name: &str) -> &'a str {
    check(v, name)["status"].as_str().unwrap()
}

#[test]
fn run_refuses_a_public_client_with_the_implicit_flow_off() {
    let d = tempfile::tempdir().unwrap();
    let admin = Admin::login();
    let realm = admin.new_realm("pub-run");
    let r = run(configured(d.path(), &realm).args([
        "run",
        "--client-type",
        "public",
        "--implicit-flow",
        "false",
    ]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    let error = one_error(&r);
    assert!(error.contains("implicit flow"), "{error}");
    assert!(r.stderr.contains("hint: "), "{}", r.stderr);
    // Refused before anything changed.
    assert!(admin.client(&realm, CLIENT_ID).is_none());
    assert!(!d.path().join("out").exists());
}

#[test]
fn verify_fails_a_public_config_whose_client_has_the_implicit_flow_off() {
    let d = tempfile::tempdir().unwrap();
    let admin = Admin::login();
    let realm = admin.new_realm("pub-verify");
    // The client as `ensure --implicit-flow false` leaves it, and a public config rendered
    // for it (what `run` used to write before it refused).
    let r = run(keycloak(d.path(), "ensure", &realm).args(["--implicit-flow", "false"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(keycloak(d.path(), "fetch", &realm).args(["--write", "creds.json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(configured(d.path(), &realm).args([
        "render",
        "--credentials",
        "creds.json",
        "--client-type",
        "public",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);

    let (r, v) = run_json(configured(d.path(), &realm).arg("verify"));
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(status(&v, "client-flow"), "fail", "{v}");
    assert_eq!(status(&v, "silent-callback-registered"), "fail", "{v}");
    let detail = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "client-flow")
        .unwrap()["detail"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        detail.contains("Implicit flow is disabled for the client"),
        "{detail}"
    );

    // And a real login through the UI's implicit flow meets Keycloak's refusal itself.
    let r = admin.post(
        &format!("/{realm}/users"),
        &serde_json::json!({
            "username": "pat", "enabled": true, "email": "pat@example.test",
            "emailVerified": true, "firstName": "P", "lastName": "T",
            "credentials": [{"type": "password", "value": "pw-pat", "temporary": false}],
        }),
    );
    assert_eq!(r.status().as_u16(), 201);
    let (r, v) = run_json(
        configured(d.path(), &realm)
            .env("OMSSO_LOGIN_PASSWORD", "pw-pat")
            .args(["verify", "--login", "pat"]),
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    let login = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "login")
        .unwrap();
    assert_eq!(login["status"], "fail", "{login}");
    assert!(
        login["detail"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("implicit flow is disabled"),
        "{login}"
    );
}

#[test]
fn a_public_config_with_the_implicit_flow_on_logs_in() {
    let d = tempfile::tempdir().unwrap();
    let admin = Admin::login();
    let realm = admin.new_realm("pub-ok");
    let r = run(&mut keycloak(d.path(), "ensure", &realm));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(keycloak(d.path(), "fetch", &realm).args(["--write", "creds.json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(configured(d.path(), &realm).args([
        "render",
        "--credentials",
        "creds.json",
        "--client-type",
        "public",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = admin.post(
        &format!("/{realm}/users"),
        &serde_json::json!({
            "username": "quinn", "enabled": true, "email": "quinn@example.test",
            "emailVerified": true, "firstName": "Q", "lastName": "N",
            "credentials": [{"type": "password", "value": "pw-quinn", "temporary": false}],
        }),
    );
    assert_eq!(r.status().as_u16(), 201);
    let (r, v) = run_json(
        configured(d.path(), &realm)
            .env("OMSSO_LOGIN_PASSWORD", "pw-quinn")
            .args(["verify", "--login", "quinn"]),
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    for name in ["client-flow", "silent-callback-registered", "login"] {
        assert_eq!(status(&v, name), "pass", "{name}: {v}");
    }
    assert_eq!(v["login"]["flow"], "implicit (id_token)");
}
