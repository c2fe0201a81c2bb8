//! The handoff bundle: the one small JSON document that gets sealed. It carries the client
//! credentials plus what the receiver needs to trust and use them (when, for whom, a note).
//!
//! Versioning: `version` is `MAJOR.MINOR`. A reader accepts its own major version with any
//! minor (newer minors may only add optional fields, which are ignored) and refuses another
//! major. Reading is done field by field instead of through serde's derive so that no error
//! message can ever quote a value from the payload: it holds the client secret.
//!
//! 1.1 added `client_type`: `public` marks the bundle of a public client, which carries no
//! `client_secret` (a 1.0 reader refuses it: it lacks the field 1.0 requires); absent, or
//! `confidential`, the secret is required as in 1.0, so 1.0 readers still read those.

use std::time::{Duration, SystemTime};

use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::{Map, Value};

use super::error::BundleError;
use crate::credentials::Credentials;
use crate::settings::ClientType;

pub const FORMAT: &str = "omsso-handoff";
pub const VERSION: &str = "1.1";
const MAJOR: u64 = 1;

/// One recipient the bundle was sealed for, as the sender saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecipientInfo {
    /// `age`, `ssh-ed25519` or `ssh-rsa`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The SSH key's comment or the comment line above an age recipient, when there is one.
    pub name: Option<String>,
    /// The age recipient itself, or `SHA256:…` for SSH keys (as `ssh-keygen -l` prints it).
    pub fingerprint: String,
}

#[derive(Debug, Clone)]
pub struct Bundle {
    pub version: String,
    /// RFC 3339, UTC, seconds.
    pub created_at: String,
    /// Advisory: the receiver is warned after this time, nothing more.
    pub expires_at: Option<String>,
    pub note: Option<String>,
    pub client_id: String,
    pub client_type: ClientType,
    /// `None` exactly for a public client.
    pub client_secret: Option<SecretString>,
    pub realm: String,
    pub issuer: String,
    pub discovery_uri: String,
    pub jwks_uri: String,
    pub openmetadata_url: Option<String>,
    pub token_endpoint: Option<String>,
    pub authorization_endpoint: Option<String>,
    pub end_session_endpoint: Option<String>,
    /// Empty when sealed to a passphrase.
    pub recipients: Vec<RecipientInfo>,
}

/// The serialised form, in a fixed field order. The secret is present only when asked for:
/// in the sealed payload, and for `open --show-secret`.
#[derive(Serialize)]
pub struct BundleView<'a> {
    pub format: &'static str,
    pub version: &'a str,
    pub created_at: &'a str,
    pub expires_at: Option<&'a str>,
    pub note: Option<&'a str>,
    pub client_id: &'a str,
    pub client_type: ClientType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<&'a str>,
    pub realm: &'a str,
    pub issuer: &'a str,
    pub discovery_uri: &'a str,
    pub jwks_uri: &'a str,
    pub openmetadata_url: Option<&'a str>,
    pub token_endpoint: Option<&'a str>,
    pub authorization_endpoint: Option<&'a str>,
    pub end_session_endpoint: Option<&'a str>,
    pub recipients: &'a [RecipientInfo],
}

impl Bundle {
    /// A new bundle for `credentials`, created `now`. A confidential client's credentials must
    /// hold its secret; a public client's never do.
    pub fn new(
        credentials: &Credentials,
        recipients: Vec<RecipientInfo>,
        note: Option<String>,
        expires_in: Option<Duration>,
        now: SystemTime,
    ) -> Result<Bundle, BundleError> {
        let secret = match credentials.client_type {
            ClientType::Confidential => Some(
                credentials
                    .client_secret
                    .clone()
                    .ok_or(BundleError::NoClientSecret)?,
            ),
            ClientType::Public => None,
        };
        Ok(Bundle {
            version: VERSION.to_string(),
            created_at: timestamp(now),
            expires_at: expires_in.map(|d| timestamp(now + d)),
            note,
            client_id: credentials.client_id.clone(),
            client_type: credentials.client_type,
            client_secret: secret,
            realm: credentials.realm.clone(),
            issuer: credentials.issuer.clone(),
            discovery_uri: credentials.discovery_uri.clone(),
            jwks_uri: credentials.jwks_uri.clone(),
            openmetadata_url: credentials.openmetadata_url.clone(),
            token_endpoint: credentials.token_endpoint.clone(),
            authorization_endpoint: credentials.authorization_endpoint.clone(),
            end_session_endpoint: credentials.end_session_endpoint.clone(),
            recipients,
        })
    }

