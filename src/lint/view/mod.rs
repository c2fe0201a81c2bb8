//! One format-neutral view of an OpenMetadata auth configuration, built from an
//! openmetadata.yaml, a docker env file or Helm values, so each semantic check is written once.
//! Every value keeps the name the user wrote (`authority`, `AUTHENTICATION_AUTHORITY`, …) and
//! its line.
//!
//! Values of the form `${VAR:-default}` (OpenMetadata's yaml, compose interpolation) are read
//! as their default, the value the server gets when `VAR` is unset, and remember `VAR` so the
//! lint can say so; `${VAR}` with no default is left to the environment and not judged.

mod env;
mod substitution;
mod yaml;

use std::collections::HashMap;

use super::yaml_tree;
use super::Kind;

pub use env::{env_value, from_env};
pub use yaml::{field_at, from_yaml, locate};

/// A value as OpenMetadata will see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Val {
    Str(String),
    Null,
    /// `${VAR}` without a default: decided by the environment at start-up.
    FromEnv,
    /// Helm `{secretRef, secretKey}`: the value lives in a Kubernetes Secret.
    SecretRef,
    /// A mapping or list where a single value belongs.
    Complex,
    /// An env-file line too broken to read; reported as a syntax error already.
    Unreadable,
}

#[derive(Debug, Clone)]
pub struct Field {
    /// The name as written in the file: a dotted YAML path or an env var name.
    pub key: String,
    pub line: Option<usize>,
    pub val: Val,
    /// Set when the value is the default of `${VAR:-default}`.
    pub env_var: Option<String>,
    /// Secret values are never shown in findings.
    pub secret: bool,
}

