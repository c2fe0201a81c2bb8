//! Hints that name command-line flags. A library error says what went wrong and what to change
//! in the user's words (a setting key, a file, a Keycloak screen); which flag of which command
//! changes it is the command line's business, so those hints live here, at the command layer
//! (as rage does over the age crate). [`flag_hint`] is consulted before the error's own hint.

use super::error::Error;
use crate::exit::{Diagnose, Exit};
use crate::render::RenderError;
use crate::verify::VerifyError;

/// What the commands' one error tells `main`: the exit code of the module error inside, and
/// a flag hint from here before that module's own.
impl Diagnose for Error {
    fn exit(&self) -> Exit {
        match self {
            Error::CheckFailed(_) => Exit::CheckFailed,
            Error::Several(_, exit) => *exit,
            other => other.inner().map_or(Exit::Runtime, Diagnose::exit),
        }
    }

    fn hint(&self) -> Option<String> {
        flag_hint(self).or_else(|| self.inner().and_then(Diagnose::hint))
    }

    fn reported(&self) -> bool {
        matches!(self, Error::CheckFailed(_) | Error::Several(..))
    }
}

/// The hint for `e` when it needs a flag's name; `None` leaves the error's own hint.
fn flag_hint(e: &Error) -> Option<String> {
    match e {
        Error::Render(RenderError::TemplatesDir { .. } | RenderError::ReadTemplate { .. }) => Some(
            "--templates takes a folder holding files named like the built-in templates".into(),
        ),
        Error::Verify(VerifyError::NotOpenMetadataConfig { .. }) => {
            Some("render it with `omsso render`, or name the file with --om-config PATH".into())
        }
        Error::Verify(VerifyError::UnknownKind { .. }) => {
            Some("say which it is with --kind yaml|env|helm|sops".into())
        }
        _ => None,
    }
}
