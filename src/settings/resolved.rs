//! The resolved settings: omsso.yaml (and one of its environments) under the command line's
//! flags and env vars, with typed accessors. Values that only some commands need are checked
//! when asked for (`keycloak_url()?`), so `config show` and offline commands work with a
//! partial file; the command line checks a command's required settings all at once first.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::layer::{Given, Layer, Source, Sources};
use super::realm::{Realm, RealmError};
use super::secret::{AdminLogin, SecretSource};
use super::table::{
    Default, Setting, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET_FILE, ADMIN_PASSWORD_FILE, ADMIN_REALM,
    ADMIN_USERNAME, HELM_CHART_VERSION, HELM_JWT_SECRET_NAME, HELM_NAMESPACE, HELM_SECRET_NAME,
    HELM_SOPS_AGE_RECIPIENTS, JWT_ENABLED, JWT_ISSUER, JWT_KEY_ID, JWT_KEY_SIZE, JWT_SERVER_DIR,
    KEYCLOAK_CACERT, KEYCLOAK_INTERNAL_URL, KEYCLOAK_REALM, KEYCLOAK_TIMEOUT, KEYCLOAK_URL,
    OPENMETADATA_ADDITIONAL_TRUSTED_REDIRECT_URIS, OPENMETADATA_ADMIN_PRINCIPALS,
    OPENMETADATA_CLIENT_ID, OPENMETADATA_CLIENT_TYPE, OPENMETADATA_IMPLICIT_FLOW,
    OPENMETADATA_INTERNAL_URL, OPENMETADATA_MAX_ACTIVE_SESSIONS_PER_USER,
    OPENMETADATA_PRINCIPAL_DOMAIN, OPENMETADATA_PROVIDER_NAME, OPENMETADATA_RESPONSE_TYPE,
    OPENMETADATA_ROLES_FROM, OPENMETADATA_SESSION_EXPIRY, OPENMETADATA_TEAM_CLAIM,
    OPENMETADATA_URL, OPENMETADATA_VERSION, OUTPUT_DIR, SEAL_RECIPIENTS, SEAL_RECIPIENTS_FILES,
    SETTINGS,
};
use super::value::{Kind, Value};
use super::{
    ChartVersion, ClientType, HttpUrl, OmVersion, ResponseType, RoleSource, SettingsError,
    SettingsFile, DEFAULT_ADMIN_REALM, DEFAULT_CLIENT_ID, DEFAULT_CONFIG,
    DEFAULT_HELM_JWT_SECRET_NAME, DEFAULT_HELM_SECRET_NAME, DEFAULT_IMPLICIT_FLOW,
    DEFAULT_JWT_SERVER_DIR, DEFAULT_OUT_DIR, DEFAULT_PROVIDER_NAME, DEFAULT_TIMEOUT_SECS,
    JWT_KEY_SUBDIR,
};
use crate::jwt_keys::{KeyFiles, KeySize};

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

#[derive(Debug, Clone)]
pub struct Settings {
    pub config_file: Option<PathBuf>,
    pub env_name: Option<String>,
    values: Layer,
    sources: Sources,
    /// `keycloak.realm`, checked once here; the error waits until a command asks for it.
    realm: Option<Result<Realm, RealmError>>,
    admin_password: SecretSource,
    admin_client_secret: SecretSource,
}

impl Settings {
    /// Builds the settings: the settings file (`config`, or ./omsso.yaml when it exists) and
    /// its environment `env_name`, under `given` (flags and env vars).
    pub fn resolve(
        config: Option<&Path>,
        env_name: Option<&str>,
        given: &Given,
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
        values.overlay(given.values.clone(), &mut sources, |key| {
            given.sources.get(key).cloned().unwrap_or(Source::Default)
        });

        let secret = |s: &Setting| {
            let secret = s.secret.expect("a secret file setting");
            let file = match values.get(s.key) {
                Some(Value::Path(p)) => Some(p.clone()),
                _ => None,
            };
            SecretSource::pick(secret.what, secret.env, file, sources.get(s.key))
                .file_option(crate::hint::Ref::Setting(s.key))
        };
        let admin_password = secret(&ADMIN_PASSWORD_FILE);
        let admin_client_secret = secret(&ADMIN_CLIENT_SECRET_FILE);
        let realm = match values.get(KEYCLOAK_REALM.key) {
            Some(Value::Text(name)) => Some(Realm::parse(name)),
            _ => None,
        };

        let settings = Settings {
            config_file,
            env_name: env_name.map(str::to_string),
            values,
            sources,
            realm,
            admin_password,
            admin_client_secret,
        };
        settings.check_not_empty()?;
        Ok(settings)
    }

