//! omsso.yaml + OMSSO_* env vars + flags → [`Settings`]. Precedence: flag > env > file > default.
//! A file may hold named environments (`environments: {dev: …, prod: …}`) that overlay its
//! base sections; `--env NAME` picks one.

mod layer;
mod openmetadata;
mod secret;
mod url;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory};
use serde::Deserialize;

use crate::exit::{Diagnose, Exit};

pub use self::openmetadata::{ClientType, Namespace, ResponseType, SecretName};
pub use self::url::HttpUrl;
pub use crate::openmetadata::{ChartVersion, OmVersion};
pub use layer::{Layer, Source, Sources, KEYS};
pub use secret::{AdminLogin, SecretSource};

pub const DEFAULT_CONFIG: &str = "omsso.yaml";
pub const DEFAULT_CLIENT_ID: &str = "open-metadata";
pub const DEFAULT_ADMIN_REALM: &str = "master";
pub const DEFAULT_OUT_DIR: &str = "out";
pub const DEFAULT_TIMEOUT_SECS: u64 = 30;
pub const DEFAULT_IMPLICIT_FLOW: bool = true;
/// `CUSTOM_OIDC_AUTHENTICATION_PROVIDER_NAME` in OpenMetadata's Keycloak docs: the name on
/// the login button.
pub const DEFAULT_PROVIDER_NAME: &str = "KeyCloak";
/// The Secret name OpenMetadata's Helm chart refers to by default.
pub const DEFAULT_HELM_SECRET_NAME: &str = "oidc-secrets";

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot read settings file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// `message` comes from the YAML parser and names the key, line and column.
    #[error("{path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("environment `{name}` is not defined in {path}")]
    UnknownEnv {
        name: String,
        path: PathBuf,
        available: Vec<String>,
    },
    #[error("--env {0} was given but there is no settings file")]
    EnvWithoutFile(String),
    #[error("{key} is not set")]
    Missing {
        key: &'static str,
        flag: String,
        env: String,
    },
    #[error("{key} must not be empty")]
    Empty { key: &'static str },
    #[error("cannot read the {what} from {path}: {source}")]
    SecretFile {
        what: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the {what} is empty")]
    EmptySecret { what: &'static str },
    #[error("the settings file defines no environments")]
    NoEnvironments,
    #[error("no admin credentials for Keycloak")]
    NoAdminLogin,
    #[error("the {what} is not given")]
    NoSecret {
        what: &'static str,
        env: &'static str,
    },
    #[error("the two entries of the {what} differ")]
    Mismatch { what: &'static str },
    #[error("cannot prompt for the {what}: {source}")]
    Prompt {
        what: &'static str,
        source: std::io::Error,
    },
    /// A public client told to log in with the implicit flow while that flow is switched off.
    #[error(
        "a public client with openmetadata.response_type `id_token` logs in with the implicit \
         flow, but openmetadata.implicit_flow is false ({from})"
    )]
    ImplicitFlowOff { from: Source },
}

impl Diagnose for SettingsError {
    fn exit(&self) -> Exit {
        Exit::Usage
    }

    fn hint(&self) -> Option<String> {
        Some(match self {
            SettingsError::Read { .. } => {
                "check the path given by --config / OMSSO_CONFIG".to_string()
            }
            SettingsError::Parse { .. } => {
                "fix that line; examples/omsso.yaml lists every key with a comment".to_string()
            }
            SettingsError::UnknownEnv { available, .. } if available.is_empty() => {
                "the file has no `environments:` section".to_string()
            }
            SettingsError::UnknownEnv { available, .. } => {
                format!("defined environments: {}", available.join(", "))
            }
            SettingsError::EnvWithoutFile(_) => {
                format!("create {DEFAULT_CONFIG} or pass --config FILE")
            }
            SettingsError::Missing { key, flag, env } => {
                format!("pass {flag}, set {env}, or add `{key}` to {DEFAULT_CONFIG}")
            }
            SettingsError::Empty { key } => format!("give `{key}` a value"),
            SettingsError::SecretFile { .. } => {
                "the file must exist and be readable by you".to_string()
            }
            SettingsError::EmptySecret { .. } => {
                "the file or variable holding it has no content".to_string()
            }
            SettingsError::NoEnvironments => {
                "add an `environments:` section to the settings file, or run without --all-envs"
                    .to_string()
            }
            SettingsError::NoAdminLogin => "set --admin-username with OMSSO_ADMIN_PASSWORD or \
                 --admin-password-file, or --admin-client-id with OMSSO_ADMIN_CLIENT_SECRET"
                .to_string(),
            SettingsError::NoSecret { env, .. } => {
                format!(
                    "set {env}, pass its --...-file option (`-` reads stdin), or run on a terminal"
                )
            }
            SettingsError::Mismatch { .. } => "type the same value twice".to_string(),
            SettingsError::Prompt { .. } => {
                "provide it through its environment variable or --...-file instead".to_string()
            }
            SettingsError::ImplicitFlowOff { .. } => "leave openmetadata.implicit_flow unset \
                 (or true), or log in with the auth code flow and PKCE instead \
                 (--response-type code)"
                .to_string(),
        })
    }
}

/// The whole settings file: the base sections plus named environments. Public for the fuzzer
/// (`fuzz/`), which feeds [`SettingsFile::parse`] arbitrary text.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsFile {
    #[serde(default)]
    keycloak: layer::KeycloakLayer,
    #[serde(default)]
    admin: layer::AdminLayer,
    #[serde(default)]
    openmetadata: layer::OpenMetadataLayer,
    #[serde(default)]
    helm: layer::HelmLayer,
    #[serde(default)]
    output: layer::OutputLayer,
    #[serde(default)]
    seal: layer::SealLayer,
    #[serde(default)]
    environments: BTreeMap<String, Layer>,
}

