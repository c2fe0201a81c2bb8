//! omsso.yaml + OMSSO_* env vars + flags → [`Settings`]. Precedence: flag > env > file > default.
//! A file may hold named environments (`environments: {dev: …, prod: …}`) that overlay its
//! base sections; `--environment NAME` picks one.

mod docs;
mod file;
mod layer;
mod openmetadata;
pub mod realm;
mod resolved;
mod secret;
pub mod table;
mod url;
mod value;

use std::path::PathBuf;

use crate::exit::{Diagnose, Exit};
use crate::hint::{Hint, Opt, Ref};

pub use self::openmetadata::{ClientType, Namespace, ResponseType, RoleSource, SecretName};
pub use self::url::HttpUrl;
pub use crate::openmetadata::{ChartVersion, OmVersion};
pub use docs::markdown;
pub use file::SettingsFile;
pub use layer::{Given, Layer, Source, Sources};
pub use realm::{Realm, RealmError};
pub use resolved::{SealRecipients, Settings};
pub use secret::{AdminLogin, SecretSource};
pub use table::{Setting, SECTIONS, SETTINGS};

use table::{ADMIN_CLIENT_ID, ADMIN_PASSWORD_FILE, ADMIN_USERNAME, OPENMETADATA_RESPONSE_TYPE};
pub use value::{Kind, Value};

pub const DEFAULT_CONFIG: &str = "omsso.yaml";
/// How a missing admin login is named among missing settings.
pub const ADMIN_LOGIN: &str = "admin login (admin.username or admin.client_id)";

