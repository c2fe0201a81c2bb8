//! What an answer from Keycloak means when it is not the one expected: the errors a
//! [`Reply`] from the admin API or a token endpoint stands for.

use serde::de::DeserializeOwned;

use super::KeycloakError;
use crate::http::Reply;

pub(crate) trait KeycloakReply {
    /// The body as the JSON type the caller expects.
    fn json<T: DeserializeOwned>(&self) -> Result<T, KeycloakError>;
    /// An answer that is not what Keycloak sends, with `detail` saying how (a parser's words,
    /// which may quote the body: shown as [`Reply::shown`] makes it).
    fn bad(&self, detail: impl Into<String>) -> KeycloakError;
    /// The error for a status the caller did not expect (Keycloak's text masked of what the
    /// request carried: [`Reply::error_text`]).
    fn status_error(&self) -> KeycloakError;
}

impl KeycloakReply for Reply {
    fn json<T: DeserializeOwned>(&self) -> Result<T, KeycloakError> {
        serde_json::from_slice(&self.body)
            .map_err(|e| self.bad(format!("not the JSON expected: {e}")))
    }

    fn bad(&self, detail: impl Into<String>) -> KeycloakError {
        KeycloakError::BadResponse {
            method: self.method.to_string(),
            url: self.url.clone(),
            detail: self.shown(&detail.into()),
        }
    }

    fn status_error(&self) -> KeycloakError {
        KeycloakError::Status {
            method: self.method.to_string(),
            url: self.url.clone(),
            status: self.status.as_u16(),
            description: self.error_text(),
        }
    }
}
