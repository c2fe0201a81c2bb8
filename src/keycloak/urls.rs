//! Every Keycloak URL omsso requests or writes, built in one place.
//!
//! Realm names, client ids (UUIDs) and scope ids are placed in URL paths, so each is
//! percent-encoded as one path segment. The encoding is the one Keycloak uses for the realm in
//! its own `issuer` (`a b` → `a%20b`, `é` → `%C3%A9`, `%` → `%25`, while `'` and `~` stay as
//! they are), so a discovery URL built here equals `issuer + /.well-known/openid-configuration`
//! byte for byte, and a Java client (the OpenMetadata server) accepts every URL written: an
//! unencoded space is "Illegal character in path" there, and an unencoded `%` is refused by
//! Keycloak itself (400 "Request path not normalized").

// The realm's own URLs are written into credentials files too, so they are built below both.
pub use crate::credentials::realm_url::{discovery, realm, segment, DISCOVERY_SUFFIX};

/// The discovery document of the realm whose issuer (or OpenMetadata `authority`) is
/// `issuer`, as OpenMetadata derives it when no discovery URI is configured.
pub fn discovery_of_issuer(issuer: &str) -> String {
    format!("{}{DISCOVERY_SUFFIX}", issuer.trim_end_matches('/'))
}

/// The realm's token endpoint (the admin login goes there, in the admin realm).
pub fn token(base: &str, realm_name: &str) -> String {
    format!("{}/protocol/openid-connect/token", realm(base, realm_name))
}

/// Which list of a client's client scopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeList {
    Default,
    Optional,
}

impl ScopeList {
    fn path(self) -> &'static str {
        match self {
            ScopeList::Default => "default-client-scopes",
            ScopeList::Optional => "optional-client-scopes",
        }
    }
}

/// An admin API resource, below `{base}/admin/realms`.
#[derive(Debug, Clone, Copy)]
pub enum Admin<'a> {
    /// The realms (POST creates one).
    Realms,
    /// One realm's settings.
    Realm { realm: &'a str },
    /// A realm's clients (POST creates one).
    Clients { realm: &'a str },
    /// The realm's client with this `clientId` (exact match), as a list of zero or one.
    ClientsNamed { realm: &'a str, client_id: &'a str },
    /// One client, by its Keycloak id.
    Client { realm: &'a str, uuid: &'a str },
    /// A client's secret (GET reads it, POST regenerates it).
    ClientSecret { realm: &'a str, uuid: &'a str },
    /// A client's default or optional client scopes, or one of them (`scope`: its id).
    ClientScopes {
        realm: &'a str,
        uuid: &'a str,
        list: ScopeList,
        scope: Option<&'a str>,
    },
    /// The client's protocol mappers, or one of them.
    ClientMappers {
        realm: &'a str,
        uuid: &'a str,
        mapper: Option<&'a str>,
    },
    /// The scopes a new client of the realm gets as default scopes.
    RealmDefaultScopes { realm: &'a str },
    /// Every client scope of the realm.
    RealmClientScopes { realm: &'a str },
}

impl Admin<'_> {
    pub fn url(&self, base: &str) -> String {
        let root = format!("{base}/admin/realms");
        let r = |realm: &str| format!("{root}/{}", segment(realm));
        let client = |realm: &str, uuid: &str| format!("{}/clients/{}", r(realm), segment(uuid));
        match *self {
            Admin::Realms => root,
            Admin::Realm { realm } => r(realm),
            Admin::Clients { realm } => format!("{}/clients", r(realm)),
            Admin::ClientsNamed { realm, client_id } => {
                let query: String = url::form_urlencoded::Serializer::new(String::new())
                    .append_pair("clientId", client_id)
                    .finish();
                format!("{}/clients?{query}", r(realm))
            }
            Admin::Client { realm, uuid } => client(realm, uuid),
            Admin::ClientSecret { realm, uuid } => {
                format!("{}/client-secret", client(realm, uuid))
            }
            Admin::ClientScopes {
                realm,
                uuid,
                list,
                scope,
            } => {
                let all = format!("{}/{}", client(realm, uuid), list.path());
                match scope {
                    Some(id) => format!("{all}/{}", segment(id)),
                    None => all,
                }
            }
            Admin::ClientMappers {
                realm,
                uuid,
                mapper,
            } => {
                let all = format!("{}/protocol-mappers/models", client(realm, uuid));
                match mapper {
                    Some(id) => format!("{all}/{}", segment(id)),
                    None => all,
                }
            }
            Admin::RealmDefaultScopes { realm } => {
                format!("{}/default-default-client-scopes", r(realm))
            }
            Admin::RealmClientScopes { realm } => format!("{}/client-scopes", r(realm)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: &str = "http://kc:8080";

    #[test]
    fn segments_are_encoded_as_keycloak_encodes_its_issuer() {
        // Measured against Keycloak 26.7.3: the issuers of realms with these names.
        assert_eq!(segment("a b"), "a%20b");
        assert_eq!(segment("é"), "%C3%A9");
        assert_eq!(segment("p%q"), "p%25q");
        assert_eq!(segment("p%20q"), "p%2520q");
        assert_eq!(segment("apos'x"), "apos'x");
        assert_eq!(segment("tilde~x"), "tilde~x");
        assert_eq!(segment("lt<x"), "lt%3Cx");
        assert_eq!(segment("中文"), "%E4%B8%AD%E6%96%87");
        // Never a path separator, query or fragment.
        assert_eq!(segment("a/b?c#d"), "a%2Fb%3Fc%23d");
    }

    #[test]
    fn realm_urls() {
        assert_eq!(realm(B, "a b"), "http://kc:8080/realms/a%20b");
        assert_eq!(
            discovery(B, "é"),
            "http://kc:8080/realms/%C3%A9/.well-known/openid-configuration"
        );
        assert_eq!(
            discovery_of_issuer("http://kc:8080/realms/%C3%A9/"),
            discovery(B, "é")
        );
        assert_eq!(
            token("http://kc/auth", "p%q"),
            "http://kc/auth/realms/p%25q/protocol/openid-connect/token"
        );
    }

    #[test]
    fn admin_urls() {
        let realm = "a b";
        assert_eq!(Admin::Realms.url(B), "http://kc:8080/admin/realms");
        assert_eq!(
            Admin::ClientsNamed {
                realm,
                client_id: "om&x=1"
            }
            .url(B),
            "http://kc:8080/admin/realms/a%20b/clients?clientId=om%26x%3D1"
        );
        assert_eq!(
            Admin::ClientSecret { realm, uuid: "u/1" }.url(B),
            "http://kc:8080/admin/realms/a%20b/clients/u%2F1/client-secret"
        );
        assert_eq!(
            Admin::ClientScopes {
                realm,
                uuid: "u",
                list: ScopeList::Optional,
                scope: Some("s")
            }
            .url(B),
            "http://kc:8080/admin/realms/a%20b/clients/u/optional-client-scopes/s"
        );
        assert_eq!(
            Admin::RealmDefaultScopes { realm: "%" }.url(B),
            "http://kc:8080/admin/realms/%25/default-default-client-scopes"
        );
    }
}
