//! The handoff bundle: the credentials going into it, and the document read back out of a
//! decrypted file. Messages never quote the payload (it holds the secret).

use crate::exit::{Diagnose, Exit};
use crate::hint::{Hint, Opt};

#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("the credentials are a confidential client's but hold no client secret")]
    NoClientSecret,
    /// `detail` never quotes the payload (it holds the secret).
    #[error("the decrypted content is not an omsso handoff bundle: {detail}")]
    NotABundle { detail: String },
    #[error("unsupported handoff bundle version {found} (this omsso reads 1.x)")]
    UnknownVersion { found: String },
    #[error("the handoff bundle lacks the required field `{field}`")]
    MissingField { field: &'static str },
    #[error("the handoff bundle's field `{field}` must be {expected}")]
    BadField {
        field: &'static str,
        expected: &'static str,
    },
    #[error("the bundle is for client `{found}`, not the expected `{expected}`")]
    ClientIdMismatch { expected: String, found: String },
}

impl Diagnose for BundleError {
    fn exit(&self) -> Exit {
        match self {
            // Bad credentials to seal: nothing was attempted.
            BundleError::NoClientSecret => Exit::Usage,
            // What was received is not what was asserted.
            BundleError::ClientIdMismatch { .. } => Exit::CheckFailed,
            _ => Exit::Runtime,
        }
    }

    /// What to change: settings and options by reference (`crate::hint`).
    fn hint(&self) -> Option<Hint> {
        use BundleError::*;
        Some(match self {
            NoClientSecret => Hint::new(
                "fetch them again (`omsso keycloak fetch {} FILE`), or set client_type: public \
                 in the credentials file if the client is public",
                [Opt::Write.into()],
            ),
            NotABundle { .. } | MissingField { .. } | BadField { .. } => {
                "the sender must seal it with `omsso seal`".into()
            }
            UnknownVersion { .. } => "upgrade omsso to read this bundle".into(),
            ClientIdMismatch { .. } => {
                "you received credentials for another client: ask the sender".into()
            }
        })
    }
}
