//! Where `render` and `seal` get the credentials: live from Keycloak (default), a credentials
//! file, or a sealed bundle. All three must render the same bytes for the same client.

use crate::support;

use std::path::Path;

use crate::support::keycloak::{configured, ensure_ok};
use crate::support::{run, Admin};

fn render(dir: &Path, realm: &str, out: &str, source: &[&str]) {
    let r = run(configured(dir, realm)
        .args(["render", "--out", out])
        // Each output folder gets its own JWT key pair; one key id keeps the files comparable.
        .args(["--jwt-key-id", "sources-test"])
        .args(source));
    assert_eq!(r.code, 0, "{source:?}: {}", r.stderr);
}

fn read_all(dir: &Path) -> Vec<(String, Vec<u8>)> {
    [
        "openmetadata.yaml",
        "openmetadata.env",
        "helm/values.yaml",
        "helm/oidc-secrets.yaml",
    ]
    .iter()
    .map(|f| (f.to_string(), std::fs::read(dir.join(f)).unwrap()))
    .collect()
}

#[test]
fn live_file_and_bundle_sources_render_the_same_files() {
    let d = tempfile::tempdir().unwrap();
    let realm = Admin::login().new_realm("sources");
    ensure_ok(d.path(), &realm);

    // Live (no source flag): fetched from Keycloak.
    render(d.path(), &realm, "live", &[]);
    // A credentials file written by fetch.
    let r = run(configured(d.path(), &realm).args(["keycloak", "fetch", "--write", "creds.json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    render(d.path(), &realm, "file", &["--credentials", "creds.json"]);
    // A sealed bundle, sealed live and opened with the recipient's key.
    let r = run(support::omsso(d.path()).args(["keygen", "-o", "k.key"]));
    let recipient = r.stdout.trim().to_string();
    let r = run(configured(d.path(), &realm).args(["seal", "-r", &recipient, "-o", "h.age"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    render(
        d.path(),
        &realm,
        "bundle",
        &["--from-bundle", "h.age", "-i", "k.key"],
    );

    let live = read_all(&d.path().join("live"));
    assert_eq!(read_all(&d.path().join("file")), live);
    assert_eq!(read_all(&d.path().join("bundle")), live);
}

#[test]
fn a_bundle_without_the_right_identity_renders_nothing() {
    let d = tempfile::tempdir().unwrap();
    let realm = Admin::login().new_realm("sources-bad");
    ensure_ok(d.path(), &realm);
    let r = run(support::omsso(d.path()).args(["keygen", "-o", "a.key"]));
    let recipient = r.stdout.trim().to_string();
    run(support::omsso(d.path()).args(["keygen", "-o", "b.key"]));
    let r = run(configured(d.path(), &realm).args(["seal", "-r", &recipient, "-o", "h.age"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(configured(d.path(), &realm).args([
        "render",
        "--out",
        "o",
        "--from-bundle",
        "h.age",
        "-i",
        "b.key",
    ]));
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("no identity matches"), "{}", r.stderr);
    assert!(!d.path().join("o").exists());
}
