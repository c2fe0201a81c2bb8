//! `omsso verify`: with `--file`, the static lint of existing configuration files; without it,
//! the live checks of the rendered openmetadata.yaml against the Keycloak it names (with an
//! admin login when one is given, else the checks that need none), and `--login USER`. The
//! work lives in `crate::pipeline::verify`.

use super::Context;
use crate::cli::VerifyArgs;
use crate::commands::error::{Error, Result};
use crate::lint::FileKind;
use crate::openmetadata::Release;
use crate::output::one_line;
use crate::pipeline::verify::{self, FileReport, Live};
use crate::settings::{SecretSource, Source};

pub async fn run(args: VerifyArgs, ctx: &Context) -> Result<()> {
    if args.files.is_empty() {
        return live(args, ctx).await;
    }
    let report = verify::lint_files(&ctx.settings, &args.files, args.kind)?;
    ctx.ui
        .emit(&report, || text_report(&report.files, &report.release));
    if report.errors > 0 {
        let files = report.files.iter().filter(|r| r.errors > 0).count();
        return Err(Error::CheckFailed(format!(
            "{} {} in {files} {}",
            report.errors,
            plural(report.errors, "error"),
            plural(files, "file")
        )));
    }
    Ok(())
}

/// Checks an openmetadata.yaml against the live Keycloak its authority names.
async fn live(args: VerifyArgs, ctx: &Context) -> Result<()> {
    let login = args.login.clone().map(|user| {
        // The password of the `--login` user: `--login-password-file`, `OMSSO_LOGIN_PASSWORD`,
        // or the prompt.
        let file = args.login_password_file.clone();
        let origin = file
            .as_ref()
            .map(|_| Source::Flag("--login-password-file".to_string()));
        let source = SecretSource::pick(
            "login password",
            "OMSSO_LOGIN_PASSWORD",
            file,
            origin.as_ref(),
        );
        (user, source)
    });
    let input = Live {
        path: args
            .om_config
            .clone()
            .unwrap_or_else(|| ctx.settings.out_dir().join("openmetadata.yaml")),
        login,
        insecure: args.connect.insecure,
        // Given, or nothing: verify never prompts for the token.
        om_token: super::apply::given_token(&args.token),
    };
    let report = verify::live(&ctx.settings, &ctx.ui, &input).await?;
    ctx.ui.emit(&report, || report.text());
    let failed = report.failed();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Error::CheckFailed(format!(
            "{} of {} live checks failed: {}",
            failed.len(),
            report.checks.len(),
            failed.join(", ")
        )))
    }
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
