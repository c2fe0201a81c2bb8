//! `omsso render`: credentials + settings → OpenMetadata's auth configuration files. The work
//! lives in `crate::pipeline::render`; this module turns the arguments into its inputs.

use std::path::PathBuf;

use super::Context;
use crate::commands::error::Result;
use crate::output;
use crate::pipeline::render::{self, Render, RenderOutput};
use crate::render::write::Status;
use crate::render::Target;

#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// What to render
    #[arg(long, value_enum, default_value = "all", value_name = "TARGET")]
    pub target: Target,
    /// Print the rendered file on stdout instead of writing it (targets with one file)
    #[arg(long, conflicts_with = "force")]
    pub stdout: bool,
    /// Replace existing files that differ from what omsso would write
    #[arg(long)]
    pub force: bool,
    /// Folder whose files replace the built-in templates of the same name
    #[arg(long, env = "OMSSO_TEMPLATES", value_name = "DIR")]
    pub templates: Option<PathBuf>,
    #[command(flatten)]
    pub source: crate::cli::SourceArgs,
}

pub async fn run(args: RenderArgs, ctx: &Context) -> Result<()> {
    let input = Render {
        target: args.target,
        templates: args.templates.clone(),
        force: args.force,
        to_stdout: args.stdout,
        source: super::source::source(&args.source),
        insecure: args.source.connect.insecure,
    };
    let report = match render::render(&ctx.settings, &ctx.ui, &input).await? {
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
                let secret = if w.holds_secret {
                    ", holds the client secret"
                } else {
                    ""
                };
                format!("{verb} {} ({}{secret})\n", w.path.display(), w.mode)
            })
            .collect()
    });
    Ok(())
}