    pub fn credentials(&self) -> Credentials {
        let mut c = Credentials::default();
        c.client_id = self.client_id.clone();
        c.client_type = self.client_type;
        c.client_secret = self.client_secret.clone();
        c.realm = self.realm.clone();
        c.issuer = self.issuer.clone();
        c.discovery_uri = self.discovery_uri.clone();
        c.jwks_uri = self.jwks_uri.clone();
        c.token_endpoint = self.token_endpoint.clone();
        c.authorization_endpoint = self.authorization_endpoint.clone();
        c.end_session_endpoint = self.end_session_endpoint.clone();
        c.openmetadata_url = self.openmetadata_url.clone();
        c.encode_discovery_realm();
        c
    }

    pub fn view(&self, reveal_secret: bool) -> BundleView<'_> {
        BundleView {
            format: FORMAT,
            version: &self.version,
            created_at: &self.created_at,
            expires_at: self.expires_at.as_deref(),
            note: self.note.as_deref(),
            client_id: &self.client_id,
            client_type: self.client_type,
            client_secret: self
                .client_secret
                .as_ref()
                .filter(|_| reveal_secret)
                .map(|s| s.expose_secret()),
            realm: &self.realm,
            issuer: &self.issuer,
            discovery_uri: &self.discovery_uri,
            jwks_uri: &self.jwks_uri,
            openmetadata_url: self.openmetadata_url.as_deref(),
            token_endpoint: self.token_endpoint.as_deref(),
            authorization_endpoint: self.authorization_endpoint.as_deref(),
            end_session_endpoint: self.end_session_endpoint.as_deref(),
            recipients: &self.recipients,
        }
    }

    /// The document that gets sealed: pretty JSON with a final newline, so a receiver who
    /// decrypts it with the `age` CLI can read it.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(&self.view(true)).expect("serialisable");
        bytes.push(b'\n');
        bytes
    }

    /// Whether the advisory expiry has passed at `now`.
    pub fn expired(&self, now: SystemTime) -> bool {
        self.expires_at
            .as_deref()
            .and_then(|t| humantime::parse_rfc3339(t).ok())
            .is_some_and(|t| t < now)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Bundle, BundleError> {
        let value: Value = serde_json::from_slice(bytes).map_err(|e| BundleError::NotABundle {
            // Only the position: serde's messages may quote the offending text.
            detail: format!("not JSON (at line {} column {})", e.line(), e.column()),
        })?;
        let Value::Object(doc) = value else {
            return Err(not_a_bundle("not a JSON object"));
        };
        if doc.get("format").and_then(Value::as_str) != Some(FORMAT) {
            return Err(not_a_bundle("no `format: omsso-handoff` field"));
        }
        let version = required(&doc, "version")?;
        let major = major_version(&version).ok_or(BundleError::BadField {
            field: "version",
            expected: "a string MAJOR.MINOR",
        })?;
        if major != MAJOR {
            return Err(BundleError::UnknownVersion { found: version });
        }
        let client_type = match optional(&doc, "client_type")?.as_deref() {
            None | Some("confidential") => ClientType::Confidential,
            Some("public") => ClientType::Public,
            Some(_) => {
                return Err(BundleError::BadField {
                    field: "client_type",
                    expected: "`confidential` or `public`",
                })
            }
        };
        let client_secret = match client_type {
            ClientType::Confidential => Some(SecretString::from(required(&doc, "client_secret")?)),
            ClientType::Public if doc.contains_key("client_secret") => {
                return Err(BundleError::BadField {
                    field: "client_secret",
                    expected: "absent: a public client has no secret",
                })
            }
            ClientType::Public => None,
        };
        let bundle = Bundle {
            created_at: required(&doc, "created_at")?,
            expires_at: optional(&doc, "expires_at")?,
            note: optional(&doc, "note")?,
            client_id: required(&doc, "client_id")?,
            client_type,
            client_secret,
            realm: required(&doc, "realm")?,
            issuer: required(&doc, "issuer")?,
            discovery_uri: required(&doc, "discovery_uri")?,
            jwks_uri: required(&doc, "jwks_uri")?,
            openmetadata_url: optional(&doc, "openmetadata_url")?,
            token_endpoint: optional(&doc, "token_endpoint")?,
            authorization_endpoint: optional(&doc, "authorization_endpoint")?,
            end_session_endpoint: optional(&doc, "end_session_endpoint")?,
            recipients: recipients(&doc)?,
            version,
        };
        check_time("created_at", Some(&bundle.created_at))?;
        check_time("expires_at", bundle.expires_at.as_deref())?;
        Ok(bundle)
    }
}

