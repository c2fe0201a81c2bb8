//! `omsso run`: the whole job in one command: ensure → fetch → render → seal → verify, for
//! one environment or (`--all-envs`) every environment of the settings file at once.

use std::rc::Rc;

use serde::Serialize;
use serde_json::{json, Value};

use super::{keycloak as kc_cmd, render as render_cmd, seal as seal_cmd, Context};
use crate::cli::RunArgs;
use crate::error::{Error, Exit, Result};
use crate::keycloak::{self, Desired};
use crate::render::Target;
use crate::seal;
use crate::verify::live;

/// A file the run left in the output folder.
#[derive(Debug, Serialize)]
struct FileEntry {
    path: String,
    /// `0600` or `0644`.
    mode: String,
    /// `written`, `unchanged` or `kept`.
    status: &'static str,
}

/// What one environment's run did, step by step.
#[derive(Debug, Default, Serialize)]
struct Report {
    #[serde(skip_serializing_if = "Option::is_none")]
    environment: Option<String>,
    ok: bool,
    /// `--dry-run`: the plan only, nothing changed or written.
    dry_run: bool,
    /// `ensure`, `fetch`, `render`, `seal`, `verify` → what each did (absent: skipped).
    steps: serde_json::Map<String, Value>,
    files: Vec<FileEntry>,
    /// HTTP requests sent to Keycloak, by method (token requests apart).
    #[serde(skip_serializing_if = "Option::is_none")]
    requests: Option<keycloak::RequestCounts>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<Value>,
}

impl Report {
    fn step(&mut self, ctx: &Context, name: &str, summary: String, detail: Value) {
        ctx.ui.step(format!("{name:<7} {summary}"));
        self.steps.insert(name.to_string(), detail);
    }
}

pub async fn run(args: RunArgs, ctx: &Context) -> Result<()> {
    if args.all_envs {
        return all_envs(&args, ctx).await;
    }
    let mut report = Report {
        environment: ctx.settings.env_name.clone(),
        dry_run: args.dry_run,
        ..Report::default()
    };
    let result = pipeline(&args, ctx, &mut report).await;
    report.ok = result.is_ok();
    match result {
        // A failed verify still produced the whole report: show it, then fail with exit 3.
        Ok(()) | Err(Error::CheckFailed(_)) => {
            ctx.ui.emit(&report, || summary_text(&report));
            result
        }
        Err(e) => Err(e),
    }
}

async fn pipeline(args: &RunArgs, ctx: &Context, report: &mut Report) -> Result<()> {
    let settings = &ctx.settings;
    // Everything that can be checked offline is checked before Keycloak is touched.
    let realm = settings.realm()?.to_string();
    keycloak::check_realm(&realm)?;
    let desired = if args.no_ensure {
        None
    } else {
        Some(Desired::from_settings(settings, args.create_realm)?)
    };
    let sealing = seal_wanted(args, ctx);
    if sealing {
        seal::resolve_target(
            &settings.seal_recipients(),
            args.handoff.target.passphrase,
            args.handoff.target.passphrase_file.as_deref(),
        )?;
    }

    if settings.client_type() == crate::settings::ClientType::Confidential {
        // SOPS recipients (settings or .sops.yaml) that cannot be used fail before Keycloak.
        render_cmd::sops_recipients(ctx)?;
    }

    let session = kc_cmd::connect(ctx, args.connect).await?;
    let result = steps(args, ctx, &session, desired.as_ref(), sealing, report).await;
    report.requests = Some(session.requests());
    result
}

