//! One module per subcommand; each turns parsed arguments + settings into work and a report.

mod apply;
pub mod completions;
mod config;
pub mod error;
mod hints;
mod keycloak;
mod keygen;
mod open;
mod progress;
mod remove_admin;
pub mod render;
mod run;
mod seal;
mod source;
mod verify;

use crate::cli::Command;
use crate::commands::error::Result;
use crate::output::Ui;
use crate::settings::Settings;

/// Everything a command needs besides its own arguments.
pub struct Context {
    pub settings: Settings,
    pub ui: Ui,
    /// Resolves the settings again for another environment (`run --all-envs`).
    pub resolver: std::rc::Rc<Resolver>,
    /// The admin logins to Keycloak made while the command runs (`run --all-envs` logs in
    /// once per Keycloak and principal, not once per environment).
    pub logins: crate::keycloak::Logins,
}

/// The inputs of [`Settings::resolve`], kept to resolve another environment's settings.
pub struct Resolver {
    pub config: Option<std::path::PathBuf>,
    /// The settings given as flags and env vars.
    pub given: crate::settings::Given,
}

impl Resolver {
    pub fn resolve(&self, env: Option<&str>) -> Result<Settings, crate::settings::SettingsError> {
        Settings::resolve(self.config.as_deref(), env, &self.given)
    }
}

pub async fn dispatch(command: Command, ctx: Context) -> Result<()> {
    match command {
        Command::Config(c) => config::run(c, &ctx),
        Command::Keycloak(c) => keycloak::run(c, &ctx).await,
        Command::Verify(args) => verify::run(args, &ctx).await,
        Command::Apply(args) => apply::run(args, &ctx).await,
        Command::RemoveDefaultAdmin(args) => remove_admin::run(args, &ctx).await,
        Command::Completions(args) => completions::completions(args.shell),
        Command::Man => completions::man(),
        Command::Render(args) => render::run(args, &ctx).await,
        Command::Run(a) => run::run(a, &ctx).await,
        Command::Seal(a) => seal::run(a, &ctx).await,
        Command::Open(a) => open::run(a, &ctx),
        Command::Keygen(a) => keygen::run(a, &ctx),
    }
}
