//! `omsso render`: credentials + settings → OpenMetadata's auth configuration files. The work
//! lives in `crate::pipeline::render`; this module turns the arguments into its inputs.

use super::Context;
use crate::cli::RenderArgs;
use crate::commands::error::Result;
use crate::output;
use crate::pipeline::render::{self, Render, RenderOutput};

pub async fn run(args: RenderArgs, ctx: &Context) -> Result<()> {
    let input = Render {
        target: args.target,
        templates: args.templates.clone(),
        force: args.force,
        to_stdout: args.stdout,
        source: super::source::source(&args.source),
        insecure: args.source.connect.insecure,
        rotate_jwt_keys: args.rotate_jwt_keys,
    };
    let report = match render::render(&ctx.settings, &ctx.ui, &input, &ctx.logins).await? {
        RenderOutput::Stdout(bytes) => {
            output::write_stdout(&bytes);
            return Ok(());
        }
        RenderOutput::Written(report) => report,
    };
    ctx.ui.report(&report);
    Ok(())
}
