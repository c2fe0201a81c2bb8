//! What a pipeline step can fail with: the error of the module that failed, or a check that
//! ran and found problems (its report is complete). The command layer turns it into its own
//! aggregate error, adding the hints that name flags.

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
    /// The step ran and its checks found problems; the report says which.
    #[error("{0}")]
    CheckFailed(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Building the HTTP client fails only on its TLS set-up (`--cacert`, the system's roots), which
/// the Keycloak error already explains.
impl From<crate::http::HttpError> for Error {
    fn from(e: crate::http::HttpError) -> Error {
        Error::Keycloak(crate::keycloak::KeycloakError::Http(e))
    }
}
