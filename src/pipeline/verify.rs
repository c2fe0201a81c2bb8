//! verify: the live checks of a rendered openmetadata.yaml against the Keycloak it names (with
//! an admin login when one is given, else the checks that need none) and the running
//! OpenMetadata, plus a test login; and the offline lint of configuration files.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{ensure, Progress, Result};
use crate::http::Http;
use crate::input::{self, Accept};
use crate::keycloak::{Logins, Session};
use crate::lint::{self, sops_secret, FileKind, Finding, Severity};
use crate::omapi::Client;
use crate::openmetadata::Release;
use crate::output::{one_line, Report};
use crate::settings::{HttpUrl, SecretSource, Settings};
use crate::verify::deployed::{Deployed, KeycloakOf};
use crate::verify::{back_door, live, login, report, server, VerifyError};

/// Reads an openmetadata.yaml for the live checks.
pub fn read_deployed(path: &Path) -> Result<Deployed, VerifyError> {
    let text = read(path).map_err(|e| match e {
        VerifyError::Read { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            VerifyError::NotOpenMetadataConfig {
                path: path.to_path_buf(),
                reason: "no such file".to_string(),
            }
        }
        other => other,
    })?;
    Deployed::from_yaml(&text).map_err(|reason| VerifyError::NotOpenMetadataConfig {
        path: path.to_path_buf(),
        reason,
    })
}

/// The inputs of [`live`] besides the settings.
pub struct Live {
    /// The openmetadata.yaml to check.
    pub path: PathBuf,
    /// A test login: the user and where their password comes from.
    pub login: Option<(String, SecretSource)>,
    /// Certificate checks off.
    pub insecure: bool,
    /// OpenMetadata's admin token, for the default-admin check (never prompted for).
    pub om_token: Option<SecretSource>,
}

/// What the running OpenMetadata said.
#[derive(Serialize)]
pub struct OpenMetadataSeen {
    pub release_line: String,
    pub url: Option<String>,
    pub version: Option<String>,
}

/// `verify`'s live report (field names as `verify --format json` prints them).
#[derive(Serialize)]
pub struct LiveReport {
    pub checks: Vec<report::Check>,
    pub counts: report::Counts,
    pub file: String,
    pub keycloak: String,
    pub login: Option<login::Report>,
    pub ok: bool,
    pub openmetadata: OpenMetadataSeen,
    pub realm: String,
}

impl LiveReport {
    pub fn failed(&self) -> Vec<&'static str> {
        report::failed(&self.checks)
    }
}

impl Report for LiveReport {
    fn text(&self) -> String {
        format!(
            "{}: live checks against Keycloak {} (realm `{}`) and the running OpenMetadata\n{}{}\n",
            self.file,
            self.keycloak,
            self.realm,
            report::text(&self.checks),
            self.counts,
        )
    }

    fn summary(&self) -> String {
        checks_summary(&self.checks, &self.counts)
    }
}

/// The one line that sums up live checks. Only ok counts as passed: warnings and skips are
/// named in the line, not hidden in it.
pub fn checks_summary(checks: &[report::Check], counts: &report::Counts) -> String {
    let failed = report::failed(checks);
    match failed.is_empty() {
        true => report::summary_line(checks),
        false => format!("FAILED: {} ({counts})", failed.join(", ")),
    }
}

/// Checks an openmetadata.yaml against the live Keycloak its authority names.
pub async fn live(
    settings: &Settings,
    progress: &dyn Progress,
    args: &Live,
    logins: &Logins,
) -> Result<LiveReport> {
    let path = args.path.as_path();
    let deployed = read_deployed(path)?;
    let kc = keycloak_of(settings, progress, path, &deployed)?;
    // Secrets first, so a missing one fails before any request.
    let login = login_request(args, &deployed, progress)?;
    let om_token = args.om_token.as_ref().map(SecretSource::read).transpose()?;
    let admin = admin_session(settings, progress, path, &kc, args.insecure, logins).await?;
    let own_http;
    let http = match &admin {
        Some(session) => session.http(),
        None => {
            own_http = Http::new(settings.timeout(), settings.cacert(), args.insecure)?;
            &own_http
        }
    };
    let net = live::Net {
        http,
        admin: admin.as_ref(),
    };
    let mut c = report::Checks(live::run(&net, &kc, &deployed).await?);
    // What the running OpenMetadata uses (it may ignore the file: 1.10+ keeps its own copy).
    let om_url = match settings.om_url() {
        Ok(u) => Some(u.as_str().trim_end_matches('/').to_string()),
        Err(_) => deployed.om_url(),
    };
    let configured = settings.om_version_given();
    let found = server::run(
        &mut c,
        http,
        om_url.as_deref(),
        &deployed.blocks,
        configured.clone(),
        server::Expect::Deployed,
    )
    .await;
    let directory = directory(http, om_url.as_deref(), om_token.as_ref());
    let back_door = back_door::Inputs {
        om_url: om_url.as_deref(),
        deployed: &deployed,
        file_dir: path.parent().unwrap_or(Path::new(".")),
        token: om_token,
        expect: server::Expect::Deployed,
    };
    back_door::run(&mut c, http, back_door).await;
    deployment_findings(&mut c, settings, path.parent().unwrap_or(Path::new(".")));
    let login_report = match &login {
        Some(req) => Some(login::run(&mut c, http, &deployed, req, directory.as_ref()).await),
        None => None,
    };
    let checks = c.0;
    Ok(LiveReport {
        counts: report::Counts::of(&checks),
        ok: report::failed(&checks).is_empty(),
        checks,
        file: path.display().to_string(),
        keycloak: kc.base,
        login: login_report,
        openmetadata: OpenMetadataSeen {
            release_line: server::line_for(&found, configured.map(|(v, _)| v))
                .line()
                .name(),
            version: found.version.as_ref().map(|v| v.reported.clone()),
            url: om_url,
        },
        realm: kc.realm,
    })
}