/// Something a command cannot run without (see [`Settings::check_required`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Required {
    /// A setting of the table.
    Key(&'static Setting),
    /// An admin login: a user or a service-account client.
    AdminLogin,
    /// An admin login, or what the command can use instead (`render --credentials FILE`),
    /// which the error's hint then names.
    AdminLoginOr(&'static str),
}
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
/// The Secret holding OpenMetadata's JWT key pair (the files `private_key.der` and
/// `public_key.der`), mounted into every pod that runs the server's code.
pub const DEFAULT_HELM_JWT_SECRET_NAME: &str = "openmetadata-jwt-keys";
/// Where the server reads its JWT key pair: outside the image's own `conf/` (which holds the
/// quickstart pair), so a mount there hides nothing of the image.
pub const DEFAULT_JWT_SERVER_DIR: &str = "/etc/openmetadata/jwt";
/// The folder of the output folder that holds the JWT key pair (each environment's output
/// folder gets its own pair).
pub const JWT_KEY_SUBDIR: &str = "jwt";

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
    #[error("environment `{0}` was chosen but there is no settings file")]
    EnvWithoutFile(String),
    #[error("{} is not set", .setting.key)]
    Missing { setting: &'static Setting },
    /// Several settings a command needs, reported together.
    #[error("{} settings are not set: {}", .missing.len(), names(.missing))]
    MissingSeveral {
        /// Settings and the admin login (never [`Required::AdminLoginOr`]), in the order asked.
        missing: Vec<Required>,
        /// What the command can use instead of an admin login, when it can.
        instead: Option<&'static str>,
    },
    #[error(transparent)]
    Realm(#[from] RealmError),
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
    NoAdminLogin {
        /// What the command can use instead, when it can.
        instead: Option<&'static str>,
    },
    /// `file_option`: the option that takes a file holding it, when the caller named one
    /// ([`SecretSource::file_option`]); the command layer's hint spells it as a flag.
    #[error("the {what} is not given")]
    NoSecret {
        what: &'static str,
        env: &'static str,
        file_option: Option<Ref>,
    },
    #[error("the two entries of the {what} differ")]
    Mismatch { what: &'static str },
    #[error("cannot prompt for the {what}: {source}")]
    Prompt {
        what: &'static str,
        source: std::io::Error,
        env: &'static str,
        file_option: Option<Ref>,
    },
    /// A public client told to log in with the implicit flow while that flow is switched off.
    #[error(
        "a public client with openmetadata.response_type `id_token` logs in with the implicit \
         flow, but openmetadata.implicit_flow is false ({from})"
    )]
    ImplicitFlowOff { from: Source },
}

/// The two admin logins, in the words of a hint (flags from the settings table).
pub fn admin_login_choices() -> String {
    format!(
        "{} with OMSSO_ADMIN_PASSWORD, or {} with OMSSO_ADMIN_CLIENT_SECRET",
        ADMIN_USERNAME.flag_name(),
        ADMIN_CLIENT_ID.flag_name()
    )
}

/// The names of missing settings, as an error lists them.
fn names(missing: &[Required]) -> String {
    let name = |r: &Required| match r {
        Required::Key(s) => s.key,
        Required::AdminLogin | Required::AdminLoginOr(_) => ADMIN_LOGIN,
    };
    missing.iter().map(name).collect::<Vec<_>>().join(", ")
}

impl Diagnose for SettingsError {
    fn exit(&self) -> Exit {
        Exit::Usage
    }

    fn hint(&self) -> Option<Hint> {
        Some(Hint::from(match self {
            SettingsError::Read { .. } => {
                return Some(Hint::new(
                    "check the path given by {} / OMSSO_CONFIG",
                    [Opt::Config.into()],
                ))
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
                return Some(
                    Hint::from(format!("create {DEFAULT_CONFIG} or pass "))
                        .then(Opt::Config)
                        .text(" FILE (")
                        .then(Opt::Env)
                        .text(" / OMSSO_ENV picks one of its environments)"),
                )
            }
            SettingsError::Missing { setting: s } => {
                format!(
                    "pass {}, set {}, or add `{}` to {DEFAULT_CONFIG}",
                    s.flag_name(),
                    s.env,
                    s.key
                )
            }
            SettingsError::MissingSeveral { missing, instead } => {
                missing_several_hint(missing, *instead)
            }
            SettingsError::Realm(e) => return Some(e.hint()),
            SettingsError::Empty { key } => format!("give `{key}` a value"),
            SettingsError::SecretFile { .. } => {
                "the file must exist and be readable by you".to_string()
            }
            SettingsError::EmptySecret { .. } => {
                "the file or variable holding it has no content".to_string()
            }
            SettingsError::NoEnvironments => {
                return Some(Hint::new(
                    "add an `environments:` section to the settings file, or run without {}",
                    [Opt::AllEnvs.into()],
                ))
            }
            SettingsError::NoAdminLogin { instead } => {
                format!(
                    "set {} with OMSSO_ADMIN_PASSWORD or {}, or {} with OMSSO_ADMIN_CLIENT_SECRET",
                    ADMIN_USERNAME.flag_name(),
                    ADMIN_PASSWORD_FILE.flag_name(),
                    ADMIN_CLIENT_ID.flag_name()
                ) + &instead_of_login(*instead)
            }
            SettingsError::NoSecret {
                env, file_option, ..
            } => return Some(secret_hint(env, *file_option, false)),
            SettingsError::Mismatch { .. } => "type the same value twice".to_string(),
            SettingsError::Prompt {
                env, file_option, ..
            } => return Some(secret_hint(env, *file_option, true)),
            SettingsError::ImplicitFlowOff { .. } => format!(
                "leave openmetadata.implicit_flow unset (or true), or log in with the auth code \
                 flow and PKCE instead ({} code)",
                OPENMETADATA_RESPONSE_TYPE.flag_name()
            ),
        }))
    }
}

/// Where an absent secret can come from: its env var, the option that takes a file holding it
/// when the caller named one (the settings table's row, or the command's own option), and the
/// terminal unless asking there failed.
fn secret_hint(env: &str, file_option: Option<Ref>, prompt_failed: bool) -> Hint {
    match (file_option, prompt_failed) {
        (Some(o), false) => Hint::from(format!("set {env}, pass "))
            .then(o)
            .text(" FILE (`-` reads stdin), or run on a terminal"),
        (Some(o), true) => Hint::from(format!("set {env} or pass "))
            .then(o)
            .text(" FILE instead"),
        (None, false) => format!("set {env}, name a file holding it, or run on a terminal").into(),
        (None, true) => format!("set {env} instead, or name a file holding it").into(),
    }
}

/// `; or …` naming what a command can use instead of an admin login.
fn instead_of_login(instead: Option<&str>) -> String {
    instead.map(|i| format!("; or {i}")).unwrap_or_default()
}

/// The flags and variables of several missing settings, with the admin login's choices.
fn missing_several_hint(missing: &[Required], instead: Option<&str>) -> String {
    let (mut flags, mut envs) = (Vec::new(), Vec::new());
    for r in missing {
        let s = match r {
            Required::Key(s) => s,
            Required::AdminLogin | Required::AdminLoginOr(_) => &ADMIN_USERNAME,
        };
        flags.push(s.flag_name());
        envs.push(s.env);
    }
    format!(
        "pass {} (or set {}), or add the keys to {DEFAULT_CONFIG}{}",
        flags.join(", "),
        envs.join(", "),
        if missing.contains(&Required::AdminLogin) {
            format!(" (an admin login: {})", admin_login_choices())
        } else {
            String::new()
        }
    ) + &instead_of_login(instead)
}
