//! What can go wrong talking to a running OpenMetadata, in the user's words. Messages name the
//! server and the endpoint, never the admin token or the client secret.

use crate::exit::{Diagnose, Exit};
use crate::hint::{Hint, Opt, Ref};
use crate::http::HttpError;

#[derive(Debug, thiserror::Error)]
pub enum OmError {
    #[error("cannot reach OpenMetadata at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("OpenMetadata at {base} refused the admin token ({status}: {message})")]
    TokenRefused {
        base: String,
        status: u16,
        message: String,
    },
    #[error("OpenMetadata at {base}: the token's user is not an admin ({message})")]
    NotAdmin { base: String, message: String },
    #[error(
        "OpenMetadata at {base} has no security configuration API ({path} answered 404){}",
        match version { Some(v) => format!("; it runs {v}"), None => String::new() }
    )]
    NoSecurityApi {
        base: String,
        path: &'static str,
        version: Option<String>,
    },
    #[error(
        "OpenMetadata {version} takes its security configuration from its files, not through \
         its API"
    )]
    LineWithoutApi { version: String, hint: String },
    #[error("OpenMetadata at {base} refused the configuration ({status}): {message}")]
    Refused {
        base: String,
        status: u16,
        message: String,
    },
    #[error("OpenMetadata's SSO validation refused the configuration ({count} field error{})", if *count == 1 { "" } else { "s" })]
    ValidationFailed { count: usize },
    #[error("{method} {url} failed: HTTP {status}: {message}")]
    Status {
        method: &'static str,
        url: String,
        status: u16,
        message: String,
    },
    #[error("{url}: unexpected answer from OpenMetadata: {detail}")]
    BadResponse { url: String, detail: String },
    #[error("OpenMetadata at {base} did not keep what omsso sent: {fields}")]
    NotKept { base: String, fields: String },
    /// The lockout guard of the default admin's removal: nothing was removed.
    #[error("refusing to remove the default admin from OpenMetadata at {base}: {reason}")]
    AdminKept {
        base: String,
        reason: String,
        hint: String,
    },
    #[error("refusing to remove the default admin without confirmation")]
    NotConfirmed,
    #[error("the default admin was not removed (declined)")]
    Declined,
    #[error(transparent)]
    Http(#[from] HttpError),
}

impl Diagnose for OmError {
    fn exit(&self) -> Exit {
        match self {
            OmError::TokenRefused { .. }
            | OmError::NotAdmin { .. }
            | OmError::NoSecurityApi { .. }
            | OmError::LineWithoutApi { .. }
            | OmError::Refused { .. }
            | OmError::ValidationFailed { .. }
            | OmError::AdminKept { .. }
            | OmError::NotConfirmed
            | OmError::Declined => Exit::Usage,
            OmError::Http(e) => e.exit(),
            _ => Exit::Runtime,
        }
    }

    /// What to change: settings and options by reference.
    fn hint(&self) -> Option<Hint> {
        Some(match self {
            OmError::Unreachable { .. } => Hint::new(
                "check {} (OpenMetadata's address from this machine) and that the server is up",
                [URL],
            ),
            OmError::TokenRefused { .. } => Hint::new(
                "the admin token comes from OMSSO_OM_TOKEN, {} or the prompt: use a personal \
                 access token of an admin, or the ingestion bot's token, from OpenMetadata's \
                 settings",
                [Opt::OmTokenFile.into()],
            ),
            OmError::NotAdmin { .. } => "use the token of an OpenMetadata admin (a user in \
                 adminPrincipals, or a bot with the admin role)"
                .into(),
            OmError::NoSecurityApi { .. } => Hint::new(
                "OpenMetadata before 1.10 keeps no security configuration in its database: \
                 deploy the rendered files instead (and check {})",
                [URL],
            ),
            OmError::LineWithoutApi { hint, .. } | OmError::AdminKept { hint, .. } => {
                hint.clone().into()
            }
            OmError::NotConfirmed => Hint::new(
                "confirm at the prompt on a terminal, or pass {} (see the plan first with {})",
                [Opt::Yes.into(), Opt::DryRun.into()],
            ),
            OmError::Declined => "nothing was changed".into(),
            OmError::Refused { .. } => Hint::new(
                "the server's models reject a key or value: render for the server's release \
                 ({}) and try again",
                [Ref::Setting("openmetadata.version")],
            ),
            OmError::ValidationFailed { .. } => "fix the fields listed above (omsso verify \
                 names the same checks), render again and re-run apply; nothing was changed"
                .into(),
            OmError::Status { status: 500.., .. } => {
                "OpenMetadata failed; its server log has the details".into()
            }
            OmError::Status { .. }
            | OmError::BadResponse { .. }
            | OmError::Http(HttpError::TooLarge { .. }) => Hint::new(
                "check {}: it is OpenMetadata's base URL, e.g. https://om.example.com",
                [URL],
            ),
            OmError::NotKept { .. } => "the server saved something else than it was sent, or \
                 another change came in between: run `omsso verify` to see what it uses"
                .into(),
            OmError::Http(HttpError::RedirectRefused { .. }) => {
                crate::http::redirect_hint(URL, "OpenMetadata")
            }
            OmError::Http(e) => return e.hint(),
        })
    }
}

/// Where OpenMetadata's URL is set.
const URL: Ref = Ref::Setting("openmetadata.url");
