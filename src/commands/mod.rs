//! One module per subcommand; each turns parsed arguments + settings into work and a report.

pub mod completions;
mod config;
mod keycloak;
mod keygen;
mod open;
pub mod render;
mod seal;
mod verify;

use crate::cli::Command;
use crate::error::Result;
use crate::output::Ui;
use crate::settings::Settings;

/// Everything a command needs besides its own arguments.
pub struct Context {
    pub settings: Settings,
    pub ui: Ui,
}

pub async fn dispatch(command: Command, ctx: Context) -> Result<()> {
    match command {
        Command::Config(c) => config::run(c, &ctx),
        Command::Keycloak(c) => keycloak::run(c, &ctx).await,
        Command::Verify(args) => verify::run(args, &ctx).await,
        Command::Completions(args) => completions::completions(args.shell),
        Command::Man => completions::man(),
        Command::Render(args) => render::run(args, &ctx),
        Command::Seal(a) => seal::run(a, &ctx),
        Command::Open(a) => open::run(a, &ctx),
        Command::Keygen(a) => keygen::run(a, &ctx),
    }
}
