//! The comparisons `verify` and `apply` make between a configuration file and a running
//! OpenMetadata: the public part the server answers without login, and the whole security
//! configuration (`apply --dry-run`), every secret field masked on both sides.

use serde_json::{Map, Value};

use crate::openmetadata::api::{masked, PUBLIC_AUTH_FIELDS};

/// One key whose value differs: `current` is the server's, `desired` the file's.
pub use crate::change::FieldChange as Difference;

/// The keys of `file_auth` (an `authenticationConfiguration`) that the server's public answer
/// (`GET /api/v1/system/config/auth`) carries, where they differ. Keys the file leaves out are
/// not compared; an empty list and no list are the same.
pub fn public_differences(file_auth: &Value, served: &Value) -> Vec<Difference> {
    let empty = |v: &Value| {
        v.is_null()
            || v.as_array().is_some_and(Vec::is_empty)
            || v.as_object().is_some_and(Map::is_empty)
    };
    PUBLIC_AUTH_FIELDS
        .iter()
        .filter_map(|key| {
            let desired = file_auth.get(*key).cloned().unwrap_or(Value::Null);
            if desired.is_null() {
                return None;
            }
            let current = served.get(*key).cloned().unwrap_or(Value::Null);
            let same = desired == current || (empty(&desired) && empty(&current));
            (!same).then(|| Difference {
                field: format!("authenticationConfiguration.{key}"),
                current,
                desired,
            })
        })
        .collect()
}

/// Every leaf the file sets (`desired`, a SecurityConfiguration) whose value the server
/// (`current`) does not have, by dotted path. Every field the released models mark secret
/// (the OIDC client secret, SAML's keys and passwords) is masked on both sides, as the server
/// masks its own: it never differs here and never shows, even from a server that sends it in
/// clear.
pub fn changes(current: &Value, desired: &Value) -> Vec<Difference> {
    let mut out = Vec::new();
    walk(&masked(current), &masked(desired), String::new(), &mut out);
    out
}

fn walk(current: &Value, desired: &Value, path: String, out: &mut Vec<Difference>) {
    match desired {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                let sub = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                walk(current.get(k).unwrap_or(&Value::Null), v, sub, out);
            }
        }
        _ if desired != current => out.push(Difference {
            field: path,
            current: current.clone(),
            desired: desired.clone(),
        }),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn public_fields_are_compared_and_the_rest_is_not() {
        let file = json!({
            "provider": "custom-oidc", "clientId": "om", "authority": "http://kc/realms/a",
            "publicKeyUrls": ["x"], "jwtPrincipalClaimsMapping": [],
        });
        let served = json!({"provider": "custom-oidc", "clientId": "other", "authority": "http://kc/realms/a"});
        let d = public_differences(&file, &served);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].field, "authenticationConfiguration.clientId");
        assert_eq!(
            d[0].to_string(),
            "authenticationConfiguration.clientId: \"other\" → \"om\""
        );
    }

    #[test]
    fn changes_mask_the_secret_on_both_sides() {
        use crate::openmetadata::api::SECRET_MASK;
        let current = json!({"authenticationConfiguration": {
            "clientId": "old", "oidcConfiguration": {"secret": SECRET_MASK, "id": "old"}}});
        let desired = json!({"authenticationConfiguration": {
            "clientId": "new", "oidcConfiguration": {"secret": "s3cr3t", "id": "old", "scope": "openid"}}});
        let c = changes(&current, &desired);
        let fields: Vec<&str> = c.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "authenticationConfiguration.clientId",
                "authenticationConfiguration.oidcConfiguration.scope"
            ]
        );
        assert!(!format!("{c:?}").contains("s3cr3t"));
    }

    #[test]
    fn a_server_that_sends_secrets_in_clear_shows_none_of_them() {
        let current = json!({"authenticationConfiguration": {
            "oidcConfiguration": {"secret": "server-secret"},
            "samlConfiguration": {"security": {"keyStorePassword": "ks-pw"}, "debugMode": true}}});
        let desired = json!({"authenticationConfiguration": {
            "oidcConfiguration": {"secret": "file-secret"}, "samlConfiguration": {}}});
        let c = changes(&current, &desired);
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0].field, "authenticationConfiguration.samlConfiguration");
        let shown = format!("{c:?}");
        for s in ["server-secret", "file-secret", "ks-pw"] {
            assert!(!shown.contains(s), "{shown}");
        }
    }
}
