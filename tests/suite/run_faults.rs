//! `omsso run` when Keycloak goes away between its steps, or its admin token expires in the
//! middle of the run. The real test Keycloak answers; a proxy in front of it (tests/kc_proxy)
//! plays the outage or the slow network. The admin login is a realm-local admin of the test's
//! own realm, so the realm's token lifespan can be made short without touching `master`,
//! which every other test logs in to.

use crate::support::{self, keycloak};

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::support::faults::{assert_untouched, temp_files, Snapshot};
use crate::support::kc_proxy::{Action, Proxy};
use crate::support::{one_error, run, Admin, Run};
use serde_json::json;

const ADMIN: &str = "run-admin";
const ADMIN_PASSWORD: &str = "Run-Adm1n-pass-4f2a";

/// A fresh realm with a realm-local admin and an age key pair (`collate.key`) in `dir`; returns the realm and the recipient.
fn setup(admin: &Admin, tag: &str, dir: &Path) -> (String, String) {
    let realm = admin.new_realm(tag);
    keycloak::realm_admin(admin, &realm, ADMIN, ADMIN_PASSWORD);
    let r = run(support::omsso(dir).args(["keygen", "-o", "collate.key"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    (realm, r.stdout.trim().to_string())
}

/// `omsso run -r RECIPIENT` for `realm` through `proxy`, logged in as the realm's admin.
fn omsso_run(dir: &Path, realm: &str, recipient: &str, proxy: &Proxy) -> Command {
    let mut cmd = keycloak::configured(dir, realm);
    cmd.env("OMSSO_KEYCLOAK_URL", &proxy.url)
        .env("OMSSO_ADMIN_USERNAME", ADMIN)
        .env("OMSSO_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("OMSSO_ADMIN_REALM", realm)
        .args(["run", "-r", recipient]);
    cmd
}

fn assert_no_secrets(r: &Run, admin: &Admin, realm: &str) {
    keycloak::assert_no_secret(r, &keycloak::secret(admin, realm));
    keycloak::assert_no_secret(r, ADMIN_PASSWORD);
}

#[test]
fn keycloak_stopping_when_fetch_begins_leaves_the_previous_files() {
    let admin = Admin::login();
    let dir = tempfile::tempdir().unwrap();
    let (realm, recipient) = setup(&admin, "runstop1", dir.path());
    let up = Proxy::start(|_, _| Action::Forward);
    let r = run(&mut omsso_run(dir.path(), &realm, &recipient, &up));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = dir.path().join("out");
    let before = Snapshot::of(&out);

    // The realm's discovery document is the first thing fetch reads (ensure never does).
    let down = Proxy::start(|line, _| {
        if line.contains("/.well-known/openid-configuration") {
            Action::Stop
        } else {
            Action::Forward
        }
    });
    let r = run(omsso_run(dir.path(), &realm, &recipient, &down).args([
        "--force",
        "--om-url",
        "https://changed.example.com",
    ]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let error = one_error(&r);
    assert!(error.contains(&down.url), "{error}");
    assert!(
        r.stderr.contains("ensure  updated client"),
        "ensure ran before the outage: {}",
        r.stderr
    );
    assert!(!r.stderr.contains("render "), "{}", r.stderr);
    assert_no_secrets(&r, &admin, &realm);
    assert_eq!(temp_files(&out), Vec::<std::path::PathBuf>::new());
    assert_untouched(&before, &out);
}

#[test]
fn keycloak_stopping_after_fetch_fails_verify_with_complete_files() {
    let admin = Admin::login();
    let dir = tempfile::tempdir().unwrap();
    let (realm, recipient) = setup(&admin, "runstop2", dir.path());
    // Everything up to the secret passes; the next request (verify's first) finds it gone.
    let proxy = {
        let secret_seen = std::sync::atomic::AtomicBool::new(false);
        Proxy::start(move |line, _| {
            use std::sync::atomic::Ordering;
            if secret_seen.load(Ordering::SeqCst) {
                return Action::Stop;
            }
            if line.contains("/client-secret") {
                secret_seen.store(true, Ordering::SeqCst);
            }
            Action::Forward
        })
    };
    let r = run(&mut omsso_run(dir.path(), &realm, &recipient, &proxy));
    assert_ne!(r.code, 0, "{}", r.stderr);
    let error = one_error(&r);
    assert!(error.contains(&proxy.url), "{error}");
    assert_no_secrets(&r, &admin, &realm);

    // What render and seal wrote (they need no Keycloak) is whole, with its modes.
    let out = dir.path().join("out");
    assert_eq!(temp_files(&out), Vec::<std::path::PathBuf>::new());
    for (file, mode) in [
        ("openmetadata.yaml", 0o600),
        ("openmetadata.env", 0o600),
        ("helm/values.yaml", 0o644),
        ("helm/oidc-secrets.yaml", 0o600),
        ("collate-handoff.age", 0o600),
    ] {
        let meta = std::fs::metadata(out.join(file)).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, mode, "{file}");
    }
    let r = run(support::omsso(dir.path()).args([
        "open",
        "out/collate-handoff.age",
        "-i",
        "collate.key",
        "--format",
        "json",
        "--show-secret",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let opened: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        opened["bundle"]["client_secret"],
        keycloak::secret(&admin, &realm).as_str()
    );
}

/// The realm's tokens live one second; the proxy holds fetch's request for the secret long
/// enough that the token it carries has expired when Keycloak sees it. Keycloak answers 401;
/// omsso logs in again once and repeats the request, and the run completes.
#[test]
fn an_admin_token_expiring_in_the_middle_of_a_run_is_renewed() {
    let admin = Admin::login();
    let dir = tempfile::tempdir().unwrap();
    let (realm, recipient) = setup(&admin, "runtoken", dir.path());
    admin.put(&format!("/{realm}"), &json!({ "accessTokenLifespan": 1 }));
    let proxy = Proxy::start(|line, _| {
        static HELD: std::sync::Once = std::sync::Once::new();
        let mut hold = false;
        if line.contains("/client-secret") {
            HELD.call_once(|| hold = true);
        }
        if hold {
            Action::HoldThenForward(Duration::from_millis(2200))
        } else {
            Action::Forward
        }
    });
    let r = run(omsso_run(dir.path(), &realm, &recipient, &proxy).arg("-v"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("401 with the current admin token; logging in again"),
        "{}",
        r.stderr
    );
    assert_eq!(proxy.count("/client-secret"), 2, "{:#?}", proxy.seen());
    assert!(proxy.count("/protocol/openid-connect/token") >= 2);
    assert_no_secrets(&r, &admin, &realm);
}