async fn steps(
    args: &RunArgs,
    ctx: &Context,
    session: &keycloak::Session,
    desired: Option<&Desired>,
    sealing: bool,
    report: &mut Report,
) -> Result<()> {
    let settings = &ctx.settings;
    let realm = settings.realm()?.to_string();
    if let Some(desired) = desired {
        let (plan, applied) = kc_cmd::converge(session, desired, !args.dry_run, ctx).await?;
        let text = kc_cmd::plan_text(&plan, applied.is_some());
        let summary = text
            .lines()
            .next()
            .unwrap_or_default()
            .trim_end_matches(':');
        report.step(
            ctx,
            "ensure",
            summary.to_string(),
            json!({
                "action": if plan.up_to_date() { json!("none") } else { json!(plan.action()) },
                "changes": plan.changes(),
                "applied": applied.is_some(),
            }),
        );
        if args.dry_run {
            if !ctx.ui.json() {
                crate::output::print_stdout(text.trim_end());
            }
            return Ok(());
        }
    }

    let credentials = keycloak::fetch_credentials(session, &realm, settings.client_id()).await?;
    kc_cmd::warn_type_mismatch(&credentials, ctx);
    report.step(
        ctx,
        "fetch",
        format!(
            "credentials of {} client `{}`; authority {}",
            credentials.client_type, credentials.client_id, credentials.issuer
        ),
        json!({
            "client_id": credentials.client_id,
            "client_type": credentials.client_type,
            "issuer": credentials.issuer,
        }),
    );

    let rendered = render_cmd::render_files(
        credentials.clone(),
        Target::All,
        args.templates.as_deref(),
        ctx,
    )?;
    let written = render_cmd::write_files(
        &rendered.files,
        args.handoff.force,
        credentials.client_secret.as_ref(),
        ctx,
    )?;
    let changed = written
        .iter()
        .filter(|w| matches!(w.status, crate::render::write::Status::Written))
        .count();
    report.step(
        ctx,
        "render",
        format!(
            "{} files for OpenMetadata {} ({changed} written, {} unchanged)",
            written.len(),
            rendered.input.version,
            written.len() - changed
        ),
        json!({ "om_version": rendered.input.version.to_string(), "warnings": rendered.warnings }),
    );
    report.files.extend(written.iter().map(|w| FileEntry {
        path: w.path.display().to_string(),
        mode: w.mode.clone(),
        status: match w.status {
            crate::render::write::Status::Written => "written",
            crate::render::write::Status::Unchanged => "unchanged",
        },
    }));

    if sealing {
        seal_step(args, ctx, &credentials, report)?;
    }

    if args.no_verify {
        return Ok(());
    }
    let yaml = rendered
        .files
        .iter()
        .find(|f| f.rel_path == std::path::Path::new("openmetadata.yaml"))
        .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
        .unwrap_or_default();
    let deployed = live::Deployed::from_yaml(&yaml).map_err(|reason| {
        crate::verify::VerifyError::NotOpenMetadataConfig {
            path: settings.out_dir().join("openmetadata.yaml"),
            reason,
        }
    })?;
    let checks = live::run(session, &realm, &deployed).await?;
    let failed: Vec<&str> = checks
        .iter()
        .filter(|c| c.status == live::Status::Fail)
        .map(|c| c.name)
        .collect();
    let summary = if failed.is_empty() {
        format!("{} live checks passed", checks.len())
    } else {
        format!("FAILED: {}", failed.join(", "))
    };
    report.step(ctx, "verify", summary, json!({ "checks": checks }));
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Error::CheckFailed(format!(
            "{} of {} live checks failed: {} (see `omsso verify`)",
            failed.len(),
            checks.len(),
            failed.join(", ")
        )))
    }
}

/// Seal when recipients are configured or given, or a passphrase is asked for.
fn seal_wanted(args: &RunArgs, ctx: &Context) -> bool {
    let r = ctx.settings.seal_recipients();
    !r.recipients.is_empty()
        || !r.files.is_empty()
        || args.handoff.target.passphrase
        || args.handoff.target.passphrase_file.is_some()
}

