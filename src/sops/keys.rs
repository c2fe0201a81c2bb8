//! The data key and age: wrapping it for each recipient (`sops.age[].enc`, an armored age
//! file holding the 32 raw bytes), and recovering it with the identities SOPS itself would
//! use. All age calls go through omsso's own wrappers in [`crate::seal`], so this is the only
//! place where SOPS meets age.

use std::path::{Path, PathBuf};

use secrecy::ExposeSecret;

use super::metadata::AgeKey;
use super::{DataKey, SopsError};
use crate::seal::age_file::{self, Sealed};
use crate::seal::{Identities, Recipient, IDENTITY_PASSPHRASE_ENV};
use crate::settings::SecretSource;

/// `sops.age[]` entry for `recipient`: the data key encrypted to it alone.
pub fn wrap(key: &DataKey, recipient: &Recipient) -> AgeKey {
    let armored = age_file::encrypt(key.bytes(), std::iter::once(recipient.as_age()), true);
    AgeKey {
        recipient: recipient.key_text(),
        enc: String::from_utf8(armored).expect("age armor is ASCII"),
    }
}

/// The data key from the first entry one of `identities` opens.
pub fn unwrap(entries: &[AgeKey], identities: &Identities) -> Option<DataKey> {
    entries.iter().find_map(|entry| {
        let sealed = Sealed::parse(Path::new("sops.age"), entry.enc.as_bytes()).ok()?;
        if sealed.is_passphrase() {
            return None;
        }
        let plain = sealed.decrypt(identities.iter()).ok()?;
        DataKey::from_slice(plain.expose_secret())
    })
}

/// Where SOPS looks for age identities, in the order it reads them (the `…_CMD` variants,
/// which run a program, are left to sops).
pub struct IdentitySources {
    files: Vec<(String, PathBuf)>,
    key_env: bool,
}

const KEY_FILE_ENV: &str = "SOPS_AGE_KEY_FILE";
const KEY_ENV: &str = "SOPS_AGE_KEY";
const SSH_KEY_FILE_ENV: &str = "SOPS_AGE_SSH_PRIVATE_KEY_FILE";

impl IdentitySources {
    /// `SOPS_AGE_KEY_FILE`, `SOPS_AGE_KEY`, `SOPS_AGE_SSH_PRIVATE_KEY_FILE`, and sops's
    /// default key file (`$XDG_CONFIG_HOME/sops/age/keys.txt`, else
    /// `~/.config/sops/age/keys.txt`) when it exists.
    pub fn from_env() -> IdentitySources {
        let var = |name| std::env::var_os(name).filter(|v| !v.is_empty());
        let mut files = Vec::new();
        if let Some(p) = var(KEY_FILE_ENV) {
            files.push((KEY_FILE_ENV.to_string(), PathBuf::from(p)));
        }
        if let Some(p) = var(SSH_KEY_FILE_ENV) {
            files.push((SSH_KEY_FILE_ENV.to_string(), PathBuf::from(p)));
        }
        let config = var("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".config")));
        if let Some(default) = config.map(|c| c.join("sops/age/keys.txt")) {
            if default.is_file() {
                files.push((default.display().to_string(), default));
            }
        }
        IdentitySources {
            files,
            key_env: var(KEY_ENV).is_some(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty() && !self.key_env
    }

    /// Loads them all. A passphrase-protected file asks as `omsso open` does
    /// (`OMSSO_IDENTITY_PASSPHRASE`, or the terminal).
    pub fn load(&self) -> Result<Identities, SopsError> {
        let passphrase =
            SecretSource::pick("identity passphrase", IDENTITY_PASSPHRASE_ENV, None, None);
        let mut all = Identities::default();
        for (what, path) in &self.files {
            let loaded =
                Identities::load(std::slice::from_ref(path), &passphrase).map_err(|source| {
                    SopsError::Identities {
                        what: what.clone(),
                        source,
                    }
                })?;
            all = all.join(loaded);
        }
        if self.key_env {
            let text = secrecy::SecretString::from(std::env::var(KEY_ENV).unwrap_or_default());
            let loaded = Identities::from_text(Path::new(KEY_ENV), text.expose_secret().as_bytes())
                .map_err(|source| SopsError::Identities {
                    what: KEY_ENV.to_string(),
                    source: source.into(),
                })?;
            all = all.join(loaded);
        }
        Ok(all)
    }
}

/// The identities SOPS would use, or `None` when none is configured.
pub fn sops_identities() -> Result<Option<Identities>, SopsError> {
    let sources = IdentitySources::from_env();
    if sources.is_empty() {
        return Ok(None);
    }
    sources.load().map(Some)
}
