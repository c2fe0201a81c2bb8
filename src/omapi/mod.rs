//! A running OpenMetadata's HTTP API, as `verify` and `apply` use it (paths and bodies in
//! [`crate::openmetadata::api`]): its version and the public part of its auth configuration
//! (no login), and, with an admin token, its whole security configuration: read, validate,
//! replace.
//!
//! - [`compare`]: what differs between a file and the server.
//! - [`error`]: what went wrong, in the user's words.
//! - [`users`]: users by name and their removal, and the server's own JWKS.
//! - [`default_admin`]: the lockout guard before the basic-auth default admin is removed.

pub mod compare;
pub mod default_admin;
pub mod error;
pub mod users;

use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::Value;

pub use error::OmError;
pub use users::User;

use crate::http::{Http, HttpError, Purpose, Reply};
use crate::openmetadata::{api, OmVersion};

/// One OpenMetadata server.
pub struct Client<'a> {
    http: &'a Http,
    /// `https://om.example.com`, no trailing slash.
    base: String,
    token: Option<SecretString>,
}

/// What `GET /api/v1/system/version` says.
#[derive(Debug, Clone, Serialize)]
pub struct ServerVersion {
    /// As the server reports it, e.g. `1.12.7`.
    pub reported: String,
    /// Its release line, when omsso writes for it.
    #[serde(skip)]
    pub version: Result<OmVersion, String>,
}

/// `SecurityValidationResponse`.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Validation {
    pub status: String,
    #[serde(default)]
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct FieldError {
    pub field: String,
    pub error: String,
}

impl Validation {
    pub fn ok(&self) -> bool {
        self.status == "success"
    }
}

impl<'a> Client<'a> {
    pub fn new(http: &'a Http, base: &str) -> Client<'a> {
        // The admin token goes to this address (the settings' or the file's), nowhere else.
        http.trust(base);
        Client {
            http,
            base: base.trim_end_matches('/').to_string(),
            token: None,
        }
    }

    /// The same server, with an admin token for the security endpoints.
    pub fn with_token(mut self, token: SecretString) -> Client<'a> {
        self.token = Some(token);
        self
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    fn url(&self, path: &str) -> String {
        format!("{}/{path}", self.base)
    }

    /// `purpose`: `Probe` for the public endpoints (sent once, no token), `Admin` for the
    /// security endpoints (the token; no redirect takes it to another host).
    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        purpose: Purpose,
    ) -> Result<Reply, OmError> {
        let url = self.url(path);
        let token = self.token.as_ref().filter(|_| purpose == Purpose::Admin);
        // The token is masked in the answer's texts by the HTTP layer; the body's secrets
        // (the client secret) are named here.
        let secrets = body.map(api::secret_values).unwrap_or_default();
        let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
        self.http
            .send_carrying(method, &url, purpose, &secrets, |r| {
                let r = match token {
                    Some(t) => r.bearer_auth(t.expose_secret()),
                    None => r,
                };
                match body {
                    Some(b) => r.json(b),
                    None => r,
                }
            })
            .await
            .map_err(|e| match e {
                HttpError::Timeout { .. } => OmError::Unreachable {
                    url: url.clone(),
                    reason: e.to_string(),
                },
                e => match e.unreachable_reason() {
                    Some(reason) => OmError::Unreachable {
                        url: url.clone(),
                        reason: reason.to_string(),
                    },
                    None => OmError::Http(e),
                },
            })
    }

    /// The server's version, asked once (it may simply not be there: no retries). `None`
    /// when it answers, but not with a version. `reported` is the server's text as omsso
    /// shows it (on one line: [`Reply::shown`]).
    pub async fn version(&self) -> Result<Option<ServerVersion>, OmError> {
        let reply = self
            .send(Method::GET, api::VERSION_PATH, None, Purpose::Probe)
            .await?;
        if !reply.status.is_success() {
            return Ok(None);
        }
        let doc: Value = serde_json::from_slice(&reply.body).unwrap_or_default();
        Ok(doc
            .get("version")
            .and_then(Value::as_str)
            .map(|v| ServerVersion {
                reported: reply.shown(v),
                version: OmVersion::from_server(v),
            }))
    }

