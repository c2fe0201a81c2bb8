//! `omsso apply`: push a rendered security configuration to a running OpenMetadata 1.10+
//! through its own API (see `crate::pipeline::apply`).

use super::Context;
use crate::cli::{ApplyArgs, OmTokenArgs};
use crate::commands::error::Result;
use crate::hint::Opt;
use crate::pipeline::apply::{self, Apply, Refusal};
use crate::settings::{SecretSource, Source};

pub async fn run(args: ApplyArgs, ctx: &Context) -> Result<()> {
    let input = Apply {
        path: args
            .om_config
            .clone()
            .unwrap_or_else(|| ctx.settings.out_dir().join("openmetadata.yaml")),
        dry_run: args.dry_run,
        insecure: args.connect.insecure,
        token: token_source(&args.token),
    };
    match apply::apply_file(&ctx.settings, &ctx.ui, &input).await {
        Ok(report) => {
            ctx.ui.report(&report);
            Ok(())
        }
        Err(Refusal::Validation(report)) => {
            ctx.ui.report(&report);
            Err(report.refused())
        }
        Err(Refusal::Error(e)) => Err(e),
    }
}

/// The admin token's source when one was given (`--om-token-file`, `OMSSO_OM_TOKEN`), never
/// the prompt: the live checks run without it.
pub fn given_token(args: &OmTokenArgs) -> Option<SecretSource> {
    Some(token_source(args)).filter(|s| !s.prompts() && s.describe().is_some())
}

/// Where the admin token comes from: `--om-token-file`, `OMSSO_OM_TOKEN`, or the prompt.
pub fn token_source(args: &OmTokenArgs) -> SecretSource {
    let origin = args
        .om_token_file
        .as_ref()
        .map(|_| Source::Flag("--om-token-file".to_string()));
    SecretSource::pick(
        "OpenMetadata admin token",
        "OMSSO_OM_TOKEN",
        args.om_token_file.clone(),
        origin.as_ref(),
    )
    .file_option(Opt::OmTokenFile)
}
