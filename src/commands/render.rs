//! `omsso render`: credentials + settings → OpenMetadata's auth configuration files. The work
//! lives in `crate::pipeline::render`; this module turns the arguments into its inputs.

use super::Context;
use crate::cli::RenderArgs;
use crate::commands::error::Result;
use crate::output;
use crate::pipeline::render::{self, Render, RenderOutput};
use crate::render::write::Status;

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
    ctx.ui.emit(&report, || {
        report
            .files
            .iter()
            .map(|w| {
                let verb = match w.status {
                    Status::Written => "wrote",
                    Status::Unchanged => "unchanged",
                };
                let secret = match (w.holds_secret, w.path.file_name()) {
                    (false, _) => "",
                    // The private key file and the Secret that carries it.
                    (true, Some(name)) if name == "private_key.der" || name == "jwt-keys.yaml" => {
                        ", holds OpenMetadata's JWT private key"
                    }
                    (true, _) => ", holds the client secret",
                };
                format!("{verb} {} ({}{secret})\n", w.path.display(), w.mode)
            })
            .collect()
    });
    Ok(())
}
