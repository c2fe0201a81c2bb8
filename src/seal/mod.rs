//! The credential handoff: `Credentials` → a versioned bundle → age encryption to the
//! receivers' keys (or a passphrase) → an optional SSH signature beside it; and back.
//!
//! - [`bundle`]: the document that is sealed, and its versioning rules.
//! - [`recipients`]: whom to seal to (age X25519, SSH ed25519/RSA keys, recipient files).
//! - [`identity`]: what opens it (age identity files, encrypted ones, OpenSSH keys).
//! - [`sign`]: detached sshsig signatures and allowed-signers checks.
//! - [`age_file`]: age encryption in memory, with precise errors for damaged input.

pub mod age_file;
pub mod bundle;
pub mod error;
pub mod identity;
pub mod recipients;
pub mod reuse;
pub mod sign;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use secrecy::{ExposeSecret, SecretString};

use crate::credentials::Credentials;
use crate::output::files::{self, PUBLIC_MODE, SECRET_MODE};
use crate::output::OutputError;
use crate::settings::{SealRecipients, SecretSource, Source};

pub use bundle::{Bundle, RecipientInfo};
pub use error::SealError;
use error::{BundleError, IdentityError, OpenError, RecipientError};
pub use identity::Identities;
pub use recipients::Recipient;
pub use sign::{signature_path, Signer, SigningKey};

/// The default file name of a sealed handoff, inside the output folder.
pub const DEFAULT_FILE_NAME: &str = "collate-handoff.age";
/// Env var holding the passphrase of a passphrase-sealed bundle (seal and open).
pub const PASSPHRASE_ENV: &str = "OMSSO_SEAL_PASSPHRASE";
/// Env var holding the passphrase of protected identity files (`open -i`).
pub const IDENTITY_PASSPHRASE_ENV: &str = "OMSSO_IDENTITY_PASSPHRASE";
/// Env var holding the passphrase of a protected signing key (`seal --sign-with`).
pub const SIGN_PASSPHRASE_ENV: &str = "OMSSO_SIGN_PASSPHRASE";

/// A passphrase file and where it was named: the command line says which of its flags, so
/// messages about the file can name it.
pub type PassphraseFile = (PathBuf, Source);

/// The passphrase's source the standard way (a named file, the env var, a file from the
/// settings, the prompt on a terminal).
fn pick_secret(
    what: &'static str,
    env: &'static str,
    file: Option<PassphraseFile>,
) -> SecretSource {
    let (path, origin) = file.map_or((None, None), |(p, o)| (Some(p), Some(o)));
    SecretSource::pick(what, env, path, origin.as_ref())
}

/// What a bundle is sealed to, once decided (passphrase not read yet).
#[derive(Debug)]
pub enum Target {
    Recipients(Vec<Recipient>),
    /// `ignored_defaults`: recipients from the settings file that `--passphrase` set aside.
    Passphrase {
        source: SecretSource,
        ignored_defaults: bool,
    },
}

/// Decides between recipients and a passphrase. Recipients given on the command line (or
/// their env vars) never mix with a passphrase; recipients from the settings file are
/// defaults that an explicit `--passphrase`/`--passphrase-file` sets aside, but not a
/// passphrase that merely sits in the environment (that could be left over, and sealing to
/// it instead of the configured recipients would surprise).
pub fn resolve_target(
    configured: &SealRecipients,
    passphrase_requested: bool,
    passphrase_file: Option<&PassphraseFile>,
    file_option: crate::hint::Opt,
) -> Result<Target, SealError> {
    let requested = passphrase_requested || passphrase_file.is_some();
    let in_env = std::env::var_os(PASSPHRASE_ENV).is_some();
    let has_recipients = !configured.recipients.is_empty() || !configured.files.is_empty();
    let source = || {
        pick_secret("seal passphrase", PASSPHRASE_ENV, passphrase_file.cloned())
            .file_option(file_option)
    };
    let mixed = |from: String| {
        Err(RecipientError::PassphraseWithRecipients {
            recipients_from: from,
        }
        .into())
    };
    match (has_recipients, configured.command_line, requested, in_env) {
        (true, true, true, _) | (true, true, _, true) => {
            mixed("given on the command line or in OMSSO_SEAL_RECIPIENTS[_FILES]".into())
        }
        (_, _, true, _) => Ok(Target::Passphrase {
            source: source(),
            ignored_defaults: has_recipients,
        }),
        (true, false, false, true) => mixed(format!(
            "seal.recipients from {}, with {PASSPHRASE_ENV} set",
            configured.recipients_source
        )),
        (true, ..) => Ok(Target::Recipients(Recipient::collect(
            &configured.recipients,
            &configured.recipients_source.to_string(),
            &configured.files,
        )?)),
        (false, _, false, true) => Ok(Target::Passphrase {
            source: source(),
            ignored_defaults: false,
        }),
        (false, _, false, false) => Err(RecipientError::NoRecipients.into()),
    }
}

