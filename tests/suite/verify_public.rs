//! Public OpenMetadata clients against the real Keycloak. Gap: a public config with the
//! implicit flow turned off (`--client-type public --implicit-flow false`) passed `run` and
//! `verify`, yet Keycloak refuses the login OpenMetadata's UI starts ("Implicit flow is
//! disabled for the client").

use std::path::Path;

use crate::support::keycloak::{
    check, configured, create_user, fetch_and_render, keycloak, login, person, run_json, CLIENT_ID,
};
use crate::support::table::each;
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

/// A public config rendered for the client as `keycloak ensure ENSURE` leaves it, and a real
/// login through the UI's implicit flow: its exit code and what the login check says; `then`
/// asserts the rest.
struct Public {
    ensure: &'static [&'static str],
    code: i32,
    login: &'static str,
    then: fn(dir: &Path, realm: &str, login: &Value),
}

#[test]
fn public_configs_log_in_only_with_the_implicit_flow_on() {
    let rows = [
        // What `run` used to write before it refused: verify fails it, and the login meets
        // Keycloak's refusal itself.
        (
            "verify fails a public config whose client has the implicit flow off",
            Public {
                ensure: &["--implicit-flow", "false"],
                code: 3,
                login: "fail",
                then: implicit_flow_off,
            },
        ),
        (
            "a public config with the implicit flow on logs in",
            Public {
                ensure: &[],
                code: 0,
                login: "pass",
                then: |_, _, v| {
                    for name in ["client-flow", "silent-callback-registered"] {
                        assert_eq!(status(v, name), "pass", "{name}: {v}");
                    }
                    assert_eq!(v["login"]["flow"], "implicit (id_token)");
                },
            },
        ),
    ];
    each(&rows, |_, row| {
        let d = tempfile::tempdir().unwrap();
        let admin = Admin::login();
        let realm = admin.new_realm("pub");
        let r = run(keycloak(d.path(), "ensure", &realm).args(row.ensure));
        assert_eq!(r.code, 0, "{}", r.stderr);
        let render = configured(d.path(), &realm);
        fetch_and_render(d.path(), &realm, render, &["--client-type", "public"]);
        let pat = person("pat", Some("pat@example.test"), true, "pw-pat");
        create_user(&admin, &realm, &pat);
        let (r, v) = login(configured(d.path(), &realm), "pat", "pw-pat");
        assert_eq!(r.code, row.code, "{}\n{}", r.stdout, r.stderr);
        assert_eq!(status(&v, "login"), row.login, "{v}");
        (row.then)(d.path(), &realm, &v);
    });
}

/// verify fails client-flow and silent-callback-registered, in Keycloak's words; the login
/// fails with them too.
fn implicit_flow_off(dir: &Path, realm: &str, login: &Value) {
    let login = check(login, "login");
    assert!(
        login["detail"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("implicit flow is disabled"),
        "{login}"
    );
    let (r, v) = run_json(configured(dir, realm).arg("verify"));
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(status(&v, "client-flow"), "fail", "{v}");
    assert_eq!(status(&v, "silent-callback-registered"), "fail", "{v}");
    let detail = check(&v, "client-flow")["detail"].as_str().unwrap();
    assert!(
        detail.contains("Implicit flow is disabled for the client"),
        "{detail}"
    );
}
