//! `omsso seal`: the credentials → an age-encrypted handoff file (+ an optional signature).
//! The work lives in `crate::pipeline::seal`; this module turns the arguments into its inputs.

use super::Context;
use crate::cli::{HandoffArgs, SealArgs};
use crate::commands::error::Result;
use crate::hint::Opt;
use crate::pipeline::{fetch, seal};
use crate::seal::SIGN_PASSPHRASE_ENV;
use crate::settings::{SecretSource, Source};

pub async fn run(args: SealArgs, ctx: &Context) -> Result<()> {
    let source = super::source::source(&args.source);
    let credentials = fetch::credentials(&ctx.settings, &ctx.ui, &source, &ctx.logins).await?;
    let report = seal::seal(
        &ctx.settings,
        &ctx.ui,
        &credentials,
        &handoff(&args.handoff),
    )?;
    ctx.ui.report(&report);
    Ok(())
}

/// The pipeline's seal options from the command line (also `run`'s).
pub fn handoff(args: &HandoffArgs) -> seal::Handoff {
    seal::Handoff {
        passphrase: args.target.passphrase,
        passphrase_file: args
            .target
            .passphrase_file
            .clone()
            .map(|p| (p, Source::Flag("--passphrase-file".into()))),
        passphrase_file_option: Opt::PassphraseFile,
        armor: !args.binary,
        yes: args.yes,
        note: args.note.clone(),
        expires_in_days: args.expires_in,
        output_file: args.output_file.clone(),
        force: args.force,
        sign_with: args.sign_with.clone(),
        sign_passphrase: SecretSource::pick(
            "signing key passphrase",
            SIGN_PASSPHRASE_ENV,
            args.sign_passphrase_file.clone(),
            Some(&Source::Flag("--sign-passphrase-file".into())),
        )
        .file_option(Opt::SignPassphraseFile),
    }
}
