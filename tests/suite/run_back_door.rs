//! `omsso run` closes OpenMetadata's back door for a new setup (issue 19 item 6): its verify
//! step runs the back-door checks `verify` runs (tests/suite/om_back_door.rs) whenever an
//! OpenMetadata URL is known, with OMSSO_OM_TOKEN for the default admin. Right after `run` made
//! the JWT key pair no server can serve it yet, so what deploying that pair resolves is a
//! warning with the next steps (deploy, restart, `omsso verify`), not a failure; a run that
//! kept its pair judges as `verify` does. The server is the stand-in, Keycloak the real one.
//!
//! Gap: `run` made and rendered the key pair but never looked at what the server serves, so a
//! server still on the quickstart key, or with the default admin, passed `run`'s checks.

use std::path::Path;

use serde_json::Value;

use crate::om_back_door::{served_jwk, user};
use crate::om_server::om;
use crate::support::keycloak::{self, check, run_json};
use crate::support::om_standin::{StandIn, ADMIN_TOKEN};
use crate::support::{run, Admin};

/// The key id the rendered openmetadata.yaml in `dir/out` names.
fn rendered_key_id(dir: &Path) -> String {
    let text = std::fs::read_to_string(dir.join("out/openmetadata.yaml")).unwrap();
    let doc: Value = serde_yaml::from_str(&text).unwrap();
    doc["jwtTokenConfiguration"]["keyId"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The stand-in serves the key pair `run` made in `dir/out/jwt` under the rendered key id: the
/// server restarted on the deployed files.
pub(crate) fn serve_rendered_key(server: &StandIn, dir: &Path) {
    let jwk = served_jwk(&dir.join("out/jwt/public_key.der"), &rendered_key_id(dir));
    server.serve_jwks(&serde_json::json!({ "keys": [jwk] }));
}

fn verify_check<'a>(v: &'a Value, name: &str) -> &'a Value {
    check(&v["steps"]["verify"], name)
}

/// `run` in `dir` for `realm` against `server`, with the admin token.
fn om_run(dir: &Path, realm: &str, server: &StandIn) -> std::process::Command {
    let mut cmd = om(dir, realm, server);
    cmd.env("OMSSO_OM_TOKEN", ADMIN_TOKEN).arg("run");
    cmd
}

/// Text: the first run made the pair; the report says so and what to do next, and passes.
fn first_run_in_text(dir: &Path, realm: &str, server: &StandIn) {
    let r = run(&mut om_run(dir, realm, server));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    keycloak::assert_no_secret(&r, ADMIN_TOKEN);
    let verify_line = r.stderr.lines().find(|l| l.starts_with("verify")).unwrap();
    assert!(
        verify_line.contains(" 0 FAIL")
            && verify_line.contains("own-key-rendered")
            && verify_line.contains("default-admin-gone"),
        "{verify_line}"
    );
    for line in [
        "checks that did not pass:",
        "own-key-rendered",
        "this run just made the key pair",
        "then run omsso verify",
        "default-admin-gone",
        "omsso remove-default-admin",
    ] {
        assert!(r.stdout.contains(line), "{line}: {}", r.stdout);
    }
}