/// The env file and Helm values rendered beside the checked file are what the container or pod
/// runs with: what the lint says about where the server runs (a Keycloak URL on `localhost`,
/// which there is the pod itself) goes into the report, as `verify --file` says it.
fn deployment_findings(c: &mut report::Checks, settings: &Settings, dir: &Path) {
    let release = Release::new(settings.om_version(), settings.helm_chart_version());
    for (name, kind) in [
        ("openmetadata.env", lint::Kind::Env),
        (crate::render::HELM_VALUES, lint::Kind::Helm),
    ] {
        let path = dir.join(name);
        // Not rendered (or unreadable): nothing of it is deployed from here to check.
        let Ok(text) = read(&path) else { continue };
        for f in lint::deployment_findings(&text, kind, &release) {
            c.finding(&path.display().to_string(), &f);
        }
    }
}

/// Where the teams and roles a login claims are looked up: the OpenMetadata the back-door
/// checks read, with the admin token, when both are at hand.
fn directory<'a>(
    http: &'a Http,
    om_url: Option<&str>,
    token: Option<&secrecy::SecretString>,
) -> Option<Client<'a>> {
    Some(Client::new(http, om_url?).with_token(token?.clone()))
}

/// The Keycloak the file names. The file decides the realm: a different one in the settings
/// is a mistake, not a choice; a different Keycloak URL is a warning.
fn keycloak_of(
    settings: &Settings,
    progress: &dyn Progress,
    path: &Path,
    deployed: &Deployed,
) -> Result<KeycloakOf> {
    let kc = deployed
        .keycloak()
        .map_err(|reason| VerifyError::NotOpenMetadataConfig {
            path: path.to_path_buf(),
            reason,
        })?;
    // A name Keycloak cannot serve fails here, not as a confusing check result. (`master` is
    // allowed: verify reports on whatever is deployed.)
    crate::keycloak::realm_name::check_name(&kc.realm)?;
    if let Some((realm, source)) = settings.realm_given() {
        if realm != kc.realm {
            return Err(VerifyError::RealmConflict {
                path: path.to_path_buf(),
                file_realm: kc.realm.clone(),
                realm: realm.to_string(),
                origin: source,
            }
            .into());
        }
    }
    if let Some((url, source)) = settings.keycloak_url_given() {
        if url.as_str().trim_end_matches('/') != kc.base {
            progress.warn(&format!(
                "keycloak.url is {url} ({source}), but {} names the Keycloak at {}: checking that one",
                path.display(),
                kc.base
            ));
        }
    }
    Ok(kc)
}

/// `--login`'s user and password (read now), warning when the password would cross the
/// network in clear text.
fn login_request(
    args: &Live,
    deployed: &Deployed,
    progress: &dyn Progress,
) -> Result<Option<login::Request>> {
    let Some((user, source)) = &args.login else {
        return Ok(None);
    };
    let password = source.read_with_prompt(&format!("password of {user} (Keycloak): "))?;
    let authority = deployed.authority.as_deref().unwrap_or_default();
    if let Some(warning) = crate::http::cleartext_warning(authority, "the login password") {
        progress.warn(&warning);
    }
    Ok(Some(login::Request {
        user: user.clone(),
        password,
    }))
}

/// The admin login at the file's Keycloak, when one is configured.
async fn admin_session(
    settings: &Settings,
    progress: &dyn Progress,
    path: &Path,
    kc: &KeycloakOf,
    insecure: bool,
    logins: &Logins,
) -> Result<Option<Session>> {
    if !settings.admin_login_configured() {
        progress.step(
            "no admin login given: the checks that read the client from Keycloak are skipped",
        );
        return Ok(None);
    }
    let base: HttpUrl = kc
        .base
        .parse()
        .map_err(|reason| VerifyError::NotOpenMetadataConfig {
            path: path.to_path_buf(),
            reason,
        })?;
    let session = ensure::connect_to(settings, progress, base, insecure, logins).await?;
    Ok(Some(session))
}

/// One linted file.
#[derive(Debug, Serialize)]
pub struct FileReport {
    pub path: String,
    pub kind: FileKind,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub findings: Vec<Finding>,
}