/// What to seal to, with the passphrase read.
#[derive(Debug)]
pub enum SealTo {
    Recipients(Vec<Recipient>),
    Passphrase(SecretString),
}

#[derive(Debug)]
pub struct SealOptions {
    pub to: SealTo,
    /// ASCII armor (the default) or binary.
    pub armor: bool,
    pub note: Option<String>,
    /// Advisory expiry, written into the bundle.
    pub expires_in: Option<Duration>,
}

/// A sealed bundle, not written yet.
#[derive(Debug)]
pub struct Sealed {
    pub bundle: Bundle,
    /// The age file's bytes (armored or binary).
    pub ciphertext: Vec<u8>,
}

/// Seals `credentials` into an age file in memory.
pub fn seal(credentials: &Credentials, options: &SealOptions) -> Result<Sealed, SealError> {
    let infos = match &options.to {
        SealTo::Recipients(rs) => rs.iter().map(|r| r.info.clone()).collect(),
        SealTo::Passphrase(_) => Vec::new(),
    };
    let bundle = Bundle::new(
        credentials,
        infos,
        options.note.clone(),
        options.expires_in,
        SystemTime::now(),
    )?;
    let plaintext = secrecy::SecretSlice::from(bundle.to_bytes());
    let ciphertext = match &options.to {
        SealTo::Recipients(rs) if rs.is_empty() => return Err(RecipientError::NoRecipients.into()),
        SealTo::Recipients(rs) => age_file::encrypt(
            plaintext.expose_secret(),
            rs.iter().map(Recipient::as_age),
            options.armor,
        ),
        SealTo::Passphrase(p) => {
            age_file::encrypt_with_passphrase(plaintext.expose_secret(), p.clone(), options.armor)
        }
    };
    Ok(Sealed { bundle, ciphertext })
}

/// What [`write`] left on disk.
#[derive(Debug)]
pub struct Written {
    pub file: PathBuf,
    pub signature: Option<PathBuf>,
    /// The record of the recipients (see [`reuse`]); none for a passphrase seal.
    pub record: Option<PathBuf>,
    /// A signature from an earlier seal that no longer matched, removed.
    pub removed_stale_signature: Option<PathBuf>,
}

/// Where a handoff goes, looked at once, before anything is asked for, sealed or written: the
/// file, its signature (`<file>.sig`) and its recipients record (`<file>.recipients.json`),
/// each a path a file can be written to, and which of them are there already (a link counts,
/// even a dangling one). Sealing and keeping both go by this one look.
#[derive(Debug)]
pub struct Claim {
    pub file: PathBuf,
    signature: PathBuf,
    record: PathBuf,
    /// Those of the three that exist, in that order.
    present: Vec<PathBuf>,
}

impl Claim {
    pub fn look(file: &Path) -> Result<Claim, SealError> {
        let (signature, record) = (signature_path(file), reuse::record_path(file));
        let mut present = Vec::new();
        for p in [file, signature.as_path(), record.as_path()] {
            files::check_target(p)?;
            if p.symlink_metadata().is_ok() {
                present.push(p.to_path_buf());
            }
        }
        Ok(Claim {
            file: file.to_path_buf(),
            signature,
            record,
            present,
        })
    }

    /// The handoff file is there already.
    pub fn taken(&self) -> bool {
        self.present.first() == Some(&self.file)
    }

    /// The handoff and its companions that are there already.
    pub fn present(&self) -> &[PathBuf] {
        &self.present
    }

    /// Refuses, without `force`, a handoff already there, or a signature already there when
    /// this seal signs.
    pub fn refuse_taken(&self, signing: bool, force: bool) -> Result<(), SealError> {
        let taken = |p: &PathBuf| self.present.contains(p);
        let refused = [Some(&self.file), signing.then_some(&self.signature)]
            .into_iter()
            .flatten()
            .find(|p| taken(p));
        match refused {
            Some(p) if !force => Err(OutputError::Exists { path: p.clone() }.into()),
            _ => Ok(()),
        }
    }
}

