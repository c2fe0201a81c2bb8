//! `omsso verify`: with `--file`, the static lint of existing configuration files; without it,
//! the live checks of the rendered openmetadata.yaml against the Keycloak it names (with an
//! admin login when one is given, else the checks that need none), and `--login USER`.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::json;

use super::Context;
use crate::cli::VerifyArgs;
use crate::commands::error::{Error, Result};
use crate::input::{self, Accept};
use crate::keycloak::probe::Http;
use crate::keycloak::Session;
use crate::lint::{self, sops_secret, FileKind, Finding, Severity};
use crate::openmetadata::Release;
use crate::output::one_line;
use crate::settings::{HttpUrl, SecretSource, Source};
use crate::verify::deployed::{Deployed, KeycloakOf};
use crate::verify::{live, login, report, server, VerifyError};

/// One linted file.
#[derive(Debug, Serialize)]
struct FileReport {
    path: String,
    kind: FileKind,
    errors: usize,
    warnings: usize,
    infos: usize,
    findings: Vec<Finding>,
}

pub async fn run(args: VerifyArgs, ctx: &Context) -> Result<()> {
    if args.files.is_empty() {
        let path = args
            .om_config
            .clone()
            .unwrap_or_else(|| ctx.settings.out_dir().join("openmetadata.yaml"));
        return live(&path, &args, ctx).await;
    }
    lint_files(&args.files, args.kind, ctx)
}

/// Reads an openmetadata.yaml for the live checks.
pub(super) fn read_deployed(path: &Path) -> Result<Deployed, VerifyError> {
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

/// Checks an openmetadata.yaml against the live Keycloak its authority names.
async fn live(path: &Path, args: &VerifyArgs, ctx: &Context) -> Result<()> {
    let deployed = read_deployed(path)?;
    let kc = deployed
        .keycloak()
        .map_err(|reason| VerifyError::NotOpenMetadataConfig {
            path: path.to_path_buf(),
            reason,
        })?;
    // A name Keycloak cannot serve fails here, not as a confusing check result. (`master` is
    // allowed: verify reports on whatever is deployed.)
    crate::keycloak::realm_name::check_name(&kc.realm)?;
    // The file decides the realm: a different one given here is a mistake, not a choice.
    if let Some((realm, source)) = ctx.settings.realm_given() {
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
    if let Some((url, source)) = ctx.settings.keycloak_url_given() {
        if url.as_str().trim_end_matches('/') != kc.base {
            ctx.ui.warn(format!(
                "keycloak.url is {url} ({source}), but {} names the Keycloak at {}: checking that one",
                path.display(),
                kc.base
            ));
        }
    }
    // Secrets first, so a missing one fails before any request.
    let login = match &args.login {
        Some(user) => Some(login_request(user, args.login_password_file.clone())?),
        None => None,
    };
    let admin = if ctx.settings.admin_login_configured() {
        if args.connect.insecure {
            ctx.ui.warn(crate::keycloak::INSECURE_WARNING);
        }
        let base: HttpUrl =
            kc.base
                .parse()
                .map_err(|reason| VerifyError::NotOpenMetadataConfig {
                    path: path.to_path_buf(),
                    reason,
                })?;
        let session = Session::connect_at(&ctx.settings, base, args.connect.insecure).await?;
        ctx.ui.step(format!(
            "logged in to {} as {} (realm `{}`)",
            session.base(),
            session.principal(),
            session.login_realm()
        ));
        Some(session)
    } else {
        ctx.ui.step(
            "no admin login given: the checks that read the client from Keycloak are skipped",
        );
        None
    };
    let own_http;
    let http = match &admin {
        Some(session) => session.http(),
        None => {
            own_http = Http::new(
                ctx.settings.timeout(),
                ctx.settings.cacert(),
                args.connect.insecure,
            )?;
            &own_http
        }
    };
    let net = live::Net {
        http,
        admin: admin.as_ref(),
    };
    let mut c = report::Checks(live::run(&net, &kc, &deployed).await?);
    // What the running OpenMetadata uses (it may ignore the file: 1.10+ keeps its own copy).
    let om_url = match ctx.settings.om_url() {
        Ok(u) => Some(u.as_str().trim_end_matches('/').to_string()),
        Err(_) => deployed.om_url(),
    };
    let found = server::run(
        &mut c,
        http,
        om_url.as_deref(),
        &deployed.blocks,
        ctx.settings.om_version_given(),
        server::Expect::Deployed,
    )
    .await;
    let login_report = match &login {
        Some(req) => Some(crate::verify::login::run(&mut c, http, &deployed, req).await),
        None => None,
    };
    let openmetadata = json!({
        "url": om_url,
        "version": found.version.as_ref().map(|v| v.reported.clone()),
        "release_line": server::line_for(&found, ctx.settings.om_version_given().map(|(v, _)| v))
            .line()
            .name(),
    });
    report_live(path, &kc, &c.0, &openmetadata, login_report.as_ref(), ctx)
}

/// The password of the `--login` user: `--login-password-file`, `OMSSO_LOGIN_PASSWORD`, or
/// the prompt.
fn login_request(user: &str, file: Option<PathBuf>) -> Result<login::Request> {
    let origin = file
        .as_ref()
        .map(|_| Source::Flag("--login-password-file".to_string()));
    let source = SecretSource::pick(
        "login password",
        "OMSSO_LOGIN_PASSWORD",
        file,
        origin.as_ref(),
    );
    let password = source.read_with_prompt(&format!("password of {user} (Keycloak): "))?;
    Ok(login::Request {
        user: user.to_string(),
        password,
    })
}

fn report_live(
    path: &Path,
    kc: &KeycloakOf,
    checks: &[report::Check],
    openmetadata: &serde_json::Value,
    login: Option<&login::Report>,
    ctx: &Context,
) -> Result<()> {
    let failed = report::failed(checks);
    let counts = report::Counts::of(checks);
    let doc = json!({
        "ok": failed.is_empty(),
        "file": path.display().to_string(),
        "keycloak": kc.base,
        "realm": kc.realm,
        "openmetadata": openmetadata,
        "counts": counts,
        "checks": checks,
        "login": login,
    });
    ctx.ui.emit(&doc, || {
        format!(
            "{}: live checks against Keycloak {} (realm `{}`) and the running OpenMetadata\n{}{counts}\n",
            path.display(),
            kc.base,
            kc.realm,
            report::text(checks),
        )
    });
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Error::CheckFailed(format!(
            "{} of {} live checks failed: {}",
            failed.len(),
            checks.len(),
            failed.join(", ")
        )))
    }
}

