//! `Credentials`: the one value every stage after Keycloak consumes (render, seal, verify).
//! It comes from `keycloak fetch`, from a credentials file, or from an opened handoff bundle,
//! which is why render and seal also work offline.

pub mod realm_url;

use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::exit::{Diagnose, Exit};
use crate::hint::{Hint, Opt};
use crate::input::{self, Accept};
use crate::settings::ClientType;

#[derive(Debug, thiserror::Error)]
pub enum CredentialsError {
    #[error("cannot read credentials file {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// `message` comes from the parser and names the field and line; it never quotes values.
    #[error("{}: not an omsso credentials file: {message}", path.display())]
    Parse { path: PathBuf, message: String },
    #[error("{}: the credentials of a public client hold a client secret", path.display())]
    PublicWithSecret { path: PathBuf },
}

impl Diagnose for CredentialsError {
    fn exit(&self) -> Exit {
        Exit::Usage
    }

    fn hint(&self) -> Option<Hint> {
        Some(match self {
            CredentialsError::PublicWithSecret { .. } => Hint::new(
                "a public client has no secret: remove client_secret, or set client_type: \
                 confidential if the client is confidential in Keycloak (`omsso keycloak fetch \
                 {} FILE` writes the file from what Keycloak holds)",
                [Opt::Write.into()],
            ),
            _ => Hint::new(
                "write one with `omsso keycloak fetch {} FILE` (JSON or YAML with client_id, \
                 client_secret, realm, issuer, discovery_uri, jwks_uri)",
                [Opt::Write.into()],
            ),
        })
    }
}

// `Default` lets other stages (an opened handoff bundle) build one field by field, since
// `_client_secret_present` is private.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    /// The OpenMetadata client's `clientId` in Keycloak.
    pub client_id: String,
    /// Whether the client is public in Keycloak (then it has no secret). Files written before
    /// omsso recorded it were always confidential.
    #[serde(default)]
    pub client_type: ClientType,
    /// The client secret; `None` for a public client. Redacted in `Debug`.
    #[serde(default)]
    pub client_secret: Option<SecretString>,
    pub realm: String,
    /// The realm's discovery `issuer`, byte for byte (OpenMetadata's `authority`).
    pub issuer: String,
    /// Discovery document URL as the browser-facing Keycloak serves it.
    pub discovery_uri: String,
    /// The realm's `jwks_uri` from discovery.
    pub jwks_uri: String,
    #[serde(default)]
    pub token_endpoint: Option<String>,
    #[serde(default)]
    pub authorization_endpoint: Option<String>,
    #[serde(default)]
    pub end_session_endpoint: Option<String>,
    /// OpenMetadata server URL the client was set up for, when known.
    #[serde(default)]
    pub openmetadata_url: Option<String>,
    /// Written by [`CredentialsView`] for readers; carries no information of its own.
    #[serde(default, rename = "client_secret_present")]
    _client_secret_present: Option<bool>,
}

/// The serialised form. `client_secret` is present only when the caller asked to reveal it
/// (`--show-secret`, or writing a credentials file meant to hold it).
#[derive(Debug, Serialize)]
pub struct CredentialsView<'a> {
    pub client_id: &'a str,
    pub client_type: ClientType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<&'a str>,
    pub client_secret_present: bool,
    pub realm: &'a str,
    pub issuer: &'a str,
    pub discovery_uri: &'a str,
    pub jwks_uri: &'a str,
    pub token_endpoint: Option<&'a str>,
    pub authorization_endpoint: Option<&'a str>,
    pub end_session_endpoint: Option<&'a str>,
    pub openmetadata_url: Option<&'a str>,
}

impl Credentials {
    /// The required parts; the optional endpoints and URL are public fields to set after. A
    /// client without a secret is public.
    pub fn new(
        client_id: String,
        client_secret: Option<SecretString>,
        realm: String,
        issuer: String,
        discovery_uri: String,
        jwks_uri: String,
    ) -> Credentials {
        Credentials {
            client_id,
            client_type: if client_secret.is_some() {
                ClientType::Confidential
            } else {
                ClientType::Public
            },
            client_secret,
            realm,
            issuer,
            discovery_uri,
            jwks_uri,
            token_endpoint: None,
            authorization_endpoint: None,
            end_session_endpoint: None,
            openmetadata_url: None,
            _client_secret_present: None,
        }
    }

