//! Credentials + settings → OpenMetadata's auth configuration: `openmetadata.yaml`, a docker
//! compose env file, Helm values and the Kubernetes Secret they refer to.
//!
//! [`render_all`] is a pure function of its input (it reads override templates, nothing else),
//! so `omsso render` and `omsso run` share it; [`write`] puts the result on disk.

mod diff;
pub mod jwt;
mod model;
mod templates;
pub mod write;

use std::path::{Path, PathBuf};

use minijinja::Value;
use secrecy::ExposeSecret;

use crate::credentials::Credentials;
use crate::exit::{Diagnose, Exit};
use crate::hint::{Hint, Opt, Ref};
use crate::settings::{
    ChartVersion, ClientType, HttpUrl, OmVersion, ResponseType, Settings, SettingsError,
};

pub use crate::escape::EnvRefusal;
pub use templates::{unknown_overrides, REDACTED};

/// Everything a rendering depends on, resolved.
#[derive(Debug, Clone)]
pub struct RenderInput {
    pub credentials: Credentials,
    /// OpenMetadata as browsers reach it.
    pub om_url: HttpUrl,
    /// Keycloak as the OpenMetadata server reaches it; `None` = the issuer's own address.
    pub keycloak_internal_url: Option<HttpUrl>,
    pub version: OmVersion,
    pub client_type: ClientType,
    /// What the UI asks Keycloak for (public clients only).
    pub response_type: ResponseType,
    pub provider_name: String,
    pub admin_principals: Vec<String>,
    pub principal_domain: String,
    pub helm_secret_name: String,
    pub helm_namespace: Option<String>,
    /// `helm.chart_version`; `None` = the chart of the OpenMetadata release.
    pub chart_version: Option<ChartVersion>,
    /// OpenMetadata as the server reaches itself; `None` = its default port on localhost.
    pub om_internal_url: Option<HttpUrl>,
    pub session_expiry: Option<u64>,
    pub max_active_sessions_per_user: Option<u32>,
    pub additional_trusted_redirect_uris: Vec<String>,
    /// OpenMetadata's own JWT key pair; `None` leaves `jwtTokenConfiguration` to the server's
    /// (quickstart) defaults. Set by the caller, which reads or makes the key files.
    pub jwt: Option<jwt::JwtInput>,
    /// `jwtTeamClaimMapping`: the claim naming the user's teams (1.11+).
    pub team_claim: Option<String>,
    /// `useRolesFromProvider`: roles from the token's `roles` claim.
    pub use_roles_from_provider: bool,
}

impl RenderInput {
    /// Combines credentials with the settings. The OpenMetadata URL comes from the settings,
    /// else from the credentials (a bundle or fetch records it).
    pub fn new(credentials: Credentials, s: &Settings) -> Result<RenderInput, RenderError> {
        let om_url = match s.om_url() {
            Ok(u) => u.clone(),
            Err(missing) => match &credentials.openmetadata_url {
                Some(u) => u.parse().map_err(|reason| RenderError::CredentialsUrl {
                    field: "openmetadata_url",
                    reason,
                })?,
                None => return Err(missing.into()),
            },
        };
        s.check_login_flow()?;
        let principal_domain = s
            .principal_domain()
            .ok_or_else(|| s.missing_error("openmetadata.principal_domain"))?
            .to_string();
        if s.admin_principals().is_empty() {
            // Without one, nobody could administer OpenMetadata after switching to SSO.
            return Err(s.missing_error("openmetadata.admin_principals").into());
        }
        if s.admin_principals().iter().any(|p| p.trim().is_empty()) {
            return Err(SettingsError::Empty {
                key: "openmetadata.admin_principals",
            }
            .into());
        }
        for uri in s.additional_trusted_redirect_uris() {
            check_redirect_uri(uri)?;
        }
        Ok(RenderInput {
            credentials,
            om_url,
            keycloak_internal_url: s.keycloak_internal_url().cloned(),
            version: s.om_version(),
            client_type: s.client_type(),
            response_type: s.response_type(),
            provider_name: s.provider_name().to_string(),
            admin_principals: s.admin_principals().to_vec(),
            principal_domain,
            helm_secret_name: s.helm_secret_name().to_string(),
            helm_namespace: s.helm_namespace().map(str::to_string),
            chart_version: s.helm_chart_version(),
            om_internal_url: s.om_internal_url().cloned(),
            session_expiry: s.session_expiry(),
            max_active_sessions_per_user: s.max_active_sessions_per_user(),
            additional_trusted_redirect_uris: s.additional_trusted_redirect_uris().to_vec(),
            jwt: None,
            team_claim: s.team_claim().map(str::to_string),
            use_roles_from_provider: s.roles_from().is_some(),
        })
    }
}

