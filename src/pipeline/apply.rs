//! apply: push a rendered security configuration to a running OpenMetadata 1.10+ through its
//! own API: the server's current configuration is read and the file's keys merged into it
//! (what the file does not set is kept), the server validates the result, then it replaces
//! the configuration and what it serves is read back. The report shows the difference from
//! the server's configuration (every field the released models mark secret masked on both
//! sides); dry, nothing more.

use std::path::{Path, PathBuf};

use secrecy::SecretString;
use serde::Serialize;
use serde_json::Value;

use super::{release, Error, Progress, Result};
use crate::http::Http;
use crate::omapi::compare::{self, Difference};
use crate::omapi::{Client, OmError, ServerVersion, Validation};
use crate::openmetadata::{api, OmVersion};
use crate::output::Report;
use crate::settings::table::OPENMETADATA_VERSION;
use crate::settings::{SecretSource, Settings};
use crate::verify::VerifyError;

/// The inputs of [`apply_file`] besides the settings.
pub struct Apply {
    /// The rendered openmetadata.yaml.
    pub path: PathBuf,
    pub dry_run: bool,
    /// Certificate checks off.
    pub insecure: bool,
    /// The OpenMetadata admin token.
    pub token: SecretSource,
}

/// What an apply did (or, dry, would do).
#[derive(Debug, Serialize)]
pub struct Applied {
    /// The openmetadata.yaml applied.
    pub file: String,
    pub om_url: String,
    pub server_version: Option<String>,
    /// The release line the server was judged by.
    pub line: String,
    pub dry_run: bool,
    /// What the server has that the file changes (the plan; keys the file does not set are
    /// kept). None when the server's configuration was not read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<Vec<Difference>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validation: Option<Validation>,
    pub applied: bool,
}

/// `apply`'s report (field names as `apply --format json` prints them).
#[derive(Serialize)]
pub struct ApplyReport {
    pub apply: Applied,
    pub file: String,
    pub ok: bool,
}

impl ApplyReport {
    pub fn new(applied: Applied) -> ApplyReport {
        ApplyReport {
            ok: applied.validation.as_ref().is_none_or(Validation::ok),
            file: applied.file.clone(),
            apply: applied,
        }
    }
}

impl Report for ApplyReport {
    fn text(&self) -> String {
        self.apply.text()
    }

    fn summary(&self) -> String {
        self.apply.summary()
    }
}

/// Why an apply stopped: the server's validation refused the file (the report shows its
/// field errors), or anything else.
pub enum Refusal {
    Validation(ApplyReport),
    Error(Error),
}

impl<E: Into<Error>> From<E> for Refusal {
    fn from(e: E) -> Self {
        Refusal::Error(e.into())
    }
}

impl ApplyReport {
    /// The error of a refused validation, once this report is shown.
    pub fn refused(&self) -> Error {
        let count = self.apply.validation.as_ref().map_or(0, |v| v.errors.len());
        OmError::ValidationFailed { count }.into()
    }
}

/// `apply`: the file at `args.path` to the OpenMetadata it names (or `openmetadata.url`).
pub async fn apply_file(
    settings: &Settings,
    progress: &dyn Progress,
    args: &Apply,
) -> Result<ApplyReport, Refusal> {
    let deployed = super::verify::read_deployed(&args.path)?;
    let body = security_body(&deployed.blocks, &args.path)?;
    let om_url = match settings.om_url() {
        Ok(u) => u.as_str().trim_end_matches('/').to_string(),
        Err(missing) => deployed.om_url().ok_or(missing)?,
    };
    // The secret first: a missing token fails before any request.
    let token = args.token.read()?;
    if args.insecure {
        super::warn_insecure(progress);
    }
    let http = Http::new(settings.timeout(), settings.cacert(), args.insecure)?;
    let request = Request {
        file: &args.path,
        body: &body,
        token,
        dry_run: args.dry_run,
    };
    let server = Server {
        version: Client::new(&http, &om_url).version().await?,
        http: &http,
        url: &om_url,
    };
    match apply(settings, progress, &server, request).await {
        Ok(a) => Ok(ApplyReport::new(a)),
        Err(Stopped::Validation(a)) => Err(Refusal::Validation(ApplyReport::new(a))),
        Err(Stopped::Error(e)) => Err(Refusal::Error(e)),
    }
}

/// The running OpenMetadata an apply talks to, and the version it reported (asked once).
pub struct Server<'a> {
    pub http: &'a Http,
    /// Its base URL, without a trailing slash.
    pub url: &'a str,
    pub version: Option<ServerVersion>,
}

/// What one apply sends, and whether it only plans.
pub struct Request<'a> {
    /// The openmetadata.yaml the body comes from.
    pub file: &'a Path,
    /// Its security sections ([`security_body`]).
    pub body: &'a Value,
    /// The OpenMetadata admin token.
    pub token: SecretString,
    /// The difference only: nothing is validated or changed.
    pub dry_run: bool,
}

/// Why [`apply`] stopped: the server refused the file (what it said is in the [`Applied`]), or
/// anything else.
pub enum Stopped {
    Validation(Applied),
    Error(Error),
}

impl<E: Into<Error>> From<E> for Stopped {
    fn from(e: E) -> Self {
        Stopped::Error(e.into())
    }
}

/// `{authenticationConfiguration, authorizerConfiguration}` of the file, the body of the
/// security endpoints.
pub fn security_body(blocks: &Value, path: &Path) -> Result<Value, VerifyError> {
    for block in ["authenticationConfiguration", "authorizerConfiguration"] {
        if !blocks.get(block).is_some_and(Value::is_object) {
            return Err(VerifyError::NotOpenMetadataConfig {
                path: PathBuf::from(path),
                reason: format!("no {block} section"),
            });
        }
    }
    Ok(blocks.clone())
}

