//! The quickstart JWT key (issue 19): the key every OpenMetadata image ships, recognised by its
//! content. OpenMetadata publishes tokens signed with it in every released
//! `openmetadata-ingestion` wheel (an admin token without expiry in the example workflows, an
//! ingestion-bot token in `sas.yaml`; scripts/om-models keeps `metadata/examples/workflows/`);
//! its public key is [`MODULUS`] (derived from those tokens by scripts/quickstart-key, and proved
//! here: every published token verifies with it). `verify --file` recognises a key file holding
//! that key whatever its name.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{omsso, repo_root, run};
use omsso::jwt_keys::{Jwk, PublicKey};
use omsso::openmetadata::quickstart;
use serde_json::Value;

/// The quickstart public key's modulus (RSA 2048, e = 65537), hex. `scripts/quickstart-key`
/// derives it from the two published tokens (the gcd of `s^e - m` over both signatures) and
/// prints this value; no OpenMetadata release artifact this project can reach ships the key
/// file itself (it is in the server image, `conf/public_key.der`).
const MODULUS: [&str; 8] = [
    "d974c76eb4bcb98bfe4c7c1e18382a45c8824d924853436e68f5104f8dd5ee84",
    "208f7105a6d5b245dd10eb1663b1fe8ef33db3599774a8d41b326eea21c9d290",
    "17ad9092aca2a835aa34fe18428fd3d1a84502c3a6497b00280cafa33181eeee",
    "1a6135e5315338150625ba08ddbcb1f8b4b383aad95ebe6376affc22a3fbfce6",
    "a2440b0b0e379f0bce436fe37b204f85b31783597f239728756df3fe7083ab87",
    "dacd671b1726e73a965a19134cfd08807492787598bb05c507d4fca0600dd2ff",
    "a4b070abd2a5e674babde4e217b82994bb2beb528e551cf2a3251b57bf933dbf",
    "a55f8706123c5a31bd0cb82aa2a19c01feac5953a736662b0180cbb6a5accf65",
];

/// The quickstart public key.
pub fn quickstart_key() -> PublicKey {
    let hex: String = MODULUS.concat();
    let n: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    use base64::Engine;
    let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let jwk = Jwk {
        kty: Some("RSA".into()),
        kid: None,
        n: Some(b64(&n)),
        e: Some(b64(&[1, 0, 1])),
        alg: None,
        key_use: None,
    };
    PublicKey::from_jwk(&jwk).unwrap()
}

/// The quickstart public key as the server image ships it (`conf/public_key.der`: X.509
/// SubjectPublicKeyInfo DER), written into `dir`.
pub fn quickstart_key_file(dir: &Path) -> PathBuf {
    let path = dir.join("quickstart_public_key.der");
    std::fs::write(&path, quickstart_key().to_der()).unwrap();
    path
}

/// The released wheel of each release line, extracted (scripts/om-models keeps its cache).
fn wheel_dir(wheel: &str) -> PathBuf {
    let out = Command::new(repo_root().join("scripts/om-models"))
        .args(["dir", wheel])
        .output()
        .expect("python3 runs scripts/om-models");
    assert!(
        out.status.success(),
        "scripts/om-models dir {wheel}: {}",
        String::from_utf8_lossy(&out.stderr).trim()
    );
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

/// The distinct tokens signed under the quickstart key id in one wheel's example workflows.
fn published_tokens(wheel: &str) -> Vec<String> {
    use base64::Engine;
    let header = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(format!("{{\"kid\":\"{}\"", quickstart::KEY_ID));
    // The header's first characters that do not depend on what follows the key id.
    let prefix = &header[..header.len() - 4];
    let dir = wheel_dir(wheel).join("metadata/examples/workflows");
    let mut tokens = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for (at, _) in text.match_indices(prefix) {
            let token: String = text[at..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                .collect();
            tokens.insert(token);
        }
    }
    tokens.into_iter().collect()
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

/// The thumbprint omsso recognises is the key OpenMetadata's published tokens verify with: the
/// same two tokens in every release line's wheel.
#[test]
fn the_published_tokens_verify_with_the_key_omsso_recognises() {
    let key = quickstart_key();
    assert_eq!(key.thumbprint(), quickstart::THUMBPRINT);
    for release in omsso::openmetadata::released::MODELS {
        let tokens = published_tokens(release.wheel);
        assert_eq!(
            tokens.len(),
            2,
            "{}: the admin and the ingestion-bot token",
            release.wheel
        );
        for token in &tokens {
            let (signed, mut signature) = split(token);
            assert!(key.verifies_rs256(signed.as_bytes(), &signature), "{token}");
            // The check can fail: one flipped bit and the signature no longer verifies.
            signature[100] ^= 1;
            assert!(!key.verifies_rs256(signed.as_bytes(), &signature));
        }
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
        .args(["verify", "--output", "json", "--file"])
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
    std::fs::rename(quickstart_key_file(dir.path()), &renamed).unwrap();
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
