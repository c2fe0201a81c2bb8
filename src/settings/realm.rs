//! The realm that holds the OpenMetadata client, checked once when the settings are resolved:
//! a name Keycloak can serve, and not `master`.
//!
//! Measured against Keycloak 26.7.3 (`POST /admin/realms`, then a GET of each realm's
//! discovery document through its percent-encoded URL):
//! - refused at creation (400 "Character '/' not allowed."): any of `: / ? # @ ! $ & ( ) * + ,
//!   ; = [ ] \` (Keycloak's `ReservedCharValidator`), and the empty name;
//! - created but never served: `.` and `..`, which URL path normalisation removes (404, or 400
//!   "Request path not normalized" when encoded);
//! - created and served: everything else, e.g. names with a space, `é`, `%`, `'`, `~`, `<`.

use std::fmt;

use crate::hint::{Hint, Opt, Ref};

/// The characters Keycloak refuses in a realm name.
const RESERVED: &[char] = &[
    ':', '/', '?', '#', '@', '!', '$', '&', '(', ')', '*', '+', ',', ';', '=', '[', ']', '\\',
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RealmError {
    #[error("the OpenMetadata client must not live in the `master` realm")]
    Master,
    #[error("`{realm}` cannot be a Keycloak realm name: {reason}")]
    Name { realm: String, reason: String },
}

impl RealmError {
    pub fn hint(&self) -> Hint {
        const REALM: Ref = Ref::Setting("keycloak.realm");
        match self {
            RealmError::Master => Hint::new(
                "Keycloak's `master` realm is for administering Keycloak itself \
                 (OpenMetadata's guide: \"we can't use the realm master for new clients\"); \
                 choose another realm with {}, or add {} to create it",
                [REALM, Opt::CreateRealm.into()],
            ),
            RealmError::Name { .. } => Hint::new(
                "check {}: Keycloak refuses the characters : / ? # @ ! $ & ( ) * + , ; = [ ] \\ \
                 in realm names, and cannot serve a realm named `.` or `..`",
                [REALM],
            ),
        }
    }
}

/// A realm for the OpenMetadata client: servable by Keycloak and not `master`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Realm(String);

impl Realm {
    pub fn parse(name: &str) -> Result<Realm, RealmError> {
        check_name(name)?;
        if name == "master" {
            return Err(RealmError::Master);
        }
        Ok(Realm(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Realm {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Realm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Refuses a realm name Keycloak cannot serve; see the module documentation. (`master` passes:
/// `verify` reports on whatever realm is deployed.)
pub fn check_name(realm: &str) -> Result<(), RealmError> {
    let bad = |reason: String| RealmError::Name {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keycloak_serves_pass_and_others_are_refused() {
        for ok in [
            "data", "a b", "é", "p%q", "apos'x", "tilde~x", "dot.x", "...", "中文",
        ] {
            assert!(Realm::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "a/b", "h#x", "q?x", "c:d", "x@y", "a+b", "back\\x", ".", "..", "",
        ] {
            let e = Realm::parse(bad).unwrap_err();
            assert!(matches!(e, RealmError::Name { .. }), "{bad}: {e}");
        }
        assert_eq!(Realm::parse("master"), Err(RealmError::Master));
        assert!(check_name("master").is_ok());
    }
}