    /// Reads a credentials file: JSON (what omsso writes) or YAML. It holds the secret, so
    /// it may come from a pipe (`--credentials <(vault read …)`).
    pub fn load(path: &Path) -> Result<Credentials, CredentialsError> {
        let text = input::read_to_string(path, Accept::FileOrPipe).map_err(|source| {
            CredentialsError::Read {
                path: path.to_path_buf(),
                source,
            }
        })?;
        let parse_error = |message: String| CredentialsError::Parse {
            path: path.to_path_buf(),
            message: without_values(&message),
        };
        // JSON is read as JSON: a YAML parser reads most JSON alike, but not all of it
        // (inside a string, YAML takes U+0085 as a line break and folds it into a space).
        let mut c: Credentials = if text
            .trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n'])
            .starts_with('{')
        {
            serde_json::from_str(&text).map_err(|e| parse_error(e.to_string()))?
        } else {
            serde_yaml::from_str(&text).map_err(|e| parse_error(e.to_string()))?
        };
        if c.client_type == ClientType::Public && c.client_secret.is_some() {
            return Err(CredentialsError::PublicWithSecret {
                path: path.to_path_buf(),
            });
        }
        c.encode_discovery_realm();
        Ok(c)
    }

    /// Credentials written before omsso encoded realm names hold the discovery URL with the
    /// raw realm name (`…/realms/a b/.well-known/…`), which Java clients refuse and Keycloak
    /// answers with 400 for a `%`, next to the encoded issuer Keycloak wrote. The realm name
    /// is known, so such a URL is rebuilt encoded, in agreement with the issuer; a file whose
    /// issuer holds the raw name too is left as it is.
    pub fn encode_discovery_realm(&mut self) {
        let encoded = realm_url::segment(&self.realm);
        if encoded == self.realm || !self.issuer.ends_with(&format!("/realms/{encoded}")) {
            return;
        }
        let raw = format!("/realms/{}{}", self.realm, realm_url::DISCOVERY_SUFFIX);
        if let Some(base) = self.discovery_uri.strip_suffix(&raw) {
            self.discovery_uri = realm_url::discovery(base, &self.realm);
        }
    }

    pub fn view(&self, reveal_secret: bool) -> CredentialsView<'_> {
        CredentialsView {
            client_id: &self.client_id,
            client_type: self.client_type,
            client_secret: self
                .client_secret
                .as_ref()
                .filter(|_| reveal_secret)
                .map(|s| s.expose_secret()),
            client_secret_present: self.client_secret.is_some(),
            realm: &self.realm,
            issuer: &self.issuer,
            discovery_uri: &self.discovery_uri,
            jwks_uri: &self.jwks_uri,
            token_endpoint: self.token_endpoint.as_deref(),
            authorization_endpoint: self.authorization_endpoint.as_deref(),
            end_session_endpoint: self.end_session_endpoint.as_deref(),
            openmetadata_url: self.openmetadata_url.as_deref(),
        }
    }
}

/// A parser's message with the offending value left out. serde describes a value of the
/// wrong type by quoting it (`invalid type: string "s3cr3t", expected a boolean`): in a
/// credentials file that value can be the client secret. The kind stays (`invalid type:
/// string, expected a boolean`), as do field names and positions.
fn without_values(message: &str) -> String {
    for prefix in ["invalid type: ", "invalid value: "] {
        let Some(start) = message.find(prefix).map(|i| i + prefix.len()) else {
            continue;
        };
        let Some(len) = message[start..].find(", expected ") else {
            continue;
        };
        let kind = message[start..start + len]
            .split(['`', '"'])
            .next()
            .unwrap_or_default()
            .trim_end();
        return format!("{}{kind}{}", &message[..start], &message[start + len..]);
    }
    message.to_string()
}

