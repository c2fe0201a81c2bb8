//! The realm's discovery document, where it is read and what the checks take from it.

use serde_json::Value;

use crate::http::HttpError;
use crate::keycloak::KeycloakError;

/// A discovery document and where it was read.
pub struct Discovery {
    pub doc: Value,
    pub url: String,
    /// Read at the public address because the server-side one is out of reach from here.
    pub via_public: bool,
}

impl Discovery {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.doc.get(key).and_then(Value::as_str)
    }

    /// " (read at the public address …)" when it was, for check details.
    pub fn note(&self) -> String {
        if self.via_public {
            format!(" (checked through the public address {})", self.url)
        } else {
            String::new()
        }
    }
}

/// `{authority}/.well-known/openid-configuration`, the discovery document browsers use (and
/// the server, when no discoveryUri is configured).
pub fn discovery_of(authority: &str) -> String {
    crate::keycloak::urls::discovery_of_issuer(authority)
}

/// When omsso refused to send credentials to an endpoint the discovery document named
/// (`key`: `token_endpoint`, `authorization_endpoint`) because it is not at the realm's
/// authority: the check's detail and hint. A document that sends the client secret or the
/// password elsewhere is a finding (FAIL), not a network failure.
pub fn named_elsewhere(e: &HttpError, key: &str) -> Option<(String, String)> {
    let HttpError::Foreign { url, allowed, .. } = e else {
        return None;
    };
    Some((
        format!(
            "the discovery document names {url} as its {key}, which is not where the file \
             points ({allowed}): omsso sent it nothing"
        ),
        "Keycloak names the address it is configured with (KC_HOSTNAME, or the proxy's \
         X-Forwarded-* headers with KC_PROXY_HEADERS): make it the authority's, scheme \
         included; if you did not set it up so, the document may be trying to capture \
         credentials"
            .to_string(),
    ))
}

/// [`named_elsewhere`] for a request to the token endpoint (the client secret in its form).
pub fn token_endpoint_elsewhere(e: &KeycloakError) -> Option<(String, String)> {
    match e {
        KeycloakError::Http(h) => named_elsewhere(h, "token_endpoint"),
        _ => None,
    }
}
