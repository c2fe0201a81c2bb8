//! Value types for the OpenMetadata settings: the server version the output is written for, the
//! OIDC client type and the response type of a public client. Each is validated where it is
//! parsed (flag, env var or file), so the error names the place it came from.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

/// An OpenMetadata 1.x release line (`1.6` … `1.13`). Only the minor number matters: the auth
/// keys never changed within a release line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct OmVersion {
    minor: u8,
}

impl OmVersion {
    /// The oldest release line whose Keycloak docs describe confidential clients (NOTES §0).
    pub const OLDEST: OmVersion = OmVersion { minor: 6 };
    /// The newest release line in the reference files (server yaml and Helm chart 1.13).
    pub const NEWEST: OmVersion = OmVersion { minor: 13 };

    pub const fn new(minor: u8) -> OmVersion {
        OmVersion { minor }
    }
}

impl Default for OmVersion {
    fn default() -> Self {
        Self::NEWEST
    }
}

impl fmt::Display for OmVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "1.{}", self.minor)
    }
}

impl FromStr for OmVersion {
    type Err = String;

    /// Accepts `1.N` or `1.N.P` (a patch number is ignored).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let range = format!("{} to {}", Self::OLDEST, Self::NEWEST);
        let bad = || format!("`{s}` is not an OpenMetadata version (expected 1.N, {range})");
        let mut parts = s.trim().split('.');
        let (Some("1"), Some(minor)) = (parts.next(), parts.next()) else {
            return Err(bad());
        };
        let minor: u8 = minor.parse().map_err(|_| bad())?;
        match parts.next() {
            None => {}
            Some(patch) if patch.parse::<u32>().is_ok() && parts.next().is_none() => {}
            Some(_) => return Err(bad()),
        }
        let v = OmVersion { minor };
        if v < Self::OLDEST || v > Self::NEWEST {
            return Err(format!(
                "OpenMetadata {v} is not supported: omsso writes configuration for {range}"
            ));
        }
        Ok(v)
    }
}

impl<'de> Deserialize<'de> for OmVersion {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = OmVersion;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an OpenMetadata version as a string, e.g. \"1.12\"")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<OmVersion, E> {
                s.parse().map_err(E::custom)
            }
            // YAML reads `1.10` as the number 1.1, so a number is refused rather than guessed.
            fn visit_f64<E: de::Error>(self, n: f64) -> Result<OmVersion, E> {
                Err(E::custom(format!(
                    "write the version in quotes (\"1.{}\"): YAML reads {n} as a number",
                    n.to_string().split('.').nth(1).unwrap_or("N")
                )))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<OmVersion, E> {
                Err(E::custom(format!(
                    "`{n}` is not an OpenMetadata version: write it in quotes, e.g. \"1.12\""
                )))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<OmVersion, E> {
                self.visit_u64(n.unsigned_abs())
            }
        }
        d.deserialize_any(V)
    }
}

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
    fn versions_parse_within_the_supported_range() {
        assert_eq!("1.6".parse::<OmVersion>().unwrap(), OmVersion::new(6));
        assert_eq!("1.12.7".parse::<OmVersion>().unwrap(), OmVersion::new(12));
        assert_eq!(OmVersion::NEWEST.to_string(), "1.13");
        for bad in ["1.5", "1.14", "2.0", "1", "1.x", "1.6.x", "v1.6", ""] {
            assert!(bad.parse::<OmVersion>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_yaml_number_version_is_refused_not_guessed() {
        let v: Result<OmVersion, _> = serde_yaml::from_str("1.10");
        let msg = v.unwrap_err().to_string();
        assert!(msg.contains("quotes"), "{msg}");
        let v: OmVersion = serde_yaml::from_str("\"1.10\"").unwrap();
        assert_eq!(v, OmVersion::new(10));
    }

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
