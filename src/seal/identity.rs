//! Identities that open a sealed bundle (`open -i FILE`, repeatable): age identity files
//! (what `omsso keygen` and `age-keygen` write), passphrase-encrypted age identity files
//! (`age -p` over an identity file, binary or armored), and OpenSSH private keys
//! (ssh-ed25519, ssh-rsa), passphrase-protected or not.
//!
//! Protected keys are unlocked when loaded, not lazily during decryption: a wrong passphrase
//! is then reported against the right file, and each key is unlocked once.

use std::path::{Path, PathBuf};

use age::ssh::UnsupportedKey;
use secrecy::{ExposeSecret, SecretString};

use super::age_file::{self, Sealed};
use super::error::{IdentityError, OpenError};
use super::SealError;
use crate::input::{self, Accept};
use crate::settings::SecretSource;

/// The private keys loaded from `-i` files. Holds key material, so no `Debug`.
#[derive(Default)]
pub struct Identities(Vec<Box<dyn age::Identity>>);

impl Identities {
    pub fn iter(&self) -> impl Iterator<Item = &dyn age::Identity> {
        self.0.iter().map(|i| i.as_ref())
    }

    /// These identities and `other`'s.
    pub fn join(mut self, other: Identities) -> Identities {
        self.0.extend(other.0);
        self
    }

    /// The identities of an age identity file held in memory (an env var), named `label`.
    pub fn from_text(label: &Path, bytes: &[u8]) -> Result<Identities, IdentityError> {
        age_identity_file(label, bytes).map(Identities)
    }

    /// Loads every file; `passphrase` unlocks the protected ones (asked per file on a
    /// terminal, read once from an env var or file).
    pub fn load(paths: &[PathBuf], passphrase: &SecretSource) -> Result<Identities, SealError> {
        let mut unlock = Unlocker {
            source: passphrase,
            cached: None,
        };
        let mut all = Vec::new();
        for path in paths {
            all.extend(load_file(path, &mut unlock)?);
        }
        Ok(Identities(all))
    }
}

impl std::fmt::Debug for Identities {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Identities({} keys)", self.0.len())
    }
}

struct Unlocker<'a> {
    source: &'a SecretSource,
    cached: Option<SecretString>,
}

impl Unlocker<'_> {
    fn passphrase(&mut self, path: &Path) -> Result<SecretString, SealError> {
        if self.source.prompts() {
            return Ok(self
                .source
                .read_with_prompt(&format!("passphrase for {}: ", path.display()))?);
        }
        if self.cached.is_none() {
            self.cached = Some(self.source.read()?);
        }
        Ok(self.cached.clone().expect("just set"))
    }
}

fn load_file(path: &Path, unlock: &mut Unlocker) -> Result<Vec<Box<dyn age::Identity>>, SealError> {
    let read_error = |source| IdentityError::Read {
        path: path.to_path_buf(),
        source,
    };
    let bytes = input::read(path, Accept::FileOrPipe).map_err(read_error)?;
    let bytes = secrecy::SecretSlice::from(bytes);
    let bytes = bytes.expose_secret();
    let malformed = |detail: &str| IdentityError::Malformed {
        path: path.to_path_buf(),
        detail: detail.to_string(),
    };

    if age_file::is_age(bytes) {
        return encrypted_identity_file(path, bytes, unlock);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| malformed("not text"))?;
    if text.contains("-----BEGIN") && text.contains("PRIVATE KEY-----") {
        return ssh_key(path, bytes, unlock).map(|k| vec![k]);
    }
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'));
    let public_prefixes = ["age1", "ssh-", "ecdsa-", "sk-"];
    if first.is_some_and(|l| public_prefixes.iter().any(|p| l.starts_with(p))) {
        return Err(IdentityError::IsPublic {
            path: path.to_path_buf(),
        }
        .into());
    }
    Ok(age_identity_file(path, bytes)?)
}

/// Lines of `AGE-SECRET-KEY-1…`, `#` comments and blank lines.
fn age_identity_file(
    path: &Path,
    bytes: &[u8],
) -> Result<Vec<Box<dyn age::Identity>>, IdentityError> {
    // The parser's message names the line number, never the line.
    let file = age::IdentityFile::from_buffer(bytes).map_err(|e| IdentityError::Malformed {
        path: path.to_path_buf(),
        detail: e.to_string().replace("identity file ", ""),
    })?;
    // Without the plugin feature, the only entries are native X25519 keys: no error.
    let identities: Vec<Box<dyn age::Identity>> = file
        .into_identities()
        .unwrap_or_default()
        .into_iter()
        .map(|i| i as Box<dyn age::Identity>)
        .collect();
    if identities.is_empty() {
        return Err(IdentityError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(identities)
}

/// An identity file encrypted to a passphrase with `age -p`.
fn encrypted_identity_file(
    path: &Path,
    bytes: &[u8],
    unlock: &mut Unlocker,
) -> Result<Vec<Box<dyn age::Identity>>, SealError> {
    let malformed = |detail: &str| IdentityError::Malformed {
        path: path.to_path_buf(),
        detail: detail.to_string(),
    };
    let sealed = Sealed::parse(path, bytes).map_err(|_| malformed("damaged age file"))?;
    if !sealed.is_passphrase() {
        return Err(malformed(
            "it is encrypted to recipients; only passphrase-encrypted identity files can be used",
        )
        .into());
    }
    let plaintext = match sealed.decrypt_with_passphrase(unlock.passphrase(path)?) {
        Ok(p) => p,
        Err(OpenError::WrongPassphrase { .. }) => {
            return Err(IdentityError::Passphrase {
                path: path.to_path_buf(),
            }
            .into())
        }
        Err(_) => return Err(malformed("damaged age file").into()),
    };
    Ok(age_identity_file(path, plaintext.expose_secret())?)
}

fn ssh_key(
    path: &Path,
    bytes: &[u8],
    unlock: &mut Unlocker,
) -> Result<Box<dyn age::Identity>, SealError> {
    let name = Some(path.display().to_string());
    let key =
        age::ssh::Identity::from_buffer(bytes, name).map_err(|_| IdentityError::Malformed {
            path: path.to_path_buf(),
            detail: "not a readable OpenSSH or PEM private key".into(),
        })?;
    match key {
        age::ssh::Identity::Unencrypted(_) => Ok(Box::new(key)),
        age::ssh::Identity::Encrypted(locked) => {
            let unlocked = locked.decrypt(unlock.passphrase(path)?).map_err(|_| {
                IdentityError::Passphrase {
                    path: path.to_path_buf(),
                }
            })?;
            Ok(Box::new(age::ssh::Identity::Unencrypted(unlocked)))
        }
        age::ssh::Identity::Unsupported(u) => Err(IdentityError::Unsupported {
            path: path.to_path_buf(),
            key_type: match u {
                UnsupportedKey::Type(t) | UnsupportedKey::Hardware(t) => t,
                UnsupportedKey::EncryptedPem => {
                    "encrypted PEM (convert it: ssh-keygen -p -o -f KEY)".into()
                }
                UnsupportedKey::EncryptedSsh(cipher) => format!("key encrypted with {cipher}"),
            },
        }
        .into()),
    }
}
