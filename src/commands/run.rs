//! `omsso run`: the whole job in one command: ensure → fetch → render → seal → verify, for
//! one environment or (`--all-envs`) every environment of the settings file at once.

use std::rc::Rc;

use serde::Serialize;
use serde_json::{json, Value};

use super::{keycloak as kc_cmd, render as render_cmd, seal as seal_cmd, Context};
use crate::cli::RunArgs;
use crate::commands::error::{Error, Result};
use crate::exit::{Diagnose, Exit};
use crate::keycloak::probe::Http;
use crate::keycloak::{self, Desired};
use crate::render::Target;
use crate::seal;
use crate::verify::deployed::{Deployed, KeycloakOf};
use crate::verify::{live, report, server};

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
    settings.realm()?;
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
    // --apply: the token, and a configured release without the security API, fail here too.
    let om_token = if args.apply {
        if let Some((v, _)) = settings.om_version_given() {
            if !v.line().has_security_api() {
                return Err(crate::omapi::OmError::LineWithoutApi {
                    version: v.to_string(),
                    hint: crate::openmetadata::api::how_to_deploy(v.line()),
                }
                .into());
            }
        }
        Some(super::apply::read_token(&args.om_token)?)
    } else {
        None
    };

    let session = kc_cmd::connect(ctx, args.connect).await?;
    let result = steps(
        args,
        ctx,
        &session,
        desired.as_ref(),
        sealing,
        om_token,
        report,
    )
    .await;
    report.requests = Some(session.requests());
    result
}

async fn steps(
    args: &RunArgs,
    ctx: &Context,
    session: &keycloak::Session,
    desired: Option<&Desired>,
    sealing: bool,
    om_token: Option<secrecy::SecretString>,
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

    // The running OpenMetadata, where render finds it too (its own Http: `requests` counts
    // Keycloak's only).
    let om_url = match settings.om_url() {
        Ok(u) => Some(u.as_str().trim_end_matches('/').to_string()),
        Err(_) => credentials.openmetadata_url.clone(),
    };
    let om_http = Http::new(settings.timeout(), settings.cacert(), args.connect.insecure)?;
    let version = super::om_release::resolve(ctx, om_url.as_deref(), args.connect.insecure).await;
    let rendered = render_cmd::render_files(
        credentials.clone(),
        Target::All,
        args.templates.as_deref(),
        version,
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

    let yaml = rendered
        .files
        .iter()
        .find(|f| f.rel_path == std::path::Path::new("openmetadata.yaml"))
        .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
        .unwrap_or_default();
    let deployed = Deployed::from_yaml(&yaml).map_err(|reason| {
        crate::verify::VerifyError::NotOpenMetadataConfig {
            path: settings.out_dir().join("openmetadata.yaml"),
            reason,
        }
    })?;
    if let Some(token) = om_token {
        let om_url = om_url
            .as_deref()
            .ok_or_else(|| settings.missing_error("openmetadata.url"))?;
        apply_step(ctx, &om_http, om_url, &deployed, token, report).await?;
    }
    if args.no_verify {
        return Ok(());
    }
    let kc = KeycloakOf {
        base: session.base().to_string(),
        realm: realm.clone(),
    };
    let net = live::Net {
        http: session.http(),
        admin: Some(session),
    };
    let mut checks = live::run(&net, &kc, &deployed).await?;
    // The server cannot run what was just written unless it was applied.
    let expect = if args.apply {
        server::Expect::Deployed
    } else {
        server::Expect::JustRendered
    };
    let mut c = report::Checks(std::mem::take(&mut checks));
    server::run(
        &mut c,
        &om_http,
        om_url.as_deref(),
        &deployed.blocks,
        settings.om_version_given(),
        expect,
    )
    .await;
    let checks = c.0;
    let failed = report::failed(&checks);
    let counts = report::Counts::of(&checks);
    // Only ok counts as passed: warnings and skips are named in the line, not hidden in it.
    let summary = if failed.is_empty() {
        report::summary_line(&checks)
    } else {
        format!("FAILED: {} ({counts})", failed.join(", "))
    };
    report.step(
        ctx,
        "verify",
        summary,
        json!({ "counts": counts, "checks": checks }),
    );
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

/// `--apply`: validate → replace → read back, as `omsso apply`.
async fn apply_step(
    ctx: &Context,
    http: &Http,
    om_url: &str,
    deployed: &Deployed,
    token: secrecy::SecretString,
    report: &mut Report,
) -> Result<()> {
    let path = ctx.settings.out_dir().join("openmetadata.yaml");
    let body = super::apply::security_body(&deployed.blocks, &path)?;
    match super::apply::apply(ctx, http, om_url, &body, token, false).await {
        Ok(applied) => {
            let text = super::apply::text(&path, &applied);
            report.step(
                ctx,
                "apply",
                text.trim_end().to_string(),
                serde_json::to_value(&applied).unwrap_or_default(),
            );
            Ok(())
        }
        Err(super::apply::Refusal::Validation(applied)) => {
            let count = applied.validation.as_ref().map_or(0, |v| v.errors.len());
            // The field errors on stderr with the progress, then the error.
            ctx.ui.step(super::apply::text(&path, &applied).trim_end());
            Err(crate::omapi::OmError::ValidationFailed { count }.into())
        }
        Err(super::apply::Refusal::Error(e)) => Err(e),
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
