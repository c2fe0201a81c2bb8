//! omsso: thin entry point. Parse, set up output, run the command, map errors to exit codes.

use std::process::ExitCode;

use clap::FromArgMatches;

use omsso::commands::error::{self, Error};
use omsso::exit::{Diagnose, Exit};
use omsso::{cli, commands, output};

fn main() -> ExitCode {
    // Before anything reads a secret (see src/process.rs for why the whole run).
    let hardened = omsso::process::harden();
    let matches = cli::command().get_matches();
    let cli = match cli::Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let ui = output::Ui::new(cli.global.output_options());
    if let Err(e) = hardened {
        ui.warn(format!(
            "cannot turn off core dumps ({e}): a crash could write secrets to a core file"
        ));
    }
    if let Err(e) = output::interrupt::install() {
        // Still usable: an interrupt then ends omsso without removing its temporary files.
        ui.warn(format!("cannot handle Ctrl-C: {e}"));
    }
    output::init_logging(cli.global.verbose, cli.global.quiet);
    if let Err(e) = cli::check_flags(&matches, &cli.command) {
        ui.error(&e);
        return e.exit().into();
    }

    // These describe the CLI itself: a broken omsso.yaml must not stop them.
    let early = match &cli.command {
        cli::Command::Completions(a) => Some(commands::completions::completions(a.shell)),
        cli::Command::Man => Some(commands::completions::man()),
        _ => None,
    };
    let result = early.unwrap_or_else(|| {
        let resolver = commands::Resolver {
            config: cli.global.config.clone(),
            given: cli::given(&matches),
        };
        resolver
            .resolve(cli.global.env_name.as_deref())
            .and_then(|settings| {
                // Everything the command cannot run without, at once, before any request.
                settings.check_required(&cli::required(&cli.command))?;
                Ok(settings)
            })
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

/// Runs a command on a single-threaded runtime (the work is I/O-bound). Signals are handled
/// by [`output::interrupt`], on a thread of their own.
fn run(fut: impl std::future::Future<Output = error::Result<()>>) -> error::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(fut)
}