/// Credentials for unit tests, with the secret `s3cr3t-VALUE`.
#[cfg(test)]
pub fn sample() -> Credentials {
    serde_json::from_str(
        r#"{"client_id":"open-metadata","client_secret":"s3cr3t-VALUE","realm":"r",
        "issuer":"http://kc/realms/r","discovery_uri":"http://kc/realms/r/.well-known/openid-configuration",
        "jwks_uri":"http://kc/realms/r/protocol/openid-connect/certs"}"#,
    )
    .unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revealed_view_reads_back_as_the_same_credentials() {
        let c = sample();
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.json");
        std::fs::write(&p, serde_json::to_string(&c.view(true)).unwrap()).unwrap();
        let back = Credentials::load(&p).unwrap();
        assert_eq!(back.client_secret.unwrap().expose_secret(), "s3cr3t-VALUE");
        assert_eq!(back.issuer, c.issuer);
        std::fs::write(&p, "client_id: x\nrealm: [\n").unwrap();
        assert!(matches!(
            Credentials::load(&p),
            Err(CredentialsError::Parse { .. })
        ));
    }

    /// Found in review: a YAML parser folds U+0085 (NEL) inside a JSON string into a space.
    #[test]
    fn json_files_are_read_as_json() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.json");
        let mut c = serde_json::to_value(sample().view(true)).unwrap();
        c["client_secret"] = "a\u{85}b".into();
        std::fs::write(&p, serde_json::to_string(&c).unwrap()).unwrap();
        let back = Credentials::load(&p).unwrap();
        assert_eq!(back.client_secret.unwrap().expose_secret(), "a\u{85}b");
    }

    #[test]
    fn parse_errors_never_quote_a_value() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c");
        for text in [
            r#"{"client_id": "x", "client_secret": ["s3cr3t-VALUE"], "realm": 1}"#,
            r#"{"client_secret_present": "s3cr3t-VALUE"}"#,
            "client_secret_present: s3cr3t-VALUE\n",
            "client_id: 5\nclient_secret: [s3cr3t-VALUE]\n",
            r#""s3cr3t-VALUE""#,
        ] {
            std::fs::write(&p, text).unwrap();
            let e = Credentials::load(&p).unwrap_err().to_string();
            assert!(!e.contains("s3cr3t"), "{text}: {e}");
            assert!(e.contains("invalid type") || e.contains("missing"), "{e}");
        }
        assert!(matches!(
            Credentials::load(&p),
            Err(CredentialsError::Parse { .. })
        ));
    }

    #[test]
    fn a_public_client_file_holds_no_secret_and_old_discovery_urls_are_encoded() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.yaml");
        let file = "client_id: om\nclient_type: public\nrealm: a b\n\
                    issuer: http://kc/realms/a%20b\n\
                    discovery_uri: http://kc/realms/a b/.well-known/openid-configuration\n\
                    jwks_uri: http://kc/realms/a%20b/protocol/openid-connect/certs\n";
        std::fs::write(&p, file).unwrap();
        let c = Credentials::load(&p).unwrap();
        assert_eq!(c.client_type, ClientType::Public);
        assert_eq!(
            c.discovery_uri,
            "http://kc/realms/a%20b/.well-known/openid-configuration"
        );
        let view = serde_json::to_value(c.view(true)).unwrap();
        assert_eq!(view["client_type"], "public");
        assert!(view.get("client_secret").is_none());
        std::fs::write(&p, format!("{file}client_secret: s3cr3t-VALUE\n")).unwrap();
        let e = Credentials::load(&p).unwrap_err();
        assert!(matches!(e, CredentialsError::PublicWithSecret { .. }));
        assert!(!e.to_string().contains("s3cr3t"));
        // A hand-written file with the raw name in the issuer too is left as it is.
        let raw = file.replace("a%20b", "a b");
        std::fs::write(&p, &raw).unwrap();
        let c = Credentials::load(&p).unwrap();
        assert_eq!(
            c.discovery_uri,
            "http://kc/realms/a b/.well-known/openid-configuration"
        );
        // Without a type, a file is confidential (what omsso wrote before it recorded one).
        assert_eq!(sample().client_type, ClientType::Confidential);
    }

    #[test]
    fn debug_and_default_view_never_show_the_secret() {
        let c = sample();
        assert!(!format!("{c:?}").contains("s3cr3t-VALUE"));
        assert!(!serde_json::to_string(&c.view(false))
            .unwrap()
            .contains("s3cr3t-VALUE"));
        assert!(serde_json::to_string(&c.view(true))
            .unwrap()
            .contains("s3cr3t-VALUE"));
    }
}
