//! The realm's discovery document, where it is read and what the checks take from it.

use serde_json::Value;

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
