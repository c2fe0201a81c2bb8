//! Which realm names omsso accepts, checked before any request: the ones Keycloak can serve.
//!
//! Measured against Keycloak 26.7.3 (`POST /admin/realms`, then a GET of each realm's
//! discovery document through its percent-encoded URL):
//! - refused at creation (400 "Character '/' not allowed."): any of `: / ? # @ ! $ & ( ) * + ,
//!   ; = [ ] \` (Keycloak's `ReservedCharValidator`), and the empty name;
//! - created but never served: `.` and `..`, which URL path normalisation removes (404, or 400
//!   "Request path not normalized" when encoded);
//! - created and served: everything else, e.g. names with a space, `é`, `%`, `'`, `~`, `<`.

use super::KeycloakError;

/// The characters Keycloak refuses in a realm name.
const RESERVED: &[char] = &[
    ':', '/', '?', '#', '@', '!', '$', '&', '(', ')', '*', '+', ',', ';', '=', '[', ']', '\\',
];

/// Refuses a realm name Keycloak cannot serve; see the module documentation.
pub fn check_name(realm: &str) -> Result<(), KeycloakError> {
    let bad = |reason: String| KeycloakError::RealmName {
        realm: realm.to_string(),
        reason,
    };
    if realm.is_empty() {
        return Err(bad("it is empty".to_string()));
    }
    if let Some(c) = realm.chars().find(|c| RESERVED.contains(c)) {
        return Err(bad(format!("Keycloak does not allow `{c}` in realm names")));
    }
    if realm == "." || realm == ".." {
        return Err(bad(
            "Keycloak creates such a realm but cannot serve it (URL paths drop `.` and `..`)"
                .to_string(),
        ));
    }
    Ok(())
}

/// The realm that holds the OpenMetadata client: a name Keycloak can serve, and not `master`,
/// which administers Keycloak itself (OpenMetadata's guide: "we can't use the realm master for
/// new clients").
pub fn check_realm(realm: &str) -> Result<(), KeycloakError> {
    check_name(realm)?;
    if realm == "master" {
        return Err(KeycloakError::MasterRealm);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keycloak_serves_pass_and_others_are_refused() {
        for ok in [
            "data", "a b", "é", "p%q", "apos'x", "tilde~x", "dot.x", "...", "中文",
        ] {
            assert!(check_realm(ok).is_ok(), "{ok}");
        }
        for bad in [
            "a/b", "h#x", "q?x", "c:d", "x@y", "a+b", "back\\x", ".", "..", "",
        ] {
            let e = check_realm(bad).unwrap_err();
            assert!(matches!(e, KeycloakError::RealmName { .. }), "{bad}: {e}");
        }
        assert!(matches!(
            check_realm("master"),
            Err(KeycloakError::MasterRealm)
        ));
        assert!(check_name("master").is_ok());
    }
}
