//! One module per subcommand; each turns parsed arguments + settings into work and a report.

mod config;
pub mod render;

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
        Command::Render(args) => render::run(args, &ctx),
    }
}
