//! Read-only requests for `omsso verify`: it checks the configuration OpenMetadata will use,
//! so it follows the URLs written in that configuration (which may name another host than
//! the admin URL) and tries the client secret the way the OpenMetadata server will.

use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use super::error::Role;
use super::lookup::{expect_failed, find, id_of};
use super::reply::KeycloakReply;
use super::session::Op;
use super::urls::Admin;
use super::{KeycloakError, Session};
use crate::http::Http;
use crate::http::Purpose;
use crate::http::Reply;

/// An unauthenticated GET of an absolute URL (discovery, JWKS).
pub(crate) async fn get(http: &Http, url: &str) -> Result<Reply, KeycloakError> {
    Ok(http.send(Method::GET, url, Purpose::Api, |r| r).await?)
}

/// A GET of a URL the OpenMetadata server fetches itself (its realm keys), following only the
/// redirects its Java HTTP client follows.
pub(crate) async fn get_as_server(http: &Http, url: &str) -> Result<Reply, KeycloakError> {
    Ok(http
        .send(Method::GET, url, Purpose::ServerFetch, |r| r)
        .await?)
}

/// A GET sent once, without retries (something that may not be there at all).
pub(crate) async fn get_once(http: &Http, url: &str) -> Result<Reply, KeycloakError> {
    Ok(http.send(Method::GET, url, Purpose::Probe, |r| r).await?)
}

/// A client-credentials grant at `token_endpoint`, with the secret in the form body
/// (`client_secret_post`, OpenMetadata's default authentication method), asking for `scope`
/// when given (OpenMetadata's own SSO validation sends the configured scope).
pub(crate) async fn client_credentials(
    http: &Http,
    token_endpoint: &str,
    client_id: &str,
    secret: &SecretString,
    scope: Option<&str>,
) -> Result<Reply, KeycloakError> {
    let mut form = vec![
        ("grant_type", "client_credentials"),
        ("client_id", client_id),
        ("client_secret", secret.expose_secret()),
    ];
    if let Some(scope) = scope {
        form.push(("scope", scope));
    }
    Ok(http
        .send(Method::POST, token_endpoint, Purpose::Token, |r| {
            r.form(&form)
        })
        .await?)
}

/// A form POST to a token endpoint (the code exchange of `verify --login`).
pub(crate) async fn token_form(
    http: &Http,
    token_endpoint: &str,
    form: &[(&str, &str)],
) -> Result<Reply, KeycloakError> {
    // The form carries the client secret: a token request, so no redirect takes it elsewhere.
    // (A repeat after a lost answer could only fail: a code is redeemed once.)
    Ok(http
        .send(Method::POST, token_endpoint, Purpose::Token, |r| {
            r.form(form)
        })
        .await?)
}

/// The client's representation and the names of its default client scopes; `None` when the
/// realm has no client with that client id.
pub(crate) async fn client_and_scopes(
    session: &Session,
    realm: &str,
    client_id: &str,
) -> Result<Option<(Value, Vec<String>)>, KeycloakError> {
    let Some(client) = find(session, realm, client_id, Role::ViewClients).await? else {
        return Ok(None);
    };
    let uuid = id_of(&client)?;
    let scopes = super::scopes::default_names(session, realm, &uuid).await?;
    Ok(Some((client, scopes)))
}

/// The other realms (than `realm`) that hold a client `client_id`, for a hint when the file's
/// realm has none: pointing the file at the right realm beats creating a second client. Realms
/// this admin may not read are left out.
pub(crate) async fn realms_with_client(
    session: &Session,
    realm: &str,
    client_id: &str,
) -> Vec<String> {
    let op = Op {
        realm,
        role: Role::ViewRealm,
        action: "list the realms",
    };
    let Ok(reply) = session.admin(Method::GET, Admin::Realms, None, op).await else {
        return Vec::new();
    };
    let realms: Vec<Value> = reply.json().unwrap_or_default();
    let mut found = Vec::new();
    for other in realms
        .iter()
        .filter_map(|r| r.get("realm").and_then(Value::as_str))
    {
        if other != realm
            && matches!(
                find(session, other, client_id, Role::ViewClients).await,
                Ok(Some(_))
            )
        {
            found.push(other.to_string());
        }
    }
    found
}

/// The realm's settings (its representation in the admin API).
pub(crate) async fn realm_settings(session: &Session, realm: &str) -> Result<Value, KeycloakError> {
    let action = format!("read the settings of realm `{realm}`");
    let op = Op {
        realm,
        role: Role::ViewRealm,
        action: &action,
    };
    let reply = session
        .admin(Method::GET, Admin::Realm { realm }, None, op)
        .await?;
    if !reply.status.is_success() {
        return Err(expect_failed(session, &reply, realm, &action));
    }
    reply.json()
}
