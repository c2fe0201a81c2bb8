//! `omsso verify`: checks that an OpenMetadata auth configuration will work.
//!
//! - [`lint`]: the static lint of an existing file (openmetadata.yaml, docker env file or Helm
//!   values), no Keycloak needed: text in, findings out, nothing else touched.
//! - [`live`]: the configuration OpenMetadata will run with, checked against the running
//!   Keycloak its `authority` names (discovery, issuer, JWKS, the client, the secret), with
//!   OpenMetadata's own SSO validation mirrored ([`om_rules`]), what a public client needs
//!   ([`public_client`]) and a real test login ([`login`]); [`report`] counts the results.
//!
//! The lint reads each format with a parser that keeps line numbers ([`yaml_tree`],
//! [`env_file`]), turns it into one format-neutral [`view::AuthView`], and runs the semantic
//! checks ([`checks`]) once for all formats; format-only checks live with their format
//! ([`lint`] for YAML slips and env syntax, [`known_keys`] for schema keys and Helm types).

mod checks;
pub mod deployed;
pub(crate) mod env_file;
mod finding;
mod known_keys;
pub mod lint;
pub mod live;
pub mod login;
mod om_rules;
mod public_client;
pub mod report;
pub mod server;
pub mod sops_secret;
mod view;
mod yaml_tree;

use std::path::PathBuf;

pub use finding::{Finding, Severity};

use crate::exit::{Diagnose, Exit};

/// The three shapes of OpenMetadata auth configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// openmetadata.yaml (the server config, or just its auth blocks)
    Yaml,
    /// docker env file (`KEY=value` lines, as `docker compose --env-file` reads them)
    Env,
    /// Helm values for the openmetadata chart
    Helm,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Yaml => "openmetadata.yaml",
            Kind::Env => "env file",
            Kind::Helm => "Helm values",
        }
    }

    /// Tells the format from the text alone, without parsing it (the file may be invalid).
    pub fn detect(text: &str) -> Option<Kind> {
        let mut helm_block = false;
        let (mut assignments, mut other) = (0usize, 0usize);
        for line in text.lines() {
            if line.starts_with("authenticationConfiguration:")
                || line.starts_with("authorizerConfiguration:")
            {
                return Some(Kind::Yaml);
            }
            if line.starts_with("openmetadata:") {
                return Some(Kind::Helm);
            }
            let body = line.trim();
            if body.is_empty() || body.starts_with('#') {
                continue;
            }
            if body.starts_with("authentication:") || body.starts_with("authorizer:") {
                helm_block = true;
            }
            if is_assignment(body) {
                assignments += 1;
            } else {
                other += 1;
            }
        }
        if helm_block {
            Some(Kind::Helm)
        } else if assignments > 0 && assignments >= other {
            Some(Kind::Env)
        } else {
            None
        }
    }
}

/// What `verify --file` lints: one of the three auth configuration formats, or a SOPS file
/// (the encrypted Kubernetes Secret a GitOps repository commits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    /// openmetadata.yaml (the server config, or just its auth blocks)
    Yaml,
    /// docker env file (`KEY=value` lines, as `docker compose --env-file` reads them)
    Env,
    /// Helm values for the openmetadata chart
    Helm,
    /// a SOPS-encrypted file, such as the Kubernetes Secret `render --sops-age` writes
    Sops,
}

impl FileKind {
    /// The auth configuration format, for the three that are one.
    pub fn auth(self) -> Option<Kind> {
        match self {
            FileKind::Yaml => Some(Kind::Yaml),
            FileKind::Env => Some(Kind::Env),
            FileKind::Helm => Some(Kind::Helm),
            FileKind::Sops => None,
        }
    }

    pub fn label(self) -> &'static str {
        self.auth().map_or("SOPS file", Kind::label)
    }

    /// A file with a top-level `sops:` block is a SOPS file; others are told apart by
    /// [`Kind::detect`].
    pub fn detect(text: &str) -> Option<FileKind> {
        if text.lines().any(|l| l.starts_with("sops:")) {
            return Some(FileKind::Sops);
        }
        Kind::detect(text).map(|k| match k {
            Kind::Yaml => FileKind::Yaml,
            Kind::Env => FileKind::Env,
            Kind::Helm => FileKind::Helm,
        })
    }
}

fn is_assignment(line: &str) -> bool {
    let body = line.strip_prefix("export ").unwrap_or(line);
    let key_len = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.')))
        .unwrap_or(body.len());
    key_len > 0 && body[key_len..].trim_start().starts_with('=')
}

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("cannot check {} against Keycloak: {reason}", path.display())]
    NotOpenMetadataConfig { path: PathBuf, reason: String },
    #[error(
        "{} is for realm `{file_realm}`, but keycloak.realm is `{realm}` ({origin})",
        path.display()
    )]
    RealmConflict {
        path: PathBuf,
        file_realm: String,
        realm: String,
        origin: crate::settings::Source,
    },
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is not a text file (not UTF-8)", path.display())]
    NotText { path: PathBuf },
    #[error(
        "cannot tell whether {} is an openmetadata.yaml, an env file, Helm values or a SOPS file",
        path.display()
    )]
    UnknownKind { path: PathBuf },
}

impl Diagnose for VerifyError {
    fn exit(&self) -> Exit {
        match self {
            VerifyError::Read { source, .. } if source.kind() != std::io::ErrorKind::NotFound => {
                Exit::Runtime
            }
            _ => Exit::Usage,
        }
    }

    fn hint(&self) -> Option<String> {
        Some(match self {
            VerifyError::NotOpenMetadataConfig { .. } => {
                "render it with `omsso render`, or name the file with --om-config PATH".to_string()
            }
            VerifyError::RealmConflict { file_realm, .. } => format!(
                "the file's authority decides the realm: drop the realm setting for verify, or \
                 check the file rendered for that realm (this one is for `{file_realm}`)"
            ),
            VerifyError::Read { .. } | VerifyError::NotText { .. } => {
                "give the path of an openmetadata.yaml, a docker env file, Helm values or a \
                 SOPS-encrypted Secret"
                    .to_string()
            }
            VerifyError::UnknownKind { .. } => {
                "say which it is with --kind yaml|env|helm|sops".to_string()
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_the_format() {
        assert_eq!(
            Kind::detect("# c\nauthenticationConfiguration:\n  provider: x\n"),
            Some(Kind::Yaml)
        );
        assert_eq!(Kind::detect("openmetadata:\n  config:\n"), Some(Kind::Helm));
        assert_eq!(
            Kind::detect("authentication:\n  clientType: public\n"),
            Some(Kind::Helm)
        );
        assert_eq!(
            Kind::detect("# x\nAUTHENTICATION_PROVIDER=custom-oidc\nOIDC_TYPE: bad\n"),
            Some(Kind::Env)
        );
        assert_eq!(Kind::detect("foo:\n  bar: 1\n"), None);
        assert_eq!(
            FileKind::detect("kind: Secret\nstringData:\n  a: ENC[x]\nsops:\n  mac: x\n"),
            Some(FileKind::Sops)
        );
        assert_eq!(
            FileKind::detect("openmetadata:\n  config:\n"),
            Some(FileKind::Helm)
        );
        assert_eq!(Kind::detect(""), None);
    }
}
