//! `omsso run`: the whole job.

use std::path::PathBuf;

use clap::Args;

use super::{ConnectArgs, HandoffArgs, OmTokenArgs};

const RUN_HELP: &str = "\
Steps: ensure (skip with --no-ensure; --dry-run prints the plan and stops) -> fetch -> render
(every target into the output folder) -> seal (when recipients are configured or given, or
--passphrase) -> apply (with --apply: push the security configuration to OpenMetadata 1.10+,
as `omsso apply`) -> verify (live checks; skip with --no-verify). The verify line counts ok,
warn, skip and FAIL apart; only ok counts as passed. The checks include OpenMetadata's back
door (its JWT key; the default admin with OMSSO_OM_TOKEN or --om-token-file); in the run that
makes the key pair they warn with the next steps instead of failing.

A second run changes nothing in Keycloak and leaves every file byte-identical: an existing
sealed handoff is kept unless --force, which also replaces rendered files that differ.

Exit codes: 0 done, 1 runtime failure, 2 configuration error, 3 a live check failed. With
--all-envs: the worst code of all environments.";

#[derive(Debug, Args)]
#[command(after_help = RUN_HELP)]
pub struct RunArgs {
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Use the client as it is in Keycloak (no create or update)
    #[arg(long, conflicts_with_all = ["dry_run", "create_realm"])]
    pub no_ensure: bool,
    /// Print the ensure plan and stop; nothing is changed or written
    #[arg(long)]
    pub dry_run: bool,
    /// Create the realm when it does not exist
    #[arg(long)]
    pub create_realm: bool,
    /// Skip the live checks at the end
    #[arg(long)]
    pub no_verify: bool,
    /// Push the security configuration to OpenMetadata after rendering
    ///
    /// As `omsso apply`, to the running OpenMetadata 1.10+; token: OMSSO_OM_TOKEN,
    /// --om-token-file or the prompt
    #[arg(long, conflicts_with = "dry_run")]
    pub apply: bool,
    #[command(flatten)]
    pub om_token: OmTokenArgs,
    /// Folder of your own templates
    ///
    /// Its files replace the built-in templates of the same name
    #[arg(long, env = "OMSSO_TEMPLATES", value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Run every environment of the settings file, concurrently
    #[arg(long, conflicts_with = "env_name")]
    pub all_envs: bool,
    /// With --all-envs: how many environments run at once
    #[arg(long, default_value_t = 4, value_name = "N", requires = "all_envs")]
    pub jobs: usize,
    #[command(flatten)]
    pub handoff: HandoffArgs,
}
