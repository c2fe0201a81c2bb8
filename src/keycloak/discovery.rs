//! The realm's OIDC discovery document: the issuer OpenMetadata's `authority` must equal byte
//! for byte, and the endpoints derived from it. Read from Keycloak rather than built from the
//! URL, because the issuer follows Keycloak's hostname settings, not the address omsso used.

use serde::{Deserialize, Serialize};

use super::reply::KeycloakReply;
use super::{urls, KeycloakError, Session};

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Discovery {
    /// Where the document was read.
    #[serde(skip_deserializing)]
    pub url: String,
    pub issuer: String,
    pub jwks_uri: String,
    #[serde(default)]
    pub token_endpoint: Option<String>,
    #[serde(default)]
    pub authorization_endpoint: Option<String>,
    #[serde(default)]
    pub end_session_endpoint: Option<String>,
}

/// Reads the discovery document of `realm` (no login needed).
pub async fn fetch(session: &Session, realm: &str) -> Result<Discovery, KeycloakError> {
    let reply = session
        .public_get(&urls::discovery(session.base(), realm))
        .await?;
    match reply.status.as_u16() {
        200 => {
            let mut doc: Discovery = reply.json()?;
            doc.url = reply.url.clone();
            Ok(doc)
        }
        404 => Err(KeycloakError::RealmNotFound {
            realm: realm.to_string(),
            base: session.base().to_string(),
        }),
        _ => Err(reply.status_error()),
    }
}