impl Field {
    pub fn text(&self) -> Option<&str> {
        match &self.val {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Empty or null: the key might as well be missing.
    pub fn is_blank(&self) -> bool {
        match &self.val {
            Val::Str(s) => s.trim().is_empty(),
            Val::Null => true,
            _ => false,
        }
    }

    /// The value for a message: quoted, or `<redacted>` for a secret.
    pub fn shown(&self) -> String {
        match (&self.val, self.secret) {
            (_, true) => "<redacted>".to_string(),
            (Val::Str(s), false) => format!("`{s}`"),
            (Val::Null, false) => "empty".to_string(),
            (Val::FromEnv, false) => "set from the environment".to_string(),
            (Val::SecretRef, false) => "a Secret reference".to_string(),
            (Val::Complex, false) => "a mapping or list".to_string(),
            (Val::Unreadable, false) => "unreadable".to_string(),
        }
    }
}

/// A list value (`publicKeyUrls`, `AUTHENTICATION_PUBLIC_KEYS`, `publicKeys`).
#[derive(Debug, Clone)]
pub struct ListField {
    pub field: Field,
    /// `None` when the whole list comes from the environment without a default.
    pub items: Option<Vec<Field>>,
    /// False when a single value was given where OpenMetadata expects a list.
    pub is_list: bool,
}

/// The settings the lint reasons about, named once for every format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    Provider,
    ProviderName,
    ClientType,
    Authority,
    ClientId,
    CallbackUrl,
    Oidc,
    OidcEnabled,
    OidcType,
    OidcId,
    OidcSecret,
    OidcDiscovery,
    OidcCallback,
    OidcServer,
    OidcTenant,
    CustomParams,
}

/// How each format names a [`Key`]: the openmetadata.yaml path under
/// authenticationConfiguration, the env var, the Helm path under
/// openmetadata.config.authentication. `None`: the format has no such setting.
struct Names {
    key: Key,
    yaml: Option<&'static str>,
    env: Option<&'static str>,
    helm: Option<&'static str>,
}

const fn names(
    key: Key,
    yaml: Option<&'static str>,
    env: Option<&'static str>,
    helm: Option<&'static str>,
) -> Names {
    Names {
        key,
        yaml,
        env,
        helm,
    }
}

const NAMES: &[Names] = &[
    names(
        Key::Provider,
        Some("provider"),
        Some("AUTHENTICATION_PROVIDER"),
        Some("provider"),
    ),
    names(
        Key::ProviderName,
        Some("providerName"),
        Some("CUSTOM_OIDC_AUTHENTICATION_PROVIDER_NAME"),
        None,
    ),
    names(
        Key::ClientType,
        Some("clientType"),
        Some("AUTHENTICATION_CLIENT_TYPE"),
        Some("clientType"),
    ),
    names(
        Key::Authority,
        Some("authority"),
        Some("AUTHENTICATION_AUTHORITY"),
        Some("authority"),
    ),
    names(
        Key::ClientId,
        Some("clientId"),
        Some("AUTHENTICATION_CLIENT_ID"),
        Some("clientId"),
    ),
    names(
        Key::CallbackUrl,
        Some("callbackUrl"),
        Some("AUTHENTICATION_CALLBACK_URL"),
        Some("callbackUrl"),
    ),
    names(
        Key::Oidc,
        Some("oidcConfiguration"),
        None,
        Some("oidcConfiguration"),
    ),
    names(
        Key::OidcEnabled,
        None,
        None,
        Some("oidcConfiguration.enabled"),
    ),
    names(
        Key::OidcType,
        Some("oidcConfiguration.type"),
        Some("OIDC_TYPE"),
        Some("oidcConfiguration.oidcType"),
    ),
    names(
        Key::OidcId,
        Some("oidcConfiguration.id"),
        Some("OIDC_CLIENT_ID"),
        Some("oidcConfiguration.clientId"),
    ),
    names(
        Key::OidcSecret,
        Some("oidcConfiguration.secret"),
        Some("OIDC_CLIENT_SECRET"),
        Some("oidcConfiguration.clientSecret"),
    ),
    names(
        Key::OidcDiscovery,
        Some("oidcConfiguration.discoveryUri"),
        Some("OIDC_DISCOVERY_URI"),
        Some("oidcConfiguration.discoveryUri"),
    ),
    names(
        Key::OidcCallback,
        Some("oidcConfiguration.callbackUrl"),
        Some("OIDC_CALLBACK"),
        Some("oidcConfiguration.callbackUrl"),
    ),
    names(
        Key::OidcServer,
        Some("oidcConfiguration.serverUrl"),
        Some("OIDC_SERVER_URL"),
        Some("oidcConfiguration.serverUrl"),
    ),
    names(
        Key::OidcTenant,
        Some("oidcConfiguration.tenant"),
        Some("OIDC_TENANT"),
        Some("oidcConfiguration.tenant"),
    ),
    names(
        Key::CustomParams,
        Some("oidcConfiguration.customParams"),
        Some("OIDC_CUSTOM_PARAMS"),
        Some("oidcConfiguration.customParams"),
    ),
];

const YAML_PUBLIC_KEYS: &str = "publicKeyUrls";
const ENV_PUBLIC_KEYS: &str = "AUTHENTICATION_PUBLIC_KEYS";
const HELM_PUBLIC_KEYS: &str = "publicKeys";

/// Who OpenMetadata's users and admins are: the lists and values its server matches a login
/// against (upstream `SecurityUtil.findUserNameFromClaims`, `DefaultAuthorizer`). Each is
/// `None` when the file does not write it (the format's default applies).
#[derive(Debug, Default)]
pub struct Principals {
    /// `adminPrincipals` (Helm: `initialAdmins`).
    pub admins: Option<ListField>,
    pub domain: Option<Field>,
    /// `jwtPrincipalClaims`.
    pub claims: Option<ListField>,
    /// `jwtPrincipalClaimsMapping` (when not empty it decides instead of the claims).
    pub mapping: Option<ListField>,
    /// Line of the authorizer block, when the file has one.
    pub authorizer_line: Option<usize>,
}

/// A [`Principals`] setting, as each format names it: (openmetadata.yaml, env, Helm),
/// relative to the authorizer or the authentication block.
pub type FormatNames = (&'static str, &'static str, &'static str);

pub const ADMINS_NAMES: FormatNames = (
    "adminPrincipals",
    "AUTHORIZER_ADMIN_PRINCIPALS",
    "initialAdmins",
);
pub const DOMAIN_NAMES: FormatNames = (
    "principalDomain",
    "AUTHORIZER_PRINCIPAL_DOMAIN",
    "principalDomain",
);
pub const CLAIMS_NAMES: FormatNames = (
    "jwtPrincipalClaims",
    "AUTHENTICATION_JWT_PRINCIPAL_CLAIMS",
    "jwtPrincipalClaims",
);
pub const MAPPING_NAMES: FormatNames = (
    "jwtPrincipalClaimsMapping",
    "AUTHENTICATION_JWT_PRINCIPAL_CLAIMS_MAPPING",
    "jwtPrincipalClaimsMapping",
);

#[derive(Debug)]
pub struct AuthView {
    pub kind: Kind,
    /// Dotted path of the auth block (`authenticationConfiguration`,
    /// `openmetadata.config.authentication`); empty for an env file.
    pub prefix: String,
    /// Line of the auth block's key, for findings about a key that is missing.
    pub block_line: Option<usize>,
    fields: HashMap<Key, Field>,
    pub public_keys: Option<ListField>,
    /// Every single value in the auth sections, for the checks that apply to any value.
    pub values: Vec<Field>,
    pub principals: Principals,
    /// Dotted path of the authorizer block (`authorizerConfiguration`,
    /// `openmetadata.config.authorizer`); empty for an env file.
    pub authz_prefix: String,
}

impl AuthView {
    pub fn get(&self, key: Key) -> Option<&Field> {
        self.fields.get(&key)
    }

    pub fn text(&self, key: Key) -> Option<&str> {
        self.get(key).and_then(Field::text)
    }

    /// The name of `key` as this file's format spells it.
    pub fn name(&self, key: Key) -> String {
        let n = NAMES
            .iter()
            .find(|n| n.key == key)
            .expect("every key named");
        let rel = match self.kind {
            Kind::Env => return n.env.unwrap_or("OIDC_*").to_string(),
            Kind::Yaml => n.yaml,
            Kind::Helm => n.helm,
        };
        yaml_tree::join(&self.prefix, rel.unwrap_or("?"))
    }

    /// The name of a [`Principals`] setting in this format (`names`: one of `ADMINS_NAMES`…),
    /// under the authorizer block when `authorizer`, else under the auth block.
    pub fn principal_name(&self, names: (&str, &str, &str), authorizer: bool) -> String {
        let prefix = if authorizer {
            &self.authz_prefix
        } else {
            &self.prefix
        };
        match self.kind {
            Kind::Env => names.1.to_string(),
            Kind::Yaml => yaml_tree::join(prefix, names.0),
            Kind::Helm => yaml_tree::join(prefix, names.2),
        }
    }

    pub fn public_keys_name(&self) -> String {
        match self.kind {
            Kind::Env => ENV_PUBLIC_KEYS.to_string(),
            Kind::Yaml => yaml_tree::join(&self.prefix, YAML_PUBLIC_KEYS),
            Kind::Helm => yaml_tree::join(&self.prefix, HELM_PUBLIC_KEYS),
        }
    }

    /// The line to point at for `key`: its own, else its block's (an env file has none).
    pub fn line_of(&self, key: Key) -> Option<usize> {
        let own = self.get(key).and_then(|f| f.line);
        if self.kind == Kind::Env {
            return own;
        }
        own.or(match key {
            Key::OidcEnabled
            | Key::OidcType
            | Key::OidcId
            | Key::OidcSecret
            | Key::OidcDiscovery
            | Key::OidcCallback
            | Key::OidcServer
            | Key::OidcTenant
            | Key::CustomParams => self.get(Key::Oidc).and_then(|f| f.line).or(self.block_line),
            _ => self.block_line,
        })
    }
}

/// Leaf names whose values are secrets in any of the three formats.
pub fn is_secret_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "secret",
        "password",
        "pwd",
        "privatekey",
        "private_key",
        "token",
    ]
    .iter()
    .any(|s| n.contains(s))
        && !n.contains("tokenvalidity")
        && !n.contains("token_validity")
}
