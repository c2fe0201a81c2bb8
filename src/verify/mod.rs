//! `omsso verify` live: the configuration OpenMetadata will run with, checked against the
//! running Keycloak its `authority` names (discovery, issuer, JWKS, the client, the secret),
//! with OpenMetadata's own SSO validation mirrored ([`om_rules`]), what a public client needs
//! ([`public_client`]), OpenMetadata's back door ([`back_door`]: its own signing key and the
//! default admin) and a real test login ([`login`]); [`report`] counts the results.
//! The offline file checks (`verify --file`) are [`crate::lint`].

pub mod back_door;
#[cfg(test)]
mod checks_doc;
mod client;
pub mod deployed;
mod discovery;
pub mod live;
pub mod login;
mod om_rules;
mod public_client;
mod redirects;
pub mod registry;
pub mod report;
pub mod server;

use std::path::PathBuf;

use crate::exit::{Diagnose, Exit};
use crate::hint::{Hint, Opt, Ref};

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
    /// A Kubernetes Secret in plain text, such as omsso's own helm/oidc-secrets.yaml.
    #[error(
        "{} is a Kubernetes Secret in plain text (like omsso's helm/oidc-secrets.yaml), which \
         the file checks do not cover",
        path.display()
    )]
    PlainSecret { path: PathBuf },
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

    fn hint(&self) -> Option<Hint> {
        Some(match self {
            VerifyError::NotOpenMetadataConfig { .. } => Hint::new(
                "render it with `omsso render`, or name the file with {} PATH",
                [Opt::OmConfig.into()],
            ),
            VerifyError::RealmConflict { file_realm, .. } => format!(
                "the file's authority decides the realm: drop the realm setting for verify, or \
                 check the file rendered for that realm (this one is for `{file_realm}`)"
            )
            .into(),
            VerifyError::Read { .. } | VerifyError::NotText { .. } => {
                "give the path of an openmetadata.yaml, a docker env file, Helm values or a \
                 SOPS-encrypted Secret"
                    .into()
            }
            VerifyError::UnknownKind { .. } => Hint::new(
                "say which it is with {} yaml|env|helm|sops",
                [Opt::Kind.into()],
            ),
            VerifyError::PlainSecret { .. } => Hint::new(
                "check the Helm values that name it (helm/values.yaml); a Secret is checked once \
                 SOPS-encrypted (omsso render writes it so with {})",
                [Ref::Setting("helm.sops.age_recipients")],
            ),
        })
    }
}
