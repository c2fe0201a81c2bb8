//! SOPS's file format for YAML documents and age recipients, written and read without the
//! `sops` binary, so the Kubernetes Secret can be committed to git for Flux or Argo CD.
//!
//! The format, as SOPS 3 writes it (read in its source: `sops.go`, `aes/cipher.go`,
//! `age/keysource.go`, `stores/stores.go`, `cmd/sops/common/common.go`):
//! - a random 32-byte **data key** encrypts the values; it is stored once per recipient in
//!   `sops.age[]`, each `enc` an armored age file holding the raw key for that one recipient;
//! - every value the file's rule selects (here `encrypted_regex: ^(data|stringData)$`) becomes
//!   `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]` ([`value`]), with its path of keys as the
//!   additional data; keys, `kind` and `metadata` stay readable;
//! - the **MAC** is SHA-512 over every value in document order (only the encrypted ones with
//!   `mac_only_encrypted`, after 32 fixed bytes), as uppercase hex, itself encrypted like a
//!   value with `lastmodified` as its additional data, so changing the bytes of the values,
//!   or the time, makes `sops -d` fail. It covers no key and no boundary between values (a
//!   renamed key of a plain or empty value, bytes moved between plain values, an added empty
//!   value pass), and anyone who holds the data key can compute it: it proves integrity
//!   against those without the key, never who wrote the file;
//! - `lastmodified` (RFC 3339, UTC), the rule, and `version` complete the `sops:` block
//!   ([`metadata`]).
//!
//! No crate implements this faithfully enough to use (docs/SOPS.md says why), so this module
//! does, with the RustCrypto AES-GCM and SHA-2 crates and omsso's own age wrappers
//! ([`keys`]). Plaintext never leaves memory: nothing here writes a file.

pub mod config;
pub mod keys;
pub mod metadata;
pub mod secret;
pub mod tree;
pub mod value;

use secrecy::{ExposeSecret, SecretBox};
use sha2::{Digest, Sha512};

use crate::exit::{Diagnose, Exit};
use crate::hint::{Hint, Opt};
pub use keys::sops_identities;
use metadata::{Metadata, MetadataError, Rule};
use tree::{Node, Scalar, TreeError};
use value::{looks_encrypted, Enc, EncError};

/// The first 32 bytes of the MAC with `mac_only_encrypted` (SHA-256 of `sops`), so that it
/// never equals the MAC over all values.
const MAC_ONLY_ENCRYPTED_INIT: [u8; 32] = [
    0x8a, 0x3f, 0xd2, 0xad, 0x54, 0xce, 0x66, 0x52, 0x7b, 0x10, 0x34, 0xf3, 0xd1, 0x47, 0xbe, 0x0b,
    0x0b, 0x97, 0x5b, 0x3b, 0xf4, 0x4f, 0x72, 0xc6, 0xfd, 0xad, 0xec, 0x81, 0x76, 0xf2, 0x7d, 0x69,
];

/// The key that encrypts a file's values.
pub struct DataKey(SecretBox<[u8; 32]>);

impl DataKey {
    pub fn generate() -> DataKey {
        use rand_core::RngCore;
        let mut key = SecretBox::new(Box::new([0u8; 32]));
        rand_core::OsRng.fill_bytes(secrecy::ExposeSecretMut::expose_secret_mut(&mut key));
        DataKey(key)
    }

    /// A data key recovered from an `enc` entry: exactly 32 bytes.
    pub fn from_slice(bytes: &[u8]) -> Option<DataKey> {
        let key: [u8; 32] = bytes.try_into().ok()?;
        Some(DataKey(SecretBox::new(Box::new(key))))
    }

    fn bytes(&self) -> &[u8; 32] {
        self.0.expose_secret()
    }
}

/// The additional data of a value: its keys, each followed by `:`.
fn aad(path: &[String]) -> String {
    let mut s = String::new();
    for k in path {
        s.push_str(k);
        s.push(':');
    }
    s
}

