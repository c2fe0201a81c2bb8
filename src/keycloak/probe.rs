//! Read-only requests for `omsso verify`: it checks the configuration OpenMetadata will use,
//! so it follows the URLs written in that configuration (which may name another host than
//! the admin URL) and tries the client secret the way the OpenMetadata server will.

use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use super::error::Role;
use super::lookup::{find, id_of};
use super::{KeycloakError, Session};
use crate::http::Http;
use crate::http::Purpose;
use crate::http::Reply;

/// An unauthenticated GET of an absolute URL (discovery, JWKS).
pub(crate) async fn get(http: &Http, url: &str) -> Result<Reply, KeycloakError> {
    Ok(http.send(Method::GET, url, Purpose::Api, |r| r).await?)
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
