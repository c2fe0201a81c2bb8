//! The quickstart JWT key (issue 19): the key every OpenMetadata image ships, recognised by its
//! content. Its public half and two tokens OpenMetadata publishes in its own released
//! `openmetadata-ingestion` wheel (an admin token without expiry in the example workflows, an
//! ingestion-bot token in `sas.yaml`) are reference data (`openmetadata/quickstart/`, see the
//! shared PROVENANCE.md); `verify --file` recognises a key file holding that key whatever its
//! name.

use std::path::Path;

use crate::support::{omsso, reference, run};
use omsso::jwt_keys::PublicKey;
use omsso::openmetadata::quickstart;
use serde_json::Value;

fn quickstart_key() -> PublicKey {
    let der = std::fs::read(reference("openmetadata/quickstart/public_key.der")).unwrap();
    PublicKey::from_der(&der).unwrap()
}

fn published_tokens() -> Vec<String> {
    std::fs::read_to_string(reference("openmetadata/quickstart/published-tokens.txt"))
        .unwrap()
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

/// A token's `header.payload` and its signature bytes.
fn split(token: &str) -> (&str, Vec<u8>) {
    use base64::Engine;
    let (signed, signature) = token.rsplit_once('.').unwrap();
    let signature = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(signature)
        .unwrap();
    (signed, signature)
}

/// The thumbprint omsso recognises is the key OpenMetadata's published tokens verify with.
#[test]
fn the_published_tokens_verify_with_the_key_omsso_recognises() {
    let key = quickstart_key();
    assert_eq!(key.thumbprint(), quickstart::THUMBPRINT);
    let tokens = published_tokens();
    assert_eq!(tokens.len(), 2, "the admin and the ingestion-bot token");
    for token in &tokens {
        let (signed, mut signature) = split(token);
        assert!(key.verifies_rs256(signed.as_bytes(), &signature), "{token}");
        // The check can fail: one flipped bit and the signature no longer verifies.
        signature[100] ^= 1;
        assert!(!key.verifies_rs256(signed.as_bytes(), &signature));
    }
}

fn lint_env(dir: &Path, public_key: &Path) -> Value {
    let env = dir.join("openmetadata.env");
    std::fs::write(
        &env,
        format!(
            "RSA_PUBLIC_KEY_FILE_PATH={}\nRSA_PRIVATE_KEY_FILE_PATH=/keys/private_key.der\n\
             JWT_KEY_ID=ours\n",
            public_key.display()
        ),
    )
    .unwrap();
    let r = run(omsso(dir)
        .args(["verify", "--format", "json", "--file"])
        .arg(&env));
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
}

/// The quickstart findings (the env file is no complete login setup: other checks speak too).
fn checks(v: &Value) -> Vec<(String, u64)> {
    v["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"].as_str().unwrap().starts_with("quickstart-"))
        .map(|f| {
            (
                f["check"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

/// `verify --file` reads the public key file a config names and knows the quickstart key by
/// its content under any file name; a fresh key made by the real `openssl` passes.
#[test]
fn verify_file_recognises_the_quickstart_key_file_by_content() {
    let dir = tempfile::tempdir().unwrap();
    let renamed = dir.path().join("our-own-key.der");
    std::fs::copy(
        reference("openmetadata/quickstart/public_key.der"),
        &renamed,
    )
    .unwrap();
    let v = lint_env(dir.path(), &renamed);
    assert_eq!(checks(&v), [("quickstart-key-file".to_string(), 1)]);
    let message = v["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "quickstart-key-file")
        .unwrap()["message"]
        .as_str()
        .unwrap();
    assert!(message.contains(quickstart::THUMBPRINT), "{message}");

    // A fresh key made by the real openssl (in its own folder: the test's files are beside).
    let made = tempfile::tempdir().unwrap();
    let fresh = crate::om_back_door::fresh_key(made.path());
    assert_eq!(checks(&lint_env(dir.path(), &fresh)), []);
    // A key file that cannot be read from here says nothing.
    assert_eq!(
        checks(&lint_env(dir.path(), &dir.path().join("absent.der"))),
        []
    );
}
