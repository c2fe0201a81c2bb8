//! Removing the basic-auth default admin, never the last way in: the lockout guard shows,
//! from the running server, that someone else will still administer it before the account
//! may go.
//!
//! What must hold (each read from the server, not from a file that may not be deployed):
//! - it no longer logs in with basic auth (`GET /api/v1/system/config/auth`): with basic
//!   login, `admin` may be the only account with a password;
//! - `admin` is no longer an admin principal (`GET /api/v1/system/security/config`, 1.10+):
//!   the server's start-up (`UserUtil.addUsers`) would create the account again at the next
//!   restart;
//! - at least one other admin principal exists as a user with the admin flag (the start-up
//!   creates one for each principal, so an SSO admin who never logged in is there too).

use serde::Serialize;
use serde_json::Value;

use super::{Client, OmError, User};
use crate::openmetadata::quickstart as qs;

/// What the guard saw on the server.
#[derive(Debug, Clone, Serialize)]
pub struct Guard {
    /// The login the server runs (`authenticationConfiguration.provider`).
    pub provider: String,
    /// `authorizerConfiguration.adminPrincipals` as the server holds them.
    pub admin_principals: Vec<String>,
    /// The admin principals other than `admin` that exist as admin users.
    pub sso_admins: Vec<String>,
}

impl Client<'_> {
    /// The lockout guard: `Ok` only when removing `admin` leaves the server administrable.
    pub async fn default_admin_guard(&self) -> Result<Guard, OmError> {
        let public = self.public_auth_config().await?;
        let provider = public
            .get("provider")
            .and_then(Value::as_str)
            .unwrap_or("basic")
            .to_string();
        if provider.eq_ignore_ascii_case("basic") {
            return Err(self.kept(
                "it still logs in with basic auth (provider `basic`): `admin` may be the only \
                 account with a password",
                "configure SSO and deploy it first (omsso apply), then remove the \
                 default admin",
            ));
        }
        let config = match self.security_config().await {
            Err(OmError::Status { status: 404, .. }) => {
                return Err(self.kept(
                    "it has no security configuration API (before 1.10), so its admin \
                     principals cannot be read from it",
                    "delete the user `admin` in OpenMetadata's UI (Settings > Users) once an \
                     SSO admin has signed in",
                ))
            }
            other => other?,
        };
        let admin_principals: Vec<String> = config["authorizerConfiguration"]["adminPrincipals"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        if admin_principals.iter().any(|p| p == qs::ADMIN_NAME) {
            return Err(self.kept(
                "`admin` is still in adminPrincipals: the server would create the account \
                 again at its next start",
                "render without `admin` in openmetadata.admin_principals and apply it, then \
                 remove the default admin",
            ));
        }
        let mut sso_admins = Vec::new();
        for name in &admin_principals {
            if let Some(u) = self.user_by_name(name).await? {
                if u.admin() && !u.bot() && u.deleted != Some(true) {
                    sso_admins.push(u.name);
                }
            }
        }
        if sso_admins.is_empty() {
            return Err(self.kept(
                &format!(
                    "no other admin principal exists as an admin user (adminPrincipals: {})",
                    list(&admin_principals)
                ),
                "add your SSO admin to openmetadata.admin_principals, apply it and restart the \
                 server (its start-up creates the user), then try again",
            ));
        }
        Ok(Guard {
            provider,
            admin_principals,
            sso_admins,
        })
    }

    fn kept(&self, reason: &str, hint: &str) -> OmError {
        OmError::AdminKept {
            base: self.base.clone(),
            reason: reason.to_string(),
            hint: hint.to_string(),
        }
    }

    /// The default admin, `None` when the server has no user `admin`.
    pub async fn default_admin(&self) -> Result<Option<User>, OmError> {
        self.user_by_name(qs::ADMIN_NAME).await
    }
}

fn list(names: &[String]) -> String {
    match names.is_empty() {
        true => "none".to_string(),
        false => names.join(", "),
    }
}
