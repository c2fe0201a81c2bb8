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
use crate::settings::flag;
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
    /// The text report.
    #[serde(skip)]
    pub text: String,
}

impl ApplyReport {
    pub fn new(path: &Path, applied: Applied) -> ApplyReport {
        ApplyReport {
            ok: applied.validation.as_ref().is_none_or(Validation::ok),
            file: path.display().to_string(),
            text: text(path, &applied),
            apply: applied,
        }
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
    let applied = apply(
        settings,
        progress,
        &http,
        &om_url,
        &body,
        token,
        args.dry_run,
    )
    .await;
    match applied {
        Ok(a) => Ok(ApplyReport::new(&args.path, a)),
        Err(Stopped::Validation(a)) => Err(Refusal::Validation(ApplyReport::new(&args.path, a))),
        Err(Stopped::Error(e)) => Err(Refusal::Error(e)),
    }
}

/// Why [`apply`] stopped (the file's path not known there).
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
    http: &Http,
    om_url: &str,
    body: &Value,
    token: SecretString,
    dry_run: bool,
) -> Result<Applied, Stopped> {
    let server = Client::new(http, om_url).version().await?;
    apply_known(
        settings, progress, http, om_url, server, body, token, dry_run,
    )
    .await
}

/// [`apply`] when the server's version is known already (`run` asks once).
#[allow(clippy::too_many_arguments)]
pub async fn apply_known(
    settings: &Settings,
    progress: &dyn Progress,
    http: &Http,
    om_url: &str,
    server: Option<ServerVersion>,
    body: &Value,
    token: SecretString,
    dry_run: bool,
) -> Result<Applied, Stopped> {
    let line = release_line(settings, progress, om_url, server.as_ref())?;
    if let Some(warning) = crate::http::cleartext_warning(om_url, "the OpenMetadata admin token") {
        progress.warn(&warning);
    }
    let client = Client::new(http, om_url).with_token(token);
    let mut applied = Applied {
        om_url: om_url.to_string(),
        server_version: server.as_ref().map(|v| v.reported.clone()),
        line: line.line().name(),
        dry_run,
        changes: None,
        validation: None,
        applied: false,
    };
    // The plan: what the server has that the file changes. The server's configuration is
    // the base of what is sent, so the keys the file does not set stay as they are.
    let current = client
        .security_config()
        .await
        .map_err(|e| no_api(e, &server))?;
    applied.changes = Some(compare::changes(&current, body));
    if dry_run {
        return Ok(applied);
    }
    let body = &compare::merged(&current, body);
    let validation = client
        .validate(body)
        .await
        .map_err(|e| no_api(e, &server))?;
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
                flag("openmetadata.version"),
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

/// The text report (also `run`'s apply step summary).
pub fn text(path: &Path, a: &Applied) -> String {
    let server = format!(
        "OpenMetadata {} at {}",
        a.server_version.as_deref().unwrap_or(&a.line),
        a.om_url
    );
    if let (Some(changes), true) = (&a.changes, a.dry_run) {
        if changes.is_empty() {
            return format!(
                "{server}: already uses {} (secrets are not compared: the server masks them)\n",
                path.display()
            );
        }
        let mut out = format!(
            "{server}: {} would change {} field{} (secrets are masked on both sides, so a changed \
             secret does not show):\n",
            path.display(),
            changes.len(),
            if changes.len() == 1 { "" } else { "s" }
        );
        for c in changes {
            out.push_str(&format!("  {c}\n"));
        }
        return out;
    }
    match &a.validation {
        Some(v) if !v.ok() => {
            let mut out = format!(
                "{server}: its SSO validation refused {} (nothing was changed):\n",
                path.display()
            );
            for e in &v.errors {
                out.push_str(&format!("  {}: {}\n", e.field, e.error));
            }
            out
        }
        _ => {
            let changes = a.changes.as_deref().unwrap_or_default();
            let mut out = format!(
                "{server}: applied {} (validated by the server, saved, read back from {}): {} \
                 field{} changed, the keys the file does not set kept as they were\n",
                path.display(),
                api::AUTH_CONFIG_PATH,
                changes.len(),
                if changes.len() == 1 { "" } else { "s" }
            );
            for c in changes {
                out.push_str(&format!("  {c}\n"));
            }
            out
        }
    }
}
