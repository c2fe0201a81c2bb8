//! A realm's URLs as Keycloak writes them (its issuer, its discovery document), which
//! credentials files hold and the Keycloak client requests: the realm name percent-encoded as
//! one path segment, the way Keycloak encodes it in its own `issuer` (see
//! the Keycloak client's `urls` module for why).

/// What follows the realm URL (the issuer) in the discovery document's URL.
pub const DISCOVERY_SUFFIX: &str = "/.well-known/openid-configuration";

/// Percent-encodes `s` as one URL path segment: everything except RFC 3986 `pchar`s
/// (unreserved characters, sub-delimiters, `:` and `@`) is encoded, `/`, `%`, `?` and `#`
/// included; non-ASCII characters as their UTF-8 bytes, with upper-case hex digits.
pub fn segment(s: &str) -> String {
    const KEPT: &[u8] = b"-._~!$&'()*+,;=:@";
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || KEPT.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `{base}/realms/{realm}`: the realm's issuer when `base` is Keycloak's frontend address.
pub fn realm(base: &str, realm: &str) -> String {
    format!("{base}/realms/{}", segment(realm))
}

/// The realm's OIDC discovery document.
pub fn discovery(base: &str, realm_name: &str) -> String {
    format!("{}{DISCOVERY_SUFFIX}", realm(base, realm_name))
}