impl SettingsFile {
    fn load(path: &Path) -> Result<SettingsFile, SettingsError> {
        let text =
            crate::input::read_to_string(path, crate::input::Accept::File).map_err(|source| {
                SettingsError::Read {
                    path: path.to_path_buf(),
                    source,
                }
            })?;
        SettingsFile::parse(path, &text)
    }

    /// Parses the text of the settings file `path` (named in errors).
    pub fn parse(path: &Path, text: &str) -> Result<SettingsFile, SettingsError> {
        // An empty (or comments-only) file is a valid file with nothing in it.
        let value: serde_yaml::Value =
            serde_yaml::from_str(text).map_err(|e| parse_error(path, text, e))?;
        if value.is_null() {
            return Ok(SettingsFile::default());
        }
        serde_yaml::from_str(text).map_err(|e| parse_error(path, text, e))
    }

    /// The names under `environments:`.
    pub fn environment_names(&self) -> Vec<String> {
        self.environments.keys().cloned().collect()
    }

    /// Overlays the file's base sections onto `values`, then environment `env_name` when
    /// given; relative paths become relative to the file's folder.
    pub fn apply(
        self,
        path: &Path,
        env_name: Option<&str>,
        values: &mut Layer,
        sources: &mut Sources,
    ) -> Result<(), SettingsError> {
        let dir = path.parent().unwrap_or(Path::new("."));
        let shown = path.display().to_string();
        let mut base = Layer {
            keycloak: self.keycloak,
            admin: self.admin,
            openmetadata: self.openmetadata,
            helm: self.helm,
            output: self.output,
            seal: self.seal,
        };
        base.rebase_paths(dir);
        values.overlay(base, sources, |_| Source::File(shown.clone()));
        if let Some(name) = env_name {
            let mut envs = self.environments;
            let available: Vec<String> = envs.keys().cloned().collect();
            let mut env = envs.remove(name).ok_or_else(|| SettingsError::UnknownEnv {
                name: name.to_string(),
                path: path.to_path_buf(),
                available,
            })?;
            env.rebase_paths(dir);
            let shown = format!("{shown} (environments.{name})");
            values.overlay(env, sources, |_| Source::File(shown.clone()));
        }
        Ok(())
    }
}

fn parse_error(path: &Path, text: &str, e: serde_yaml::Error) -> SettingsError {
    let mut message = e.to_string();
    // The parser gives no position for an unknown key at the top level; find its line.
    if !message.contains(" at line ") {
        if let Some(line) = unknown_field(&message).and_then(|k| key_line(text, k)) {
            message.push_str(&format!(" at line {line}"));
        }
    }
    SettingsError::Parse {
        path: path.to_path_buf(),
        message,
    }
}

fn unknown_field(message: &str) -> Option<&str> {
    let rest = message.split("unknown field `").nth(1)?;
    rest.split('`').next()
}

/// 1-based line of the first top-level `key:` in `text`.
fn key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map(|i| i + 1)
}

