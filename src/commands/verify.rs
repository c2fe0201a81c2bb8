//! `omsso verify`: with `--file`, the static lint of existing configuration files; without it,
//! the live checks of the rendered openmetadata.yaml against Keycloak.

use crate::input::{self, Accept};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::json;

use super::Context;
use crate::cli::{ConnectArgs, VerifyArgs};
use crate::error::{Error, Result};
use crate::openmetadata::Release;
use crate::output::one_line;
use crate::verify::{lint, live, sops_secret, FileKind, Finding, Severity, VerifyError};

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
            .unwrap_or_else(|| ctx.settings.out_dir().join("openmetadata.yaml"));
        return live(&path, args.connect, ctx).await;
    }
    lint_files(&args.files, args.kind, ctx)
}

/// Checks an openmetadata.yaml against the live Keycloak.
pub async fn live(path: &Path, connect: ConnectArgs, ctx: &Context) -> Result<()> {
    let text = read(path).map_err(|e| match e {
        VerifyError::Read { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            VerifyError::NotOpenMetadataConfig {
                path: path.to_path_buf(),
                reason: "no such file".to_string(),
            }
        }
        other => other,
    })?;
    let deployed =
        live::Deployed::from_yaml(&text).map_err(|reason| VerifyError::NotOpenMetadataConfig {
            path: path.to_path_buf(),
            reason,
        })?;
    let realm = ctx.settings.realm()?.to_string();
    // A name Keycloak cannot serve fails here, not as a confusing check result. (`master` is
    // allowed: verify reports on whatever is deployed.)
    crate::keycloak::realm_name::check_name(&realm)?;
    let session = super::keycloak::connect(ctx, connect).await?;
    let checks = live::run(&session, &realm, &deployed).await?;
    report_live(path, &checks, ctx)
}

fn report_live(path: &Path, checks: &[live::Check], ctx: &Context) -> Result<()> {
    let failed: Vec<&str> = checks
        .iter()
        .filter(|c| c.status == live::Status::Fail)
        .map(|c| c.name)
        .collect();
    let doc = json!({
        "ok": failed.is_empty(),
        "file": path.display().to_string(),
        "checks": checks,
    });
    ctx.ui.emit(&doc, || {
        let mut out = format!("{}: live checks against Keycloak\n", path.display());
        for c in checks {
            let mark = match c.status {
                live::Status::Pass => "ok  ",
                live::Status::Fail => "FAIL",
                live::Status::Warn => "warn",
            };
            // Details quote the file and Keycloak's answers: one line each.
            out.push_str(&format!(
                "  {mark} {:<26} {}\n",
                c.name,
                one_line(&c.detail)
            ));
            if let Some(h) = &c.hint {
                out.push_str(&format!("       hint: {}\n", one_line(h)));
            }
        }
        out
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
