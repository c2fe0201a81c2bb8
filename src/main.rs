//! omsso: thin entry point. Parse, set up output, run the command, map errors to exit codes.

mod cli;
mod commands;
mod credentials;
mod error;
mod keycloak;
mod output;
mod render;
mod seal;
mod settings;
mod verify;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use crate::error::{Error, Exit};

fn main() -> ExitCode {
    let matches = cli::Cli::command().get_matches();
    let cli = match cli::Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let ui = output::Ui::new(&cli.global);
    output::init_logging(cli.global.verbose, cli.global.quiet);

    // These describe the CLI itself: a broken omsso.yaml must not stop them.
    let early = match &cli.command {
        cli::Command::Completions(a) => Some(commands::completions::completions(a.shell)),
        cli::Command::Man => Some(commands::completions::man()),
        _ => None,
    };
    let result = early.unwrap_or_else(|| {
        let resolver = commands::Resolver {
            config: cli.global.config.clone(),
            args: cli.settings,
            matches,
        };
        resolver
            .resolve(cli.global.env_name.as_deref())
            .map_err(Error::from)
            .and_then(|settings| {
                let ctx = commands::Context {
                    settings,
                    ui: ui.clone(),
                    resolver: std::rc::Rc::new(resolver),
                };
                run(commands::dispatch(cli.command, ctx))
            })
    });

    match result {
        Ok(()) => Exit::Ok.into(),
        Err(e) => {
            ui.error(&e);
            e.exit().into()
        }
    }
}

/// Runs a command on a single-threaded runtime (the work is I/O-bound) and turns Ctrl-C into
/// a clean exit: temporary files in flight are removed, finished files are left as they are.
fn run(fut: impl std::future::Future<Output = error::Result<()>>) -> error::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(async {
        tokio::select! {
            r = fut => r,
            _ = tokio::signal::ctrl_c() => {
                output::files::remove_in_flight();
                eprintln!("interrupted");
                std::process::exit(130);
            }
        }
    })
}
