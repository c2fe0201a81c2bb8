//! Finding the OpenMetadata client in a realm, and what an admin API answer that was not the
//! expected success means. Shared by the client plan, its scopes, credentials and `verify`.

use reqwest::Method;
use serde_json::Value;

use super::error::Role;
use super::reply::KeycloakReply;
use super::session::Op;
use super::urls::Admin;
use super::{KeycloakError, Session};

/// The client representation for `client_id` (exact match), `None` when absent.
pub(crate) async fn find(
    session: &Session,
    realm: &str,
    client_id: &str,
    role: Role,
) -> Result<Option<Value>, KeycloakError> {
    let action = format!("read the clients of realm `{realm}`");
    let op = Op {
        realm,
        role,
        action: &action,
    };
    let resource = Admin::ClientsNamed { realm, client_id };
    let reply = session.admin(Method::GET, resource, None, op).await?;
    if !reply.status.is_success() {
        return Err(expect_failed(session, &reply, realm, &action));
    }
    let list: Vec<Value> = reply.json()?;
    Ok(list
        .into_iter()
        .find(|c| c.get("clientId").and_then(Value::as_str) == Some(client_id)))
}

pub(crate) fn id_of(client: &Value) -> Result<String, KeycloakError> {
    client
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| KeycloakError::BadResponse {
            method: "GET".into(),
            url: "clients".into(),
            detail: "a client representation without `id`".into(),
        })
}

/// The error for an admin API answer that was not the success the caller expected.
pub(crate) fn expect_failed(
    session: &Session,
    reply: &crate::http::Reply,
    realm: &str,
    action: &str,
) -> KeycloakError {
    match reply.status.as_u16() {
        // A client policy (e.g. one rejecting the implicit flow) or invalid values.
        400 => KeycloakError::Rejected {
            action: action.to_string(),
            description: reply.error_text(),
        },
        404 if reply.error_text().to_lowercase().contains("realm") => {
            KeycloakError::RealmNotFound {
                realm: realm.to_string(),
                base: session.base().to_string(),
            }
        }
        _ => reply.status_error(),
    }
}
