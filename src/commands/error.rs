//! The one error type the commands return: every module keeps its own error enum (what went
//! wrong, in the user's words) and says which exit code and hint it carries through
//! [`Diagnose`]; this file only gathers them so `main` can print one line plus a hint and pick
//! the exit code (its `Diagnose` is in hints.rs, where flag hints join the modules' own).

use crate::exit::{Diagnose, Exit};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Settings(#[from] crate::settings::SettingsError),
    #[error(transparent)]
    Output(#[from] crate::output::OutputError),
    #[error(transparent)]
    Credentials(#[from] crate::credentials::CredentialsError),
    #[error(transparent)]
    Keycloak(#[from] crate::keycloak::KeycloakError),
    #[error(transparent)]
    Verify(#[from] crate::verify::VerifyError),
    /// Some render errors name the flag that caused them (`--templates`, `--stdout`).
    #[error("{}", render_message(_0))]
    Render(#[from] crate::render::RenderError),
    #[error(transparent)]
    Seal(#[from] crate::seal::SealError),
    #[error(transparent)]
    OpenMetadata(#[from] crate::omapi::OmError),
    #[error(transparent)]
    Sops(#[from] crate::sops::SopsError),
    /// A check command ran fine and found problems; its report was already printed.
    #[error("{0}")]
    CheckFailed(String),
    /// Several runs (`run --all-envs`) failed; their errors and report were already printed.
    /// Carries the worst exit code among them.
    #[error("{0}")]
    Several(String, Exit),
}

/// The HTTP client is set up where a command starts (its CA file read); a failure there is
/// reported as Keycloak's, whose certificate the CA file is for (as before the client moved
/// below keycloak).
impl From<crate::http::HttpError> for Error {
    fn from(e: crate::http::HttpError) -> Error {
        Error::Keycloak(e.into())
    }
}

impl Error {
    pub(super) fn inner(&self) -> Option<&dyn Diagnose> {
        match self {
            Error::Settings(e) => Some(e),
            Error::Output(e) => Some(e),
            Error::Credentials(e) => Some(e),
            Error::Keycloak(e) => Some(e),
            Error::Verify(e) => Some(e),
            Error::Render(e) => Some(e),
            Error::Seal(e) => Some(e),
            Error::OpenMetadata(e) => Some(e),
            Error::Sops(e) => Some(e),
            Error::CheckFailed(_) | Error::Several(..) => None,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<crate::pipeline::Error> for Error {
    /// Each module's error keeps its own variant, so the flag hints find it.
    fn from(e: crate::pipeline::Error) -> Self {
        use crate::pipeline::Error as P;
        match e {
            P::Settings(e) => e.into(),
            P::Output(e) => e.into(),
            P::Credentials(e) => e.into(),
            P::Keycloak(e) => e.into(),
            P::Verify(e) => e.into(),
            P::Render(e) => e.into(),
            P::Seal(e) => e.into(),
            P::OpenMetadata(e) => e.into(),
            P::Sops(e) => e.into(),
            P::CheckFailed(m) => Error::CheckFailed(m),
        }
    }
}

/// A render error's message, in the words of the flag that caused it where the library's
/// words are the setting's or the action's.
fn render_message(e: &crate::render::RenderError) -> String {
    match e {
        crate::render::RenderError::TemplatesDir { path } => {
            format!("--templates {}: not a folder", path.display())
        }
        crate::render::RenderError::StdoutNeedsOneFile { count } => {
            format!("--stdout prints one file, but this target renders {count}")
        }
        other => other.to_string(),
    }
}
