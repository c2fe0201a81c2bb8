//! `omsso render`.

use std::path::PathBuf;

use clap::Args;

use super::SourceArgs;
use crate::render::Target;

#[derive(Debug, Args)]
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
    /// Replace OpenMetadata's JWT key pair: every token it issued stops working
    ///
    /// Every bot token and personal access token the server issued stops working. The plan
    /// is shown first; the files that change are replaced only with --force.
    #[arg(long, conflicts_with = "stdout")]
    pub rotate_jwt_keys: bool,
    /// Folder of your own templates
    ///
    /// Its files replace the built-in templates of the same name
    #[arg(long, env = "OMSSO_TEMPLATES", value_name = "DIR")]
    pub templates: Option<PathBuf>,
    #[command(flatten)]
    pub source: SourceArgs,
}