/// `2025-06-01T12:00:00Z`.
pub fn timestamp(t: SystemTime) -> String {
    humantime::format_rfc3339_seconds(t).to_string()
}

fn not_a_bundle(detail: &str) -> BundleError {
    BundleError::NotABundle {
        detail: detail.to_string(),
    }
}

fn major_version(v: &str) -> Option<u64> {
    let (major, minor) = v.split_once('.')?;
    minor.parse::<u64>().ok()?;
    major.parse().ok()
}

fn required(doc: &Map<String, Value>, field: &'static str) -> Result<String, BundleError> {
    match doc.get(field) {
        None | Some(Value::Null) => Err(BundleError::MissingField { field }),
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(_) => Err(BundleError::BadField {
            field,
            expected: "a non-empty string",
        }),
    }
}

fn optional(doc: &Map<String, Value>, field: &'static str) -> Result<Option<String>, BundleError> {
    match doc.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(BundleError::BadField {
            field,
            expected: "a string or null",
        }),
    }
}

fn recipients(doc: &Map<String, Value>) -> Result<Vec<RecipientInfo>, BundleError> {
    let bad = BundleError::BadField {
        field: "recipients",
        expected: "a list of {type, name, fingerprint}",
    };
    let Some(list) = doc.get("recipients") else {
        return Err(BundleError::MissingField {
            field: "recipients",
        });
    };
    let Value::Array(list) = list else {
        return Err(bad);
    };
    list.iter()
        .map(|r| {
            let text = |k: &str| r.get(k).and_then(Value::as_str).map(str::to_string);
            Some(RecipientInfo {
                kind: text("type")?,
                name: text("name"),
                fingerprint: text("fingerprint")?,
            })
        })
        .collect::<Option<Vec<_>>>()
        .ok_or(bad)
}

