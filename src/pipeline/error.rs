//! What a pipeline step (and so a command) can fail with: the error of the module that failed,
//! a check that ran and found problems (its report is complete), or several runs of `run
//! --all-envs`. Every module keeps its own error enum and says which exit code and hint it
//! carries through [`Diagnose`](crate::exit::Diagnose); this type only gathers them. The
//! command layer gives it its `Diagnose` (commands/hints.rs), spelling the settings a hint
//! names as flags.

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
    #[error(transparent)]
    Render(#[from] crate::render::RenderError),
    #[error(transparent)]
    Seal(#[from] crate::seal::SealError),
    #[error(transparent)]
    OpenMetadata(#[from] crate::omapi::OmError),
    #[error(transparent)]
    Sops(#[from] crate::sops::SopsError),
    #[error(transparent)]
    JwtKeys(#[from] crate::jwt_keys::JwtKeyError),
    /// The step ran and its checks found problems; its report was already printed.
    #[error("{0}")]
    CheckFailed(String),
    /// Several runs (`run --all-envs`) failed; their errors and report were already printed.
    /// Carries the worst exit code among them.
    #[error("{0}")]
    Several(String, Exit),
}

impl Error {
    /// The module error inside, which knows its exit code and hint.
    pub fn inner(&self) -> Option<&dyn Diagnose> {
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
            Error::JwtKeys(e) => Some(e),
            Error::CheckFailed(_) | Error::Several(..) => None,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Building the HTTP client fails only on its TLS set-up (`--cacert`, the system's roots), which
/// the Keycloak error already explains.
impl From<crate::http::HttpError> for Error {
    fn from(e: crate::http::HttpError) -> Error {
        Error::Keycloak(crate::keycloak::KeycloakError::Http(e))
    }
}
