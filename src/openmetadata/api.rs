//! The running server's HTTP API, as far as omsso uses it (read in upstream's
//! `openmetadata-service/.../resources/system/ConfigResource.java`, `SystemResource.java` and
//! `resources/version/VersionResource.java`; the bodies are the released models
//! `SecurityConfiguration`, `SecurityValidationResponse`, `OpenMetadataServerVersion`).

use serde_json::Value;

use super::lines::Line;
use super::released::SECRET_FIELDS;

/// `GET`, no login (the UI reads it before sign-in): the effective, database-aware public part
/// of `authenticationConfiguration` ([`PUBLIC_AUTH_FIELDS`]).
pub const AUTH_CONFIG_PATH: &str = "api/v1/system/config/auth";
/// `GET`, no login: `{"version": "1.12.7", "revision": …, "timestamp": …}`.
pub const VERSION_PATH: &str = "api/v1/system/version";
/// `GET` (admin; the OIDC secret masked as [`SECRET_MASK`]) and `PUT` (admin; body
/// `SecurityConfiguration`, answered 200 with the body; no validation, it fills empty
/// `publicKeyUrls` of confidential clients itself) of the whole security configuration.
pub const SECURITY_CONFIG_PATH: &str = "api/v1/system/security/config";
/// `POST` (admin; body `SecurityConfiguration`): the server's own SSO validation, answered 200
/// with `SecurityValidationResponse` = `{status: success|failed, errors: [{field, error}]}`.
pub const SECURITY_VALIDATE_PATH: &str = "api/v1/system/security/validate";

/// `GET /api/v1/users/name/{name}` (any logged-in user; omsso sends the admin token): a user
/// by name, as the released `User` model, with its protected `authenticationMechanism` left
/// out for human users (`UserResource.getByName`, `decryptOrNullify`); 404 when there is none.
pub const USER_BY_NAME_PATH: &str = "api/v1/users/name";
/// `DELETE /api/v1/users/{id}?hardDelete=true` (admin): removes the user and its relations for
/// good, answered 200 with the deleted user (`UserResource.delete`).
pub const USERS_PATH: &str = "api/v1/users";
/// `GET` (admin): a team by name, 404 when there is none (`TeamResource`).
pub const TEAM_BY_NAME_PATH: &str = "api/v1/teams/name";
/// `GET` (admin): a role by name, 404 when there is none (`RoleResource`).
pub const ROLE_BY_NAME_PATH: &str = "api/v1/roles/name";

/// What `GET /api/v1/system/security/config` shows instead of the OIDC client secret
/// (`PasswordEntityMasker.PASSWORD_MASK`).
pub const SECRET_MASK: &str = "*********";

/// `config` (a `SecurityConfiguration`) with every field the released models mark secret
/// ([`SECRET_FIELDS`]) shown as the server shows its own: [`SECRET_MASK`]. Both sides of a
/// comparison go through it, so a secret neither differs nor shows, whatever a server answers.
pub fn masked(config: &Value) -> Value {
    let mut out = config.clone();
    for path in SECRET_FIELDS {
        at_path(&mut out, path, &mut |v| {
            if !v.is_null() {
                *v = Value::String(SECRET_MASK.to_string());
            }
        });
    }
    out
}

/// The values of `config`'s secret fields ([`SECRET_FIELDS`]): what a request that sends it
/// carries, for masking in the answer.
pub fn secret_values(config: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut copy = config.clone();
    for path in SECRET_FIELDS {
        at_path(&mut copy, path, &mut |v| {
            if let Some(s) = v.as_str() {
                out.push(s.to_string());
            }
        });
    }
    out
}

/// Calls `f` on each value at the dotted `path` (a list on the way: each of its elements).
fn at_path(v: &mut Value, path: &str, f: &mut dyn FnMut(&mut Value)) {
    let (key, rest) = match path.split_once('.') {
        Some((k, r)) => (k, Some(r)),
        None => (path, None),
    };
    match v {
        Value::Array(items) => items.iter_mut().for_each(|i| at_path(i, path, f)),
        Value::Object(map) => match (map.get_mut(key), rest) {
            (Some(next), Some(rest)) => at_path(next, rest, f),
            (Some(leaf), None) => f(leaf),
            (None, _) => {}
        },
        _ => {}
    }
}

/// The keys of `authenticationConfiguration` that [`AUTH_CONFIG_PATH`] answers with, in the
/// order the server sets them; everything else (the secret, `oidcConfiguration`, the public
/// key URLs) it leaves out.
pub const PUBLIC_AUTH_FIELDS: &[&str] = &[
    "provider",
    "providerName",
    "clientType",
    "enableSelfSignup",
    "jwtPrincipalClaims",
    "jwtPrincipalClaimsMapping",
    "clientId",
    "authority",
    "callbackUrl",
];

impl Line {
    /// Whether the line's server takes its security configuration through the API above
    /// (validate, `PUT`, `GET` of `security/config`). Both came with 1.10, together with
    /// keeping that configuration in the database: the released 1.10 wheel is the first with
    /// the `SecurityConfiguration` and `SecurityValidationResponse` models.
    pub fn has_security_api(&self) -> bool {
        self.security_config_in_db
    }
}

/// How to make a release line's server use a changed configuration, for hints.
pub fn how_to_deploy(line: &Line) -> String {
    if line.security_config_in_db {
        format!(
            "OpenMetadata {} keeps its security configuration in its database: push this file \
             with `omsso apply`, or change it on Settings > SSO, or run \
             `./bootstrap/openmetadata-ops.sh remove-security-config --force` and restart the \
             server with the file",
            line.name()
        )
    } else {
        format!(
            "OpenMetadata {} reads its security configuration from its files at start-up: deploy \
             this file (openmetadata.yaml, the env file or the Helm values) and restart the server",
            line.name()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::lines::find;
    use super::*;

    #[test]
    fn every_field_the_models_mark_secret_is_masked_and_named() {
        let config = serde_json::json!({"authenticationConfiguration": {
            "clientId": "om",
            "oidcConfiguration": {"secret": "s1", "id": "om"},
            "samlConfiguration": {"security": {"keyStorePassword": "s2"},
                                  "sp": {"spPrivateKey": null}},
        }});
        let m = masked(&config);
        let auth = &m["authenticationConfiguration"];
        assert_eq!(auth["oidcConfiguration"]["secret"], SECRET_MASK);
        assert_eq!(
            auth["samlConfiguration"]["security"]["keyStorePassword"],
            SECRET_MASK
        );
        assert_eq!(auth["samlConfiguration"]["sp"]["spPrivateKey"], Value::Null);
        assert_eq!(auth["clientId"], "om");
        assert_eq!(auth["oidcConfiguration"]["id"], "om");
        assert_eq!(secret_values(&config), ["s2", "s1"]);
        assert!(SECRET_FIELDS.contains(&"authenticationConfiguration.oidcConfiguration.secret"));
    }

    #[test]
    fn the_security_api_came_with_the_database_config() {
        assert!(!find(1, 9).unwrap().has_security_api());
        assert!(find(1, 10).unwrap().has_security_api());
        assert!(find(2, 0).unwrap().has_security_api());
        assert!(how_to_deploy(find(1, 12).unwrap()).contains("omsso apply"));
        assert!(how_to_deploy(find(1, 9).unwrap()).contains("restart"));
    }
}
