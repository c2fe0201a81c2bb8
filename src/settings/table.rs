//! Every setting, declared once. Each row gives the key in omsso.yaml, the flag and the env var
//! that also set it, its value type, its help line and its default. Everything else is derived
//! from this table: the file's parser and its layers ([`super::layer`]), the clap arguments
//! (in the command-line layer), `config show`, the "pass --x or set OMSSO_X" hints and
//! docs/SETTINGS.md.
//! Each row is a `const` item named after its key (`KEYCLOAK_URL` for `keycloak.url`): code
//! names a setting by its item, so a misspelt or removed key is a compile error, never a panic.
//! docs/ARCHITECTURE.md ("Where to add") lists every edit a new setting takes.

use super::value::Kind;
use super::{
    DEFAULT_ADMIN_REALM, DEFAULT_CLIENT_ID, DEFAULT_HELM_JWT_SECRET_NAME, DEFAULT_HELM_SECRET_NAME,
    DEFAULT_JWT_SERVER_DIR, DEFAULT_OUT_DIR, DEFAULT_PROVIDER_NAME,
};

/// The default a setting takes when nobody sets it.
#[derive(Debug, Clone, Copy)]
pub enum Default {
    /// Unset means absent (the command asks for it when it needs it).
    None,
    /// This value, written as a flag would take it (`""` is the empty list).
    Is(&'static str),
    /// Worked out from other settings or from omsso's knowledge; the text says how.
    Derived(&'static str),
}

/// A secret that a `*_file` setting points to; `config show` shows the secret's row (redacted)
/// instead of the file's.
#[derive(Debug, Clone, Copy)]
pub struct Secret {
    /// The row `config show` prints, e.g. `admin.password`.
    pub shown_as: &'static str,
    /// The env var that holds the secret itself.
    pub env: &'static str,
    /// The secret in the user's words, for prompts and errors.
    pub what: &'static str,
}

#[derive(Debug, Clone, Copy)]
pub struct Setting {
    /// Dotted key in omsso.yaml: `section.name` (or `section.sub.name`).
    pub key: &'static str,
    /// Long flag without the dashes.
    pub flag: &'static str,
    pub short: Option<char>,
    pub env: &'static str,
    /// Placeholder in help (`--realm <REALM>`).
    pub value_name: &'static str,
    pub kind: Kind,
    /// One line (or a short paragraph) for `--help` and the docs.
    pub help: &'static str,
    pub default: Default,
    pub secret: Option<Secret>,
    /// A longer help text for `--help` (not `-h`), when one line is not enough.
    pub long_help: Option<fn() -> String>,
}

impl Setting {
    /// `keycloak` for `keycloak.url`, `helm` for `helm.sops.age_recipients`.
    pub fn section(&self) -> &'static str {
        self.key.split('.').next().unwrap_or(self.key)
    }

    /// The section's heading in `--help` and the docs.
    pub fn section_title(&self) -> &'static str {
        SECTIONS
            .iter()
            .find(|(s, _)| *s == self.section())
            .map_or("Settings", |(_, t)| t)
    }

    /// `--realm`, as people type it: library texts name a setting's flag through here
    /// (`OPENMETADATA_VERSION.flag_name()`), never by spelling it.
    pub fn flag_name(&self) -> String {
        format!("--{}", self.flag)
    }

    /// The help line with its key and default, as `--help` shows it.
    pub fn help_line(&self) -> String {
        match self.default {
            Default::None => format!("{} [{}]", self.help, self.key),
            Default::Is("") => format!("{} [{}, default none]", self.help, self.key),
            Default::Is(d) | Default::Derived(d) => {
                format!("{} [{}, default {d}]", self.help, self.key)
            }
        }
    }
}

