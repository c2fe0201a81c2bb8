//! Value types for the OpenMetadata settings: the OIDC client type, the response type of a
//! public client, and Kubernetes names. They are validated where they are parsed (flag, env var
//! or file), so the error names the place they came from. (The release version is
//! `crate::openmetadata::OmVersion`.)

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};

/// How OpenMetadata's OIDC client authenticates to Keycloak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ClientType {
    /// Auth code flow run by the server with the client secret (Keycloak: client
    /// authentication on)
    #[default]
    Confidential,
    /// The browser logs in itself, no secret (Keycloak: client authentication off); see
    /// --response-type
    Public,
}

impl ClientType {
    pub fn as_str(self) -> &'static str {
        match self {
            ClientType::Confidential => "confidential",
            ClientType::Public => "public",
        }
    }
}

impl fmt::Display for ClientType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What OpenMetadata's UI asks Keycloak for when it logs in with a public client
/// (`authenticationConfiguration.responseType`). Confidential clients do not use it: their
/// server runs the auth code flow with the secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, clap::ValueEnum)]
pub enum ResponseType {
    /// Implicit flow: the browser gets the ID token straight from Keycloak (OpenMetadata's
    /// default for public clients)
    #[default]
    #[serde(rename = "id_token")]
    #[value(name = "id_token")]
    IdToken,
    /// Authorization code flow with PKCE (S256)
    #[serde(rename = "code")]
    Code,
}

impl ResponseType {
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseType::IdToken => "id_token",
            ResponseType::Code => "code",
        }
    }
}

impl fmt::Display for ResponseType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which Keycloak roles become OpenMetadata roles (`authorizerConfiguration.useRolesFromProvider`).
/// OpenMetadata reads them from the token's top-level `roles` claim, which Keycloak does not
/// fill by default (its own role claims are `realm_access.roles` and `resource_access`), so
/// `keycloak ensure` adds a mapper that writes the chosen roles there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum RoleSource {
    /// The user's realm roles (Keycloak's own `default-roles-*`, `offline_access` and
    /// `uma_authorization` come along and match nothing in OpenMetadata)
    Realm,
    /// The user's roles of the OpenMetadata client
    Client,
}

impl RoleSource {
    pub fn as_str(self) -> &'static str {
        match self {
            RoleSource::Realm => "realm",
            RoleSource::Client => "client",
        }
    }
}

impl fmt::Display for RoleSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A Kubernetes object name: a DNS-1123 label (namespace, at most 63 characters) or subdomain
/// (Secret name, at most 253). Checked here so a typo fails before `kubectl apply` does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubeName(String);

impl KubeName {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn check(s: &str, max: usize, dots: bool) -> Result<KubeName, String> {
        let ok_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
        let ok_part = |p: &str| {
            !p.is_empty() && p.chars().all(ok_char) && !p.starts_with('-') && !p.ends_with('-')
        };
        let valid = s.len() <= max
            && if dots {
                s.split('.').all(ok_part)
            } else {
                ok_part(s)
            };
        if valid {
            Ok(KubeName(s.to_string()))
        } else {
            Err(format!(
                "`{s}` is not a Kubernetes name (lowercase letters, digits and `-`{}, at most {max} characters, starting and ending with a letter or digit)",
                if dots { " or `.`" } else { "" }
            ))
        }
    }

    /// A DNS-1123 subdomain, as Secret names must be.
    pub fn subdomain(s: &str) -> Result<KubeName, String> {
        Self::check(s, 253, true)
    }

    /// A DNS-1123 label, as namespace names must be.
    pub fn label(s: &str) -> Result<KubeName, String> {
        Self::check(s, 63, false)
    }
}

/// `helm.secret_name`: the Secret that holds the client id and secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretName(pub KubeName);

/// `helm.namespace`: where that Secret (and the release) lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Namespace(pub KubeName);

macro_rules! kube_name_type {
    ($t:ident, $check:ident) => {
        impl FromStr for $t {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                KubeName::$check(s.trim()).map($t)
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                String::deserialize(d)?.parse().map_err(de::Error::custom)
            }
        }
        impl $t {
            pub fn as_str(&self) -> &str {
                self.0.as_str()
            }
        }
    };
}
kube_name_type!(SecretName, subdomain);
kube_name_type!(Namespace, label);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_types_read_as_openmetadata_writes_them() {
        let r: ResponseType = serde_yaml::from_str("id_token").unwrap();
        assert_eq!(r, ResponseType::IdToken);
        let r: ResponseType = serde_yaml::from_str("code").unwrap();
        assert_eq!(r.as_str(), "code");
        assert!(serde_yaml::from_str::<ResponseType>("token").is_err());
        use clap::ValueEnum;
        assert_eq!(
            ResponseType::from_str("id_token", false).unwrap(),
            ResponseType::IdToken
        );
    }

    #[test]
    fn kubernetes_names_are_checked() {
        assert!("oidc-secrets".parse::<SecretName>().is_ok());
        assert!("a.b-c".parse::<SecretName>().is_ok());
        assert!("a.b".parse::<Namespace>().is_err());
        for bad in ["Oidc", "-x", "x-", "a_b", "", "a..b"] {
            assert!(bad.parse::<SecretName>().is_err(), "{bad}");
        }
        assert!("x".repeat(64).parse::<Namespace>().is_err());
    }
}