fn check_time(field: &'static str, value: Option<&str>) -> Result<(), BundleError> {
    match value.map(humantime::parse_rfc3339) {
        Some(Err(_)) => Err(BundleError::BadField {
            field,
            expected: "an RFC 3339 UTC time like 2025-06-01T12:00:00Z",
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn credentials() -> Credentials {
        serde_json::from_str(
            r#"{"client_id":"open-metadata","client_secret":"s3cr3t-VALUE","realm":"r",
            "issuer":"http://kc/realms/r","discovery_uri":"http://kc/realms/r/.well-known/openid-configuration",
            "jwks_uri":"http://kc/realms/r/protocol/openid-connect/certs",
            "openmetadata_url":"http://om:8585"}"#,
        )
        .unwrap()
    }

    fn sample() -> Bundle {
        Bundle::new(
            &credentials(),
            vec![RecipientInfo {
                kind: "age".into(),
                name: Some("collate".into()),
                fingerprint: "age1xyz".into(),
            }],
            Some("for the Collate team".into()),
            Some(Duration::from_secs(86400)),
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_750_000_000),
        )
        .unwrap()
    }

    fn with(field: &str, value: Value) -> Vec<u8> {
        let mut doc: Value = serde_json::from_slice(&sample().to_bytes()).unwrap();
        if value.is_null() {
            doc.as_object_mut().unwrap().remove(field);
        } else {
            doc[field] = value;
        }
        serde_json::to_vec(&doc).unwrap()
    }

    #[test]
    fn round_trips_through_bytes_and_credentials() {
        let b = sample();
        let bytes = b.to_bytes();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.starts_with("{\n  \"format\": \"omsso-handoff\",\n  \"version\": \"1.1\","));
        assert!(text.contains("\"client_type\": \"confidential\","));
        assert!(text.ends_with("}\n"));
        assert_eq!(b.created_at, "2025-06-15T15:06:40Z");
        assert_eq!(b.expires_at.as_deref(), Some("2025-06-16T15:06:40Z"));
        let back = Bundle::from_bytes(&bytes).unwrap();
        assert_eq!(back.to_bytes(), bytes);
        let c = back.credentials();
        assert_eq!(c.client_type, ClientType::Confidential);
        assert_eq!(c.client_secret.unwrap().expose_secret(), "s3cr3t-VALUE");
        assert_eq!(c.openmetadata_url.as_deref(), Some("http://om:8585"));
        assert!(back.expired(SystemTime::now()));
    }

    #[test]
    fn newer_minor_versions_and_extra_fields_are_read() {
        let mut doc: Value = serde_json::from_slice(&with("version", "1.7".into())).unwrap();
        doc["added_in_1_7"] = "x".into();
        let b = Bundle::from_bytes(&serde_json::to_vec(&doc).unwrap()).unwrap();
        assert_eq!(b.version, "1.7");
    }

    #[test]
    fn bad_documents_get_precise_errors_without_values() {
        let err = |bytes: &[u8]| Bundle::from_bytes(bytes).unwrap_err();
        assert!(matches!(
            err(&with("version", "2.0".into())),
            BundleError::UnknownVersion { found } if found == "2.0"
        ));
        assert!(matches!(
            err(&with("version", "one".into())),
            BundleError::BadField {
                field: "version",
                ..
            }
        ));
        assert!(matches!(
            err(&with("client_secret", Value::Null)),
            BundleError::MissingField {
                field: "client_secret"
            }
        ));
        assert!(matches!(
            err(&with("recipients", Value::Null)),
            BundleError::MissingField {
                field: "recipients"
            }
        ));
        assert!(matches!(
            err(&with("created_at", "yesterday".into())),
            BundleError::BadField {
                field: "created_at",
                ..
            }
        ));
        assert!(matches!(
            err(&with("format", "other".into())),
            BundleError::NotABundle { .. }
        ));
        // A non-JSON payload that contains the secret: the message must not quote it.
        let e = err(b"client_secret=s3cr3t-VALUE");
        assert!(matches!(e, BundleError::NotABundle { .. }));
        assert!(!e.to_string().contains("s3cr3t"));
        let e = err(br#"{"format":"omsso-handoff","version":"1.0","client_secret":5}"#);
        assert!(!e.to_string().contains('5'), "{e}");
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let b = sample();
        assert!(!format!("{b:?}").contains("s3cr3t-VALUE"));
        assert!(!serde_json::to_string(&b.view(false))
            .unwrap()
            .contains("s3cr3t-VALUE"));
    }

    #[test]
    fn a_confidential_client_without_its_secret_is_refused() {
        let mut c = credentials();
        c.client_secret = None;
        assert!(matches!(
            Bundle::new(&c, vec![], None, None, SystemTime::now()),
            Err(BundleError::NoClientSecret)
        ));
    }

    #[test]
    fn a_public_bundle_says_so_and_carries_no_secret() {
        let mut c = credentials();
        c.client_type = ClientType::Public;
        c.client_secret = None;
        let b = Bundle::new(&c, vec![], None, None, SystemTime::now()).unwrap();
        let bytes = b.to_bytes();
        let doc: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(doc["client_type"], "public");
        assert!(doc.get("client_secret").is_none());
        let back = Bundle::from_bytes(&bytes).unwrap();
        assert_eq!(back.client_type, ClientType::Public);
        assert!(back.credentials().client_secret.is_none());
        // A secret in a public bundle, or an unknown type, is refused without quoting it.
        let mut bad = doc.clone();
        bad["client_secret"] = "s3cr3t-VALUE".into();
        let e = Bundle::from_bytes(&serde_json::to_vec(&bad).unwrap()).unwrap_err();
        assert!(matches!(
            e,
            BundleError::BadField {
                field: "client_secret",
                ..
            }
        ));
        assert!(!e.to_string().contains("s3cr3t"));
        bad["client_type"] = "bearer".into();
        assert!(Bundle::from_bytes(&serde_json::to_vec(&bad).unwrap()).is_err());
    }

    #[test]
    fn a_1_0_bundle_is_read_as_confidential() {
        let mut doc: Value = serde_json::from_slice(&sample().to_bytes()).unwrap();
        doc["version"] = "1.0".into();
        doc.as_object_mut().unwrap().remove("client_type");
        let b = Bundle::from_bytes(&serde_json::to_vec(&doc).unwrap()).unwrap();
        assert_eq!(b.client_type, ClientType::Confidential);
        assert!(b.client_secret.is_some());
    }
}