/// OpenMetadata compares a requested redirect URI with these exactly, so each must be an
/// absolute URI (a browser-extension URI such as `https://<id>.chromiumapp.org/cb` is fine).
fn check_redirect_uri(uri: &str) -> Result<(), RenderError> {
    match url::Url::parse(uri) {
        Ok(u) if !u.cannot_be_a_base() && u.as_str().trim_end_matches('/') == uri.trim_end_matches('/') => Ok(()),
        Ok(_) => Err(RenderError::RedirectUri {
            uri: uri.to_string(),
            reason: "is not written the way a browser sends it (normalise it: lowercase scheme and host, no default port)".into(),
        }),
        Err(e) => Err(RenderError::RedirectUri {
            uri: uri.to_string(),
            reason: format!("is not an absolute URI ({e})"),
        }),
    }
}

/// The Kubernetes Secret's template name (= its path in the output folder).
pub const HELM_SECRET: &str = "helm/oidc-secrets.yaml";
/// The Helm values' template name.
pub const HELM_VALUES: &str = "helm/values.yaml";

/// What to render (`--target`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Target {
    /// openmetadata.yaml: the authorizer and authentication sections (bare metal)
    OpenmetadataYaml,
    /// openmetadata.env, for `docker compose --env-file`
    Env,
    /// helm/values.yaml and helm/oidc-secrets.yaml
    Helm,
    /// helm/values.yaml only
    HelmValues,
    /// helm/oidc-secrets.yaml only (the Kubernetes Secret)
    HelmSecret,
    /// helm/jwt-keys.yaml only (the Kubernetes Secret with OpenMetadata's JWT key pair)
    HelmJwtSecret,
    /// Everything
    All,
}

impl Target {
    /// The template names (= output paths) this target renders. A public client has no
    /// secret, so no Secret manifest; without a JWT key pair (`jwt`), nothing mounts one.
    fn files(self, client_type: ClientType, jwt: bool) -> Result<Vec<&'static str>, RenderError> {
        let secret = client_type == ClientType::Confidential;
        let helm_secret = || secret.then_some(HELM_SECRET);
        let compose = || jwt.then_some(jwt::COMPOSE_OVERRIDE);
        let jwt_secret = || jwt.then_some(jwt::HELM_JWT_SECRET);
        Ok(match self {
            Target::OpenmetadataYaml => vec!["openmetadata.yaml"],
            Target::Env => std::iter::once("openmetadata.env")
                .chain(compose())
                .collect(),
            Target::HelmValues => vec![HELM_VALUES],
            Target::HelmSecret => vec![helm_secret().ok_or(RenderError::PublicHasNoSecret)?],
            Target::HelmJwtSecret => vec![jwt_secret().ok_or(RenderError::NoJwtKeys)?],
            Target::Helm => std::iter::once(HELM_VALUES)
                .chain(helm_secret())
                .chain(jwt_secret())
                .collect(),
            Target::All => ["openmetadata.yaml", "openmetadata.env", HELM_VALUES]
                .into_iter()
                .chain(helm_secret())
                .chain(compose())
                .chain(jwt_secret())
                .collect(),
        })
    }
}

/// One rendered file.
#[derive(Debug, Clone)]
pub struct RenderedFile {
    /// Path relative to the output folder, e.g. `helm/values.yaml`.
    pub rel_path: PathBuf,
    pub bytes: Vec<u8>,
    /// Whether the file holds the client secret (it is written 0600 then). Found by rendering
    /// it a second time with the secret redacted, so it also holds for overridden templates.
    pub holds_secret: bool,
    /// Written 0600 although it holds no plaintext secret: the SOPS-encrypted Secret, which
    /// no other user of the machine needs (git records no mode but the executable bit, so a
    /// repository sees no difference).
    pub owner_only: bool,
    /// The same file with the secret replaced by `<redacted>`, safe to show.
    pub redacted: String,
}

