//! rotate: regenerate the client secret in Keycloak. Every refusal that can come before the
//! old secret is gone does (a public client, no confirmation possible, a credentials file in
//! the way); the question comes last, once Keycloak has shown the client is confidential.

use std::io::IsTerminal;
use std::path::PathBuf;

use super::{ensure, Progress, Result};
use crate::credentials::Credentials;
use crate::keycloak::{self, KeycloakError, Logins};
use crate::output::files::{self, OutputError};
use crate::settings::{ClientType, Settings};

/// The inputs of [`rotate`] besides the settings.
pub struct Rotate {
    /// Do not ask first.
    pub yes: bool,
    /// Certificate checks off.
    pub insecure: bool,
    /// The credentials file that will be written with the new secret, and whether an
    /// existing one may be replaced.
    pub write: Option<PathBuf>,
    pub force: bool,
}

/// Regenerates the secret and returns the new credentials (the caller delivers them).
pub async fn rotate(
    settings: &Settings,
    progress: &dyn Progress,
    args: &Rotate,
    logins: &Logins,
) -> Result<Credentials> {
    let realm = settings.realm()?;
    let client_id = settings.client_id();
    let public = || KeycloakError::PublicClient {
        client_id: client_id.to_string(),
        realm: realm.to_string(),
    };
    if settings.client_type() == ClientType::Public {
        return Err(public().into());
    }
    if !args.yes && !std::io::stdin().is_terminal() {
        return Err(KeycloakError::NotConfirmed.into());
    }
    // The new secret will differ from any file written before: refuse now, not after the
    // old secret is gone.
    if let Some(path) = args.write.as_ref().filter(|_| !args.force) {
        match files::open_existing(path)? {
            files::Existing::Missing => {}
            files::Existing::Link => return Err(OutputError::Link { path: path.clone() }.into()),
            files::Existing::File(_) => {
                return Err(OutputError::Exists { path: path.clone() }.into())
            }
        }
    }
    let session = ensure::connect(settings, progress, args.insecure, logins).await?;
    let located = keycloak::secret::locate(&session, realm, client_id).await?;
    // Refused before the question: there is nothing to confirm.
    if located.client_type() == ClientType::Public {
        return Err(public().into());
    }
    if !args.yes {
        let question = format!(
            "Regenerate the secret of client `{client_id}` in realm `{realm}`? The old secret \
             stops working at once."
        );
        if !progress
            .confirm(&question)
            .map_err(|_| KeycloakError::NotConfirmed)?
        {
            return Err(KeycloakError::Declined.into());
        }
    }
    let creds = keycloak::secret::rotate(&session, located).await?;
    ensure::log_requests(&session);
    progress.warn(&format!(
        "regenerated the secret of client `{client_id}` in realm `{realm}`; the old one no \
         longer works. Redeploy the new secret to the OpenMetadata server (OIDC_CLIENT_SECRET \
         in the docker env file, oidcConfiguration.secret in openmetadata.yaml, or the \
         Kubernetes Secret oidc-secrets), and render and seal the Collate handoff again."
    ));
    Ok(creds)
}