fn lint_files(files: &[PathBuf], kind: Option<FileKind>, ctx: &Context) -> Result<()> {
    // Read and classify every file before reporting anything, so a typo in the last path
    // fails the whole command up front instead of after a partial report.
    let mut inputs = Vec::new();
    for path in files {
        let text = read(path)?;
        let kind = kind
            .or_else(|| FileKind::detect(&text))
            .ok_or_else(|| VerifyError::UnknownKind { path: path.clone() })?;
        inputs.push((display(path), kind, text));
    }
    // SOPS files are also decrypted and checked as `sops -d` would, with the age identities
    // sops uses, when any are set.
    let identities = if inputs.iter().any(|(_, k, _)| *k == FileKind::Sops) {
        crate::sops::sops_identities()?
    } else {
        None
    };
    let release = Release::new(ctx.settings.om_version(), ctx.settings.helm_chart_version());
    let reports: Vec<FileReport> = inputs
        .into_iter()
        .map(|(path, kind, text)| {
            let findings = match kind.auth() {
                Some(auth) => lint::lint(&text, auth, &release),
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
    let warnings: usize = reports.iter().map(|r| r.warnings).sum();
    let infos: usize = reports.iter().map(|r| r.infos).sum();
    let doc = json!({
        "ok": errors == 0,
        "errors": errors,
        "warnings": warnings,
        "infos": infos,
        "om_version": release.version.to_string(),
        "chart_version": release.chart.version.to_string(),
        "files": reports,
    });
    ctx.ui.emit(&doc, || text_report(&reports, &release));
    if errors > 0 {
        let files = reports.iter().filter(|r| r.errors > 0).count();
        return Err(Error::CheckFailed(format!(
            "{errors} {} in {files} {}",
            plural(errors, "error"),
            plural(files, "file")
        )));
    }
    Ok(())
}

fn text_report(reports: &[FileReport], release: &Release) -> String {
    let mut out = String::new();
    for r in reports {
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
        let summary = if r.findings.is_empty() {
            "no findings".to_string()
        } else {
            format!(
                "{} {}, {} {}, {} info",
                r.errors,
                plural(r.errors, "error"),
                r.warnings,
                plural(r.warnings, "warning"),
                r.infos
            )
        };
        // A SOPS file is judged by SOPS's format, not by a release.
        let target = match r.kind {
            FileKind::Helm => format!(" for chart {}", release.chart.version),
            FileKind::Sops => String::new(),
            _ => format!(" for OpenMetadata {}", release.version),
        };
        out.push_str(&format!(
            "{} ({}{target}): {summary}\n",
            r.path,
            r.kind.label()
        ));
    }
    out
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
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