/// Whom `seal` encrypts to by default (see [`Settings::seal_recipients`]).
#[derive(Debug, Clone)]
pub struct SealRecipients {
    pub recipients: Vec<String>,
    pub files: Vec<PathBuf>,
    /// Where `recipients` came from, to name it in error messages.
    pub recipients_source: Source,
    /// True when the recipients were given as flags or env vars (not only the settings file).
    pub command_line: bool,
}

/// The resolved settings. Values that only some commands need are checked when asked for
/// (`keycloak_url()?`), so `config show` and offline commands work with a partial file.
#[derive(Debug, Clone)]
pub struct Settings {
    pub config_file: Option<PathBuf>,
    pub env_name: Option<String>,
    values: Layer,
    sources: Sources,
    admin_password: SecretSource,
    admin_client_secret: SecretSource,
}

impl Settings {
    /// Builds the settings from the parsed command line. `matches` tells which values came
    /// from a flag and which from an env var.
    pub fn resolve(
        config: Option<&Path>,
        env_name: Option<&str>,
        args: crate::cli::SettingsArgs,
        matches: &ArgMatches,
    ) -> Result<Settings, SettingsError> {
        let mut values = Layer::default();
        let mut sources = Sources::new();

        let config_file = match config {
            Some(p) => Some(p.to_path_buf()),
            None => Some(PathBuf::from(DEFAULT_CONFIG)).filter(|p| p.exists()),
        };
        if let Some(path) = &config_file {
            SettingsFile::load(path)?.apply(path, env_name, &mut values, &mut sources)?;
        } else if let Some(name) = env_name {
            return Err(SettingsError::EnvWithoutFile(name.to_string()));
        }

        values.overlay(Layer::from_args(args), &mut sources, |key| {
            arg_source(key, matches)
        });

        let admin_password = SecretSource::pick(
            "admin password",
            "OMSSO_ADMIN_PASSWORD",
            values.admin.password_file.clone(),
            sources.get("admin.password_file"),
        );
        let admin_client_secret = SecretSource::pick(
            "admin client secret",
            "OMSSO_ADMIN_CLIENT_SECRET",
            values.admin.client_secret_file.clone(),
            sources.get("admin.client_secret_file"),
        );

        let settings = Settings {
            config_file,
            env_name: env_name.map(str::to_string),
            values,
            sources,
            admin_password,
            admin_client_secret,
        };
        settings.check_not_empty()?;
        Ok(settings)
    }

    /// The names under `environments:` in the settings file, sorted.
    pub fn environments(&self) -> Result<Vec<String>, SettingsError> {
        match &self.config_file {
            Some(path) => Ok(SettingsFile::load(path)?.environments.into_keys().collect()),
            None => Ok(Vec::new()),
        }
    }

    fn check_not_empty(&self) -> Result<(), SettingsError> {
        let v = &self.values;
        let strings = [
            ("keycloak.realm", &v.keycloak.realm),
            ("admin.realm", &v.admin.realm),
            ("admin.username", &v.admin.username),
            ("admin.client_id", &v.admin.client_id),
            ("openmetadata.client_id", &v.openmetadata.client_id),
            ("openmetadata.provider_name", &v.openmetadata.provider_name),
        ];
        for (key, value) in strings {
            if value.as_deref().is_some_and(|s| s.trim().is_empty()) {
                return Err(SettingsError::Empty { key });
            }
        }
        Ok(())
    }

    fn missing(&self, key: &'static str) -> SettingsError {
        let (flag, env) = arg_names(key);
        SettingsError::Missing { key, flag, env }
    }

    pub fn keycloak_url(&self) -> Result<&HttpUrl, SettingsError> {
        self.values
            .keycloak
            .url
            .as_ref()
            .ok_or_else(|| self.missing("keycloak.url"))
    }

    /// The Keycloak address the OpenMetadata server uses; the public one when not set.
    pub fn keycloak_internal_url(&self) -> Option<&HttpUrl> {
        self.values.keycloak.internal_url.as_ref()
    }

    pub fn realm(&self) -> Result<&str, SettingsError> {
        self.values
            .keycloak
            .realm
            .as_deref()
            .ok_or_else(|| self.missing("keycloak.realm"))
    }

    /// The realm and where it was set, when it was set at all (`verify` takes the realm from
    /// its file and refuses a different one given here).
    pub fn realm_given(&self) -> Option<(&str, Source)> {
        let realm = self.values.keycloak.realm.as_deref()?;
        Some((realm, self.source_of("keycloak.realm")))
    }

