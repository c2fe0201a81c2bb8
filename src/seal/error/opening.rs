//! Opening the sealed file: reading it, its age header and armor, and decrypting it with
//! identities or a passphrase.

use std::path::PathBuf;

use crate::exit::{Diagnose, Exit};
use crate::hint::{Hint, Opt};

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("{} is sealed with a passphrase, not to identities", path.display())]
    NeedsPassphrase { path: PathBuf },
    #[error("{} is sealed to recipients; no identity was given", path.display())]
    NeedsIdentity { path: PathBuf },
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is not an age-encrypted file", path.display())]
    NotAge { path: PathBuf },
    #[error("{} uses an age format version omsso cannot read", path.display())]
    UnknownAgeFormat { path: PathBuf },
    #[error("{} is too large to be a handoff bundle", path.display())]
    TooLarge { path: PathBuf },
    /// `detail` is the armor parser's reason (line wrapping, padding, markers).
    #[error("{}: damaged ASCII armor: {detail}", path.display())]
    ArmorDamaged { path: PathBuf, detail: String },
    #[error("{} is damaged (truncated or modified)", path.display())]
    Damaged { path: PathBuf },
    #[error("{} is damaged: a recipient stanza of its age header is not encoded as the age format requires (the age CLI refuses it too)", path.display())]
    HeaderMalformed { path: PathBuf },
    #[error("no identity matches {}", path.display())]
    NoIdentityMatches { path: PathBuf },
    #[error("wrong passphrase for {}", path.display())]
    WrongPassphrase { path: PathBuf },
    #[error("{}: the passphrase's work factor 2^{required} is above the limit of 2^22 (as the age CLI's); trying it would take minutes and gigabytes of memory", path.display())]
    ExcessiveWork { path: PathBuf, required: u8 },
}

impl Diagnose for OpenError {
    /// Asking for the wrong kind of key is a bad command line; the rest is the file received.
    fn exit(&self) -> Exit {
        match self {
            OpenError::NeedsPassphrase { .. } | OpenError::NeedsIdentity { .. } => Exit::Usage,
            _ => Exit::Runtime,
        }
    }

    /// What to change: settings and options by reference (`crate::hint`).
    fn hint(&self) -> Option<Hint> {
        use OpenError::*;
        Some(match self {
            NeedsPassphrase { .. } => Hint::new(
                "drop {} and give the passphrase ({}, OMSSO_SEAL_PASSPHRASE, or the prompt)",
                [Opt::Identity.into(), Opt::PassphraseFile.into()],
            ),
            NeedsIdentity { .. } => Hint::new(
                "pass {} IDENTITY_FILE (the key the sender sealed to)",
                [Opt::Identity.into()],
            ),
            Read { .. } => "check the path; the file must be readable by you".into(),
            NotAge { .. } | UnknownAgeFormat { .. } | TooLarge { .. } => {
                "check that this is the .age file you were sent".into()
            }
            ArmorDamaged { .. } | Damaged { .. } | HeaderMalformed { .. } => {
                "ask the sender for the file again; copy it unchanged (binary, or the whole \
                 armored text)"
                    .into()
            }
            NoIdentityMatches { .. } => "the file was sealed to other keys: pass the identity \
                 whose public key you gave the sender"
                .into(),
            WrongPassphrase { .. } => "check the passphrase with the sender".into(),
            ExcessiveWork { .. } => "the sender must seal it again with a normal passphrase \
                 (omsso and age choose a work factor of about a second)"
                .into(),
        })
    }
}
