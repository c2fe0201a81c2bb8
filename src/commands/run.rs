//! `omsso run`: the whole job in one command: ensure → fetch → render → seal → verify, for
//! one environment or (`--all-envs`) every environment of the settings file at once. The
//! steps are `crate::pipeline::run`; this module turns the arguments into its inputs, runs
//! the environments and prints the reports.

use std::rc::Rc;

use super::Context;
use crate::cli::RunArgs;
use crate::commands::error::{Error, Result};
use crate::exit::{Diagnose, Exit};
use crate::keycloak::Logins;
use crate::output::{Report, Ui};
use crate::pipeline::run::{self as steps, EnvironmentsReport, ErrorDoc, Run, RunReport};
use crate::settings::Settings;

fn input(args: &RunArgs) -> Run {
    Run {
        insecure: args.connect.insecure,
        ensure: !args.no_ensure,
        create_realm: args.create_realm,
        dry_run: args.dry_run,
        verify: !args.no_verify,
        apply_token: args
            .apply
            .then(|| super::apply::token_source(&args.om_token)),
        check_token: super::apply::given_token(&args.om_token),
        templates: args.templates.clone(),
        handoff: super::seal::handoff(&args.handoff),
    }
}

pub async fn run(args: RunArgs, ctx: &Context) -> Result<()> {
    if args.all_envs {
        return all_envs(&args, ctx).await;
    }
    let (report, result) = one(&ctx.settings, &ctx.ui, &input(&args), &ctx.logins).await;
    match result {
        // A failed verify still produced the whole report: show it, then fail with exit 3.
        Ok(()) | Err(Error::CheckFailed(_)) => {
            ctx.ui.report(&report);
            result
        }
        Err(e) => Err(e),
    }
}

/// One environment's run; a dry run's plan is printed as soon as it is known.
async fn one(
    settings: &Settings,
    ui: &Ui,
    input: &Run,
    logins: &Logins,
) -> (RunReport, Result<()>) {
    let (report, result) = steps::run(settings, ui, input, logins).await;
    if let Some(plan) = report.steps.ensure.as_ref().filter(|_| input.dry_run) {
        if !ui.json() {
            crate::output::print_stdout(plan.text().trim_end());
        }
    }
    (report, result)
}

/// Runs every environment of the settings file, at most `--jobs` at a time. One failing
/// environment does not stop the others; the exit code is the worst one.
async fn all_envs(args: &RunArgs, ctx: &Context) -> Result<()> {
    let names = ctx.settings.environments()?;
    if names.is_empty() {
        return Err(crate::settings::SettingsError::NoEnvironments.into());
    }
    let input = input(args);
    let limit = Rc::new(tokio::sync::Semaphore::new(args.jobs.max(1)));
    let runs = names.iter().map(|name| {
        let (limit, input) = (Rc::clone(&limit), &input);
        async move {
            let _permit = limit.acquire().await.expect("semaphore open");
            let ui = ctx.ui.tagged(name);
            let env = Some(name.clone());
            // Each environment's settings, complete before any of its requests.
            let resolved = ctx.resolver.resolve(Some(name)).and_then(|settings| {
                settings.check_required(&crate::cli::run_required(args))?;
                Ok(settings)
            });
            let (mut report, result) = match resolved {
                Ok(settings) => one(&settings, &ui, input, &ctx.logins).await,
                Err(e) => (RunReport::new(env, args.dry_run), Err(e.into())),
            };
            if let Err(e) = &result {
                ui.error_lines(e);
                report.error = Some(ErrorDoc {
                    exit_code: e.exit() as u8,
                    hint: e.hint().map(|h| h.to_string()),
                    message: e.message(),
                });
            }
            (report, result.err().map(|e| e.exit()))
        }
    });
    let results = futures_util::future::join_all(runs).await;

    let failed: Vec<&str> = results
        .iter()
        .filter(|(r, _)| !r.ok)
        .filter_map(|(r, _)| r.environment.as_deref())
        .collect();
    let worst = results
        .iter()
        .filter_map(|(_, exit)| *exit)
        .max_by_key(|e| severity(*e));
    let doc = EnvironmentsReport {
        environments: results.iter().map(|(r, _)| r).collect(),
        ok: failed.is_empty(),
    };
    ctx.ui.report(&doc);
    match worst {
        None => Ok(()),
        Some(exit) => Err(Error::Several(
            format!(
                "{} of {} environments failed: {}",
                failed.len(),
                names.len(),
                failed.join(", ")
            ),
            exit,
        )),
    }
}

/// How bad an exit code is when several runs are summed up in one: a check that ran and
/// found problems < a run that broke < a configuration that cannot run at all.
fn severity(e: Exit) -> u8 {
    match e {
        Exit::Ok => 0,
        Exit::CheckFailed => 1,
        Exit::Runtime => 2,
        Exit::Usage => 3,
    }
}