/// Section headings in `--help` and the docs, in the table's order.
pub const SECTIONS: &[(&str, &str)] = &[
    ("keycloak", "Keycloak settings"),
    ("admin", "Admin login settings"),
    ("openmetadata", "OpenMetadata settings"),
    ("jwt", "OpenMetadata JWT key settings"),
    ("helm", "Helm settings"),
    ("output", "Output settings"),
    ("seal", "Sealing settings"),
];

/// The setting whose key is `key`, for keys a user wrote (omsso.yaml); code names the item.
/// How a command line spells the setting `key` (its flag), for hints that name a setting by
/// key ([`crate::hint::Ref::Setting`]); a key the table lacks (a bug, caught by the debug
/// assertion and the hint tests) is shown as it is.
pub fn flag_of_key(key: &str) -> String {
    let found = find(key);
    debug_assert!(found.is_some(), "{key} is not a setting");
    found.map_or_else(|| key.to_string(), Setting::flag_name)
}

pub fn find(key: &str) -> Option<&'static Setting> {
    SETTINGS.iter().copied().find(|s| s.key == key)
}

/// Settings are the same setting when their keys are (keys are unique: tested below).
impl PartialEq for Setting {
    fn eq(&self, other: &Setting) -> bool {
        self.key == other.key
    }
}

impl Eq for Setting {}

/// Declares each row as a `const` item and [`SETTINGS`], the table in order, from one list:
/// adding a row is one edit.
macro_rules! settings {
    ($($name:ident = $row:expr;)*) => {
        $(pub const $name: Setting = $row;)*

        /// Every setting, in the order of `--help`, docs/SETTINGS.md and `config show`.
        pub const SETTINGS: &[&Setting] = &[$(&$name),*];

        /// The items' names, to test that each is its key's.
        #[cfg(test)]
        const NAMES: &[&str] = &[$(stringify!($name)),*];
    };
}

const fn row(
    key: &'static str,
    flag: &'static str,
    env: &'static str,
    value_name: &'static str,
    kind: Kind,
    help: &'static str,
) -> Setting {
    Setting {
        key,
        flag,
        short: None,
        env,
        value_name,
        kind,
        help,
        default: Default::None,
        secret: None,
        long_help: None,
    }
}

impl Setting {
    const fn default(mut self, d: &'static str) -> Setting {
        self.default = Default::Is(d);
        self
    }
    const fn derived(mut self, how: &'static str) -> Setting {
        self.default = Default::Derived(how);
        self
    }
    const fn long_help(mut self, f: fn() -> String) -> Setting {
        self.long_help = Some(f);
        self
    }
    const fn short(mut self, c: char) -> Setting {
        self.short = Some(c);
        self
    }
    const fn secret(
        mut self,
        shown_as: &'static str,
        env: &'static str,
        what: &'static str,
    ) -> Self {
        self.secret = Some(Secret {
            shown_as,
            env,
            what,
        });
        self
    }
}