    /// The names under `environments:` in the settings file, sorted.
    pub fn environments(&self) -> Result<Vec<String>, SettingsError> {
        match &self.config_file {
            Some(path) => Ok(SettingsFile::load(path)?.environment_names()),
            None => Ok(Vec::new()),
        }
    }

    fn check_not_empty(&self) -> Result<(), SettingsError> {
        for s in SETTINGS.iter().filter(|s| s.kind == Kind::Name) {
            if let Some(Value::Text(v)) = self.values.get(s.key) {
                if v.trim().is_empty() {
                    return Err(SettingsError::Empty { key: s.key });
                }
            }
        }
        Ok(())
    }

    /// Checks everything in `needs` at once: an invalid realm first, then every missing
    /// setting in one error (one alone keeps its own error, with its flag and env var).
    pub fn check_required(&self, needs: &[super::Required]) -> Result<(), SettingsError> {
        use super::Required;
        let mut missing: Vec<Required> = Vec::new();
        let mut instead = None;
        for need in needs {
            match need {
                Required::Key(s) if **s == KEYCLOAK_REALM && self.realm.is_some() => {
                    self.realm()?;
                }
                Required::Key(s) => {
                    let empty_list =
                        matches!(self.values.get(s.key), Some(Value::Strings(v)) if v.is_empty());
                    if self.values.get(s.key).is_none() || empty_list {
                        missing.push(*need);
                    }
                }
                Required::AdminLogin if !self.admin_login_configured() => {
                    missing.push(Required::AdminLogin)
                }
                // Its secret too: the error then names the other way before any request.
                Required::AdminLoginOr(other)
                    if !self.admin_login_configured() || !self.admin_secret_given() =>
                {
                    missing.push(Required::AdminLogin);
                    instead = Some(*other);
                }
                Required::AdminLogin | Required::AdminLoginOr(_) => {}
            }
        }
        match missing.as_slice() {
            [] => Ok(()),
            [Required::Key(s)] => Err(self.missing_error(s)),
            [_] => Err(SettingsError::NoAdminLogin { instead }),
            _ => Err(SettingsError::MissingSeveral { missing, instead }),
        }
    }

    /// Whether `s` has a value (from any source but the default).
    pub fn is_set(&self, s: &Setting) -> bool {
        self.values.get(s.key).is_some()
    }

    fn get(&self, s: &Setting) -> Option<&Value> {
        self.values.get(s.key)
    }

    // A setting with no default or logic of its own needs no accessor: code reads it by its
    // item with the getter of its kind (`settings.text(&JWT_ISSUER)`).

    pub fn url(&self, s: &Setting) -> Option<&HttpUrl> {
        debug_assert!(s.kind == Kind::Url, "{} is not a URL", s.key);
        match self.get(s)? {
            Value::Url(u) => Some(u),
            _ => None,
        }
    }

