//! Every Keycloak error a real server (or a real closed port) produces: one line naming what
//! failed, a hint, the documented exit code, and never a password or secret in the output.

use crate::support::{self, keycloak};

use crate::support::keycloak::{ensure_ok, keycloak};
use crate::support::{omsso, run, Admin, Run};

fn expect(r: &Run, code: i32, needles: &[&str]) {
    assert_eq!(r.code, code, "stdout: {}\nstderr: {}", r.stdout, r.stderr);
    for n in needles {
        assert!(r.stderr.contains(n), "{n:?} not in stderr: {}", r.stderr);
    }
    assert!(r.stderr.contains("hint:"), "no hint: {}", r.stderr);
    let errors = r.stderr.lines().filter(|l| l.starts_with("error:")).count();
    assert_eq!(errors, 1, "{}", r.stderr);
}

/// A port on 127.0.0.1 nothing listens on.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[test]
fn a_wrong_password_names_the_user_and_login_realm_and_never_the_password() {
    let admin = Admin::login();
    let realm = admin.new_realm("err-pw");
    let dir = tempfile::tempdir().unwrap();
    let wrong = "Wr0ng-pa55word-xyz";
    let r = run(keycloak(dir.path(), "ensure", &realm).env("OMSSO_ADMIN_PASSWORD", wrong));
    expect(
        &r,
        2,
        &["user `admin`", "realm `master`", "Invalid user credentials"],
    );
    assert!(!r.stderr.contains(wrong) && !r.stdout.contains(wrong));
    // Nothing was created.
    assert!(admin.client(&realm, keycloak::CLIENT_ID).is_none());
}

#[test]
fn a_user_without_roles_is_told_which_role_is_missing() {
    let admin = Admin::login();
    let realm = admin.new_realm("err-403");
    keycloak::user_without_roles(&admin, &realm, "norole", "N0role-pass");
    let dir = tempfile::tempdir().unwrap();
    let as_norole = |sub: &str| {
        let mut cmd = keycloak(dir.path(), sub, &realm);
        cmd.env("OMSSO_ADMIN_PASSWORD", "N0role-pass").args([
            "--admin-username",
            "norole",
            "--admin-realm",
            &realm,
        ]);
        cmd
    };
    let r = run(&mut as_norole("ensure"));
    expect(&r, 2, &["user `norole`", "manage-clients", "403"]);
    assert!(r.stderr.contains("realm-management"), "{}", r.stderr);
    assert!(admin.client(&realm, keycloak::CLIENT_ID).is_none());

    ensure_ok(dir.path(), &realm);
    let r = run(&mut as_norole("fetch"));
    expect(&r, 2, &["user `norole`", "view-clients"]);
}

#[test]
fn a_missing_realm_points_at_create_realm() {
    let dir = tempfile::tempdir().unwrap();
    let realm = format!("err-norealm-{}", std::process::id());
    let r = run(&mut keycloak(dir.path(), "ensure", &realm));
    expect(
        &r,
        2,
        &[&format!("realm `{realm}` does not exist"), "--create-realm"],
    );
    let r = run(&mut keycloak(dir.path(), "fetch", &realm));
    expect(&r, 2, &[&format!("realm `{realm}` does not exist")]);
}

#[test]
fn a_missing_client_on_fetch_points_at_ensure() {
    let admin = Admin::login();
    let realm = admin.new_realm("err-noclient");
    let dir = tempfile::tempdir().unwrap();
    let r = run(&mut keycloak(dir.path(), "fetch", &realm));
    expect(
        &r,
        2,
        &[
            "client `open-metadata` does not exist",
            "omsso keycloak ensure",
        ],
    );
    let r = run(keycloak(dir.path(), "rotate", &realm).arg("--yes"));
    expect(&r, 2, &["client `open-metadata` does not exist"]);
}

#[test]
fn a_closed_port_names_the_url() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("http://127.0.0.1:{}", closed_port());
    let r = run(keycloak(dir.path(), "ensure", "data").args(["--keycloak-url", &url]));
    expect(&r, 1, &[&url, "cannot connect", "--keycloak-url"]);
    let (r, v) =
        keycloak::run_json(keycloak(dir.path(), "fetch", "data").args(["--keycloak-url", &url]));
    assert_eq!(r.code, 1);
    assert_eq!(v["ok"], false);
    assert_eq!(v["error"]["exit_code"], 1);
}

