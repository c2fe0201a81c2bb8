//! OpenMetadata's users and its own JWKS, as the back-door checks and `remove-default-admin`
//! use them: a user looked up by name, a user deleted for good, and the key set the server
//! publishes for the tokens it signs itself; and whether a team or role of a name exists, for
//! the teams and roles a login's token claims.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Client, OmError};
use crate::http::{Purpose, Reply};
use crate::openmetadata::{api, server};

/// What `GET /api/v1/users/name/{name}` shows of a user (the released `User` model's fields
/// omsso reads; the server leaves a human user's `authenticationMechanism` out).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub is_admin: Option<bool>,
    #[serde(default)]
    pub is_bot: Option<bool>,
    #[serde(default)]
    pub is_email_verified: Option<bool>,
    #[serde(default)]
    pub updated_by: Option<String>,
    #[serde(default)]
    pub deleted: Option<bool>,
}

impl User {
    pub fn admin(&self) -> bool {
        self.is_admin == Some(true)
    }

    pub fn bot(&self) -> bool {
        self.is_bot == Some(true)
    }
}

impl Client<'_> {
    /// `GET /api/v1/system/config/jwks` (no login), sent once: the key set the server signs
    /// its own tokens with.
    pub async fn own_jwks(&self) -> Result<(String, Vec<u8>), OmError> {
        let reply = self
            .send(Method::GET, server::OWN_JWKS_PATH, None, Purpose::Probe)
            .await?;
        self.json(&reply, "GET")?;
        Ok((reply.url.clone(), reply.body.clone()))
    }

    /// The user called `name`, `None` when there is none (admin token).
    pub async fn user_by_name(&self, name: &str) -> Result<Option<User>, OmError> {
        let path = format!("{}/{}", api::USER_BY_NAME_PATH, segment(name));
        let reply = self.send(Method::GET, &path, None, Purpose::Admin).await?;
        match self.user_answer(&reply, "GET")? {
            None => Ok(None),
            Some(doc) => serde_json::from_value(doc)
                .map(Some)
                .map_err(|e| OmError::BadResponse {
                    url: reply.url.clone(),
                    detail: format!("not a User: {e}"),
                }),
        }
    }

    /// Whether OpenMetadata has a team (`team`) or else a role called `name` (admin token):
    /// what a login's team or role claim is matched with.
    pub async fn has_named(&self, team: bool, name: &str) -> Result<bool, OmError> {
        let base = if team {
            api::TEAM_BY_NAME_PATH
        } else {
            api::ROLE_BY_NAME_PATH
        };
        let path = format!("{base}/{}", segment(name));
        let reply = self.send(Method::GET, &path, None, Purpose::Admin).await?;
        Ok(self.user_answer(&reply, "GET")?.is_some())
    }

    /// `DELETE /api/v1/users/{id}?hardDelete=true` (admin). `false` when the server has no
    /// such user any more.
    pub async fn hard_delete_user(&self, id: &str) -> Result<bool, OmError> {
        let path = format!("{}/{}?hardDelete=true", api::USERS_PATH, segment(id));
        let reply = self
            .send(Method::DELETE, &path, None, Purpose::Admin)
            .await?;
        Ok(self.user_answer(&reply, "DELETE")?.is_some())
    }

    /// The answer of a user, team or role endpoint: 404 is "no such one", not a missing API.
    fn user_answer(&self, reply: &Reply, method: &'static str) -> Result<Option<Value>, OmError> {
        if let Some(refused) = self.token_refused(reply) {
            return Err(refused);
        }
        match reply.status.as_u16() {
            404 => Ok(None),
            _ => self.json(reply, method).map(Some),
        }
    }
}

/// A user name or id as one URL path segment (principal names may hold any character the
/// identity provider allows).
fn segment(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_one_path_segment() {
        assert_eq!(segment("admin"), "admin");
        assert_eq!(segment("a b/c?d"), "a%20b%2Fc%3Fd");
        assert_eq!(segment("jürgen"), "j%C3%BCrgen");
    }

    #[test]
    fn reads_the_fields_of_the_released_user_model() {
        let u: User = serde_json::from_value(serde_json::json!({
            "id": "0b0c", "name": "admin", "email": "admin@open-metadata.org",
            "isAdmin": true, "isBot": false, "isEmailVerified": true, "updatedBy": "admin",
            "deleted": false, "version": 0.1, "teams": []
        }))
        .unwrap();
        assert!(u.admin() && !u.bot());
        assert_eq!(u.updated_by.as_deref(), Some("admin"));
    }
}
