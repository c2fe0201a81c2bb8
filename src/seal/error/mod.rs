//! Everything that can go wrong while sealing, opening or signing a handoff, one type per
//! concern: [`RecipientError`] (whom to seal to), [`IdentityError`] (what opens it),
//! [`OpenError`] (the sealed file), [`BundleError`] (the document inside) and [`SignError`]
//! (SSH signatures). [`SealError`] gathers them for the steps that can fail several ways.
//! Messages name the file (and line) at fault and never quote its content: a recipients or
//! allowed-signers file may hold a pasted private key by mistake, and a decrypted payload
//! holds the secret.

mod bundle;
mod identity;
mod opening;
mod recipients;
mod signing;

use std::path::PathBuf;

use crate::exit::{Diagnose, Exit};
use crate::hint::{Hint, Opt};
use crate::output::OutputError;
use crate::settings::SettingsError;

pub use bundle::BundleError;
pub use identity::IdentityError;
pub use opening::OpenError;
pub use recipients::{Origin, RecipientError, RecipientProblem};
pub use signing::SignError;

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error(transparent)]
    Recipients(#[from] RecipientError),
    #[error(transparent)]
    Identity(#[from] IdentityError),
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error(transparent)]
    Bundle(#[from] BundleError),
    #[error(transparent)]
    Sign(#[from] SignError),
    #[error("sealing cancelled; nothing was written")]
    Cancelled,
    #[error("{} was sealed for something else than the settings ask now: {reason}", path.display())]
    HandoffOutdated { path: PathBuf, reason: String },
    /// Reading a passphrase (env var, file, prompt) failed.
    #[error(transparent)]
    Secret(#[from] SettingsError),
    /// Writing the sealed file, its signature or a credentials file failed.
    #[error(transparent)]
    Output(#[from] OutputError),
}

impl SealError {
    /// The concern's error inside, for exit code and hint.
    fn inner(&self) -> Option<&dyn Diagnose> {
        Some(match self {
            SealError::Recipients(e) => e,
            SealError::Identity(e) => e,
            SealError::Open(e) => e,
            SealError::Bundle(e) => e,
            SealError::Sign(e) => e,
            SealError::Secret(e) => e,
            SealError::Output(e) => e,
            SealError::Cancelled | SealError::HandoffOutdated { .. } => return None,
        })
    }
}

impl Diagnose for SealError {
    fn exit(&self) -> Exit {
        match self {
            // The settings ask for something else than the file on disk: a configuration matter.
            SealError::HandoffOutdated { .. } => Exit::Usage,
            _ => self.inner().map_or(Exit::Runtime, Diagnose::exit),
        }
    }

    fn hint(&self) -> Option<Hint> {
        match self {
            SealError::HandoffOutdated { .. } => Some(Hint::new(
                "pass {} to seal it again for the current settings (a copy of the old file \
                 already sent still opens for whom it was sealed)",
                [Opt::Force.into()],
            )),
            SealError::Cancelled => {
                Some(Hint::new("answer y to seal, or pass {}", [Opt::Yes.into()]))
            }
            _ => self.inner().and_then(Diagnose::hint),
        }
    }
}

/// Where a passphrase comes from: `env`, a file, or the prompt.
fn passphrase_hint(env: &str, file: Opt) -> Hint {
    Hint::from(format!("check the passphrase ({env}, "))
        .then(file)
        .text(", or the prompt)")
}
