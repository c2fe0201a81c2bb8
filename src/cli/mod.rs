//! Command-line definitions only: no behaviour lives here. Settings flags are global so they
//! can follow any subcommand (`omsso keycloak ensure --realm dev`).

use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

mod check;
mod handoff;
mod keycloak;
mod reads;
mod render;
mod run;
mod settings;

pub use check::{ApplyArgs, OmTokenArgs, RemoveAdminArgs, VerifyArgs};
pub use handoff::{HandoffArgs, KeygenArgs, OpenArgs, SealArgs, SealTargetArgs, SourceArgs};
pub use keycloak::{
    ConnectArgs, CredentialsArgs, EnsureArgs, FetchArgs, KeycloakCommand, RotateArgs,
};
pub use reads::{command_path, required, run_required, NotRead};
pub use render::RenderArgs;
pub use run::RunArgs;
pub use settings::given;

/// The whole command line: the derived commands plus the settings flags from the settings
/// table. Each command shows the settings it reads; the top level takes every settings flag
/// too (`omsso --realm dev keycloak ensure`) without listing them.
pub fn command() -> clap::Command {
    build(Shape::Parse)
}

/// [`command`] for the man page, whose one page lists every setting at the top level.
pub fn command_for_man() -> clap::Command {
    build(Shape::Man)
}

/// [`command`] for shell completions, which offer each command only the settings it reads
/// (they would offer hidden flags too).
pub fn command_for_completions() -> clap::Command {
    build(Shape::Completions)
}

#[derive(Clone, Copy, PartialEq)]
enum Shape {
    Parse,
    Man,
    Completions,
}

fn build(shape: Shape) -> clap::Command {
    let all: Vec<&str> = crate::settings::SETTINGS.iter().map(|s| s.key).collect();
    let top = match shape {
        Shape::Parse => Cli::command().args(settings::args(&[])),
        Shape::Man => Cli::command().args(settings::args(&all)),
        Shape::Completions => Cli::command(),
    };
    let top = top
        .after_help(SETTINGS_HELP)
        .after_long_help(format!("{EXIT_CODES}\n\n{SETTINGS_HELP}"));
    with_settings(top, "", shape)
}

const SETTINGS_HELP: &str = "\
Settings: flag > OMSSO_* env var > omsso.yaml > default. `omsso <command> --help` lists the
settings a command reads; docs/SETTINGS.md lists them all; `omsso config show` shows their values.";

/// What `-h` says in place of a command's settings flags (`--help` lists them).
fn settings_short_help(reads: &[&str]) -> Option<String> {
    let mut sections: Vec<&str> = Vec::new();
    for s in crate::settings::SETTINGS
        .iter()
        .filter(|s| reads.contains(&s.key))
    {
        if !sections.contains(&s.section()) {
            sections.push(s.section());
        }
    }
    if sections.is_empty() {
        return None;
    }
    let names: Vec<String> = sections.iter().map(|s| format!("{s}.*")).collect();
    Some(format!(
        "Settings ({}): `--help` lists their flags; docs/SETTINGS.md all of them; \
`omsso config show` their values.",
        names.join(", ")
    ))
}

/// A command's `-h`: its own options and the names of its settings sections; its settings
/// flags and its longer text (`after_help`: steps, examples, exit codes) stay in `--help`.
fn short_help(cmd: clap::Command, reads: &[&str]) -> clap::Command {
    let Some(settings) = settings_short_help(reads) else {
        return cmd;
    };
    let long = match (cmd.get_after_long_help(), cmd.get_after_help()) {
        (Some(long), _) | (None, Some(long)) => Some(long.clone()),
        (None, None) => None,
    };
    let cmd = cmd.after_help(settings);
    match long {
        Some(long) => cmd.after_long_help(long),
        // Without its own text, --help would repeat the -h line below the flags it names.
        None => cmd.after_long_help(""),
    }
}

/// Adds the settings arguments to every leaf command below `cmd` (whose path is `path`).
fn with_settings(mut cmd: clap::Command, path: &str, shape: Shape) -> clap::Command {
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        let sub_path = if path.is_empty() {
            name.clone()
        } else {
            format!("{path} {name}")
        };
        cmd = cmd.mut_subcommand(&name, |sub| {
            if sub.has_subcommands() {
                with_settings(sub, &sub_path, shape)
            } else {
                let reads = reads::reads(&sub_path);
                let args = settings::args(&reads);
                if shape == Shape::Completions {
                    sub.args(args.filter(|a| !a.is_hide_set()))
                } else {
                    short_help(sub, &reads).args(args)
                }
            }
        });
    }
    cmd
}

/// Refuses a settings flag the command does not read (env vars and file keys are fine).
pub fn check_flags(matches: &clap::ArgMatches) -> Result<(), NotRead> {
    settings::unread_flag(matches, &command_path(matches))
}