/// Writes the sealed file (0600, atomically) and, when given, its signature, and for a seal
/// to `recipients` the record of them, at the places `claim` looked at (see [`reuse`]). A
/// signature or record left from an earlier seal is removed: it would not match.
pub fn write(
    claim: &Claim,
    ciphertext: &[u8],
    signature: Option<&str>,
    recipients: Option<&[RecipientInfo]>,
) -> Result<Written, SealError> {
    let path = claim.file.as_path();
    let record = recipients.map(|r| reuse::record(path, ciphertext, r));
    let mut written = Written {
        file: path.to_path_buf(),
        signature: None,
        record: None,
        removed_stale_signature: None,
    };
    let mut pending = vec![files::Pending {
        path,
        bytes: ciphertext,
        mode: SECRET_MODE,
    }];
    if let Some(sig) = signature {
        pending.push(files::Pending {
            path: &claim.signature,
            bytes: sig.as_bytes(),
            mode: PUBLIC_MODE,
        });
    }
    if let Some(record) = &record {
        pending.push(files::Pending {
            path: &claim.record,
            bytes: record,
            mode: PUBLIC_MODE,
        });
        written.record = Some(claim.record.clone());
    }
    // The file, its signature and its record as one change: never a new file beside an old
    // signature or record.
    files::write_all_atomic(&pending)?;
    if record.is_none() {
        // A record of the recipients of the file this one replaced.
        remove_stale(&claim.record, "remove stale record")?;
    }
    match signature {
        Some(_) => written.signature = Some(claim.signature.clone()),
        // An old signature beside a new file would only ever fail to verify.
        None => {
            if remove_stale(&claim.signature, "remove stale signature")? {
                written.removed_stale_signature = Some(claim.signature.clone());
            }
        }
    }
    Ok(written)
}

/// Removes what an earlier seal left at `path`; `false` when nothing was there.
fn remove_stale(path: &Path, op: &'static str) -> Result<bool, SealError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(source) => Err(OutputError::Io {
            op,
            path: path.to_path_buf(),
            source,
        }
        .into()),
    }
}

#[derive(Debug)]
pub struct OpenOptions {
    /// `-i` files; empty for a passphrase-sealed file.
    pub identities: Vec<PathBuf>,
    /// Unlocks protected identity files.
    pub identity_passphrase: SecretSource,
    /// Opens a passphrase-sealed file.
    pub passphrase: SecretSource,
    /// When set, the file must carry a valid signature by one of these signers.
    pub signers: Option<PathBuf>,
    /// The signature file; `<file>.sig` when not set.
    pub signature: Option<PathBuf>,
    /// The principal whose key must have signed (`ssh-keygen -Y verify -I`); any listed
    /// key when not set.
    pub signer: Option<String>,
    pub expect_client_id: Option<String>,
}

impl OpenOptions {
    /// Options with the passphrase sources picked the standard way (a named file, the env
    /// var, the prompt on a terminal).
    pub fn new(
        identities: Vec<PathBuf>,
        identity_passphrase_file: Option<PassphraseFile>,
        passphrase_file: Option<PassphraseFile>,
    ) -> OpenOptions {
        OpenOptions {
            identities,
            identity_passphrase: pick_secret(
                "identity passphrase",
                IDENTITY_PASSPHRASE_ENV,
                identity_passphrase_file,
            ),
            passphrase: pick_secret("seal passphrase", PASSPHRASE_ENV, passphrase_file),
            signers: None,
            signature: None,
            signer: None,
            expect_client_id: None,
        }
    }
}

#[derive(Debug)]
pub struct Opened {
    pub bundle: Bundle,
    pub credentials: Credentials,
    /// Who signed it, when `signers` was given.
    pub signer: Option<Signer>,
}

/// Opens a sealed bundle: checks the signature first (when asked), then decrypts and reads
/// the bundle. A file that fails any step yields an error and no plaintext.
pub fn open(path: &Path, options: &OpenOptions) -> Result<Opened, SealError> {
    open_bytes(path, &read_limited(path)?, options)
}

