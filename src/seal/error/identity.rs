//! The identities a handoff is opened with (age identity files, passphrase-protected ones,
//! OpenSSH private keys) and the new identity file `keygen` writes. Messages name the file
//! and a line or format, never its content.

use std::path::PathBuf;

use super::passphrase_hint;
use crate::exit::{Diagnose, Exit};
use crate::hint::{Hint, Opt};

#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error("cannot read identity file {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// `detail` names a line number or a format, never content.
    #[error("{}: not an identity file: {detail}", path.display())]
    Malformed { path: PathBuf, detail: String },
    #[error("{} holds no identity", path.display())]
    Empty { path: PathBuf },
    #[error("{} is a public key; opening needs the matching private key", path.display())]
    IsPublic { path: PathBuf },
    #[error("{}: unsupported key type {key_type}", path.display())]
    Unsupported { path: PathBuf, key_type: String },
    #[error("wrong passphrase for {}", path.display())]
    Passphrase { path: PathBuf },
    #[error("{} already exists; omsso never replaces an identity file", path.display())]
    Exists { path: PathBuf },
}

impl Diagnose for IdentityError {
    /// A bad identity file is bad input (nothing was attempted); a wrong passphrase is not.
    fn exit(&self) -> Exit {
        match self {
            IdentityError::Passphrase { .. } => Exit::Runtime,
            _ => Exit::Usage,
        }
    }

    /// What to change: settings and options by reference (`crate::hint`).
    fn hint(&self) -> Option<Hint> {
        Some(match self {
            IdentityError::Read { .. } => "check the path; the file must be readable by you".into(),
            IdentityError::Malformed { .. } | IdentityError::Empty { .. } => "pass an age \
                 identity file (`omsso keygen`), a passphrase-encrypted one, or an OpenSSH \
                 private key"
                .into(),
            IdentityError::IsPublic { .. } => "pass the private key file (without .pub)".into(),
            IdentityError::Unsupported { .. } => {
                "age opens files with age identities, ssh-ed25519 and ssh-rsa keys".into()
            }
            IdentityError::Passphrase { .. } => {
                passphrase_hint("OMSSO_IDENTITY_PASSPHRASE", Opt::IdentityPassphraseFile)
            }
            IdentityError::Exists { .. } => "choose another path: replacing it would make \
                 everything sealed to its key unreadable"
                .into(),
        })
    }
}