pub const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  runtime failure (network, Keycloak, OpenMetadata, file system)
  2  usage or configuration error, or OpenMetadata refused apply (nothing was changed)
  3  a check found a difference or a failure (ensure --check, verify,
     open --expect-client-id)

Secrets are never taken as flag values: use OMSSO_ADMIN_PASSWORD / OMSSO_ADMIN_CLIENT_SECRET,
OMSSO_SEAL_PASSPHRASE / OMSSO_IDENTITY_PASSPHRASE / OMSSO_SIGN_PASSPHRASE, OMSSO_LOGIN_PASSWORD,
OMSSO_OM_TOKEN, a --...-file option (`-` reads stdin), or answer the prompt on a terminal.";

#[derive(Debug, Parser)]
#[command(
    name = "omsso",
    version,
    about = "OpenMetadata + Keycloak SSO: provision the client, render the config, seal the handoff",
    long_about = "omsso automates OpenMetadata's Keycloak SSO guide: it creates or updates the \
OpenMetadata client in a Keycloak realm, fetches its credentials and the realm's OIDC endpoints, \
renders openmetadata.yaml / docker env / Helm values, and seals the client ID and secret with age \
for the Collate team.",
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum OutputFormat {
    /// Human-readable text
    #[default]
    Text,
    /// One JSON document on stdout, stable field names
    Json,
}

impl GlobalArgs {
    /// The output options the rest of omsso knows.
    pub fn output_options(&self) -> crate::output::Options {
        crate::output::Options {
            format: match self.format {
                OutputFormat::Text => crate::output::Format::Text,
                OutputFormat::Json => crate::output::Format::Json,
            },
            quiet: self.quiet,
            no_color: self.no_color,
        }
    }
}

/// The options every command takes, under their own heading so that a command's `-h` shows its
/// own options first. `--format` and `--environment` were `--output` and `--env`: a
/// newcomer read `--output` as the place to write (beside `-o/--output-file`) and `--env` as
/// the docker env file (`--target env`). The old spellings stay as hidden aliases for one
/// release (docs/GUIDE.md, "Global options").
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Project settings file
    #[arg(long, global = true, env = "OMSSO_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// An `environments:` entry of the settings file
    ///
    /// Its keys overlay the file's base sections.
    #[arg(
        long = "environment",
        alias = "env",
        global = true,
        env = "OMSSO_ENV",
        value_name = "NAME"
    )]
    pub env_name: Option<String>,
    /// More detail on stderr (-v, -vv)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Only errors on stderr
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Result format on stdout
    #[arg(
        long,
        alias = "output",
        global = true,
        value_enum,
        default_value_t,
        value_name = "FORMAT"
    )]
    pub format: OutputFormat,
    /// No colours, even on a terminal (NO_COLOR is honoured too)
    #[arg(long, global = true)]
    pub no_color: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Inspect the resolved settings
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Provision the OpenMetadata client in Keycloak and read its credentials
    #[command(subcommand)]
    Keycloak(KeycloakCommand),
    /// Write OpenMetadata's auth config (openmetadata.yaml, env file, Helm values)
    ///
    /// And the Helm Secret, from the client's credentials: read from Keycloak (admin login),
    /// or from a file (--credentials)
    Render(RenderArgs),
    /// The whole job: ensure the client, fetch, render, seal, verify
    ///
    /// Ensure the client, fetch its credentials, render, seal, verify.
    Run(RunArgs),
    /// Encrypt the client credentials for the Collate team (age), optionally signed
    Seal(SealArgs),
    /// Decrypt and check a sealed handoff bundle
    Open(OpenArgs),
    /// Create an age identity file to receive sealed handoffs
    ///
    /// Prints its public key.
    Keygen(KeygenArgs),
    /// Check an OpenMetadata auth configuration live, or lint files (--file)
    ///
    /// Without --file, against the live Keycloak; with --file, offline.
    Verify(VerifyArgs),
    /// Push the security configuration to a running OpenMetadata 1.10+
    ///
    /// Validate, save, read back.
    Apply(ApplyArgs),
    /// Delete OpenMetadata's basic-auth default admin (with a lockout guard)
    ///
    /// Only once an SSO admin can administer the server; shows the plan, then asks.
    RemoveDefaultAdmin(RemoveAdminArgs),
    /// Print a shell completion script on stdout
    Completions(CompletionsArgs),
    /// Print omsso's man page (roff) on stdout
    Man,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Install, for example:
  omsso completions bash > ~/.local/share/bash-completion/completions/omsso
  omsso completions zsh  > ~/.zfunc/_omsso      # with fpath+=~/.zfunc before compinit
  omsso completions fish > ~/.config/fish/completions/omsso.fish")]
pub struct CompletionsArgs {
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the resolved settings and where each value came from (secrets redacted)
    Show,
}
