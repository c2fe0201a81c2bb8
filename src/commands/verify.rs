//! `omsso verify`: with `--file`, the static lint of existing configuration files. Without it,
//! the live checks against Keycloak (not built yet: a usage error until they are).

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::json;

use super::Context;
use crate::cli::VerifyArgs;
use crate::error::{Error, Result};
use crate::verify::{lint, Finding, Kind, Severity, VerifyError};

/// One linted file.
#[derive(Debug, Serialize)]
struct FileReport {
    path: String,
    kind: Kind,
    errors: usize,
    warnings: usize,
    infos: usize,
    findings: Vec<Finding>,
}

pub fn run(args: VerifyArgs, ctx: &Context) -> Result<()> {
    if args.files.is_empty() {
        return Err(VerifyError::NoFile.into());
    }
    // Read and classify every file before reporting anything, so a typo in the last path
    // fails the whole command up front instead of after a partial report.
    let mut inputs = Vec::new();
    for path in &args.files {
        let text = read(path)?;
        let kind = args
            .kind
            .or_else(|| Kind::detect(&text))
            .ok_or_else(|| VerifyError::UnknownKind { path: path.clone() })?;
        inputs.push((display(path), kind, text));
    }
    let reports: Vec<FileReport> = inputs
        .into_iter()
        .map(|(path, kind, text)| {
            let findings = lint::lint(&text, kind);
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
        "files": reports,
    });
    ctx.ui.emit(&doc, || text_report(&reports));
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

fn text_report(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for r in reports {
        for f in &r.findings {
            let at = match f.line {
                Some(l) => format!("{}:{l}", r.path),
                None => r.path.clone(),
            };
            out.push_str(&format!(
                "{at}: {}[{}] {}\n    hint: {}\n",
                f.severity.label(),
                f.check,
                f.message,
                f.hint
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
        out.push_str(&format!("{} ({}): {summary}\n", r.path, r.kind.label()));
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

fn read(path: &PathBuf) -> Result<String, VerifyError> {
    let mut bytes = Vec::new();
    let res = if path.as_os_str() == "-" {
        std::io::stdin().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::read(path).map(|b| bytes = b)
    };
    res.map_err(|source| VerifyError::Read {
        path: path.clone(),
        source,
    })?;
    String::from_utf8(bytes).map_err(|_| VerifyError::NotText { path: path.clone() })
}
