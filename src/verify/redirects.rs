//! Keycloak's rule for a client's redirect URIs, as the login and the client checks apply it.

use serde_json::Value;

use crate::keycloak::client::strings;

/// Whether Keycloak accepts `uri` as a redirect URI of `client`.
pub fn redirect_registered(client: &Value, uri: &str) -> bool {
    let root = client.get("rootUrl").and_then(Value::as_str).unwrap_or("");
    strings(client.get("redirectUris"))
        .iter()
        .any(|p| redirect_matches(p, root, uri))
}

/// Keycloak's rule: exact match, or a prefix match when the pattern ends in `*`; relative
/// patterns are relative to the client's root URL.
fn redirect_matches(pattern: &str, root: &str, uri: &str) -> bool {
    let full = if pattern.starts_with('/') {
        format!("{}{pattern}", root.trim_end_matches('/'))
    } else {
        pattern.to_string()
    };
    match full.strip_suffix('*') {
        Some(prefix) => uri.starts_with(prefix),
        None => full == uri,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_patterns_follow_keycloak() {
        assert!(redirect_matches(
            "http://om/callback",
            "",
            "http://om/callback"
        ));
        assert!(redirect_matches("http://om/*", "", "http://om/callback"));
        assert!(redirect_matches(
            "/callback",
            "http://om/",
            "http://om/callback"
        ));
        assert!(!redirect_matches(
            "http://om/callback",
            "",
            "http://om/callback2"
        ));
        assert!(!redirect_matches(
            "http://other/*",
            "",
            "http://om/callback"
        ));
    }
}
