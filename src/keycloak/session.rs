//! An admin API session: finds where Keycloak serves (with or without the `/auth` prefix of
//! Keycloak < 17), logs in (password grant with `admin-cli`, or client credentials), keeps the
//! access token fresh ([`super::token`]), and retries a request once with a new token when
//! Keycloak answers 401. Sessions opened through one [`Logins`] share a login
//! ([`super::logins`]).

use std::rc::Rc;
use std::time::Instant;

use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use super::error::Role;
use super::logins::{Connection, Logins, MadeLogin};
use super::reply::KeycloakReply;
use super::token::{Token, TokenResponse, TokenSlot};
use super::urls::{self, Admin};
use super::KeycloakError;
use crate::http::{Http, Purpose, Reply, RequestCounts};
use crate::settings::{AdminLogin, HttpUrl};

/// The password grant logs in through this client, as Keycloak's own admin CLI does.
const ADMIN_CLI: &str = "admin-cli";

/// What an admin API call is for: the role it needs and a phrase for error messages.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Op<'a> {
    pub realm: &'a str,
    pub role: Role,
    /// "read clients", "update client `open-metadata`", …
    pub action: &'a str,
}

pub struct Session {
    http: Http,
    /// Keycloak's base URL as omsso reaches it, `/auth` included when Keycloak serves there.
    base: String,
    login: AdminLogin,
    /// Shared with the other sessions of the same login ([`Logins`]).
    token: Rc<TokenSlot>,
}

impl Session {
    /// Finds Keycloak and logs in, or joins the login `logins` already holds for this
    /// connection. `connection.insecure` turns off TLS certificate checks; the caller must
    /// warn about it.
    ///
    /// The login goes straight to the URL as given: a token from there shows that Keycloak
    /// serves there, so the usual case costs no request beyond the login. Only when the login
    /// fails is the base URL probed, to tell a Keycloak that serves under `/auth`, a URL that
    /// is not Keycloak, and a rejected login apart.
    pub async fn connect(
        connection: Connection,
        logins: &Logins,
    ) -> Result<Session, KeycloakError> {
        let shared = logins.login(&connection);
        let mut made = shared.made.lock().await;
        if let Some(m) = made.as_ref() {
            tracing::debug!("reusing the login to {} of this run", m.base);
            return Ok(Session {
                http: m.http.sharing_pool(),
                base: m.base.clone(),
                login: connection.login,
                token: Rc::clone(&m.token),
            });
        }
        let c = connection;
        let http = Http::new(c.timeout, c.cacert.as_deref(), c.insecure)?;
        let session = Session::log_in_at(c.url, c.login, http).await?;
        *made = Some(MadeLogin {
            http: session.http.sharing_pool(),
            base: session.base.clone(),
            token: Rc::clone(&session.token),
        });
        Ok(session)
    }

    async fn log_in_at(
        url: HttpUrl,
        login: AdminLogin,
        http: Http,
    ) -> Result<Session, KeycloakError> {
        // The admin password, client secret and tokens go to the given address alone.
        http.trust(url.as_str());
        let mut session = Session {
            http,
            base: url.as_str().to_string(),
            login,
            token: Rc::new(tokio::sync::Mutex::new(None)),
        };
        let first = session.log_in_reply().await?;
        let token = match session.token_from(&first) {
            Ok(token) => token,
            Err(rejected) => {
                let base = detect_base(&session.http, &url).await?;
                if base == session.base {
                    return Err(rejected);
                }
                session.base = base;
                session.log_in().await?
            }
        };
        *session.token.lock().await = Some(token);
        Ok(session)
    }

    /// Keycloak's base URL as reached (with `/auth` on Keycloak < 17).
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Requests sent so far, by method.
    pub fn requests(&self) -> RequestCounts {
        self.http.counts()
    }

    /// "user `admin`" or "client `x`", for messages.
    pub fn principal(&self) -> String {
        self.login.principal()
    }

    pub fn login_realm(&self) -> &str {
        self.login.realm()
    }

    pub(crate) fn http(&self) -> &Http {
        &self.http
    }

    /// An unauthenticated GET (discovery documents), `url` built by [`urls`].
    pub(crate) async fn public_get(&self, url: &str) -> Result<Reply, KeycloakError> {
        Ok(self
            .http
            .send(Method::GET, url, Purpose::Api, |r| r)
            .await?)
    }

    /// An admin API request. A 403 becomes [`KeycloakError::Forbidden`] naming `op.role`;
    /// every other status is the caller's.
    pub(crate) async fn admin(
        &self,
        method: Method,
        resource: Admin<'_>,
        body: Option<&Value>,
        op: Op<'_>,
    ) -> Result<Reply, KeycloakError> {
        let url = resource.url(&self.base);
        let mut renewed = false;
        loop {
            let token = self.access_token().await?;
            let reply = self
                .http
                .send(method.clone(), &url, Purpose::Admin, |r| {
                    let r = r.bearer_auth(token.expose_secret());
                    match body {
                        Some(b) => r.json(b),
                        None => r,
                    }
                })
                .await?;
            match reply.status {
                // The token expired early or the session was ended on the server: log in
                // again, once.
                StatusCode::UNAUTHORIZED if !renewed => {
                    tracing::debug!("{url}: 401 with the current admin token; logging in again");
                    *self.token.lock().await = None;
                    renewed = true;
                }
                StatusCode::FORBIDDEN => return Err(self.forbidden(op)),
                _ => return Ok(reply),
            }
        }
    }

    pub(crate) fn forbidden(&self, op: Op<'_>) -> KeycloakError {
        KeycloakError::Forbidden {
            principal: self.principal(),
            login_realm: self.login_realm().to_string(),
            realm: op.realm.to_string(),
            action: op.action.to_string(),
            role: op.role,
        }
    }