/// The MAC of a plaintext tree, as uppercase hex (Go's `%X`).
pub fn mac(tree: &Node, rule: &Rule, mac_only_encrypted: bool) -> String {
    let mut hash = Sha512::new();
    if mac_only_encrypted {
        hash.update(MAC_ONLY_ENCRYPTED_INIT);
    }
    tree.visit(&mut |path, value| {
        if !mac_only_encrypted || rule.encrypts(path) {
            hash.update(value.typed_bytes().1.as_bytes());
        }
    });
    hash.finalize().iter().map(|b| format!("{b:02X}")).collect()
}

/// Encrypts the values `rule` selects, each with a fresh IV.
pub fn encrypt_tree(plain: &Node, key: &DataKey, rule: &Rule) -> Node {
    let result: Result<Node, std::convert::Infallible> = plain.map_leaves(&mut |path, v| {
        if !rule.encrypts(path) {
            return Ok(v.clone());
        }
        let aad = aad(path);
        Ok(Scalar::Str(value::seal(key, v, &aad, &value::random_iv())))
    });
    match result {
        Ok(node) => node,
        Err(never) => match never {},
    }
}

/// The encrypted MAC for `lastmodified`, with a fresh IV.
pub fn seal_mac(mac: &str, key: &DataKey, lastmodified: &str) -> String {
    value::seal(
        key,
        &Scalar::Str(mac.to_string()),
        lastmodified,
        &value::random_iv(),
    )
}

/// A SOPS file: its document without the `sops` key, and that key's metadata.
pub struct SopsFile {
    pub body: Node,
    pub meta: Metadata,
}

/// Why a file is not a SOPS file omsso can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("{0}")]
    Tree(#[from] TreeError),
    #[error("it has no `sops` metadata")]
    NoMetadata,
    #[error("{0}")]
    Metadata(#[from] MetadataError),
}

/// Why a SOPS file does not decrypt. Names places, never values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecryptError {
    #[error("the value at `{path}` is not encrypted, though the file's rule says it must be")]
    Plaintext { path: String },
    #[error("the value at `{path}` is damaged: {problem}")]
    Malformed { path: String, problem: EncError },
    #[error("the value at `{path}` does not decrypt: it was changed, or moved from another place or file")]
    Value { path: String },
    #[error("the MAC does not decrypt: it or `lastmodified` was changed")]
    MacUnreadable,
    #[error("the MAC does not match the values: a value was changed, added or removed")]
    MacMismatch,
}

impl SopsFile {
    pub fn parse(text: &str) -> Result<SopsFile, FileError> {
        let mut body = Node::parse(text)?;
        let sops = body.take("sops").ok_or(FileError::NoMetadata)?;
        Ok(SopsFile {
            body,
            meta: Metadata::from_node(&sops)?,
        })
    }

    /// The file as YAML: the document, then the `sops:` block.
    pub fn to_yaml(&self) -> String {
        let Node::Map(entries) = &self.body else {
            unreachable!("a SOPS file's document is a mapping")
        };
        let mut entries = entries.clone();
        entries.push(("sops".to_string(), self.meta.to_node()));
        Node::Map(entries).to_yaml()
    }

    /// Decrypts every value and checks the MAC, as `sops -d` does. What that proves, and
    /// what not: the MAC covers the bytes of the values in document order and
    /// `lastmodified`, but no key and no boundary between values (a renamed key of a value
    /// that is not encrypted or is empty, bytes moved between such values, or an added empty
    /// value leave it valid); each encrypted value is bound to its own path of keys. Whoever
    /// holds the data key can compute the MAC, so it proves nothing about who wrote the file
    /// (docs/SOPS.md).
    pub fn decrypt(&self, key: &DataKey) -> Result<Node, DecryptError> {
        let rule = &self.meta.rule;
        let tree = self.body.map_leaves(&mut |path, v| {
            if !rule.encrypts(path) {
                return Ok(v.clone());
            }
            let shown = path.join(".");
            let text = match v {
                Scalar::Str(s) => s,
                _ => return Err(DecryptError::Plaintext { path: shown }),
            };
            if text.is_empty() {
                return Ok(v.clone());
            }
            let enc = Enc::parse(text).map_err(|problem| match problem {
                EncError::NotEnc if !looks_encrypted(text) => DecryptError::Plaintext {
                    path: shown.clone(),
                },
                problem => DecryptError::Malformed {
                    path: shown.clone(),
                    problem,
                },
            })?;
            let aad = aad(path);
            enc.open(key, &aad)
                .ok_or(DecryptError::Value { path: shown })
        })?;
        let stored = Enc::parse(&self.meta.mac)
            .ok()
            .zip(metadata::mac_time(&self.meta.lastmodified).ok())
            .and_then(|(enc, time)| enc.open(key, &time))
            .ok_or(DecryptError::MacUnreadable)?;
        if stored.as_str() != Some(mac(&tree, rule, self.meta.mac_only_encrypted).as_str()) {
            return Err(DecryptError::MacMismatch);
        }
        Ok(tree)
    }
}