#[test]
fn a_key_run_just_made_warns_with_the_next_steps_and_passes_once_the_server_serves_it() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let realm = Admin::login().new_realm("run-bd");
    // A fresh server: its own key (neither the quickstart one nor the rendered one) and the
    // basic-auth admin its first start created.
    let server = StandIn::start("1.12", "1.12.7");

    first_run_in_text(a.path(), &realm, &server);

    // JSON, another output folder (another pair): the same findings, as warnings.
    let (r, v) = run_json(&mut om_run(b.path(), &realm, &server));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    keycloak::assert_no_secret(&r, ADMIN_TOKEN);
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(verify_check(&v, "own-key-not-quickstart")["status"], "pass");
    let c = verify_check(&v, "own-key-rendered");
    assert_eq!(c["status"], "warn", "{c}");
    assert!(
        c["detail"]
            .as_str()
            .unwrap()
            .contains(&rendered_key_id(b.path()))
            && c["hint"].as_str().unwrap().contains("restart OpenMetadata"),
        "{c}"
    );
    let c = verify_check(&v, "default-admin-gone");
    assert_eq!(c["status"], "warn", "{c}");
    assert!(
        c["detail"]
            .as_str()
            .unwrap()
            .contains("admin@open-metadata.org"),
        "{c}"
    );

    // The server restarted on b's pair: the kept pair passes; the default admin, no longer
    // a new setup's, fails as in `verify` (exit 3), and without a token it is a visible skip.
    serve_rendered_key(&server, b.path());
    let (r, v) = run_json(&mut om_run(b.path(), &realm, &server));
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    keycloak::assert_no_secret(&r, ADMIN_TOKEN);
    for name in ["own-key-not-quickstart", "own-key-rendered"] {
        assert_eq!(verify_check(&v, name)["status"], "pass", "{name}: {v}");
    }
    assert_eq!(verify_check(&v, "default-admin-gone")["status"], "fail");
    assert!(r.stderr.contains("default-admin-gone"), "{}", r.stderr);
    let (r, v) = run_json(om(b.path(), &realm, &server).arg("run"));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(verify_check(&v, "default-admin-gone")["status"], "skip");
    assert_eq!(verify_check(&v, "own-key-rendered")["status"], "pass");

    // a kept its pair, which the server does not serve: judged as `verify` judges it.
    let r = run(&mut om_run(a.path(), &realm, &server));
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    keycloak::assert_no_secret(&r, ADMIN_TOKEN);
    assert!(r.stdout.contains("FAIL own-key-rendered"), "{}", r.stdout);
    assert!(
        !r.stdout.contains("this run just made the key pair"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_server_on_the_quickstart_key_is_reported_by_run_and_fails_once_the_pair_is_kept() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let realm = Admin::login().new_realm("run-qs");
    let quickstart = crate::quickstart_key::quickstart_key_file(a.path());
    let kid = omsso::openmetadata::quickstart::KEY_ID;
    let jwks = serde_json::json!({ "keys": [served_jwk(&quickstart, kid)] });
    let users = serde_json::json!([user("alice", "alice@example.com", true)]);
    let server = StandIn::start_serving("1.12", "1.12.7", None, Some(&jwks), Some(&users));
    let thumbprint = omsso::openmetadata::quickstart::THUMBPRINT;

    // A new setup: the quickstart key is named for what it is, as a warning with the next steps.
    let (r, v) = run_json(&mut om_run(a.path(), &realm, &server));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    keycloak::assert_no_secret(&r, ADMIN_TOKEN);
    let c = verify_check(&v, "own-key-not-quickstart");
    assert_eq!(c["status"], "warn", "{c}");
    let detail = c["detail"].as_str().unwrap();
    assert!(
        detail.contains("serves the quickstart key") && detail.contains(thumbprint),
        "{detail}"
    );
    assert_eq!(verify_check(&v, "default-admin-gone")["status"], "pass");
    let r = run(&mut om_run(b.path(), &realm, &server));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("own-key-not-quickstart") && r.stdout.contains(thumbprint),
        "{}",
        r.stdout
    );

    // The pair kept and the server still on the quickstart key: exit 3, named.
    let (r, v) = run_json(&mut om_run(a.path(), &realm, &server));
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    keycloak::assert_no_secret(&r, ADMIN_TOKEN);
    for name in ["own-key-not-quickstart", "own-key-rendered"] {
        assert_eq!(verify_check(&v, name)["status"], "fail", "{name}: {v}");
    }
    assert!(
        r.stderr
            .contains("own-key-not-quickstart, own-key-rendered"),
        "{}",
        r.stderr
    );
}