    /// `GET /api/v1/system/config/auth` (no login), sent once.
    pub async fn public_auth_config(&self) -> Result<Value, OmError> {
        let reply = self
            .send(Method::GET, api::AUTH_CONFIG_PATH, None, Purpose::Probe)
            .await?;
        self.json(&reply, "GET")
    }

    /// `GET /api/v1/system/security/config` (admin; the secret masked).
    pub async fn security_config(&self) -> Result<Value, OmError> {
        let reply = self
            .send(Method::GET, api::SECURITY_CONFIG_PATH, None, Purpose::Admin)
            .await?;
        self.admin_answer(&reply, api::SECURITY_CONFIG_PATH, "GET")
    }

    /// `POST /api/v1/system/security/validate` (admin): the server's own SSO validation, its
    /// field names and errors as omsso shows them ([`Reply::shown`]).
    pub async fn validate(&self, config: &Value) -> Result<Validation, OmError> {
        let reply = self
            .send(
                Method::POST,
                api::SECURITY_VALIDATE_PATH,
                Some(config),
                Purpose::Admin,
            )
            .await?;
        let doc = self.admin_answer(&reply, api::SECURITY_VALIDATE_PATH, "POST")?;
        let mut validation: Validation =
            serde_json::from_value(doc).map_err(|e| OmError::BadResponse {
                url: reply.url.clone(),
                detail: reply.shown(&format!("not a SecurityValidationResponse: {e}")),
            })?;
        validation.status = reply.shown(&validation.status);
        for e in &mut validation.errors {
            e.field = reply.shown(&e.field);
            e.error = reply.shown(&e.error);
        }
        Ok(validation)
    }

    /// `PUT /api/v1/system/security/config` (admin): replaces the security configuration.
    pub async fn put_security_config(&self, config: &Value) -> Result<(), OmError> {
        let reply = self
            .send(
                Method::PUT,
                api::SECURITY_CONFIG_PATH,
                Some(config),
                Purpose::Admin,
            )
            .await?;
        self.admin_answer(&reply, api::SECURITY_CONFIG_PATH, "PUT")
            .map(|_| ())
    }

    /// The answer's JSON, with what the request carried masked in it (its values may be
    /// shown: a diff, a field error).
    fn json(&self, reply: &Reply, method: &'static str) -> Result<Value, OmError> {
        if !reply.status.is_success() {
            return Err(OmError::Status {
                method,
                url: reply.url.clone(),
                status: reply.status.as_u16(),
                message: reply.error_text(),
            });
        }
        reply.masked_json().map_err(|e| OmError::BadResponse {
            url: reply.url.clone(),
            detail: reply.shown(&format!("not JSON: {e}")),
        })
    }

    /// What a 401 or 403 from an admin endpoint means: the token was refused, or is not an
    /// admin's.
    fn token_refused(&self, reply: &Reply) -> Option<OmError> {
        let base = self.base.clone();
        match reply.status.as_u16() {
            401 => Some(OmError::TokenRefused {
                base,
                status: 401,
                message: reply.error_text(),
            }),
            403 => Some(OmError::NotAdmin {
                base,
                message: reply.error_text(),
            }),
            _ => None,
        }
    }

    /// The answer of an admin endpoint, or the error its status stands for.
    fn admin_answer(
        &self,
        reply: &Reply,
        path: &'static str,
        method: &'static str,
    ) -> Result<Value, OmError> {
        if let Some(refused) = self.token_refused(reply) {
            return Err(refused);
        }
        let base = self.base.clone();
        match reply.status.as_u16() {
            404 => Err(OmError::NoSecurityApi {
                base,
                path,
                version: None,
            }),
            400 | 422 => Err(OmError::Refused {
                base,
                status: reply.status.as_u16(),
                message: reply.error_text(),
            }),
            _ => self.json(reply, method),
        }
    }
}
