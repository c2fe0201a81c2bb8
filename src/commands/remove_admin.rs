//! `omsso remove-default-admin`: delete OpenMetadata's basic-auth default admin behind a plan,
//! a confirmation and the lockout guard (see `crate::pipeline::remove_admin`).

use super::apply::token_source;
use super::Context;
use crate::cli::RemoveAdminArgs;
use crate::commands::error::Result;
use crate::pipeline::remove_admin::{self, RemoveAdmin};

pub async fn run(args: RemoveAdminArgs, ctx: &Context) -> Result<()> {
    let input = RemoveAdmin {
        token: token_source(&args.token),
        dry_run: args.dry_run,
        yes: args.yes,
        insecure: args.connect.insecure,
    };
    let report = remove_admin::remove_default_admin(&ctx.settings, &ctx.ui, &input).await?;
    ctx.ui.report(&report);
    Ok(())
}