impl RenderedFile {
    /// The mode it is written with.
    pub fn mode(&self) -> u32 {
        if self.holds_secret || self.owner_only {
            crate::output::files::SECRET_MODE
        } else {
            crate::output::files::PUBLIC_MODE
        }
    }
}

/// Renders `targets` (duplicates are rendered once, in template order).
pub fn render_all(
    input: &RenderInput,
    targets: &[Target],
    templates_dir: Option<&Path>,
) -> Result<Vec<RenderedFile>, RenderError> {
    let mut wanted = Vec::new();
    for t in targets {
        wanted.extend(t.files(input.client_type, input.jwt.is_some())?);
    }
    let env = templates::environment(templates_dir, &wanted)?;
    let secret = match input.client_type {
        ClientType::Confidential => Some(
            input
                .credentials
                .client_secret
                .as_ref()
                .ok_or(RenderError::NoSecret)?,
        ),
        ClientType::Public => None,
    };
    let model = Value::from(minijinja::value::Serde(model::Model::build(input)?));
    // The private key is a secret like the client secret: redacted in the shown rendering, so
    // a file that holds it is found (and written 0600) the same way.
    let (jwt_key, jwt_key_redacted) = match &input.jwt {
        Some(j) => (
            Value::from(jwt::private_key_base64(j)),
            Value::from_object(templates::Redacted),
        ),
        None => (Value::from(()), Value::from(())),
    };
    let model_real = minijinja::context! { jwt_private_key => jwt_key, ..model.clone() };
    let model = minijinja::context! { jwt_private_key => jwt_key_redacted, ..model };
    let with_secret = |secret: Value, model: &Value| {
        minijinja::context! { client_secret => secret, ..model.clone() }
    };
    let (real, redacted) = match secret {
        Some(s) => (
            with_secret(Value::from(s.expose_secret()), &model_real),
            with_secret(Value::from_object(templates::Redacted), &model),
        ),
        // No `client_secret` at all: a template that uses it for a public client fails loudly.
        None => (model_real, model),
    };

    let mut files = Vec::new();
    for (name, _) in templates::BUILTIN {
        if !wanted.contains(name) {
            continue;
        }
        let tmpl = env
            .get_template(name)
            .map_err(|e| RenderError::from_template_error(e, name))?;
        let render = |ctx: &Value| {
            tmpl.render(ctx)
                .map_err(|e| RenderError::from_template_error(e, name))
        };
        let text = render(&real)?;
        let shown = render(&redacted)?;
        files.push(RenderedFile {
            rel_path: PathBuf::from(name),
            holds_secret: text != shown,
            owner_only: false,
            bytes: text.into_bytes(),
            redacted: shown,
        });
    }
    Ok(files)
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("templates folder {}: not a folder", path.display())]
    TemplatesDir { path: PathBuf },
    #[error("cannot read template {}: {source}", path.display())]
    ReadTemplate {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("template {template}{}: undefined variable{}", at(*line), expr.as_ref().map(|e| format!(" `{e}`")).unwrap_or_default())]
    Undefined {
        template: String,
        line: Option<usize>,
        expr: Option<String>,
    },
    #[error("template {template}{}: {message}", at(*line))]
    Template {
        template: String,
        line: Option<usize>,
        message: String,
    },
    #[error("cannot write {} into {template}{}: {reason}", key.as_deref().unwrap_or("a value"), line.map(|l| format!(" (line {l})")).unwrap_or_default())]
    Unrepresentable {
        template: String,
        line: Option<usize>,
        key: Option<String>,
        reason: EnvRefusal,
    },
    #[error("the credentials hold no client secret, but a confidential client needs one")]
    NoSecret,
    #[error("a public client has no secret, so there is no Secret to render")]
    PublicHasNoSecret,
    #[error("there is no JWT key pair to put in a Secret (jwt.enabled is false, or no key files exist yet)")]
    NoJwtKeys,
    #[error("jwt.server_dir `{dir}` is not an absolute folder")]
    JwtServerDir { dir: String },
    #[error("the issuer `{issuer}` is not a Keycloak realm URL (…/realms/NAME)")]
    IssuerShape { issuer: String },
    #[error("the {what} `{url}` is not under the issuer's Keycloak address `{base}`, so it cannot be moved to keycloak.internal_url")]
    NotUnderIssuer {
        what: &'static str,
        url: String,
        base: String,
    },
    #[error("the credentials' {field} is not usable: {reason}")]
    CredentialsUrl { field: &'static str, reason: String },
    #[error("{setting} is not a setting of OpenMetadata {version}{}", since.as_ref().map(|s| format!(" (it exists from {s} on)")).unwrap_or_default())]
    NotInRelease {
        setting: &'static str,
        version: String,
        since: Option<String>,
    },
    #[error("openmetadata.session_expiry is {seconds} s, but OpenMetadata {version} accepts at least {min} s")]
    SessionExpiryTooShort {
        seconds: u64,
        min: u64,
        version: String,
    },
    #[error("OpenMetadata {version} keeps the session lifetime in oidcConfiguration, which a public client does not have")]
    PublicSessionExpiry { version: String },
    #[error("additional trusted redirect URI `{uri}` {reason}")]
    RedirectUri { uri: String, reason: String },
    #[error("{template}{}: {message}", line.map(|l| format!(" line {l}")).unwrap_or_default())]
    KeyNotReleased {
        template: String,
        line: Option<usize>,
        message: String,
    },
    #[error("printing to stdout takes one file, but this target renders {count}")]
    StdoutNeedsOneFile { count: usize },
    #[error("{} already exist{} and differ{} from what omsso would write", list(paths), if paths.len() == 1 { "s" } else { "" }, if paths.len() == 1 { "s" } else { "" })]
    WouldOverwrite { paths: Vec<PathBuf> },
    /// A setting the render needs is missing or wrong.
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// Writing the rendered files failed.
    #[error(transparent)]
    Output(#[from] crate::output::OutputError),
}

fn at(line: Option<usize>) -> String {
    line.map(|l| format!(" line {l}")).unwrap_or_default()
}

fn list(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

impl RenderError {
    fn from_template_error(e: minijinja::Error, name: &str) -> RenderError {
        let template = e.name().unwrap_or(name).to_string();
        let line = e.line();
        if e.kind() == minijinja::ErrorKind::UndefinedError {
            let expr = e
                .template_source()
                .zip(e.range())
                .and_then(|(src, r)| src.get(r))
                .map(str::to_string);
            return RenderError::Undefined {
                template,
                line,
                expr,
            };
        }
        let refusal = std::error::Error::source(&e).and_then(|s| s.downcast_ref::<EnvRefusal>());
        if let Some(reason) = refusal {
            let key = e
                .template_source()
                .zip(line)
                .and_then(|(src, l)| src.lines().nth(l.checked_sub(1)?))
                .and_then(key_of_line);
            return RenderError::Unrepresentable {
                template,
                line,
                key,
                reason: reason.clone(),
            };
        }
        let message = e
            .detail()
            .map(str::to_string)
            .unwrap_or_else(|| e.kind().to_string());
        RenderError::Template {
            template,
            line,
            message,
        }
    }
}

/// The variable a template line sets (`OIDC_CLIENT_SECRET={{ … }}` → `OIDC_CLIENT_SECRET`),
/// so an error can name the key without quoting the value.
pub(crate) fn key_of_line(line: &str) -> Option<String> {
    let line = line.trim_start().trim_start_matches("- ");
    let end = line.find(['=', ':'])?;
    // A quoted key (`"private_key.der": …` in the JWT key Secret) is the key without quotes.
    let key = line[..end].trim().trim_matches(['"', '\'']);
    (!key.is_empty() && !key.contains("{{")).then(|| key.to_string())
}

impl Diagnose for RenderError {
    fn exit(&self) -> Exit {
        match self {
            RenderError::Settings(e) => e.exit(),
            RenderError::Output(e) => e.exit(),
            RenderError::ReadTemplate { .. } => Exit::Runtime,
            _ => Exit::Usage,
        }
    }

    fn hint(&self) -> Option<Hint> {
        const CLIENT_TYPE: Ref = Ref::Setting("openmetadata.client_type");
        Some(match self {
            RenderError::Settings(e) => return e.hint(),
            RenderError::Output(e) => return e.hint(),
            RenderError::TemplatesDir { .. } | RenderError::ReadTemplate { .. } => Hint::new(
                "{} takes a folder holding files named like the built-in templates",
                [Opt::Templates.into()],
            ),
            RenderError::Undefined { .. } => {
                "use only the variables the built-in templates use (see templates/ in the omsso \
                 sources); `{% if … %}` guards optional ones"
                    .into()
            }
            RenderError::Template { .. } => "fix the template at that line".into(),
            RenderError::Unrepresentable { .. } => {
                "change that value (for the client secret: regenerate it in Keycloak), or use the \
                 openmetadata.yaml or Helm output, which can carry it"
                    .into()
            }
            RenderError::NoSecret => Hint::new(
                "pass {} public for a public client, or use credentials that include \
                 client_secret",
                [CLIENT_TYPE],
            ),
            RenderError::PublicHasNoSecret => Hint::new(
                "use {} helm-values, or {} confidential",
                [Opt::Target.into(), CLIENT_TYPE],
            ),
            RenderError::NoJwtKeys => "set jwt.enabled to true and render into the output \
                 folder once (that makes the key pair), then print the Secret"
                .into(),
            RenderError::JwtServerDir { .. } => {
                "give the folder as the server sees it from the root, e.g. /etc/openmetadata/jwt"
                    .into()
            }
            RenderError::IssuerShape { .. } | RenderError::CredentialsUrl { .. } => {
                "fetch the credentials again from Keycloak".into()
            }
            RenderError::NotUnderIssuer { .. } => {
                "unset keycloak.internal_url, or fetch the credentials through the same Keycloak \
                 address that issues the tokens"
                    .into()
            }
            RenderError::NotInRelease { since: Some(s), .. } => Hint::from("pass ")
                .then(Ref::Setting("openmetadata.version"))
                .text(format!(
                    " {s} or newer if that is what you run, or unset it"
                )),
            RenderError::NotInRelease { .. } => "unset it".into(),
            RenderError::SessionExpiryTooShort { min, .. } => {
                format!("give openmetadata.session_expiry at least {min} (seconds)").into()
            }
            RenderError::PublicSessionExpiry { .. } => {
                "unset openmetadata.session_expiry, or use a confidential client (or \
                 OpenMetadata 2.0, where the setting covers every client)"
                    .into()
            }
            RenderError::RedirectUri { .. } => {
                "write the URI exactly as the login redirects to it, e.g. \
                 https://<extension-id>.chromiumapp.org/callback"
                    .into()
            }
            RenderError::KeyNotReleased { .. } => Hint::new(
                "remove that key from the template ({}), or pick the release that has it with {}",
                [Opt::Templates.into(), Ref::Setting("openmetadata.version")],
            ),
            RenderError::StdoutNeedsOneFile { .. } => Hint::new(
                "choose {} openmetadata-yaml, env, helm-values, helm-secret or helm-jwt-secret",
                [Opt::Target.into()],
            ),
            RenderError::WouldOverwrite { .. } => Hint::new(
                "the differences are shown above; pass {} to replace the files",
                [Opt::Force.into()],
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_of_a_template_line() {
        assert_eq!(
            key_of_line("OIDC_CLIENT_SECRET={{ client_secret }}").as_deref(),
            Some("OIDC_CLIENT_SECRET")
        );
        assert_eq!(
            key_of_line("    secret: {{ client_secret }}").as_deref(),
            Some("secret")
        );
        assert_eq!(key_of_line("{{ x }}"), None);
        assert_eq!(
            key_of_line("  \"private_key.der\": <redacted>").as_deref(),
            Some("private_key.der")
        );
    }
}
