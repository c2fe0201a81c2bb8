//! `omsso verify` (live) against the real Keycloak: clean on freshly rendered output, and
//! exit 3 naming the check after each kind of breakage the issue lists.

mod common;
mod kc;

use std::path::Path;
use std::process::Command;

use common::{run, Admin};
use kc::{configured, ensure_ok, keycloak, run_json, CLIENT_ID, OM_URL};
use serde_json::{json, Value};

/// A realm with the OpenMetadata client, and `out/openmetadata.yaml` rendered from its live
/// credentials.
fn rendered(dir: &Path) -> String {
    let admin = Admin::login();
    let realm = admin.new_realm("verify");
    ensure_ok(dir, &realm);
    let r = run(keycloak(dir, "fetch", &realm).args(["--write", "creds.json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(render(dir, &realm).args(["--credentials", "creds.json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    realm
}

fn render(dir: &Path, realm: &str) -> Command {
    let mut cmd = configured(dir, realm);
    cmd.arg("render");
    cmd
}

fn verify(dir: &Path, realm: &str) -> (common::Run, Value) {
    run_json(configured(dir, realm).arg("verify"))
}

fn failed(v: &Value) -> Vec<String> {
    v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail")
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect()
}

fn edit_rendered(dir: &Path, from: &str, to: &str) {
    let p = dir.join("out/openmetadata.yaml");
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{from} not in {text}");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn fresh_output_passes_every_check() {
    let d = tempfile::tempdir().unwrap();
    let realm = rendered(d.path());
    let (r, v) = verify(d.path(), &realm);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(v["ok"], true);
    let names: Vec<&str> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    for n in [
        "discovery-reachable",
        "issuer-matches-authority",
        "public-key-urls",
        "jwks-signing-key",
        "client-exists",
        "client-confidential",
        "redirect-uri-registered",
        "default-scopes",
        "secret-authenticates",
        "token-issuer",
        "urls-consistent",
    ] {
        assert!(names.contains(&n), "check {n} missing: {names:?}");
    }
    assert!(
        v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["status"] == "pass"),
        "{v}"
    );
    // The text report names every check too, and never the secret.
    let r = run(configured(d.path(), &realm).arg("verify"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let creds: Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("creds.json")).unwrap())
            .unwrap();
    let secret = creds["client_secret"].as_str().unwrap();
    assert!(!r.stdout.contains(secret) && !r.stderr.contains(secret));
    assert!(r.stdout.contains("secret-authenticates"), "{}", r.stdout);
}

#[test]
fn a_rotated_secret_fails_secret_authenticates() {
    let d = tempfile::tempdir().unwrap();
    let realm = rendered(d.path());
    let admin = Admin::login();
    let uuid = admin.client(&realm, CLIENT_ID).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = admin.post(
        &format!("/{realm}/clients/{uuid}/client-secret"),
        &json!({}),
    );
    assert!(r.status().is_success());
    let (r, v) = verify(d.path(), &realm);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_eq!(failed(&v), ["secret-authenticates"], "{v}");
    assert!(r.stderr.contains("secret-authenticates"), "{}", r.stderr);
}

#[test]
fn a_removed_redirect_uri_fails_redirect_uri_registered() {
    let d = tempfile::tempdir().unwrap();
    let realm = rendered(d.path());
    let admin = Admin::login();
    let mut client = admin.client(&realm, CLIENT_ID).unwrap();
    let uuid = client["id"].as_str().unwrap().to_string();
    client["redirectUris"] = json!([format!("{OM_URL}/silent-callback")]);
    admin.put(&format!("/{realm}/clients/{uuid}"), &client);
    let (r, v) = verify(d.path(), &realm);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_eq!(failed(&v), ["redirect-uri-registered"], "{v}");
}

#[test]
fn an_edited_authority_fails_issuer_matches_authority() {
    let d = tempfile::tempdir().unwrap();
    let realm = rendered(d.path());
    let issuer = format!("{}/realms/{realm}", common::keycloak_url());
    edit_rendered(
        d.path(),
        &format!("authority: \"{issuer}\""),
        &format!("authority: \"{issuer}/protocol/openid-connect/auth\""),
    );
    let (r, v) = verify(d.path(), &realm);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_eq!(
        failed(&v),
        ["issuer-matches-authority", "token-issuer"],
        "{v}"
    );
}

#[test]
fn a_dropped_public_key_url_fails_public_key_urls() {
    let d = tempfile::tempdir().unwrap();
    let realm = rendered(d.path());
    edit_rendered(
        d.path(),
        "\n    - \"http://localhost:8585/api/v1/system/config/jwks\"",
        "",
    );
    let (r, v) = verify(d.path(), &realm);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_eq!(failed(&v), ["public-key-urls"], "{v}");
}
