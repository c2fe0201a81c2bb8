//! `omsso keycloak fetch` and `rotate` against the real Keycloak: fetch returns the secret
//! Keycloak holds (and only shows it when asked), writes a 0600 credentials file that is never
//! silently replaced, and changes nothing; rotate needs confirmation, changes the secret, and
//! the old one stops authenticating.

use crate::support::{self, keycloak};

use std::os::unix::fs::PermissionsExt;

use crate::support::keycloak::{
    assert_no_secret, ensure_ok, keycloak, run_json, CLIENT_ID, OM_URL,
};
use crate::support::{run, Admin};
use serde_json::Value;

#[test]
fn fetch_returns_the_secret_keycloak_holds_and_it_authenticates() {
    let admin = Admin::login();
    let realm = admin.new_realm("cred-fetch");
    let dir = tempfile::tempdir().unwrap();
    ensure_ok(dir.path(), &realm);
    let held = keycloak::secret(&admin, &realm);

    let (r, v) = run_json(keycloak(dir.path(), "fetch", &realm).arg("--show-secret"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(v["client_secret"], held.as_str());
    assert_eq!(v["client_id"], CLIENT_ID);
    assert_eq!(v["realm"], realm.as_str());
    assert_eq!(v["openmetadata_url"], OM_URL);

    // Endpoints come from the live discovery document.
    let base = support::keycloak_url();
    let discovery_uri = format!("{base}/realms/{realm}/.well-known/openid-configuration");
    let doc: Value = support::get(&discovery_uri).unwrap().json().unwrap();
    assert_eq!(v["discovery_uri"], discovery_uri.as_str());
    for key in [
        "issuer",
        "jwks_uri",
        "token_endpoint",
        "authorization_endpoint",
    ] {
        assert_eq!(v[key], doc[key], "{key}");
    }

    let claims = keycloak::client_credentials(&realm, v["client_secret"].as_str().unwrap())
        .expect("the fetched secret authenticates");
    assert!(claims["sub"].is_string());

    // Without --show-secret the secret appears nowhere, in either format; the authority and
    // JWKS URL are printed. Fetching sends no write request.
    let (r, v) = run_json(&mut keycloak(dir.path(), "fetch", &realm));
    assert_no_secret(&r, &held);
    assert_eq!(v["client_secret_present"], true);
    assert!(v.get("client_secret").is_none());
    let r = run(keycloak(dir.path(), "fetch", &realm).arg("-vv"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_no_secret(&r, &held);
    assert!(
        r.stdout.contains(doc["issuer"].as_str().unwrap()),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains(doc["jwks_uri"].as_str().unwrap()));
    assert!(r.stdout.contains("--show-secret"));
    assert!(
        r.stderr.contains("POST 0, PUT 0, DELETE 0"),
        "fetch wrote something: {}",
        r.stderr
    );
    assert_eq!(
        keycloak::secret(&admin, &realm),
        held,
        "fetch changed the secret"
    );
}

#[test]
fn fetch_writes_a_private_credentials_file_and_never_replaces_it_silently() {
    let admin = Admin::login();
    let realm = admin.new_realm("cred-write");
    let dir = tempfile::tempdir().unwrap();
    ensure_ok(dir.path(), &realm);
    let held = keycloak::secret(&admin, &realm);
    let file = dir.path().join("out/credentials.json");

    // Into the output folder: it is created 0700 with a .gitignore.
    let r = run(keycloak(dir.path(), "fetch", &realm).args(["--write", "out/credentials.json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_no_secret(&r, &held);
    let meta = std::fs::metadata(&file).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    assert!(dir.path().join("out/.gitignore").exists());
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(saved["client_secret"], held.as_str());
    assert_eq!(saved["realm"], realm.as_str());
    assert!(saved["issuer"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/realms/{realm}")));

    // Same credentials again: nothing to replace.
    let r = run(keycloak(dir.path(), "fetch", &realm).args(["--write", "out/credentials.json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);

    // The secret changes in Keycloak: the file is kept unless --force.
    let uuid = keycloak::client(&admin, &realm)["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = admin.post(
        &format!("/{realm}/clients/{uuid}/client-secret"),
        &Value::Null,
    );
    assert!(r.status().is_success());
    let before = std::fs::read(&file).unwrap();
    let r = run(keycloak(dir.path(), "fetch", &realm).args(["--write", "out/credentials.json"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    assert_eq!(
        std::fs::read(&file).unwrap(),
        before,
        "file replaced without --force"
    );

    let r = run(keycloak(dir.path(), "fetch", &realm).args([
        "--write",
        "out/credentials.json",
        "--force",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(
        saved["client_secret"],
        keycloak::secret(&admin, &realm).as_str()
    );
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn rotate_needs_confirmation_then_changes_the_secret_and_the_old_one_fails() {
    let admin = Admin::login();
    let realm = admin.new_realm("cred-rotate");
    let dir = tempfile::tempdir().unwrap();
    ensure_ok(dir.path(), &realm);
    let old = keycloak::secret(&admin, &realm);

    // stdin is not a terminal here: no prompt possible, so --yes is required.
    let r = run(&mut keycloak(dir.path(), "rotate", &realm));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--yes"), "{}", r.stderr);
    assert_eq!(
        keycloak::secret(&admin, &realm),
        old,
        "rotated without confirmation"
    );

    let (r, v) = run_json(keycloak(dir.path(), "rotate", &realm).args(["--yes", "--show-secret"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("Redeploy"), "{}", r.stderr);
    let new = keycloak::secret(&admin, &realm);
    assert_ne!(new, old);
    assert_eq!(v["client_secret"], new.as_str());
    assert_no_secret(&r, &old);

    assert_eq!(keycloak::client_credentials(&realm, &old).unwrap_err(), 401);
    assert!(keycloak::client_credentials(&realm, &new).is_ok());

    // Without --show-secret the new secret is not printed either.
    let r = run(keycloak(dir.path(), "rotate", &realm).arg("--yes"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_no_secret(&r, &keycloak::secret(&admin, &realm));
}