/// `verify --file`'s report (field names as `--format json` prints them).
#[derive(Serialize)]
pub struct LintReport {
    pub chart_version: String,
    pub errors: usize,
    pub files: Vec<FileReport>,
    pub infos: usize,
    pub ok: bool,
    pub om_version: String,
    pub warnings: usize,
}

/// Each finding with its hint, then one line per file.
impl Report for LintReport {
    fn text(&self) -> String {
        let mut out = String::new();
        for r in &self.files {
            for f in &r.findings {
                let at = match f.line {
                    Some(l) => format!("{}:{l}", r.path),
                    None => r.path.clone(),
                };
                // Messages quote values from the file under review: one line each.
                out.push_str(&format!(
                    "{}: {}[{}] {}\n    hint: {}\n",
                    one_line(&at),
                    f.severity.label(),
                    f.check,
                    one_line(&f.message),
                    one_line(&f.hint)
                ));
            }
            out.push_str(&format!("{}\n", self.file_line(r)));
        }
        out
    }

    fn summary(&self) -> String {
        format!(
            "{} in {} {}",
            finding_counts(self.errors, self.warnings, self.infos),
            self.files.len(),
            plural(self.files.len(), "file")
        )
    }
}

/// "2 errors, 1 warning, 0 info": a file's findings, or all files'.
fn finding_counts(errors: usize, warnings: usize, infos: usize) -> String {
    format!(
        "{errors} {}, {warnings} {}, {infos} info",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

impl LintReport {
    fn file_line(&self, r: &FileReport) -> String {
        let summary = if r.findings.is_empty() {
            "no findings".to_string()
        } else {
            finding_counts(r.errors, r.warnings, r.infos)
        };
        // A SOPS file is judged by SOPS's format, not by a release.
        let target = match r.kind {
            FileKind::Helm => format!(" for chart {}", self.chart_version),
            FileKind::Sops => String::new(),
            _ => format!(" for OpenMetadata {}", self.om_version),
        };
        format!("{} ({}{target}): {summary}", r.path, r.kind.label())
    }
}

pub fn plural(n: usize, word: &str) -> String {
    match n {
        1 => word.to_string(),
        _ => format!("{word}s"),
    }
}

/// The static lint of `files` (`-` = stdin), each of `kind` or detected.
pub fn lint_files(
    settings: &Settings,
    files: &[PathBuf],
    kind: Option<FileKind>,
) -> Result<LintReport> {
    // Read and classify every file before reporting anything, so a typo in the last path
    // fails the whole command up front instead of after a partial report.
    let mut inputs = Vec::new();
    for path in files {
        let text = read(path)?;
        let kind = kind.or_else(|| FileKind::detect(&text)).ok_or_else(|| {
            if is_plain_secret(&text) {
                VerifyError::PlainSecret { path: path.clone() }
            } else {
                VerifyError::UnknownKind { path: path.clone() }
            }
        })?;
        inputs.push((display(path), kind, text));
    }
    // SOPS files are also decrypted and checked as `sops -d` would, with the age identities
    // sops uses, when any are set.
    let identities = if inputs.iter().any(|(_, k, _)| *k == FileKind::Sops) {
        crate::sops::sops_identities()?
    } else {
        None
    };
    let release = Release::new(settings.om_version(), settings.helm_chart_version());
    let reports: Vec<FileReport> = inputs
        .into_iter()
        .map(|(path, kind, text)| {
            let findings = match kind.auth() {
                Some(auth) => {
                    let mut findings = lint::lint(&text, auth, &release);
                    findings.extend(lint::quickstart::key_file(&text, auth));
                    findings
                }
                None => sops_secret::lint(&text, identities.as_ref()),
            };
            let count = |s| findings.iter().filter(|f| f.severity == s).count();
            FileReport {
                path,
                kind,
                errors: count(Severity::Error),
                warnings: count(Severity::Warning),
                infos: count(Severity::Info),
                findings,
            }
        })
        .collect();
    let errors: usize = reports.iter().map(|r| r.errors).sum();
    Ok(LintReport {
        chart_version: release.chart.version.to_string(),
        errors,
        infos: reports.iter().map(|r| r.infos).sum(),
        ok: errors == 0,
        om_version: release.version.to_string(),
        warnings: reports.iter().map(|r| r.warnings).sum(),
        files: reports,
    })
}

fn display(path: &Path) -> String {
    if path == Path::new("-") {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}

fn read(path: &Path) -> Result<String, VerifyError> {
    let res = if path.as_os_str() == "-" {
        input::read_bounded(std::io::stdin().lock())
    } else {
        // A config under review may come from a pipe (`--file <(kubectl get …)`).
        input::read(path, Accept::FileOrPipe)
    };
    let bytes = res.map_err(|source| VerifyError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    String::from_utf8(bytes).map_err(|_| VerifyError::NotText {
        path: path.to_path_buf(),
    })
}

/// A Kubernetes Secret manifest (`kind: Secret` at the top level) without SOPS metadata.
fn is_plain_secret(text: &str) -> bool {
    text.lines().any(|l| l.trim_end() == "kind: Secret")
        && text.lines().any(|l| l.starts_with("apiVersion:"))
}