#[test]
fn the_master_realm_is_refused_before_any_request() {
    let dir = tempfile::tempdir().unwrap();
    // A closed port: had omsso tried to connect, it would fail with exit 1 instead.
    let url = format!("http://127.0.0.1:{}", closed_port());
    for sub in ["ensure", "fetch"] {
        let r = run(keycloak(dir.path(), sub, "master").args(["--keycloak-url", &url]));
        expect(&r, 2, &["`master` realm", "--realm"]);
    }
}

#[test]
fn tls_and_ca_problems_point_at_cacert() {
    let dir = tempfile::tempdir().unwrap();
    // The test Keycloak speaks plain HTTP, so a TLS handshake with it fails.
    let https = support::keycloak_url().replace("http://", "https://");
    let r = run(keycloak(dir.path(), "ensure", "data").args(["--keycloak-url", &https]));
    expect(&r, 1, &["TLS handshake", &https, "--cacert"]);

    std::fs::write(dir.path().join("not-a-cert.pem"), "hello\n").unwrap();
    let r = run(keycloak(dir.path(), "ensure", "data").args(["--cacert", "not-a-cert.pem"]));
    expect(&r, 2, &["not-a-cert.pem", "no PEM certificate"]);
    let r = run(keycloak(dir.path(), "ensure", "data").args(["--cacert", "missing.pem"]));
    expect(&r, 2, &["missing.pem"]);

    let r = run(keycloak(dir.path(), "ensure", "data").arg("--insecure"));
    assert!(r.stderr.contains("NOT verified"), "{}", r.stderr);
}

#[test]
fn a_url_that_is_not_keycloak_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("{}/not-here", support::keycloak_url());
    let r = run(keycloak(dir.path(), "ensure", "data").args(["--keycloak-url", &url]));
    expect(&r, 1, &["no Keycloak answers", &url]);
}

#[test]
fn missing_settings_are_named_before_connecting() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(omsso(dir.path()).args(["keycloak", "ensure", "--realm", "data"]));
    expect(&r, 2, &["openmetadata.url", "--om-url"]);
    let r = run(omsso(dir.path()).args([
        "keycloak",
        "fetch",
        "--realm",
        "data",
        "--keycloak-url",
        support::keycloak_url(),
    ]));
    expect(&r, 2, &["no admin credentials"]);
}

/// Puts a client policy on `realm` whose `reject-implicit-grant` executor either refuses
/// clients with the implicit flow or (auto-configure) silently turns it off.
fn reject_implicit_flow(admin: &Admin, realm: &str, auto_configure: bool) {
    admin.put(
        &format!("/{realm}/client-policies/profiles"),
        &serde_json::json!({ "profiles": [{
            "name": "no-implicit",
            "executors": [{
                "executor": "reject-implicit-grant",
                "configuration": { "auto-configure": auto_configure.to_string() },
            }],
        }]}),
    );
    admin.put(
        &format!("/{realm}/client-policies/policies"),
        &serde_json::json!({ "policies": [{
            "name": "no-implicit", "enabled": true,
            "conditions": [{ "condition": "any-client", "configuration": {} }],
            "profiles": ["no-implicit"],
        }]}),
    );
}

#[test]
fn a_realm_policy_rejecting_the_implicit_flow_is_shown_with_keycloaks_words() {
    let admin = Admin::login();
    let realm = admin.new_realm("err-policy");
    reject_implicit_flow(&admin, &realm, false);
    let dir = tempfile::tempdir().unwrap();
    let r = run(&mut keycloak(dir.path(), "ensure", &realm));
    expect(
        &r,
        1,
        &[
            "Keycloak refused to create client",
            "implicit flow",
            "--implicit-flow false",
        ],
    );
    assert!(admin.client(&realm, keycloak::CLIENT_ID).is_none());
    // The auth-code-only client passes the same policy.
    let r = run(keycloak(dir.path(), "ensure", &realm).args(["--implicit-flow", "false"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn a_policy_that_silently_rewrites_a_field_is_reported() {
    let admin = Admin::login();
    let realm = admin.new_realm("err-autoconf");
    reject_implicit_flow(&admin, &realm, true);
    let dir = tempfile::tempdir().unwrap();
    let r = run(&mut keycloak(dir.path(), "ensure", &realm));
    expect(
        &r,
        1,
        &[
            "did not keep",
            "implicitFlowEnabled",
            "--implicit-flow false",
        ],
    );
}
