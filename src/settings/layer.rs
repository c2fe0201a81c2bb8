//! One layer of settings (the file's base, one of its environments, env vars, flags). Every
//! field is optional; layers stack with [`Layer::overlay`], the higher one winning per field.
//! The field list lives here once; `KEYS` ties each field to its flag and env var.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

use super::openmetadata::{ClientType, Namespace, ResponseType, SecretName};
use super::HttpUrl;
use crate::openmetadata::{ChartVersion, OmVersion};

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeycloakLayer {
    pub url: Option<HttpUrl>,
    pub internal_url: Option<HttpUrl>,
    pub realm: Option<String>,
    pub cacert: Option<PathBuf>,
    pub timeout: Option<u64>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminLayer {
    pub realm: Option<String>,
    pub username: Option<String>,
    pub password_file: Option<PathBuf>,
    pub client_id: Option<String>,
    pub client_secret_file: Option<PathBuf>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenMetadataLayer {
    pub url: Option<HttpUrl>,
    pub client_id: Option<String>,
    pub admin_principals: Option<Vec<String>>,
    pub principal_domain: Option<String>,
    pub implicit_flow: Option<bool>,
    pub version: Option<OmVersion>,
    pub client_type: Option<ClientType>,
    pub response_type: Option<ResponseType>,
    pub provider_name: Option<String>,
    pub internal_url: Option<HttpUrl>,
    pub session_expiry: Option<u64>,
    pub max_active_sessions_per_user: Option<u32>,
    pub additional_trusted_redirect_uris: Option<Vec<String>>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HelmLayer {
    pub secret_name: Option<SecretName>,
    pub namespace: Option<Namespace>,
    pub chart_version: Option<ChartVersion>,
    #[serde(default)]
    pub sops: HelmSopsLayer,
}

/// `helm.sops`: encrypt the Kubernetes Secret with SOPS for these age recipients.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HelmSopsLayer {
    pub age_recipients: Option<Vec<String>>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputLayer {
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealLayer {
    pub recipients: Option<Vec<String>>,
    pub recipients_files: Option<Vec<PathBuf>>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layer {
    #[serde(default)]
    pub keycloak: KeycloakLayer,
    #[serde(default)]
    pub admin: AdminLayer,
    #[serde(default)]
    pub openmetadata: OpenMetadataLayer,
    #[serde(default)]
    pub helm: HelmLayer,
    #[serde(default)]
    pub output: OutputLayer,
    #[serde(default)]
    pub seal: SealLayer,
}

/// Where a value came from, for `config show` and for error messages.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum Source {
    Default,
    File(String),
    Env(String),
    Flag(String),
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Default => f.write_str("default"),
            Source::File(s) => write!(f, "file {s}"),
            Source::Env(s) => write!(f, "env {s}"),
            Source::Flag(s) => write!(f, "flag {s}"),
        }
    }
}

pub type Sources = BTreeMap<&'static str, Source>;

/// Settings key ↔ clap argument id. The flag and env var names are read from clap itself.
pub const KEYS: &[(&str, &str)] = &[
    ("keycloak.url", "keycloak_url"),
    ("keycloak.internal_url", "keycloak_internal_url"),
    ("keycloak.realm", "realm"),
    ("keycloak.cacert", "cacert"),
    ("keycloak.timeout", "timeout"),
    ("admin.realm", "admin_realm"),
    ("admin.username", "admin_username"),
    ("admin.password_file", "admin_password_file"),
    ("admin.client_id", "admin_client_id"),
    ("admin.client_secret_file", "admin_client_secret_file"),
    ("openmetadata.url", "om_url"),
    ("openmetadata.client_id", "client_id"),
    ("openmetadata.admin_principals", "admin_principals"),
    ("openmetadata.principal_domain", "principal_domain"),
    ("openmetadata.implicit_flow", "implicit_flow"),
    ("openmetadata.version", "om_version"),
    ("openmetadata.client_type", "client_type"),
    ("openmetadata.response_type", "response_type"),
    ("openmetadata.provider_name", "provider_name"),
    ("openmetadata.internal_url", "om_internal_url"),
    ("openmetadata.session_expiry", "session_expiry"),
    (
        "openmetadata.max_active_sessions_per_user",
        "max_active_sessions_per_user",
    ),
    (
        "openmetadata.additional_trusted_redirect_uris",
        "trusted_redirect_uris",
    ),
    ("helm.secret_name", "helm_secret_name"),
    ("helm.namespace", "helm_namespace"),
    ("helm.chart_version", "helm_chart_version"),
    ("helm.sops.age_recipients", "sops_age_recipients"),
    ("output.dir", "out_dir"),
    ("seal.recipients", "seal_recipients"),
    ("seal.recipients_files", "seal_recipients_files"),
];

/// Copies each field `top` sets over `base` and records where it came from. `source` maps a
/// settings key to the source of that key's value in `top`.
macro_rules! overlay_section {
    ($base:expr, $top:expr, $sources:expr, $source:expr, $section:literal: $($field:ident),+) => {
        $(
            if let Some(v) = $top.$field {
                $base.$field = Some(v);
                let key = concat!($section, ".", stringify!($field));
                $sources.insert(key, $source(key));
            }
        )+
    };
}

impl Layer {
    pub fn overlay(&mut self, top: Layer, sources: &mut Sources, source: impl Fn(&str) -> Source) {
        overlay_section!(self.keycloak, top.keycloak, sources, source, "keycloak":
            url, internal_url, realm, cacert, timeout);
        overlay_section!(self.admin, top.admin, sources, source, "admin":
            realm, username, password_file, client_id, client_secret_file);
        overlay_section!(self.openmetadata, top.openmetadata, sources, source, "openmetadata":
            url, client_id, admin_principals, principal_domain, implicit_flow, version,
            client_type, response_type, provider_name, internal_url, session_expiry,
            max_active_sessions_per_user, additional_trusted_redirect_uris);
        overlay_section!(self.helm, top.helm, sources, source, "helm":
            secret_name, namespace, chart_version);
        overlay_section!(self.helm.sops, top.helm.sops, sources, source, "helm.sops":
            age_recipients);
        overlay_section!(self.output, top.output, sources, source, "output": dir);
        overlay_section!(self.seal, top.seal, sources, source, "seal":
            recipients, recipients_files);
    }

    pub fn from_args(a: crate::cli::SettingsArgs) -> Layer {
        Layer {
            keycloak: KeycloakLayer {
                url: a.keycloak_url,
                internal_url: a.keycloak_internal_url,
                realm: a.realm,
                cacert: a.cacert,
                timeout: a.timeout,
            },
            admin: AdminLayer {
                realm: a.admin_realm,
                username: a.admin_username,
                password_file: a.admin_password_file,
                client_id: a.admin_client_id,
                client_secret_file: a.admin_client_secret_file,
            },
            openmetadata: OpenMetadataLayer {
                url: a.om_url,
                client_id: a.client_id,
                admin_principals: (!a.admin_principals.is_empty()).then_some(a.admin_principals),
                principal_domain: a.principal_domain,
                implicit_flow: a.implicit_flow,
                version: a.om_version,
                client_type: a.client_type,
                response_type: a.response_type,
                provider_name: a.provider_name,
                internal_url: a.om_internal_url,
                session_expiry: a.session_expiry,
                max_active_sessions_per_user: a.max_active_sessions_per_user,
                additional_trusted_redirect_uris: (!a.trusted_redirect_uris.is_empty())
                    .then_some(a.trusted_redirect_uris),
            },
            helm: HelmLayer {
                secret_name: a.helm_secret_name,
                namespace: a.helm_namespace,
                chart_version: a.helm_chart_version,
                sops: HelmSopsLayer {
                    age_recipients: (!a.sops_age_recipients.is_empty())
                        .then_some(a.sops_age_recipients),
                },
            },
            output: OutputLayer { dir: a.out_dir },
            seal: SealLayer {
                recipients: (!a.seal_recipients.is_empty()).then_some(a.seal_recipients),
                recipients_files: (!a.seal_recipients_files.is_empty())
                    .then_some(a.seal_recipients_files),
            },
        }
    }

    /// Makes relative paths from a settings file relative to that file's folder, which is what
    /// a user reading the file expects (not the folder omsso happens to be run from).
    pub fn rebase_paths(&mut self, dir: &std::path::Path) {
        for p in [
            &mut self.keycloak.cacert,
            &mut self.admin.password_file,
            &mut self.admin.client_secret_file,
            &mut self.output.dir,
        ]
        .into_iter()
        .flatten()
        {
            if p.is_relative() && p.as_os_str() != "-" {
                *p = dir.join(&*p);
            }
        }
        for p in self.seal.recipients_files.iter_mut().flatten() {
            if p.is_relative() {
                *p = dir.join(&*p);
            }
        }
    }
}