#[rustfmt::skip]
settings! {
    KEYCLOAK_URL =
        row("keycloak.url", "keycloak-url", "OMSSO_KEYCLOAK_URL", "URL", Kind::Url,
            "Keycloak base URL as browsers reach it; decides the issuer");
    KEYCLOAK_INTERNAL_URL =
        row("keycloak.internal_url", "keycloak-internal-url", "OMSSO_KEYCLOAK_INTERNAL_URL", "URL",
            Kind::Url, "Keycloak base URL as the OpenMetadata server reaches it")
            .derived("keycloak.url");
    KEYCLOAK_REALM =
        row("keycloak.realm", "realm", "OMSSO_REALM", "REALM", Kind::Name,
            "Realm that holds the OpenMetadata client (never `master`)");
    KEYCLOAK_CACERT =
        row("keycloak.cacert", "cacert", "OMSSO_CACERT", "FILE", Kind::Path,
            "PEM file with a CA certificate to trust for Keycloak");
    KEYCLOAK_TIMEOUT =
        row("keycloak.timeout", "timeout", "OMSSO_TIMEOUT", "SECONDS", Kind::Seconds,
            "HTTP timeout in seconds")
            .default("30");
    ADMIN_REALM =
        row("admin.realm", "admin-realm", "OMSSO_ADMIN_REALM", "REALM", Kind::Name,
            "Realm the admin logs in to")
            .default(DEFAULT_ADMIN_REALM);
    ADMIN_USERNAME =
        row("admin.username", "admin-username", "OMSSO_ADMIN_USERNAME", "USER", Kind::Name,
            "Admin user name (password grant via admin-cli)");
    ADMIN_PASSWORD_FILE =
        row("admin.password_file", "admin-password-file", "OMSSO_ADMIN_PASSWORD_FILE", "FILE",
            Kind::Path, "File holding the admin password, `-` for stdin (or OMSSO_ADMIN_PASSWORD)")
            .secret("admin.password", "OMSSO_ADMIN_PASSWORD", "admin password");
    ADMIN_CLIENT_ID =
        row("admin.client_id", "admin-client-id", "OMSSO_ADMIN_CLIENT_ID", "ID", Kind::Name,
            "Admin service-account client id (client-credentials grant)");
    ADMIN_CLIENT_SECRET_FILE =
        row("admin.client_secret_file", "admin-client-secret-file",
            "OMSSO_ADMIN_CLIENT_SECRET_FILE", "FILE", Kind::Path,
            "File holding the admin client secret, `-` for stdin (or OMSSO_ADMIN_CLIENT_SECRET)")
            .secret("admin.client_secret", "OMSSO_ADMIN_CLIENT_SECRET", "admin client secret");
    OPENMETADATA_URL =
        row("openmetadata.url", "om-url", "OMSSO_OM_URL", "URL", Kind::Url,
            "OpenMetadata server URL as browsers reach it");
    OPENMETADATA_CLIENT_ID =
        row("openmetadata.client_id", "client-id", "OMSSO_CLIENT_ID", "ID", Kind::Name,
            "Client id of the OpenMetadata client in Keycloak")
            .default(DEFAULT_CLIENT_ID);
    OPENMETADATA_ADMIN_PRINCIPALS =
        row("openmetadata.admin_principals", "admin-principal", "OMSSO_ADMIN_PRINCIPALS", "NAME",
            Kind::Strings, "OpenMetadata admin principal (repeatable; env: comma-separated)")
            .default("");
    OPENMETADATA_PRINCIPAL_DOMAIN =
        row("openmetadata.principal_domain", "principal-domain", "OMSSO_PRINCIPAL_DOMAIN", "DOMAIN",
            Kind::Text, "Principal domain, e.g. example.com");
    OPENMETADATA_IMPLICIT_FLOW =
        row("openmetadata.implicit_flow", "implicit-flow", "OMSSO_IMPLICIT_FLOW", "BOOL",
            Kind::Bool,
            "Enable the implicit flow on the OpenMetadata client; `false` for the auth-code-only \
             setup")
            .derived("true; false for a public client with --response-type code");
    OPENMETADATA_VERSION =
        row("openmetadata.version", "om-version", "OMSSO_OM_VERSION", "VERSION", Kind::OmVersion,
            "OpenMetadata release the configuration is for, X.Y or X.Y.Z")
            .derived("the newest line")
            .long_help(crate::openmetadata::lines::version_help);
    OPENMETADATA_CLIENT_TYPE =
        row("openmetadata.client_type", "client-type", "OMSSO_CLIENT_TYPE", "TYPE",
            Kind::ClientType, "OIDC client type")
            .default("confidential");
    OPENMETADATA_RESPONSE_TYPE =
        row("openmetadata.response_type", "response-type", "OMSSO_RESPONSE_TYPE", "TYPE",
            Kind::ResponseType,
            "What OpenMetadata's UI asks Keycloak for with a public client: id_token (implicit \
             flow) or code (auth code with PKCE); confidential clients ignore it")
            .default("id_token");
    OPENMETADATA_PROVIDER_NAME =
        row("openmetadata.provider_name", "provider-name", "OMSSO_PROVIDER_NAME", "NAME",
            Kind::Name, "Name on OpenMetadata's login button")
            .default(DEFAULT_PROVIDER_NAME);
    OPENMETADATA_INTERNAL_URL =
        row("openmetadata.internal_url", "om-internal-url", "OMSSO_OM_INTERNAL_URL", "URL",
            Kind::Url,
            "OpenMetadata as the server reaches itself, for its own JWKS in publicKeyUrls")
            .derived("http://localhost:8585");
    OPENMETADATA_SESSION_EXPIRY =
        row("openmetadata.session_expiry", "session-expiry", "OMSSO_SESSION_EXPIRY", "SECONDS",
            Kind::Seconds,
            "Session lifetime in seconds: sessionExpiry (2.0: all providers, at least 3600; \
             1.8 – 1.13: oidcConfiguration, confidential clients)");
    OPENMETADATA_MAX_ACTIVE_SESSIONS_PER_USER =
        row("openmetadata.max_active_sessions_per_user", "max-active-sessions-per-user",
            "OMSSO_MAX_ACTIVE_SESSIONS_PER_USER", "N", Kind::Count,
            "Active sessions a user may hold (2.0+)");
    OPENMETADATA_ADDITIONAL_TRUSTED_REDIRECT_URIS =
        row("openmetadata.additional_trusted_redirect_uris", "trusted-redirect-uri",
            "OMSSO_TRUSTED_REDIRECT_URIS", "URI", Kind::Strings,
            "Extra redirect URI OpenMetadata trusts for logins (2.0+; repeatable; env: \
             comma-separated)")
            .default("");
    OPENMETADATA_TEAM_CLAIM =
        row("openmetadata.team_claim", "team-claim", "OMSSO_TEAM_CLAIM", "CLAIM", Kind::Name,
            "Token claim naming the user's OpenMetadata teams (jwtTeamClaimMapping, 1.11+); \
             keycloak ensure maps the user's Keycloak group names into it");
    OPENMETADATA_ROLES_FROM =
        row("openmetadata.roles_from", "roles-from", "OMSSO_ROLES_FROM", "SOURCE", Kind::RoleSource,
            "Take OpenMetadata roles from the user's Keycloak realm or client roles \
             (useRolesFromProvider); keycloak ensure maps them into the `roles` claim");
    JWT_ENABLED =
        row("jwt.enabled", "jwt-keys", "OMSSO_JWT_KEYS", "BOOL", Kind::Bool,
            "Give OpenMetadata a JWT signing key pair of its own (made once in <output.dir>/jwt, \
             then kept) and point every rendered file at it; false leaves jwtTokenConfiguration \
             out")
            .default("true");
    JWT_KEY_SIZE =
        row("jwt.key_size", "jwt-key-size", "OMSSO_JWT_KEY_SIZE", "BITS", Kind::KeySize,
            "RSA key size of a new key pair (an existing pair keeps its own)")
            .default("2048");
    JWT_KEY_ID =
        row("jwt.key_id", "jwt-key-id", "OMSSO_JWT_KEY_ID", "KID", Kind::Name,
            "Key id (kid) OpenMetadata signs with; set it only to keep the id of a pair made \
             elsewhere")
            .derived("the public key's RFC 7638 thumbprint");
    JWT_ISSUER =
        row("jwt.issuer", "jwt-issuer", "OMSSO_JWT_ISSUER", "ISSUER", Kind::Name,
            "Issuer (iss) of the tokens OpenMetadata signs")
            .derived("openmetadata.url's host");
    JWT_SERVER_DIR =
        row("jwt.server_dir", "jwt-server-dir", "OMSSO_JWT_SERVER_DIR", "DIR", Kind::Text,
            "Absolute folder where the OpenMetadata server reads the key pair (the compose \
             override and the Helm values mount it there)")
            .default(DEFAULT_JWT_SERVER_DIR);
    HELM_SECRET_NAME =
        row("helm.secret_name", "helm-secret-name", "OMSSO_HELM_SECRET_NAME", "NAME",
            Kind::SecretName, "Kubernetes Secret holding the client id and secret")
            .default(DEFAULT_HELM_SECRET_NAME);
    HELM_NAMESPACE =
        row("helm.namespace", "helm-namespace", "OMSSO_HELM_NAMESPACE", "NAMESPACE",
            Kind::Namespace, "Namespace of that Secret")
            .derived("kubectl's current");
    HELM_JWT_SECRET_NAME =
        row("helm.jwt_secret_name", "helm-jwt-secret-name", "OMSSO_HELM_JWT_SECRET_NAME", "NAME",
            Kind::SecretName, "Kubernetes Secret holding OpenMetadata's JWT key pair")
            .default(DEFAULT_HELM_JWT_SECRET_NAME);
    HELM_CHART_VERSION =
        row("helm.chart_version", "chart-version", "OMSSO_HELM_CHART_VERSION", "X.Y.Z",
            Kind::ChartVersion, "Version of the openmetadata Helm chart the values are for")
            .derived("the OpenMetadata release's chart");
    HELM_SOPS_AGE_RECIPIENTS =
        row("helm.sops.age_recipients", "sops-age", "OMSSO_HELM_SOPS_AGE_RECIPIENTS", "RECIPIENT",
            Kind::Strings,
            "Encrypt the Kubernetes Secret with SOPS for this age recipient: age1… or \
             \"ssh-ed25519 …\" (repeatable; env: comma-separated); without it, a .sops.yaml \
             creation rule above the output folder can name them");
    OUTPUT_DIR =
        row("output.dir", "out", "OMSSO_OUT", "DIR", Kind::Path,
            "Output folder for generated files")
            .default(DEFAULT_OUT_DIR);
    SEAL_RECIPIENTS =
        row("seal.recipients", "recipient", "OMSSO_SEAL_RECIPIENTS", "RECIPIENT", Kind::Strings,
            "Seal to this recipient: age1…, \"ssh-ed25519 …\" or \"ssh-rsa …\" \
             (repeatable; env: comma-separated)")
            .short('r');
    SEAL_RECIPIENTS_FILES =
        row("seal.recipients_files", "recipients-file", "OMSSO_SEAL_RECIPIENTS_FILES", "FILE",
            Kind::Paths,
            "Seal to the recipients in FILE: one a line, `#` comments (age recipients file or \
             authorized_keys) (repeatable; env: comma-separated)")
            .short('R');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_flags_and_env_vars_are_unique_and_sections_known() {
        let mut seen = std::collections::BTreeSet::new();
        for s in SETTINGS {
            assert!(seen.insert(s.key), "{}", s.key);
            assert!(seen.insert(s.flag), "{}", s.flag);
            assert!(seen.insert(s.env), "{}", s.env);
            assert!(SECTIONS.iter().any(|(k, _)| *k == s.section()), "{}", s.key);
            assert!(s.env.starts_with("OMSSO_"), "{}", s.env);
        }
    }

    #[test]
    fn each_item_is_named_after_its_key() {
        assert_eq!(NAMES.len(), SETTINGS.len());
        for (name, s) in NAMES.iter().zip(SETTINGS) {
            assert_eq!(*name, s.key.to_uppercase().replace('.', "_"));
        }
    }

    #[test]
    fn defaults_parse_as_their_kind() {
        for s in SETTINGS {
            if let Default::Is(d) = s.default {
                s.kind
                    .parse_default(d)
                    .unwrap_or_else(|e| panic!("{}: {e}", s.key));
            }
        }
    }
}
