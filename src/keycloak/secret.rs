//! The client's credentials: its secret (read with GET; regenerated with POST only by
//! [`rotate`]) plus the realm's discovery document, as the [`Credentials`] value every later
//! stage consumes. A public client has no secret: for it nothing reads or writes one.

use reqwest::Method;
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::Value;

use super::discovery::{self, Discovery};
use super::error::Role;
use super::lookup::{expect_failed, find, id_of};
use super::reply::KeycloakReply;
use super::session::Op;
use super::urls::Admin;
use super::{KeycloakError, Session};
use crate::credentials::Credentials;
use crate::http::HttpError;
use crate::settings::ClientType;

#[derive(Deserialize)]
struct SecretReply {
    /// Absent for a client without a secret (a public client).
    #[serde(default)]
    value: Option<SecretString>,
}

/// The client as Keycloak holds it, with the realm's discovery document: what reading or
/// regenerating the secret starts from.
pub struct Located {
    realm: String,
    client_id: String,
    client: Value,
    uuid: String,
    discovery: Discovery,
}

impl Located {
    /// What the client is in Keycloak (not what the settings say).
    pub fn client_type(&self) -> ClientType {
        match self.client.get("publicClient").and_then(Value::as_bool) {
            Some(true) => ClientType::Public,
            _ => ClientType::Confidential,
        }
    }
}

/// Finds the client and reads the realm's discovery document (at the same time).
pub async fn locate(
    session: &Session,
    realm: &str,
    client_id: &str,
) -> Result<Located, KeycloakError> {
    let (client, discovery) = tokio::try_join!(
        find(session, realm, client_id, Role::ViewClients),
        discovery::fetch(session, realm),
    )?;
    let client = client.ok_or_else(|| KeycloakError::ClientNotFound {
        realm: realm.to_string(),
        client_id: client_id.to_string(),
    })?;
    Ok(Located {
        realm: realm.to_string(),
        client_id: client_id.to_string(),
        uuid: id_of(&client)?,
        client,
        discovery,
    })
}

/// Reads the client's current secret (none for a public client: no request is sent) and the
/// realm's endpoints. Never changes anything.
pub async fn fetch_credentials(
    session: &Session,
    realm: &str,
    client_id: &str,
) -> Result<Credentials, KeycloakError> {
    let located = locate(session, realm, client_id).await?;
    if located.client_type() == ClientType::Public {
        return Ok(credentials(located, None));
    }
    let secret = secret_request(session, &located, Method::GET).await?;
    Ok(credentials(located, secret))
}

/// Regenerates the client's secret. The old one stops working at once (Keycloak keeps no
/// grace period without its preview secret-rotation policy). A public client is refused
/// before anything is sent.
pub async fn rotate(session: &Session, located: Located) -> Result<Credentials, KeycloakError> {
    if located.client_type() == ClientType::Public {
        return Err(KeycloakError::PublicClient {
            client_id: located.client_id,
            realm: located.realm,
        });
    }
    let secret = secret_request(session, &located, Method::POST).await?;
    Ok(credentials(located, secret))
}

/// GET (read) or POST (regenerate) the client's secret.
async fn secret_request(
    session: &Session,
    located: &Located,
    method: Method,
) -> Result<Option<SecretString>, KeycloakError> {
    let (realm, client_id) = (located.realm.as_str(), located.client_id.as_str());
    let verb = if method == Method::GET {
        "read"
    } else {
        "regenerate"
    };
    let action = format!("{verb} the secret of client `{client_id}` in realm `{realm}`");
    // Keycloak 26.8+ needs manage-clients even to read the secret.
    let op = Op {
        realm,
        role: Role::ManageClients,
        action: &action,
    };
    let resource = Admin::ClientSecret {
        realm,
        uuid: &located.uuid,
    };
    let rotating = method == Method::POST;
    // Once the POST is sent, a broken answer leaves the outcome unknown: say so, so nobody
    // keeps deploying a secret that may no longer work.
    let lost = |reason: String| KeycloakError::RotateUnknown {
        client_id: client_id.to_string(),
        realm: realm.to_string(),
        reason,
    };
    let reply = match session.admin(method, resource, None, op).await {
        Err(KeycloakError::Http(HttpError::Transport { reason, .. })) if rotating => {
            Err(lost(reason))
        }
        Err(KeycloakError::Http(e @ HttpError::Timeout { .. })) if rotating => {
            Err(lost(e.to_string()))
        }
        other => other,
    }?;
    if !reply.status.is_success() {
        return Err(expect_failed(session, &reply, realm, &action));
    }
    let secret: SecretReply = match reply.json() {
        Err(e) if rotating => return Err(lost(e.to_string())),
        other => other?,
    };
    Ok(secret.value)
}

fn credentials(located: Located, secret: Option<SecretString>) -> Credentials {
    let client_type = located.client_type();
    let Located {
        realm,
        client_id,
        client,
        discovery: d,
        ..
    } = located;
    let mut c = Credentials::new(client_id, secret, realm, d.issuer, d.url, d.jwks_uri);
    c.client_type = client_type;
    c.token_endpoint = d.token_endpoint;
    c.authorization_endpoint = d.authorization_endpoint;
    c.end_session_endpoint = d.end_session_endpoint;
    // What the client is set up for in Keycloak, not what the settings say now.
    c.openmetadata_url = client
        .get("rootUrl")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    c
}