    /// `keycloak.url` and where it was set, when set.
    pub fn keycloak_url_given(&self) -> Option<(&HttpUrl, Source)> {
        let url = self.values.keycloak.url.as_ref()?;
        Some((url, self.source_of("keycloak.url")))
    }

    /// Whether an admin login is configured at all (a user or a service-account client);
    /// without one, `verify` runs the checks that need none.
    pub fn admin_login_configured(&self) -> bool {
        self.values.admin.username.is_some() || self.values.admin.client_id.is_some()
    }

    /// The release line as configured (flag, env or file), `None` when left to the default.
    pub fn om_version_given(&self) -> Option<(OmVersion, Source)> {
        let v = self.values.openmetadata.version?;
        Some((v, self.source_of("openmetadata.version")))
    }

    fn source_of(&self, key: &str) -> Source {
        self.sources.get(key).cloned().unwrap_or(Source::Default)
    }

    pub fn cacert(&self) -> Option<&Path> {
        self.values.keycloak.cacert.as_deref()
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.values.keycloak.timeout.unwrap_or(DEFAULT_TIMEOUT_SECS))
    }

    pub fn admin_realm(&self) -> &str {
        self.values
            .admin
            .realm
            .as_deref()
            .unwrap_or(DEFAULT_ADMIN_REALM)
    }

    /// How to log in to the admin API. Reads the secret now (file, env, stdin or prompt), so
    /// call it once, only in commands that talk to the admin API.
    pub fn admin_login(&self) -> Result<AdminLogin, SettingsError> {
        let realm = self.admin_realm().to_string();
        if let Some(client_id) = &self.values.admin.client_id {
            let secret = self.admin_client_secret.read()?;
            return Ok(AdminLogin::ClientCredentials {
                realm,
                client_id: client_id.clone(),
                secret,
            });
        }
        let Some(username) = &self.values.admin.username else {
            return Err(SettingsError::NoAdminLogin);
        };
        let password = self.admin_password.read()?;
        Ok(AdminLogin::Password {
            realm,
            username: username.clone(),
            password,
        })
    }

    pub fn om_url(&self) -> Result<&HttpUrl, SettingsError> {
        self.values
            .openmetadata
            .url
            .as_ref()
            .ok_or_else(|| self.missing("openmetadata.url"))
    }

    pub fn client_id(&self) -> &str {
        self.values
            .openmetadata
            .client_id
            .as_deref()
            .unwrap_or(DEFAULT_CLIENT_ID)
    }

    pub fn admin_principals(&self) -> &[String] {
        self.values
            .openmetadata
            .admin_principals
            .as_deref()
            .unwrap_or(&[])
    }

    pub fn principal_domain(&self) -> Option<&str> {
        self.values.openmetadata.principal_domain.as_deref()
    }

    /// Whether the OpenMetadata client allows the implicit flow. OpenMetadata's docs set it
    /// on, and a public client logging in with `id_token` needs it; a public client that uses
    /// the code flow has it off unless it is set explicitly.
    pub fn implicit_flow(&self) -> bool {
        let public_code =
            self.client_type() == ClientType::Public && self.response_type() == ResponseType::Code;
        self.values
            .openmetadata
            .implicit_flow
            .unwrap_or(DEFAULT_IMPLICIT_FLOW && !public_code)
    }

    /// What OpenMetadata's UI asks Keycloak for when the client is public (default
    /// `id_token`, the implicit flow). Confidential clients do not use it.
    pub fn response_type(&self) -> ResponseType {
        self.values.openmetadata.response_type.unwrap_or_default()
    }

    /// Refuses flow settings with which a browser cannot log in: a public client answering
    /// with `id_token` while the implicit flow is switched off.
    pub fn check_login_flow(&self) -> Result<(), SettingsError> {
        let implicit_off = self.values.openmetadata.implicit_flow == Some(false);
        if self.client_type() == ClientType::Public
            && self.response_type() == ResponseType::IdToken
            && implicit_off
        {
            let from = self
                .sources
                .get("openmetadata.implicit_flow")
                .cloned()
                .unwrap_or(Source::Default);
            return Err(SettingsError::ImplicitFlowOff { from });
        }
        Ok(())
    }

    /// The OpenMetadata release line the rendered configuration is for (default: the newest).
    pub fn om_version(&self) -> OmVersion {
        self.values.openmetadata.version.unwrap_or_default()
    }

    pub fn client_type(&self) -> ClientType {
        self.values.openmetadata.client_type.unwrap_or_default()
    }

    pub fn provider_name(&self) -> &str {
        self.values
            .openmetadata
            .provider_name
            .as_deref()
            .unwrap_or(DEFAULT_PROVIDER_NAME)
    }

    /// OpenMetadata as the server reaches itself (for its own JWKS URL).
    pub fn om_internal_url(&self) -> Option<&HttpUrl> {
        self.values.openmetadata.internal_url.as_ref()
    }

    pub fn session_expiry(&self) -> Option<u64> {
        self.values.openmetadata.session_expiry
    }

    pub fn max_active_sessions_per_user(&self) -> Option<u32> {
        self.values.openmetadata.max_active_sessions_per_user
    }

    pub fn additional_trusted_redirect_uris(&self) -> &[String] {
        self.values
            .openmetadata
            .additional_trusted_redirect_uris
            .as_deref()
            .unwrap_or(&[])
    }

    /// The chart version named in the settings; render resolves the default from the
    /// OpenMetadata release.
    pub fn helm_chart_version(&self) -> Option<ChartVersion> {
        self.values.helm.chart_version
    }

    pub fn helm_secret_name(&self) -> &str {
        self.values
            .helm
            .secret_name
            .as_ref()
            .map_or(DEFAULT_HELM_SECRET_NAME, SecretName::as_str)
    }

    /// Namespace for the rendered Secret; none means kubectl's current namespace.
    pub fn helm_namespace(&self) -> Option<&str> {
        self.values.helm.namespace.as_ref().map(Namespace::as_str)
    }

    /// The age recipients to encrypt the Kubernetes Secret for with SOPS (none: not set here;
    /// a `.sops.yaml` may still name some), and where they came from.
    pub fn sops_age_recipients(&self) -> (&[String], Source) {
        let key = "helm.sops.age_recipients";
        (
            self.values
                .helm
                .sops
                .age_recipients
                .as_deref()
                .unwrap_or(&[]),
            self.sources.get(key).cloned().unwrap_or(Source::Default),
        )
    }

    /// The error for a setting a command needs but nobody set, naming its flag and env var.
    pub fn missing_error(&self, key: &'static str) -> SettingsError {
        self.missing(key)
    }

    pub fn out_dir(&self) -> &Path {
        self.values
            .output
            .dir
            .as_deref()
            .unwrap_or(Path::new(DEFAULT_OUT_DIR))
    }

    /// The recipients to seal to by default. Recipients given on the command line (flag or
    /// env var) replace both lists from the settings file, not just the one they name:
    /// sealing to someone the user did not ask for is worse than missing a default.
    pub fn seal_recipients(&self) -> SealRecipients {
        let v = &self.values.seal;
        let source = |key| self.sources.get(key).cloned().unwrap_or(Source::Default);
        let (recipients_source, files_source) =
            (source("seal.recipients"), source("seal.recipients_files"));
        let given = |s: &Source| matches!(s, Source::Flag(_) | Source::Env(_));
        let command_line = given(&recipients_source) || given(&files_source);
        let keep = |s: &Source| !command_line || given(s);
        SealRecipients {
            recipients: v
                .recipients
                .clone()
                .filter(|_| keep(&recipients_source))
                .unwrap_or_default(),
            files: v
                .recipients_files
                .clone()
                .filter(|_| keep(&files_source))
                .unwrap_or_default(),
            recipients_source,
            command_line,
        }
    }

    /// Every setting with its value (secrets redacted, never read) and its source, in a stable
    /// order, for `config show`.
    pub fn describe(&self) -> Vec<(&'static str, serde_json::Value, Source)> {
        use serde_json::json;
        let v = &self.values;
        let path = |p: &Option<PathBuf>| json!(p.as_ref().map(|p| p.display().to_string()));
        let rows: Vec<(&'static str, serde_json::Value, Option<&str>)> = vec![
            (
                "keycloak.url",
                json!(v.keycloak.url.as_ref().map(HttpUrl::as_str)),
                None,
            ),
            (
                "keycloak.internal_url",
                json!(v.keycloak.internal_url.as_ref().map(HttpUrl::as_str)),
                None,
            ),
            ("keycloak.realm", json!(v.keycloak.realm), None),
            ("keycloak.cacert", path(&v.keycloak.cacert), None),
            (
                "keycloak.timeout",
                json!(self.timeout().as_secs()),
                Some("30"),
            ),
            (
                "admin.realm",
                json!(self.admin_realm()),
                Some(DEFAULT_ADMIN_REALM),
            ),
            ("admin.username", json!(v.admin.username), None),
            (
                "admin.password",
                json!(self.admin_password.describe()),
                None,
            ),
            ("admin.client_id", json!(v.admin.client_id), None),
            (
                "admin.client_secret",
                json!(self.admin_client_secret.describe()),
                None,
            ),
            (
                "openmetadata.url",
                json!(v.openmetadata.url.as_ref().map(HttpUrl::as_str)),
                None,
            ),
            (
                "openmetadata.client_id",
                json!(self.client_id()),
                Some(DEFAULT_CLIENT_ID),
            ),
            (
                "openmetadata.admin_principals",
                json!(self.admin_principals()),
                Some("[]"),
            ),
            (
                "openmetadata.principal_domain",
                json!(v.openmetadata.principal_domain),
                None,
            ),
            (
                "openmetadata.implicit_flow",
                json!(self.implicit_flow()),
                Some("true"),
            ),
            (
                "openmetadata.version",
                json!(self.om_version().to_string()),
                Some("newest"),
            ),
            (
                "openmetadata.client_type",
                json!(self.client_type().as_str()),
                Some("confidential"),
            ),
            (
                "openmetadata.response_type",
                json!(self.response_type().as_str()),
                Some("id_token"),
            ),
            (
                "openmetadata.provider_name",
                json!(self.provider_name()),
                Some(DEFAULT_PROVIDER_NAME),
            ),
            (
                "openmetadata.internal_url",
                json!(v.openmetadata.internal_url.as_ref().map(HttpUrl::as_str)),
                None,
            ),
            (
                "openmetadata.session_expiry",
                json!(v.openmetadata.session_expiry),
                None,
            ),
            (
                "openmetadata.max_active_sessions_per_user",
                json!(v.openmetadata.max_active_sessions_per_user),
                None,
            ),
            (
                "openmetadata.additional_trusted_redirect_uris",
                json!(self.additional_trusted_redirect_uris()),
                Some("[]"),
            ),
            (
                "helm.secret_name",
                json!(self.helm_secret_name()),
                Some(DEFAULT_HELM_SECRET_NAME),
            ),
            ("helm.namespace", json!(self.helm_namespace()), None),
            (
                "helm.chart_version",
                json!(self.helm_chart_version().map(|v| v.to_string())),
                None,
            ),
            (
                "helm.sops.age_recipients",
                json!(v.helm.sops.age_recipients),
                None,
            ),
            (
                "output.dir",
                json!(self.out_dir().display().to_string()),
                Some(DEFAULT_OUT_DIR),
            ),
            ("seal.recipients", json!(v.seal.recipients), None),
            (
                "seal.recipients_files",
                json!(v.seal.recipients_files.as_ref().map(|files| files
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>())),
                None,
            ),
        ];
        rows.into_iter()
            .map(|(key, value, default)| {
                let source = match key {
                    "admin.password" => self.admin_password.source(),
                    "admin.client_secret" => self.admin_client_secret.source(),
                    _ => self.sources.get(key).cloned().unwrap_or(Source::Default),
                };
                let value = match (&source, default) {
                    (Source::Default, None) => serde_json::Value::Null,
                    _ => value,
                };
                (key, value, source)
            })
            .collect()
    }
}

/// The flag and env var that set `key`, read from the clap definition so they cannot drift.
pub fn arg_names(key: &str) -> (String, String) {
    let id = KEYS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, id)| *id)
        .unwrap_or(key);
    let cmd = crate::cli::Cli::command();
    let arg = cmd.get_arguments().find(|a| a.get_id() == id);
    let flag = arg
        .and_then(|a| a.get_long())
        .map(|l| format!("--{l}"))
        .unwrap_or_default();
    let env = arg
        .and_then(|a| a.get_env())
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_default();
    (flag, env)
}

fn arg_source(key: &str, matches: &ArgMatches) -> Source {
    let id = KEYS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, id)| *id)
        .unwrap_or(key);
    let (flag, env) = arg_names(key);
    // Global args are recorded in the matches of the subcommand they were written after.
    let mut m = matches;
    let mut source = m.value_source(id);
    while let Some((_, sub)) = m.subcommand() {
        m = sub;
        if let Some(s) = m.value_source(id) {
            source = Some(s);
        }
    }
    match source {
        Some(ValueSource::EnvVariable) => Source::Env(env),
        _ => Source::Flag(flag),
    }
}
