//! `omsso open FILE`: decrypt a handoff, check its signature and content, and show what it
//! holds (the secret only with `--show-secret`), optionally as a credentials file.

use super::Context;
use crate::cli::OpenArgs;
use crate::commands::error::Result;
use crate::pipeline::open::{self, Open, OpenReport};
use crate::seal::OpenOptions;

pub fn run(args: OpenArgs, ctx: &Context) -> Result<()> {
    let mut options = OpenOptions::new(
        args.identities.clone(),
        args.identity_passphrase_file.clone(),
        args.passphrase_file.clone(),
    );
    options.signers = args.signers.clone();
    options.signature = args.signature.clone();
    options.signer = args.signer.clone();
    options.expect_client_id = args.expect_client_id.clone();
    let input = Open {
        file: args.file.clone(),
        options,
        write_credentials: args.write_credentials.clone(),
        force: args.force,
    };
    let (opened, expired) = open::open(
        &ctx.ui,
        &input,
        "the sender's signature was not checked: pass --signers ALLOWED_SIGNERS",
    )?;
    let report = OpenReport::new(&input, &opened, expired, args.show_secret);
    ctx.ui.emit(&report, || {
        open::text(&args.file, &opened, expired, args.show_secret)
    });
    Ok(())
}