/// [`open`] on the bytes of `path`, already read.
pub fn open_bytes(path: &Path, bytes: &[u8], options: &OpenOptions) -> Result<Opened, SealError> {
    let signer = match &options.signers {
        Some(signers) => {
            let sig = options
                .signature
                .clone()
                .unwrap_or_else(|| signature_path(path));
            Some(sign::verify(
                path,
                bytes,
                &sig,
                signers,
                options.signer.as_deref(),
            )?)
        }
        None => None,
    };
    let sealed = age_file::Sealed::parse(path, bytes)?;
    let plaintext = if sealed.is_passphrase() {
        if !options.identities.is_empty() {
            return Err(OpenError::NeedsPassphrase {
                path: path.to_path_buf(),
            }
            .into());
        }
        sealed.decrypt_with_passphrase(options.passphrase.read()?)?
    } else {
        if options.identities.is_empty() {
            return Err(OpenError::NeedsIdentity {
                path: path.to_path_buf(),
            }
            .into());
        }
        let identities = Identities::load(&options.identities, &options.identity_passphrase)?;
        sealed.decrypt(identities.iter())?
    };
    let bundle = Bundle::from_bytes(plaintext.expose_secret())?;
    if let Some(expected) = &options.expect_client_id {
        if *expected != bundle.client_id {
            return Err(BundleError::ClientIdMismatch {
                expected: expected.clone(),
                found: bundle.client_id.clone(),
            }
            .into());
        }
    }
    Ok(Opened {
        credentials: bundle.credentials(),
        bundle,
        signer,
    })
}

fn read_limited(path: &Path) -> Result<Vec<u8>, OpenError> {
    crate::input::read(path, crate::input::Accept::File).map_err(|source| {
        if source.kind() == std::io::ErrorKind::FileTooLarge {
            OpenError::TooLarge {
                path: path.to_path_buf(),
            }
        } else {
            OpenError::Read {
                path: path.to_path_buf(),
                source,
            }
        }
    })
}

/// A new age identity file's content (the layout `age-keygen` writes) and its recipient.
pub fn new_identity(now: SystemTime) -> (SecretString, String) {
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    let text = format!(
        "# created: {}\n# public key: {recipient}\n{}\n",
        bundle::timestamp(now),
        identity.to_string().expose_secret()
    );
    (SecretString::from(text), recipient)
}

/// Writes a new identity file (0600). Never replaces an existing file, not even with force:
/// that would make everything sealed to the old key unreadable.
pub fn write_identity(path: &Path, content: &SecretString) -> Result<(), SealError> {
    if path.exists() || path.is_symlink() {
        return Err(IdentityError::Exists {
            path: path.to_path_buf(),
        }
        .into());
    }
    // Exclusive: an identity that appears between the check above and the write is kept.
    files::write_exclusive(path, content.expose_secret().as_bytes(), SECRET_MODE)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::credentials::sample as credentials;

    #[test]
    fn sealed_bytes_decrypt_to_exactly_the_bundle_bytes() {
        let id = age::x25519::Identity::generate();
        let r = Recipient::parse(
            &id.to_public().to_string(),
            None,
            &error::Origin::Value {
                index: 1,
                source: "test".into(),
            },
        )
        .unwrap();
        let options = SealOptions {
            to: SealTo::Recipients(vec![r]),
            armor: true,
            note: Some("hi".into()),
            expires_in: None,
        };
        let sealed = seal(&credentials(), &options).unwrap();
        let plain = age_file::Sealed::parse(Path::new("x"), &sealed.ciphertext)
            .unwrap()
            .decrypt(std::iter::once(&id as &dyn age::Identity))
            .unwrap();
        assert_eq!(plain.expose_secret(), &sealed.bundle.to_bytes()[..]);
    }

    #[test]
    fn no_debug_output_shows_a_secret() {
        let options = SealOptions {
            to: SealTo::Passphrase(SecretString::from("pass-PHRASE")),
            armor: true,
            note: None,
            expires_in: None,
        };
        let debug = format!("{options:?}");
        assert!(!debug.contains("pass-PHRASE"), "{debug}");
        let sealed = Sealed {
            bundle: Bundle::new(&credentials(), vec![], None, None, SystemTime::now()).unwrap(),
            ciphertext: vec![],
        };
        let opened = Opened {
            credentials: sealed.bundle.credentials(),
            bundle: sealed.bundle.clone(),
            signer: None,
        };
        for debug in [format!("{sealed:?}"), format!("{opened:?}")] {
            assert!(!debug.contains("s3cr3t-VALUE"), "{debug}");
        }
        let (identity, _) = new_identity(SystemTime::now());
        assert!(!format!("{identity:?}").contains("AGE-SECRET-KEY"));
    }
}
