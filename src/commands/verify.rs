//! `omsso verify`: with `--file`, the static lint of existing configuration files; without it,
//! the live checks of the rendered openmetadata.yaml against the Keycloak it names (with an
//! admin login when one is given, else the checks that need none), and `--login USER`. The
//! work lives in `crate::pipeline::verify`.

use super::Context;
use crate::cli::VerifyArgs;
use crate::commands::error::{Error, Result};
use crate::hint::Opt;
use crate::pipeline::verify::{self, plural, Live};
use crate::settings::{SecretSource, Source};

pub async fn run(args: VerifyArgs, ctx: &Context) -> Result<()> {
    if args.files.is_empty() {
        return live(args, ctx).await;
    }
    let report = verify::lint_files(&ctx.settings, &args.files, args.kind)?;
    ctx.ui.report(&report);
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
        )
        .file_option(Opt::LoginPasswordFile);
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
    let report = verify::live(&ctx.settings, &ctx.ui, &input, &ctx.logins).await?;
    ctx.ui.report(&report);
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
