//! Whom to seal to: recipients given as values or in recipients files, and the choice between
//! recipients and a passphrase. Messages name the value or file line at fault, never its
//! content (a pasted private key must not end up in a terminal or a log).

use std::path::PathBuf;

use crate::exit::{Diagnose, Exit};
use crate::hint::{Hint, Opt, Ref};

/// Where a recipient came from, for messages: `keys.txt:3` or `recipient 2 (flag --recipient)`.
#[derive(Debug, Clone)]
pub enum Origin {
    /// The n-th (1-based) value of `seal.recipients`, and where that list came from.
    Value {
        index: usize,
        source: String,
    },
    File {
        path: PathBuf,
        line: usize,
    },
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Value { index, source } => write!(f, "recipient {index} ({source})"),
            Origin::File { path, line } => write!(f, "{}:{line}", path.display()),
        }
    }
}

/// Why a recipient was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecipientProblem {
    Malformed,
    /// A private key (age identity or SSH private key) where a public one belongs.
    PrivateKey,
    RsaTooSmall {
        bits: usize,
    },
    RsaTooLarge,
    Unsupported {
        key_type: String,
    },
}

impl std::fmt::Display for RecipientProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RecipientProblem::Malformed => {
                f.write_str("not a recipient (expected age1…, ssh-ed25519 … or ssh-rsa …)")
            }
            RecipientProblem::PrivateKey => {
                f.write_str("this is a private key; a recipient is a public key")
            }
            RecipientProblem::RsaTooSmall { bits } => {
                write!(
                    f,
                    "RSA key of {bits} bits is too weak (at least 2048 needed)"
                )
            }
            RecipientProblem::RsaTooLarge => f.write_str("RSA key is larger than age supports"),
            RecipientProblem::Unsupported { key_type } => {
                write!(f, "unsupported key type {key_type}")
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RecipientError {
    #[error("{origin}: {problem}")]
    Recipient {
        origin: Origin,
        problem: RecipientProblem,
    },
    #[error("cannot read recipients file {}: {source}", path.display())]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("recipients file {} lists no recipient", path.display())]
    EmptyFile { path: PathBuf },
    #[error("no recipients to seal to")]
    NoRecipients,
    #[error("a passphrase cannot be combined with recipients ({recipients_from})")]
    PassphraseWithRecipients { recipients_from: String },
}

/// A bad recipient list is a bad configuration: nothing was attempted.
impl Diagnose for RecipientError {
    fn exit(&self) -> Exit {
        Exit::Usage
    }

    /// What to change: settings and options by reference (`crate::hint`).
    fn hint(&self) -> Option<Hint> {
        const RECIPIENTS: Ref = Ref::Setting("seal.recipients");
        const FILES: Ref = Ref::Setting("seal.recipients_files");
        Some(match self {
            RecipientError::Recipient { problem, .. } => problem.hint().into(),
            RecipientError::File { .. } => {
                "check the path; the file must be readable by you".into()
            }
            RecipientError::EmptyFile { .. } => {
                "add the recipients' public keys to it, one a line".into()
            }
            RecipientError::NoRecipients => Hint::new(
                "pass {} RECIPIENT or {} FILE (or set seal.recipients in omsso.yaml), or {} to \
                 seal to a passphrase",
                [RECIPIENTS, FILES, Opt::Passphrase.into()],
            ),
            RecipientError::PassphraseWithRecipients { .. } => Hint::new(
                "seal either to recipients ({}, {}) or to a passphrase ({}, {}, \
                 OMSSO_SEAL_PASSPHRASE), not both",
                [
                    RECIPIENTS,
                    FILES,
                    Opt::Passphrase.into(),
                    Opt::PassphraseFile.into(),
                ],
            ),
        })
    }
}

impl RecipientProblem {
    fn hint(&self) -> &'static str {
        match self {
            RecipientProblem::PrivateKey => {
                "use the public key: `age-keygen -y KEY` or the .pub file of an SSH key"
            }
            RecipientProblem::RsaTooSmall { .. } | RecipientProblem::RsaTooLarge => {
                "ask for an ssh-ed25519 key or an age recipient (`omsso keygen`)"
            }
            RecipientProblem::Unsupported { .. } => {
                "age supports age1… recipients, ssh-ed25519 and ssh-rsa keys"
            }
            RecipientProblem::Malformed => {
                "fix that line; `#` starts a comment, one recipient a line"
            }
        }
    }
}
