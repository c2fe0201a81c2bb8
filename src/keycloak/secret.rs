//! The client's credentials: its secret (read with GET; regenerated with POST only by
//! `rotate_secret`) plus the realm's discovery document, as the [`Credentials`] value every
//! later stage consumes.

use reqwest::Method;
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::Value;

use super::client::{check_realm, expect_failed, find, id_of, segment};
use super::discovery::{self, Discovery};
use super::error::Role;
use super::session::Op;
use super::{KeycloakError, Session};
use crate::credentials::Credentials;

#[derive(Deserialize)]
struct SecretReply {
    /// Absent for a client without a secret (a public client).
    #[serde(default)]
    value: Option<SecretString>,
}

/// Reads the client's current secret and the realm's endpoints. Never changes anything.
pub async fn fetch_credentials(
    session: &Session,
    realm: &str,
    client_id: &str,
) -> Result<Credentials, KeycloakError> {
    read_or_rotate(session, realm, client_id, Method::GET).await
}

/// Regenerates the client's secret. The old one stops working at once (Keycloak keeps no
/// grace period without its preview secret-rotation policy).
pub async fn rotate_secret(
    session: &Session,
    realm: &str,
    client_id: &str,
) -> Result<Credentials, KeycloakError> {
    read_or_rotate(session, realm, client_id, Method::POST).await
}

async fn read_or_rotate(
    session: &Session,
    realm: &str,
    client_id: &str,
    method: Method,
) -> Result<Credentials, KeycloakError> {
    check_realm(realm)?;
    // Independent reads: do them at the same time.
    let (client, discovery) = tokio::try_join!(
        find(session, realm, client_id, Role::ViewClients),
        discovery::fetch(session, realm),
    )?;
    let client = client.ok_or_else(|| KeycloakError::ClientNotFound {
        realm: realm.to_string(),
        client_id: client_id.to_string(),
    })?;
    let uuid = id_of(&client)?;
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
    let path = format!(
        "/{}/clients/{}/client-secret",
        segment(realm),
        segment(&uuid)
    );
    let rotating = method == Method::POST;
    // Once the POST is sent, a broken answer leaves the outcome unknown: say so, so nobody
    // keeps deploying a secret that may no longer work.
    let lost = |reason: String| KeycloakError::RotateUnknown {
        client_id: client_id.to_string(),
        realm: realm.to_string(),
        reason,
    };
    let reply = match session.admin(method, &path, None, op).await {
        Err(KeycloakError::Transport { reason, .. }) if rotating => Err(lost(reason)),
        Err(e @ KeycloakError::Timeout { .. }) if rotating => Err(lost(e.to_string())),
        other => other,
    }?;
    if !reply.status.is_success() {
        return Err(expect_failed(session, &reply, realm, &action));
    }
    let secret: SecretReply = match reply.json() {
        Err(e) if rotating => return Err(lost(e.to_string())),
        other => other?,
    };
    Ok(credentials(
        client_id,
        realm,
        secret.value,
        discovery,
        &client,
    ))
}

fn credentials(
    client_id: &str,
    realm: &str,
    secret: Option<SecretString>,
    d: Discovery,
    client: &Value,
) -> Credentials {
    let mut c = Credentials::new(
        client_id.to_string(),
        secret,
        realm.to_string(),
        d.issuer,
        d.url,
        d.jwks_uri,
    );
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
