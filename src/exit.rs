//! Exit codes and what every error tells `main` besides its message. The bottom layer: every
//! module's error enum implements [`Diagnose`], so the command layer can pick the exit code and
//! print one hint without knowing the module.

use std::process::ExitCode;

use crate::hint::Hint;

/// Exit codes, as documented in `--help` and docs/EXIT-CODES.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    /// Something failed at run time (network, Keycloak, the file system).
    Runtime = 1,
    /// The command line or the configuration is wrong; nothing was attempted.
    Usage = 2,
    /// A check found a difference or a failure (`ensure --check`, `verify`).
    CheckFailed = 3,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}

/// What every module error tells `main` besides its message.
pub trait Diagnose: std::error::Error {
    fn exit(&self) -> Exit {
        Exit::Runtime
    }
    /// One line telling the user what to do next, naming settings and options by reference
    /// so the command layer can spell them as flags. Never contains a secret.
    fn hint(&self) -> Option<Hint> {
        None
    }
    /// The one-line message shown for it: its `Display`, unless the layer that knows the
    /// user's words (the command line's flags) says it better.
    fn message(&self) -> String {
        self.to_string()
    }
    /// True when the failure's report was already printed (a failed check), so no second
    /// error document may follow it on stdout.
    fn reported(&self) -> bool {
        false
    }
}
