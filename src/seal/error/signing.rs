//! SSH signatures: the key a handoff is signed with, the allowed-signers file, and the
//! signature checked before a file is opened.

use std::path::PathBuf;

use super::passphrase_hint;
use crate::exit::{Diagnose, Exit};
use crate::hint::{Hint, Opt};

#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("cannot read signing key {}: {source}", path.display())]
    KeyRead {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is not an OpenSSH private key", path.display())]
    KeyMalformed { path: PathBuf },
    #[error("wrong passphrase for signing key {}", path.display())]
    KeyPassphrase { path: PathBuf },
    #[error("cannot sign with {}: {detail}", path.display())]
    KeyUnsupported { path: PathBuf, detail: String },
    #[error("cannot read allowed signers file {}: {source}", path.display())]
    AllowedSignersRead {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{line}: not an allowed-signers entry", path.display())]
    AllowedSignersMalformed { path: PathBuf, line: usize },
    #[error("signature {} is missing", path.display())]
    Missing { path: PathBuf },
    #[error("cannot read signature {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is not an SSH signature", path.display())]
    Malformed { path: PathBuf },
    #[error("signature {} is for namespace `{found}`, not `omsso-handoff`", path.display())]
    Namespace { path: PathBuf, found: String },
    #[error("signature {} was made by {fingerprint}, which is not in {}{} (for namespace omsso-handoff, at this time)", path.display(), signers.display(), principal.as_ref().map(|p| format!(" for principal `{p}`")).unwrap_or_default())]
    SignerNotAllowed {
        path: PathBuf,
        fingerprint: String,
        signers: PathBuf,
        /// The principal asked for, when one was.
        principal: Option<String>,
    },
    #[error("signature {} does not match {} (the file was changed after signing)", path.display(), file.display())]
    Invalid { path: PathBuf, file: PathBuf },
}

impl Diagnose for SignError {
    /// A bad key or allowed-signers file is bad input; a bad signature is what was received.
    fn exit(&self) -> Exit {
        use SignError::*;
        match self {
            KeyRead { .. }
            | KeyMalformed { .. }
            | KeyUnsupported { .. }
            | AllowedSignersRead { .. }
            | AllowedSignersMalformed { .. } => Exit::Usage,
            _ => Exit::Runtime,
        }
    }

    /// What to change: settings and options by reference (`crate::hint`).
    fn hint(&self) -> Option<Hint> {
        use SignError::*;
        Some(match self {
            KeyRead { .. } | KeyMalformed { .. } => Hint::new(
                "{} takes an OpenSSH private key (e.g. ~/.ssh/id_ed25519)",
                [Opt::SignWith.into()],
            ),
            KeyPassphrase { .. } => {
                passphrase_hint("OMSSO_SIGN_PASSPHRASE", Opt::SignPassphraseFile)
            }
            KeyUnsupported { .. } => "sign with an ssh-ed25519 or ssh-rsa key".into(),
            AllowedSignersRead { .. } | AllowedSignersMalformed { .. } => {
                "use the OpenSSH allowed_signers format: `PRINCIPALS [OPTIONS] KEYTYPE KEY`".into()
            }
            Missing { .. } => Hint::new(
                "ask the sender to seal with {}, or pass {} FILE",
                [Opt::SignWith.into(), Opt::Signature.into()],
            ),
            Read { .. } | Malformed { .. } => Hint::new(
                "the .sig file must be the one `omsso seal {}` wrote",
                [Opt::SignWith.into()],
            ),
            Namespace { .. } => Hint::new(
                "sign with `ssh-keygen -Y sign -n omsso-handoff` or `omsso seal {}`",
                [Opt::SignWith.into()],
            ),
            SignerNotAllowed { .. } => "do not use this file; if the signer is genuine, add \
                 their key to the allowed signers file"
                .into(),
            Invalid { .. } => {
                "do not use this file; ask the sender to seal and sign it again".into()
            }
        })
    }
}
