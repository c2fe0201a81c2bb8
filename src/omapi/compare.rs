//! The comparisons `verify` and `apply` make between a configuration file and a running
//! OpenMetadata: the public part the server answers without login, and the whole security
//! configuration (`apply`'s plan), the client secret masked on both sides; and what `apply`
//! sends, the server's configuration with the file's keys merged in.

use serde_json::{Map, Value};

use crate::openmetadata::api::{PUBLIC_AUTH_FIELDS, SECRET_MASK};

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
/// (`current`) does not have, by dotted path; the OIDC secret is compared as the server shows
/// it, masked, so it never differs here and never shows.
pub fn changes(current: &Value, desired: &Value) -> Vec<Difference> {
    let mut out = Vec::new();
    walk(current, &mask_secret(desired), String::new(), &mut out);
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

/// What `apply` sends: the server's `current` configuration with every leaf the file sets
/// (`file`) put in place, so that what the file does not set (`botPrincipals`,
/// `allowedEmailRegistrationDomains`, `jwtPrincipalClaimsMapping`, `tokenValidity`, …) is kept
/// instead of reset by a `PUT` of the file alone. A list is one value: the file's replaces
/// the server's. The server shows its OIDC secret masked and cannot take the mask back as a
/// secret, so a masked secret the file does not replace is left out.
pub fn merged(current: &Value, file: &Value) -> Value {
    let mut out = current.clone();
    merge_into(&mut out, file);
    if let Some(oidc) = out
        .get_mut("authenticationConfiguration")
        .and_then(|a| a.get_mut("oidcConfiguration"))
        .and_then(Value::as_object_mut)
    {
        if oidc.get("secret").and_then(Value::as_str) == Some(SECRET_MASK) {
            oidc.remove("secret");
        }
    }
    out
}

fn merge_into(target: &mut Value, file: &Value) {
    match (target, file) {
        (Value::Object(target), Value::Object(file)) => {
            for (k, v) in file {
                match target.get_mut(k) {
                    Some(slot) => merge_into(slot, v),
                    None => {
                        target.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (target, file) => *target = file.clone(),
    }
}

/// `desired` with `authenticationConfiguration.oidcConfiguration.secret` shown as the server
/// shows its own.
pub fn mask_secret(config: &Value) -> Value {
    let mut out = config.clone();
    if let Some(secret) = out
        .get_mut("authenticationConfiguration")
        .and_then(|a| a.get_mut("oidcConfiguration"))
        .and_then(|o| o.get_mut("secret"))
    {
        *secret = Value::String(SECRET_MASK.to_string());
    }
    out
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
    fn the_merge_keeps_what_the_file_does_not_set() {
        let current = json!({
            "authenticationConfiguration": {"clientId": "old", "jwtPrincipalClaimsMapping": ["a:b"],
                "publicKeyUrls": ["x", "y"],
                "oidcConfiguration": {"secret": SECRET_MASK, "tokenValidity": 3600}},
            "authorizerConfiguration": {"botPrincipals": ["bot"], "adminPrincipals": ["admin"]}});
        let file = json!({
            "authenticationConfiguration": {"clientId": "new", "publicKeyUrls": ["z"],
                "oidcConfiguration": {"scope": "openid"}},
            "authorizerConfiguration": {"adminPrincipals": ["jane"]}});
        let want = json!({
            "authenticationConfiguration": {"clientId": "new", "jwtPrincipalClaimsMapping": ["a:b"],
                "publicKeyUrls": ["z"],
                "oidcConfiguration": {"tokenValidity": 3600, "scope": "openid"}},
            "authorizerConfiguration": {"botPrincipals": ["bot"], "adminPrincipals": ["jane"]}});
        assert_eq!(merged(&current, &file), want);
        // The file's secret replaces the mask.
        let secret = json!({"authenticationConfiguration": {"oidcConfiguration": {"secret": "s"}}});
        let m = merged(&current, &secret);
        assert_eq!(
            m["authenticationConfiguration"]["oidcConfiguration"]["secret"],
            "s"
        );
    }

    #[test]
    fn changes_mask_the_secret_on_both_sides() {
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
        assert_eq!(
            mask_secret(&desired)["authenticationConfiguration"]["oidcConfiguration"]["secret"],
            SECRET_MASK
        );
    }
}