fn seal_step(
    args: &RunArgs,
    ctx: &Context,
    credentials: &crate::credentials::Credentials,
    report: &mut Report,
) -> Result<()> {
    let path = args
        .handoff
        .output_file
        .clone()
        .unwrap_or_else(|| ctx.settings.out_dir().join(seal::DEFAULT_FILE_NAME));
    // age output differs on every seal, so an existing handoff is kept as it is: re-running
    // leaves every file byte-identical. But only when it was sealed for what the settings ask
    // now (recipients, passphrase, armor, signature); otherwise it is refused, like a rendered
    // file that differs. A changed secret already needs --force to replace the rendered
    // files, and that same --force re-seals.
    if path.symlink_metadata().is_ok() && !args.handoff.force {
        let target = seal::resolve_target(
            &ctx.settings.seal_recipients(),
            args.handoff.target.passphrase,
            args.handoff.target.passphrase_file.as_deref(),
        )?;
        seal::reuse::check(
            &path,
            &seal::reuse::Wanted {
                target: &target,
                armor: !args.handoff.binary,
                sign_with: args.handoff.sign_with.as_deref(),
            },
        )?;
        let mut kept = vec![path.clone()];
        kept.extend(
            [seal::signature_path(&path), seal::reuse::record_path(&path)]
                .into_iter()
                .filter(|p| p.exists()),
        );
        for f in &kept {
            report.files.push(FileEntry {
                path: f.display().to_string(),
                mode: mode_of(f),
                status: "kept",
            });
        }
        report.step(
            ctx,
            "seal",
            format!("kept {} (--force seals it again)", path.display()),
            json!({ "file": path.display().to_string(), "kept": true }),
        );
        return Ok(());
    }
    let sealed = seal_cmd::seal_credentials(credentials, &args.handoff, ctx)?;
    let mut files = vec![sealed.file.clone()];
    files.extend(sealed.signature.clone());
    files.extend(sealed.record.clone());
    for f in files {
        report.files.push(FileEntry {
            mode: mode_of(&f),
            path: f.display().to_string(),
            status: "written",
        });
    }
    report.step(
        ctx,
        "seal",
        sealed.text.lines().next().unwrap_or_default().to_string(),
        sealed.doc,
    );
    Ok(())
}

fn mode_of(path: &std::path::Path) -> String {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .map(|m| format!("{:04o}", m.permissions().mode() & 0o777))
        .unwrap_or_else(|_| "?".to_string())
}

fn summary_text(report: &Report) -> String {
    let mut out = String::new();
    if let Some(env) = &report.environment {
        out.push_str(&format!("environment {env}: "));
    }
    out.push_str(match (report.ok, report.dry_run) {
        (true, true) => "dry run: nothing was changed or written\n",
        (true, false) => "done\n",
        (false, _) => "FAILED\n",
    });
    for f in &report.files {
        out.push_str(&format!("  {:<44} {}  {}\n", f.path, f.mode, f.status));
    }
    out
}

/// Runs every environment of the settings file, at most `--jobs` at a time. One failing
/// environment does not stop the others; the exit code is the worst one.
async fn all_envs(args: &RunArgs, ctx: &Context) -> Result<()> {
    let names = ctx.settings.environments()?;
    if names.is_empty() {
        return Err(crate::settings::SettingsError::NoEnvironments.into());
    }
    let limit = Rc::new(tokio::sync::Semaphore::new(args.jobs.max(1)));
    let runs = names.iter().map(|name| {
        let limit = Rc::clone(&limit);
        async move {
            let _permit = limit.acquire().await.expect("semaphore open");
            let ui = ctx.ui.tagged(name);
            let mut report = Report {
                environment: Some(name.clone()),
                dry_run: args.dry_run,
                ..Report::default()
            };
            let result = match ctx.resolver.resolve(Some(name)) {
                Ok(settings) => {
                    let env_ctx = Context {
                        settings,
                        ui: ui.clone(),
                        resolver: Rc::clone(&ctx.resolver),
                    };
                    pipeline(args, &env_ctx, &mut report).await
                }
                Err(e) => Err(e.into()),
            };
            report.ok = result.is_ok();
            if let Err(e) = &result {
                ui.error_lines(e);
                report.error = Some(json!({
                    "message": e.to_string(),
                    "hint": e.hint(),
                    "exit_code": e.exit() as u8,
                }));
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
    let reports: Vec<&Report> = results.iter().map(|(r, _)| r).collect();
    let doc = json!({ "ok": failed.is_empty(), "environments": reports });
    ctx.ui.emit(&doc, || {
        reports.iter().map(|r| summary_text(r)).collect::<String>()
    });
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