    pub fn text(&self, s: &Setting) -> Option<&str> {
        debug_assert!(
            matches!(s.kind, Kind::Name | Kind::Text),
            "{} is not text",
            s.key
        );
        match self.get(s)? {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    pub fn strings(&self, s: &Setting) -> &[String] {
        debug_assert!(s.kind == Kind::Strings, "{} is not a list", s.key);
        match self.get(s) {
            Some(Value::Strings(v)) => v,
            _ => &[],
        }
    }

    pub fn path(&self, s: &Setting) -> Option<&Path> {
        debug_assert!(s.kind == Kind::Path, "{} is not a path", s.key);
        match self.get(s)? {
            Value::Path(p) => Some(p),
            _ => None,
        }
    }

    pub fn number(&self, s: &Setting) -> Option<u64> {
        debug_assert!(
            matches!(s.kind, Kind::Seconds | Kind::Count),
            "{} is not a number",
            s.key
        );
        match self.get(s)? {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The error for a setting a command needs but nobody set, naming its flag and env var.
    pub fn missing_error(&self, setting: &'static Setting) -> SettingsError {
        SettingsError::Missing { setting }
    }

    pub fn source_of(&self, s: &Setting) -> Source {
        self.sources.get(s.key).cloned().unwrap_or(Source::Default)
    }

    pub fn keycloak_url(&self) -> Result<&HttpUrl, SettingsError> {
        self.url(&KEYCLOAK_URL)
            .ok_or_else(|| self.missing_error(&KEYCLOAK_URL))
    }

    /// The Keycloak address the OpenMetadata server uses; the public one when not set.
    pub fn keycloak_internal_url(&self) -> Option<&HttpUrl> {
        self.url(&KEYCLOAK_INTERNAL_URL)
    }

    /// The realm of the OpenMetadata client: set, servable by Keycloak, and not `master`.
    pub fn realm(&self) -> Result<&Realm, SettingsError> {
        match &self.realm {
            None => Err(self.missing_error(&KEYCLOAK_REALM)),
            Some(Ok(realm)) => Ok(realm),
            Some(Err(e)) => Err(e.clone().into()),
        }
    }

    /// The realm as written and where it was set, when it was set at all (`verify` takes the
    /// realm from its file and refuses a different one given here, even `master`).
    pub fn realm_given(&self) -> Option<(&str, Source)> {
        let realm = self.text(&KEYCLOAK_REALM)?;
        Some((realm, self.source_of(&KEYCLOAK_REALM)))
    }

    /// `keycloak.url` and where it was set, when set.
    pub fn keycloak_url_given(&self) -> Option<(&HttpUrl, Source)> {
        let url = self.url(&KEYCLOAK_URL)?;
        Some((url, self.source_of(&KEYCLOAK_URL)))
    }

    /// Whether an admin login is configured at all (a user or a service-account client);
    /// without one, `verify` runs the checks that need none.
    pub fn admin_login_configured(&self) -> bool {
        self.is_set(&ADMIN_USERNAME) || self.is_set(&ADMIN_CLIENT_ID)
    }

    /// Whether the secret of the admin login [`admin_login`](Self::admin_login) would use has
    /// a source (a file, its env var, or the terminal to ask on).
    fn admin_secret_given(&self) -> bool {
        let source = match self.is_set(&ADMIN_CLIENT_ID) {
            true => &self.admin_client_secret,
            false => &self.admin_password,
        };
        source.describe().is_some()
    }

    /// The release line as configured (flag, env or file), `None` when left to the default.
    pub fn om_version_given(&self) -> Option<(OmVersion, Source)> {
        match self.get(&OPENMETADATA_VERSION)? {
            Value::OmVersion(v) => Some((*v, self.source_of(&OPENMETADATA_VERSION))),
            _ => None,
        }
    }

    pub fn cacert(&self) -> Option<&Path> {
        self.path(&KEYCLOAK_CACERT)
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_secs(
            self.number(&KEYCLOAK_TIMEOUT)
                .unwrap_or(DEFAULT_TIMEOUT_SECS),
        )
    }

    pub fn admin_realm(&self) -> &str {
        self.text(&ADMIN_REALM).unwrap_or(DEFAULT_ADMIN_REALM)
    }

    /// How to log in to the admin API. Reads the secret now (file, env, stdin or prompt), so
    /// call it once, only in commands that talk to the admin API.
    pub fn admin_login(&self) -> Result<AdminLogin, SettingsError> {
        let realm = self.admin_realm().to_string();
        if let Some(client_id) = self.text(&ADMIN_CLIENT_ID) {
            let secret = self.admin_client_secret.read()?;
            return Ok(AdminLogin::ClientCredentials {
                realm,
                client_id: client_id.to_string(),
                secret,
            });
        }
        let Some(username) = self.text(&ADMIN_USERNAME) else {
            return Err(SettingsError::NoAdminLogin { instead: None });
        };
        let password = self.admin_password.read()?;
        Ok(AdminLogin::Password {
            realm,
            username: username.to_string(),
            password,
        })
    }

    pub fn om_url(&self) -> Result<&HttpUrl, SettingsError> {
        self.url(&OPENMETADATA_URL)
            .ok_or_else(|| self.missing_error(&OPENMETADATA_URL))
    }

    pub fn client_id(&self) -> &str {
        self.text(&OPENMETADATA_CLIENT_ID)
            .unwrap_or(DEFAULT_CLIENT_ID)
    }

    pub fn admin_principals(&self) -> &[String] {
        self.strings(&OPENMETADATA_ADMIN_PRINCIPALS)
    }

    pub fn principal_domain(&self) -> Option<&str> {
        self.text(&OPENMETADATA_PRINCIPAL_DOMAIN)
    }

    /// The claim that names the user's teams, when team mapping is on.
    pub fn team_claim(&self) -> Option<&str> {
        self.text(&OPENMETADATA_TEAM_CLAIM)
    }

    /// Where OpenMetadata's roles come from, when roles from Keycloak are on.
    pub fn roles_from(&self) -> Option<RoleSource> {
        match self.get(&OPENMETADATA_ROLES_FROM) {
            Some(Value::RoleSource(r)) => Some(*r),
            _ => None,
        }
    }

    /// The implicit flow as set, when set.
    fn implicit_flow_set(&self) -> Option<bool> {
        match self.get(&OPENMETADATA_IMPLICIT_FLOW)? {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// Whether the OpenMetadata client allows the implicit flow. OpenMetadata's docs set it
    /// on, and a public client logging in with `id_token` needs it; a public client that uses
    /// the code flow has it off unless it is set explicitly.
    pub fn implicit_flow(&self) -> bool {
        let public_code =
            self.client_type() == ClientType::Public && self.response_type() == ResponseType::Code;
        self.implicit_flow_set()
            .unwrap_or(DEFAULT_IMPLICIT_FLOW && !public_code)
    }

    /// What OpenMetadata's UI asks Keycloak for when the client is public (default
    /// `id_token`, the implicit flow). Confidential clients do not use it.
    pub fn response_type(&self) -> ResponseType {
        match self.get(&OPENMETADATA_RESPONSE_TYPE) {
            Some(Value::ResponseType(r)) => *r,
            _ => ResponseType::default(),
        }
    }

    /// Refuses flow settings with which a browser cannot log in: a public client answering
    /// with `id_token` while the implicit flow is switched off.
    pub fn check_login_flow(&self) -> Result<(), SettingsError> {
        if self.client_type() == ClientType::Public
            && self.response_type() == ResponseType::IdToken
            && self.implicit_flow_set() == Some(false)
        {
            let from = self.source_of(&OPENMETADATA_IMPLICIT_FLOW);
            return Err(SettingsError::ImplicitFlowOff { from });
        }
        Ok(())
    }

    /// The OpenMetadata release line the rendered configuration is for (default: the newest).
    pub fn om_version(&self) -> OmVersion {
        self.om_version_given().map(|(v, _)| v).unwrap_or_default()
    }

    pub fn client_type(&self) -> ClientType {
        match self.get(&OPENMETADATA_CLIENT_TYPE) {
            Some(Value::ClientType(c)) => *c,
            _ => ClientType::default(),
        }
    }

    pub fn provider_name(&self) -> &str {
        self.text(&OPENMETADATA_PROVIDER_NAME)
            .unwrap_or(DEFAULT_PROVIDER_NAME)
    }

    /// OpenMetadata as the server reaches itself (for its own JWKS URL).
    pub fn om_internal_url(&self) -> Option<&HttpUrl> {
        self.url(&OPENMETADATA_INTERNAL_URL)
    }

    pub fn session_expiry(&self) -> Option<u64> {
        self.number(&OPENMETADATA_SESSION_EXPIRY)
    }

    pub fn max_active_sessions_per_user(&self) -> Option<u32> {
        self.number(&OPENMETADATA_MAX_ACTIVE_SESSIONS_PER_USER)
            .and_then(|n| u32::try_from(n).ok())
    }

    pub fn additional_trusted_redirect_uris(&self) -> &[String] {
        self.strings(&OPENMETADATA_ADDITIONAL_TRUSTED_REDIRECT_URIS)
    }

    /// The chart version named in the settings; render resolves the default from the
    /// OpenMetadata release.
    pub fn helm_chart_version(&self) -> Option<ChartVersion> {
        match self.get(&HELM_CHART_VERSION)? {
            Value::ChartVersion(v) => Some(*v),
            _ => None,
        }
    }

    pub fn helm_secret_name(&self) -> &str {
        match self.get(&HELM_SECRET_NAME) {
            Some(Value::SecretName(n)) => n.as_str(),
            _ => DEFAULT_HELM_SECRET_NAME,
        }
    }

    /// Namespace for the rendered Secret; none means kubectl's current namespace.
    pub fn helm_namespace(&self) -> Option<&str> {
        match self.get(&HELM_NAMESPACE)? {
            Value::Namespace(n) => Some(n.as_str()),
            _ => None,
        }
    }

    /// The age recipients to encrypt the Kubernetes Secret for with SOPS (none: not set here;
    /// a `.sops.yaml` may still name some), and where they came from.
    pub fn sops_age_recipients(&self) -> (&[String], Source) {
        let s = &HELM_SOPS_AGE_RECIPIENTS;
        (self.strings(s), self.source_of(s))
    }

    pub fn out_dir(&self) -> &Path {
        self.path(&OUTPUT_DIR).unwrap_or(Path::new(DEFAULT_OUT_DIR))
    }

    /// Whether omsso gives OpenMetadata its own JWT key pair (`jwt.enabled`, default true).
    pub fn jwt_enabled(&self) -> bool {
        !matches!(self.get(&JWT_ENABLED), Some(Value::Bool(false)))
    }

    /// Where the JWT key pair is on this machine: `private_key.der` and `public_key.der` in
    /// `jwt/` of the output folder. The files are the pair's only state, so they live with the
    /// files that name the key (one pair per environment's output folder).
    pub fn jwt_key_files(&self) -> KeyFiles {
        KeyFiles::in_dir(&self.out_dir().join(JWT_KEY_SUBDIR))
    }

    /// The RSA key size of a new JWT key pair (default 2048).
    pub fn jwt_key_size(&self) -> KeySize {
        match self.get(&JWT_KEY_SIZE) {
            Some(Value::KeySize(k)) => *k,
            _ => KeySize::default(),
        }
    }

    /// The key id as configured; `None` means the public key's RFC 7638 thumbprint
    /// ([`crate::jwt_keys::key_id`]).
    pub fn jwt_key_id(&self) -> Option<&str> {
        self.text(&JWT_KEY_ID)
    }

    /// The issuer as configured; `None` means the OpenMetadata URL's host (render decides).
    pub fn jwt_issuer(&self) -> Option<&str> {
        self.text(&JWT_ISSUER)
    }

    /// The folder where the OpenMetadata server reads the key pair, as written (render
    /// refuses one that is not absolute).
    pub fn jwt_server_dir(&self) -> &str {
        self.text(&JWT_SERVER_DIR).unwrap_or(DEFAULT_JWT_SERVER_DIR)
    }

    /// The Kubernetes Secret that holds the JWT key pair.
    pub fn helm_jwt_secret_name(&self) -> &str {
        match self.get(&HELM_JWT_SECRET_NAME) {
            Some(Value::SecretName(n)) => n.as_str(),
            _ => DEFAULT_HELM_JWT_SECRET_NAME,
        }
    }

    /// The recipients to seal to by default. Recipients given on the command line (flag or
    /// env var) replace both lists from the settings file, not just the one they name:
    /// sealing to someone the user did not ask for is worse than missing a default.
    pub fn seal_recipients(&self) -> SealRecipients {
        let (recipients_source, files_source) = (
            self.source_of(&SEAL_RECIPIENTS),
            self.source_of(&SEAL_RECIPIENTS_FILES),
        );
        let given = |s: &Source| matches!(s, Source::Flag(_) | Source::Env(_));
        let command_line = given(&recipients_source) || given(&files_source);
        let keep = |s: &Source| !command_line || given(s);
        let files = match self.get(&SEAL_RECIPIENTS_FILES) {
            Some(Value::Paths(p)) if keep(&files_source) => p.clone(),
            _ => Vec::new(),
        };
        let recipients = match self.get(&SEAL_RECIPIENTS) {
            Some(Value::Strings(r)) if keep(&recipients_source) => r.clone(),
            _ => Vec::new(),
        };
        SealRecipients {
            recipients,
            files,
            recipients_source,
            command_line,
        }
    }

    /// Every setting with its value (secrets redacted, never read) and its source, in the
    /// table's order, for `config show`.
    pub fn describe(&self) -> Vec<(&'static str, serde_json::Value, Source)> {
        SETTINGS
            .iter()
            .map(|s| {
                if let Some(secret) = s.secret {
                    let source = if **s == ADMIN_PASSWORD_FILE {
                        &self.admin_password
                    } else {
                        &self.admin_client_secret
                    };
                    return (
                        secret.shown_as,
                        serde_json::json!(source.describe()),
                        source.source(),
                    );
                }
                let value = match (self.values.get(s.key), s.default) {
                    (Some(v), _) => v.to_json(),
                    (None, Default::Is(d)) => s
                        .kind
                        .parse_default(d)
                        .expect("table defaults parse (tested)")
                        .to_json(),
                    (None, Default::Derived(_)) => self.derived_json(s),
                    (None, Default::None) => serde_json::Value::Null,
                };
                (s.key, value, self.source_of(s))
            })
            .collect()
    }

    /// `config show`'s value of a setting whose default is worked out, not written down.
    fn derived_json(&self, s: &Setting) -> serde_json::Value {
        if *s == OPENMETADATA_IMPLICIT_FLOW {
            serde_json::json!(self.implicit_flow())
        } else if *s == OPENMETADATA_VERSION {
            serde_json::json!(self.om_version().to_string())
        } else {
            // The others (internal URLs, namespace, chart) are decided by their users.
            serde_json::Value::Null
        }
    }
}
