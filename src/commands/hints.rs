//! What the commands' one error tells `main`. Each module's error writes its own hint once,
//! naming settings by key and options by [`crate::hint::Opt`]; here, at the command layer, a
//! setting is spelled as the flag the user types (from the settings table), and a message that
//! is about a flag says so in its words.

use super::error::Error;
use crate::exit::{Diagnose, Exit};
use crate::hint::{Hint, Opt};
use crate::render::RenderError;
use crate::settings::flag;

/// The exit code of the module error inside, and its hint with settings spelled as flags.
impl Diagnose for Error {
    fn exit(&self) -> Exit {
        match self {
            Error::CheckFailed(_) => Exit::CheckFailed,
            Error::Several(_, exit) => *exit,
            other => other.inner().map_or(Exit::Runtime, Diagnose::exit),
        }
    }

    fn message(&self) -> String {
        match self {
            Error::Render(e) => render_message(e),
            other => other.to_string(),
        }
    }

    fn hint(&self) -> Option<Hint> {
        Some(self.inner()?.hint()?.spell_settings(flag))
    }

    fn reported(&self) -> bool {
        matches!(self, Error::CheckFailed(_) | Error::Several(..))
    }
}

/// A render error's message, in the words of the flag that caused it where the library's
/// words are the setting's or the action's.
fn render_message(e: &RenderError) -> String {
    match e {
        RenderError::TemplatesDir { path } => {
            format!("{} {}: not a folder", Opt::Templates, path.display())
        }
        RenderError::StdoutNeedsOneFile { count } => {
            format!(
                "{} prints one file, but this target renders {count}",
                Opt::Stdout
            )
        }
        other => other.to_string(),
    }
}