    /// A valid access token: the current one, a refreshed one, or one from a new login.
    async fn access_token(&self) -> Result<SecretString, KeycloakError> {
        let mut slot = self.token.lock().await;
        let now = Instant::now();
        if let Some(token) = slot.as_ref() {
            if token.fresh(now) {
                return Ok(token.access.clone());
            }
            if let Some(refresh) = token.refreshable(now) {
                tracing::debug!("admin token about to expire; refreshing it");
                match self.refresh(refresh).await {
                    Ok(t) => {
                        let access = t.access.clone();
                        *slot = Some(t);
                        return Ok(access);
                    }
                    // An ended SSO session makes the refresh fail; a new login may not.
                    Err(e) => tracing::debug!("refresh failed ({e}); logging in again"),
                }
            }
        }
        let t = self.log_in().await?;
        let access = t.access.clone();
        *slot = Some(t);
        Ok(access)
    }

    async fn log_in(&self) -> Result<Token, KeycloakError> {
        let reply = self.log_in_reply().await?;
        self.token_from(&reply)
    }

    /// Keycloak's answer to a login (any status).
    async fn log_in_reply(&self) -> Result<Reply, KeycloakError> {
        let form: Vec<(&str, &str)> = match &self.login {
            AdminLogin::Password {
                username, password, ..
            } => vec![
                ("grant_type", "password"),
                ("client_id", ADMIN_CLI),
                ("username", username),
                ("password", password.expose_secret()),
            ],
            AdminLogin::ClientCredentials {
                client_id, secret, ..
            } => vec![
                ("grant_type", "client_credentials"),
                ("client_id", client_id),
                ("client_secret", secret.expose_secret()),
            ],
        };
        self.token_reply(&form).await
    }

    async fn refresh(&self, refresh: &SecretString) -> Result<Token, KeycloakError> {
        let client_id = match &self.login {
            AdminLogin::Password { .. } => ADMIN_CLI,
            AdminLogin::ClientCredentials { client_id, .. } => client_id,
        };
        let mut form = vec![
            ("grant_type", "refresh_token"),
            ("client_id", client_id),
            ("refresh_token", refresh.expose_secret()),
        ];
        if let AdminLogin::ClientCredentials { secret, .. } = &self.login {
            form.push(("client_secret", secret.expose_secret()));
        }
        self.token_request(&form).await
    }

    async fn token_request(&self, form: &[(&str, &str)]) -> Result<Token, KeycloakError> {
        let reply = self.token_reply(form).await?;
        self.token_from(&reply)
    }

    async fn token_reply(&self, form: &[(&str, &str)]) -> Result<Reply, KeycloakError> {
        let url = urls::token(&self.base, self.login.realm());
        Ok(self
            .http
            .send(Method::POST, &url, Purpose::Token, |r| r.form(form))
            .await?)
    }

    /// The token in a token endpoint's answer, or the error it stands for.
    fn token_from(&self, reply: &Reply) -> Result<Token, KeycloakError> {
        let realm = self.login.realm();
        match reply.status.as_u16() {
            200 => {}
            // invalid_grant (wrong password, account not set up), invalid_client /
            // unauthorized_client (wrong client secret), unknown login realm.
            400 | 401 | 404 => {
                let reason = if reply.status == StatusCode::NOT_FOUND {
                    format!("realm `{realm}` does not exist")
                } else {
                    reply.error_text()
                };
                return Err(KeycloakError::LoginRejected {
                    principal: self.principal(),
                    realm: realm.to_string(),
                    reason,
                    password_grant: matches!(self.login, AdminLogin::Password { .. }),
                });
            }
            _ => return Err(reply.status_error()),
        }
        let t: TokenResponse = reply.json()?;
        Ok(Token::new(t, Instant::now()))
    }
}

/// Finds the base URL Keycloak serves under: as given, or with `/auth` (Keycloak < 17, or
/// `--http-relative-path=/auth`). The master realm always exists, so its public info tells.
async fn detect_base(http: &Http, url: &HttpUrl) -> Result<String, KeycloakError> {
    let mut candidates = vec![url.as_str().to_string()];
    if !url.as_str().ends_with("/auth") {
        candidates.push(url.join("auth"));
    }
    for base in &candidates {
        let probe = urls::realm(base, "master");
        let reply = http.send(Method::GET, &probe, Purpose::Api, |r| r).await?;
        match reply.status {
            s if s.is_success() => {
                let v: Value = serde_json::from_slice(&reply.body).unwrap_or_default();
                if v.get("realm").and_then(Value::as_str) == Some("master") {
                    if base != url.as_str() {
                        tracing::debug!("Keycloak serves under {base}");
                    }
                    return Ok(base.clone());
                }
                return Err(KeycloakError::NotKeycloak {
                    base: url.to_string(),
                    detail: format!("{probe} is not Keycloak's realm information"),
                });
            }
            StatusCode::NOT_FOUND => continue,
            _ => return Err(reply.status_error()),
        }
    }
    // Keycloak 17+ dropped the /auth prefix: say so when the URL without it answers.
    if let Some(without) = url.as_str().strip_suffix("/auth") {
        let reply = http
            .send(
                Method::GET,
                &urls::realm(without, "master"),
                Purpose::Api,
                |r| r,
            )
            .await?;
        if reply.status.is_success() {
            return Err(KeycloakError::AuthPrefix {
                base: url.to_string(),
                without: without.to_string(),
            });
        }
    }
    Err(KeycloakError::NotKeycloak {
        base: url.to_string(),
        detail: format!(
            "{} answered 404",
            candidates
                .iter()
                .map(|b| urls::realm(b, "master"))
                .collect::<Vec<_>>()
                .join(" and ")
        ),
    })
}