/// Everything that can go wrong while writing a SOPS file.
#[derive(Debug, thiserror::Error)]
pub enum SopsError {
    #[error("the rendered {file} is not a Kubernetes Secret SOPS can encrypt: {reason}")]
    NotASecret { file: String, reason: String },
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error("{} exists but is not a SOPS file ({reason})", path.display())]
    ExistingNotSops {
        path: std::path::PathBuf,
        reason: FileError,
    },
    #[error("{} holds a value that is not encrypted at `{at}`", path.display())]
    ExistingPlaintext {
        path: std::path::PathBuf,
        at: String,
    },
    #[error("cannot read the age identities in {what}: {source}")]
    Identities {
        what: String,
        source: crate::seal::SealError,
    },
    #[error(transparent)]
    Recipient(#[from] crate::seal::error::RecipientError),
}

impl Diagnose for SopsError {
    fn exit(&self) -> Exit {
        match self {
            SopsError::Config(e) => e.exit(),
            SopsError::Recipient(e) => e.exit(),
            _ => Exit::Usage,
        }
    }

    fn hint(&self) -> Option<Hint> {
        Some(match self {
            SopsError::NotASecret { .. } => Hint::new(
                "the Secret template (or its {} override) must render one Kubernetes Secret \
                 whose data/stringData values are strings",
                [Opt::Templates.into()],
            ),
            SopsError::Config(e) => return e.hint(),
            SopsError::ExistingNotSops { .. } | SopsError::ExistingPlaintext { .. } => Hint::new(
                "its content is not shown (it may hold a secret in plaintext): move it away, or \
                 pass {} to replace it",
                [Opt::Force.into()],
            ),
            SopsError::Identities { .. } => {
                "fix or unset SOPS_AGE_KEY_FILE / SOPS_AGE_KEY / SOPS_AGE_SSH_PRIVATE_KEY_FILE \
                 (omsso reads them as sops does, to compare the existing file)"
                    .into()
            }
            SopsError::Recipient(e) => return e.hint(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: oidc-secrets\ntype: Opaque\nstringData:\n  id: open-metadata\n  secret: \"s3cr:et\"\n  empty: \"\"\n";

    fn encrypt(plain: &Node, key: &DataKey) -> SopsFile {
        let rule = Rule::secret();
        let lastmodified = "2026-12-01T01:18:34Z".to_string();
        let mac_hex = mac(plain, &rule, false);
        SopsFile {
            body: encrypt_tree(plain, key, &rule),
            meta: Metadata {
                age: vec![],
                other_keys: vec![],
                mac: seal_mac(&mac_hex, key, &lastmodified),
                lastmodified,
                rule,
                mac_only_encrypted: false,
                version: None,
            },
        }
    }

    #[test]
    fn a_tree_encrypts_and_decrypts_with_its_mac() {
        let plain = Node::parse(SECRET).unwrap();
        let key = DataKey::generate();
        let file = encrypt(&plain, &key);
        let text = file.to_yaml();
        assert!(
            !text.contains("s3cr:et") && text.contains("name: oidc-secrets"),
            "{text}"
        );
        assert!(text.contains("    empty: \"\"\n"), "{text}");
        let parsed = SopsFile::parse(&text).unwrap();
        assert!(parsed.decrypt(&key).unwrap() == plain);
        assert_resealed_alike(&parsed, &key);
    }

    /// Each encrypted value of `file`, sealed again with its own IV, is the same string: the
    /// values are written exactly as they were (by omsso, or by sops).
    fn assert_resealed_alike(file: &SopsFile, key: &DataKey) {
        file.body.visit(&mut |path, v| {
            let Some(text) = v.as_str().filter(|t| t.starts_with("ENC[")) else {
                return;
            };
            let enc = Enc::parse(text).unwrap();
            let plain = enc.open(key, &aad(path)).unwrap();
            let iv: [u8; value::IV_LEN] = enc.iv.as_slice().try_into().unwrap();
            assert_eq!(value::seal(key, &plain, &aad(path), &iv), text);
        });
    }

    #[test]
    fn any_change_is_caught() {
        let plain = Node::parse(SECRET).unwrap();
        let key = DataKey::generate();
        let text = encrypt(&plain, &key).to_yaml();
        let decrypt = |t: &str| SopsFile::parse(t).unwrap().decrypt(&key).err();

        let renamed = text.replace("name: oidc-secrets", "name: other");
        assert_eq!(decrypt(&renamed), Some(DecryptError::MacMismatch));
        let later = text.replace("2026-12-01T01:18:34Z", "2026-12-01T01:18:35Z");
        assert_eq!(decrypt(&later), Some(DecryptError::MacUnreadable));
        let plaintext = text.replacen("ENC[", "X", 1);
        assert_eq!(
            decrypt(&plaintext),
            Some(DecryptError::Plaintext {
                path: "stringData.id".into()
            })
        );
        // The two values swapped: each decrypts only at its own place.
        let file = SopsFile::parse(&text).unwrap();
        let (id, secret) = (
            file.body
                .get("stringData")
                .unwrap()
                .get("id")
                .unwrap()
                .as_str()
                .unwrap()
                .to_string(),
            file.body
                .get("stringData")
                .unwrap()
                .get("secret")
                .unwrap()
                .as_str()
                .unwrap()
                .to_string(),
        );
        let swapped = text
            .replace(&id, "@@")
            .replace(&secret, &id)
            .replace("@@", &secret);
        assert_eq!(
            decrypt(&swapped),
            Some(DecryptError::Value {
                path: "stringData.id".into()
            })
        );
        assert!(decrypt(&text).is_none());
        assert!(SopsFile::parse(&text)
            .unwrap()
            .decrypt(&DataKey::generate())
            .is_err());
    }

    fn fixture(name: &str) -> String {
        let path = format!("{}/tests/fixtures/sops/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// Files the real `sops` 3.13.3 wrote (tests/fixtures/sops/README.md): every value type,
    /// a list, a null, an encrypted comment, `mac_only_encrypted`.
    #[test]
    fn files_sops_wrote_decrypt_to_their_plaintext() {
        let identities = crate::seal::Identities::from_text(
            std::path::Path::new("test-key.txt"),
            fixture("test-key.txt").as_bytes(),
        )
        .unwrap();
        let plain = Node::parse(&fixture("plain.yaml")).unwrap();
        for name in ["all-values.sops.yaml", "mac-only-encrypted.sops.yaml"] {
            let file = SopsFile::parse(&fixture(name)).unwrap();
            let key = keys::unwrap(&file.meta.age, &identities).expect(name);
            let back = file.decrypt(&key).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(back == plain, "{name}");
            // Written back with the same IVs, the values are the strings sops wrote.
            assert_resealed_alike(&file, &key);
        }
        let only = SopsFile::parse(&fixture("mac-only-encrypted.sops.yaml")).unwrap();
        assert!(only.meta.mac_only_encrypted);
        assert_eq!(only.meta.rule, Rule::secret());
    }

    #[test]
    fn mac_only_encrypted_covers_only_encrypted_values() {
        let plain = Node::parse(SECRET).unwrap();
        let rule = Rule::secret();
        let renamed = Node::parse(&SECRET.replace("name: oidc-secrets", "name: x")).unwrap();
        assert_eq!(mac(&plain, &rule, true), mac(&renamed, &rule, true));
        assert_ne!(mac(&plain, &rule, false), mac(&renamed, &rule, false));
        assert_ne!(mac(&plain, &rule, true), mac(&plain, &rule, false));
    }
}