/// Validate → replace → read back (or, dry, the difference only).
pub async fn apply(
    settings: &Settings,
    progress: &dyn Progress,
    server: &Server<'_>,
    request: Request<'_>,
) -> Result<Applied, Stopped> {
    let (om_url, version) = (server.url, &server.version);
    let line = release_line(settings, progress, om_url, version.as_ref())?;
    if let Some(warning) = crate::http::cleartext_warning(om_url, "the OpenMetadata admin token") {
        progress.warn(&warning);
    }
    let client = Client::new(server.http, om_url).with_token(request.token);
    let mut applied = Applied {
        file: request.file.display().to_string(),
        om_url: om_url.to_string(),
        server_version: version.as_ref().map(|v| v.reported.clone()),
        line: line.line().name(),
        dry_run: request.dry_run,
        changes: None,
        validation: None,
        applied: false,
    };
    // The plan: what the server has that the file changes. The server's configuration is
    // the base of what is sent, so the keys the file does not set stay as they are.
    let current = client
        .security_config()
        .await
        .map_err(|e| no_api(e, version))?;
    applied.changes = Some(compare::changes(&current, request.body));
    if request.dry_run {
        return Ok(applied);
    }
    let body = &compare::merged(&current, request.body);
    let validation = client
        .validate(body)
        .await
        .map_err(|e| no_api(e, version))?;
    let ok = validation.ok();
    applied.validation = Some(validation);
    if !ok {
        return Err(Stopped::Validation(applied));
    }
    client.put_security_config(body).await?;
    applied.applied = true;
    let served = client.public_auth_config().await?;
    let differences = compare::public_differences(&body["authenticationConfiguration"], &served);
    if !differences.is_empty() {
        return Err(OmError::NotKept {
            base: om_url.to_string(),
            fields: differences
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        }
        .into());
    }
    Ok(applied)
}

/// The server's line (the configured one when the server does not say), refused before 1.10;
/// a configured line that differs from the server's is a warning naming both.
fn release_line(
    settings: &Settings,
    progress: &dyn Progress,
    om_url: &str,
    server: Option<&ServerVersion>,
) -> Result<OmVersion> {
    let configured = settings.om_version_given();
    let server_line = server.and_then(release::line_of);
    if let (Some(line), Some((mine, source)), Some(v)) = (server_line, &configured, server) {
        if !line.same_line(mine) {
            progress.warn(&format!(
                "openmetadata.version is {mine} ({source}), but OpenMetadata at {om_url} runs {}: \
                 the file may hold keys that release refuses (its validation says so); render \
                 with {} {} to match",
                v.reported,
                OPENMETADATA_VERSION.flag_name(),
                line.line().name()
            ));
        }
    }
    let line = server_line
        .or(configured.map(|(v, _)| v))
        .unwrap_or_else(|| settings.om_version());
    if !line.line().has_security_api() {
        return Err(OmError::LineWithoutApi {
            version: server.map_or_else(|| line.to_string(), |v| v.reported.clone()),
            hint: api::how_to_deploy(line.line()),
        }
        .into());
    }
    Ok(line)
}

/// A 404 from a security endpoint, with the server's version when known.
fn no_api(e: OmError, server: &Option<ServerVersion>) -> Error {
    match e {
        OmError::NoSecurityApi { base, path, .. } => OmError::NoSecurityApi {
            base,
            path,
            version: server.as_ref().map(|v| v.reported.clone()),
        }
        .into(),
        other => other.into(),
    }
}

impl Applied {
    fn server(&self) -> String {
        format!(
            "OpenMetadata {} at {}",
            self.server_version.as_deref().unwrap_or(&self.line),
            self.om_url
        )
    }

    fn refused(&self) -> Option<&Validation> {
        self.validation.as_ref().filter(|v| !v.ok())
    }
}

/// The text report; its first line is the summary (`run`'s apply step), the lines under it
/// name each field that changes (or each error of a refused validation).
impl Report for Applied {
    fn text(&self) -> String {
        let lines: Vec<String> = match (self.refused(), &self.changes) {
            (Some(v), _) => v
                .errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.error))
                .collect(),
            (None, Some(changes)) => changes.iter().map(ToString::to_string).collect(),
            (None, None) => Vec::new(),
        };
        let mut out = self.summary();
        // A dry run's or a refusal's headline introduces its lines.
        if self.refused().is_some() || (self.dry_run && !lines.is_empty()) {
            out.push(':');
        }
        out.push('\n');
        for line in lines {
            out.push_str(&format!("  {line}\n"));
        }
        out
    }

    fn summary(&self) -> String {
        let (server, file) = (self.server(), &self.file);
        let changes = self.changes.as_deref().unwrap_or_default();
        let fields = |n: usize| format!("{n} field{}", if n == 1 { "" } else { "s" });
        if self.refused().is_some() {
            return format!("{server}: its SSO validation refused {file} (nothing was changed)");
        }
        match (self.dry_run, changes.len()) {
            (true, 0) => format!(
                "{server}: already uses {file} (secrets are not compared: the server masks them)"
            ),
            (true, n) => format!(
                "{server}: {file} would change {} (secrets are masked on both sides, so a \
                 changed secret does not show)",
                fields(n)
            ),
            (false, n) => format!(
                "{server}: applied {file} (validated by the server, saved, read back from {}): \
                 {} changed, the keys the file does not set kept as they were",
                api::AUTH_CONFIG_PATH,
                fields(n)
            ),
        }
    }
}
