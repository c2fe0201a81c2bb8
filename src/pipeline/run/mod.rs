//! run: the whole job for one environment: ensure → fetch → render → seal → (apply) → verify.
//! Everything that can be checked offline is checked before Keycloak is touched; the running
//! OpenMetadata is asked for its version once, and the seal target is decided once.

use std::path::{Path, PathBuf};

use secrecy::SecretString;

mod report;

use super::{apply, ensure, fetch, release, render, seal, Error, Progress, Result};
use crate::credentials::Credentials;
use crate::http::Http;
use crate::keycloak::{Desired, Session};
use crate::omapi::{Client, OmError, ServerVersion};
use crate::render::write::Status;
use crate::render::Target as Files;
use crate::settings::{ClientType, SecretSource, Settings};
use crate::verify::deployed::{Deployed, KeycloakOf};
use crate::verify::{back_door, live, report as checks, server};

use report::file_entry;
use report::{EnsureStep, FetchStep, RenderStep, SealStep, VerifyStep};
pub use report::{EnvironmentsReport, ErrorDoc, RunReport};

/// The inputs of [`run`] besides the settings.
pub struct Run {
    /// Certificate checks off.
    pub insecure: bool,
    /// Converge the Keycloak client first.
    pub ensure: bool,
    pub create_realm: bool,
    /// The plan only: nothing changed or written.
    pub dry_run: bool,
    /// Run the live checks at the end.
    pub verify: bool,
    /// Apply the configuration through OpenMetadata's API, with this admin token.
    pub apply_token: Option<SecretSource>,
    /// OpenMetadata's admin token for the default-admin check, when one was given without
    /// `apply_token` (never prompted for, as `verify`).
    pub check_token: Option<SecretSource>,
    pub templates: Option<PathBuf>,
    pub handoff: seal::Handoff,
}

/// One progress line per step: its name, then what it did.
fn step(progress: &dyn Progress, name: &str, summary: &str) {
    progress.step(&format!("{name:<7} {summary}"));
}

/// What the offline checks decided, for the steps.
struct Prepared {
    desired: Option<Desired>,
    target: Option<crate::seal::Target>,
    om_token: Option<SecretString>,
    /// The admin token the live checks use: the apply token, else the one given for them.
    check_token: Option<SecretString>,
}

/// Runs one environment, filling `report` as the steps go (it is complete, and worth showing,
/// when the verify step fails with [`Error::CheckFailed`]).
pub async fn run(
    settings: &Settings,
    progress: &dyn Progress,
    args: &Run,
    report: &mut RunReport,
) -> Result<()> {
    let prepared = prepare(settings, args)?;
    let session = ensure::connect(settings, progress, args.insecure).await?;
    let result = steps(settings, progress, args, &session, prepared, report).await;
    report.requests = Some(session.requests());
    result
}

/// Everything that can be checked offline, before Keycloak is touched.
fn prepare(settings: &Settings, args: &Run) -> Result<Prepared> {
    settings.realm()?;
    let desired = match args.ensure {
        true => Some(Desired::from_settings(settings, args.create_realm)?),
        false => None,
    };
    let target = match args.handoff.wanted(settings) {
        true => Some(args.handoff.target(settings)?),
        false => None,
    };
    if settings.client_type() == ClientType::Confidential {
        // SOPS recipients (settings or .sops.yaml) that cannot be used fail before Keycloak.
        render::sops_recipients(settings)?;
    }
    // Applying: the token, and a configured release without the security API, fail here too.
    let om_token = match &args.apply_token {
        Some(source) => {
            if let Some((v, _)) = settings.om_version_given() {
                if !v.line().has_security_api() {
                    return Err(OmError::LineWithoutApi {
                        version: v.to_string(),
                        hint: crate::openmetadata::api::how_to_deploy(v.line()),
                    }
                    .into());
                }
            }
            Some(source.read()?)
        }
        None => None,
    };
    let check_token = match (&om_token, &args.check_token) {
        (Some(token), _) => Some(token.clone()),
        (None, Some(source)) if args.verify && !args.dry_run => Some(source.read()?),
        (None, _) => None,
    };
    Ok(Prepared {
        desired,
        target,
        om_token,
        check_token,
    })
}

async fn steps(
    settings: &Settings,
    progress: &dyn Progress,
    args: &Run,
    session: &Session,
    prepared: Prepared,
    report: &mut RunReport,
) -> Result<()> {
    if let Some(desired) = &prepared.desired {
        ensure_step(progress, args, session, desired, report).await?;
        if args.dry_run {
            return Ok(());
        }
    }
    let credentials = fetch_step(settings, progress, session, report).await?;
    let mut om = OpenMetadata::ask(settings, args, &credentials).await?;
    om.token = prepared.check_token;
    let rendered = render_step(settings, progress, args, &om, credentials.clone(), report)?;
    if let Some(target) = prepared.target {
        seal_step(settings, progress, args, &credentials, target, report)?;
    }
    if let Some(token) = prepared.om_token {
        let om_url = om
            .url
            .as_deref()
            .ok_or_else(|| settings.missing_error("openmetadata.url"))?;
        apply_step(
            settings,
            progress,
            &om,
            om_url,
            &rendered.deployed,
            token,
            report,
        )
        .await?;
    }
    if !args.verify {
        return Ok(());
    }
    verify_step(settings, progress, args, session, om, &rendered, report).await
}

async fn ensure_step(
    progress: &dyn Progress,
    args: &Run,
    session: &Session,
    desired: &Desired,
    report: &mut RunReport,
) -> Result<()> {
    let (plan, applied) = ensure::converge(session, desired, !args.dry_run, progress).await?;
    let mode = match applied {
        Some(_) => ensure::Mode::Apply,
        None => ensure::Mode::DryRun,
    };
    let text = ensure::plan_text(&plan, mode);
    let summary = text
        .lines()
        .next()
        .unwrap_or_default()
        .trim_end_matches(':');
    step(progress, "ensure", summary);
    report.steps.ensure = Some(EnsureStep {
        action: plan.action(),
        applied: applied.is_some(),
        changes: plan.changes(),
    });
    if args.dry_run {
        report.plan = Some(text.trim_end().to_string());
    }
    Ok(())
}

async fn fetch_step(
    settings: &Settings,
    progress: &dyn Progress,
    session: &Session,
    report: &mut RunReport,
) -> Result<Credentials> {
    let credentials = fetch::over(session, settings, progress).await?;
    step(
        progress,
        "fetch",
        &format!(
            "credentials of {} client `{}`; authority {}",
            credentials.client_type, credentials.client_id, credentials.issuer
        ),
    );
    report.steps.fetch = Some(FetchStep {
        client_id: credentials.client_id.clone(),
        client_type: credentials.client_type,
        issuer: credentials.issuer.clone(),
    });
    Ok(credentials)
}

/// The running OpenMetadata: where it is, and what it said when asked for its version (once).
struct OpenMetadata {
    url: Option<String>,
    /// Its own client: `requests` counts Keycloak's only.
    http: Http,
    /// `None`: not asked (no URL).
    answer: Option<Result<Option<ServerVersion>, OmError>>,
    /// Its admin token, for the live checks, when one was given.
    token: Option<SecretString>,
}

impl OpenMetadata {
    async fn ask(
        settings: &Settings,
        args: &Run,
        credentials: &Credentials,
    ) -> Result<OpenMetadata> {
        let url = match settings.om_url() {
            Ok(u) => Some(u.as_str().trim_end_matches('/').to_string()),
            Err(_) => credentials.openmetadata_url.clone(),
        };
        let http = Http::new(settings.timeout(), settings.cacert(), args.insecure)?;
        // Rendering alone waits briefly (it runs where no OpenMetadata is, too); the checks
        // and the apply that follow would wait for the server anyway.
        let answer = match &url {
            Some(url) if args.verify || args.apply_token.is_some() => {
                Some(Client::new(&http, url).version().await)
            }
            Some(url) => {
                let probe = Http::new(
                    settings.timeout().min(release::PROBE_TIMEOUT),
                    settings.cacert(),
                    args.insecure,
                )?;
                Some(Client::new(&probe, url).version().await)
            }
            None => None,
        };
        Ok(OpenMetadata {
            url,
            http,
            answer,
            token: None,
        })
    }

    /// The server's version, when it answered with one.
    fn version(&self) -> Option<&ServerVersion> {
        self.answer.as_ref()?.as_ref().ok()?.as_ref()
    }
}

/// What the live checks read of the rendering.
struct Rendered {
    /// The openmetadata.yaml as the live checks read it.
    deployed: Deployed,
    /// OpenMetadata's JWT key pair was made by this run: no server can serve it yet.
    key_made: bool,
}

/// Renders every file for the release the server runs (or the configured one), writes them,
/// and returns what the live checks read of them.
fn render_step(
    settings: &Settings,
    progress: &dyn Progress,
    args: &Run,
    om: &OpenMetadata,
    credentials: Credentials,
    report: &mut RunReport,
) -> Result<Rendered> {
    if let (Some(url), Some(Err(e))) = (&om.url, &om.answer) {
        tracing::info!("no release from OpenMetadata at {url}: {e}");
    }
    let version = match &om.url {
        Some(url) => release::decide(settings, progress, url, om.version()),
        None => settings.om_version(),
    };
    let rendered = render::render_files(
        settings,
        progress,
        credentials,
        Files::All,
        args.templates.as_deref(),
        version,
        super::jwt::KeyUse::Write,
    )?;
    let secret = rendered.input.credentials.client_secret.as_ref();
    let written = render::write_files(
        settings,
        progress,
        &rendered.files,
        args.handoff.force,
        secret,
    )?;
    let changed = written
        .iter()
        .filter(|w| w.status == Status::Written)
        .count();
    step(
        progress,
        "render",
        &format!(
            "{} files for OpenMetadata {} ({changed} written, {} unchanged)",
            written.len(),
            rendered.input.version,
            written.len() - changed
        ),
    );
    report.steps.render = Some(RenderStep {
        om_version: rendered.input.version.to_string(),
        warnings: rendered.warnings,
    });
    for w in &written {
        report.files.push(file_entry(w));
    }
    let yaml = rendered
        .files
        .iter()
        .find(|f| f.rel_path == Path::new("openmetadata.yaml"))
        .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
        .unwrap_or_default();
    let deployed = Deployed::from_yaml(&yaml).map_err(|reason| {
        crate::verify::VerifyError::NotOpenMetadataConfig {
            path: settings.out_dir().join("openmetadata.yaml"),
            reason,
        }
    })?;
    Ok(Rendered {
        deployed,
        key_made: rendered.jwt_made,
    })
}

/// Seals the handoff, or keeps the one already there: age output differs on every seal, so
/// keeping it leaves every file of a re-run byte-identical. A changed secret already needs
/// `force` to replace the rendered files, and that same `force` seals again.
fn seal_step(
    settings: &Settings,
    progress: &dyn Progress,
    args: &Run,
    credentials: &Credentials,
    target: crate::seal::Target,
    report: &mut RunReport,
) -> Result<()> {
    let path = args.handoff.path(settings);
    if path.symlink_metadata().is_ok() && !args.handoff.force {
        for f in seal::keep_existing(&path, &target, &args.handoff)? {
            report.file(&f, "kept");
        }
        step(
            progress,
            "seal",
            &format!(
                "kept {} ({} seals it again)",
                path.display(),
                progress.option(crate::pipeline::Opt::Force)
            ),
        );
        report.steps.seal = Some(SealStep::Kept {
            file: path.display().to_string(),
            kept: true,
        });
        return Ok(());
    }
    let sealed = seal::seal_to(settings, progress, credentials, &args.handoff, target)?;
    for f in &sealed.written {
        report.file(f, "written");
    }
    step(
        progress,
        "seal",
        sealed.text.lines().next().unwrap_or_default(),
    );
    report.steps.seal = Some(SealStep::Sealed(Box::new(sealed)));
    Ok(())
}

/// Validate → replace → read back, as `omsso apply`.
async fn apply_step(
    settings: &Settings,
    progress: &dyn Progress,
    om: &OpenMetadata,
    om_url: &str,
    deployed: &Deployed,
    token: SecretString,
    report: &mut RunReport,
) -> Result<()> {
    let path = settings.out_dir().join("openmetadata.yaml");
    let body = apply::security_body(&deployed.blocks, &path)?;
    let server = match &om.answer {
        Some(Ok(v)) => v.clone(),
        _ => None,
    };
    match apply::apply_known(
        settings, progress, &om.http, om_url, server, &body, token, false,
    )
    .await
    {
        Ok(applied) => {
            step(progress, "apply", apply::text(&path, &applied).trim_end());
            report.steps.apply = Some(applied);
            Ok(())
        }
        Err(apply::Stopped::Validation(applied)) => {
            // The field errors on stderr with the progress, then the error.
            progress.step(apply::text(&path, &applied).trim_end());
            let report = apply::ApplyReport::new(&path, applied);
            Err(report.refused())
        }
        Err(apply::Stopped::Error(e)) => Err(e),
    }
}

async fn verify_step(
    settings: &Settings,
    progress: &dyn Progress,
    args: &Run,
    session: &Session,
    mut om: OpenMetadata,
    rendered: &Rendered,
    report: &mut RunReport,
) -> Result<()> {
    let deployed = &rendered.deployed;
    let kc = KeycloakOf {
        base: session.base().to_string(),
        realm: settings.realm()?.to_string(),
    };
    let net = live::Net {
        http: session.http(),
        admin: Some(session),
    };
    let mut c = checks::Checks(live::run(&net, &kc, deployed).await?);
    // The server cannot run what was just written unless it was applied.
    let expect = match args.apply_token {
        Some(_) => server::Expect::Deployed,
        None => server::Expect::JustRendered,
    };
    server::run_answered(
        &mut c,
        &om.http,
        om.url.as_deref(),
        om.answer.take(),
        &deployed.blocks,
        settings.om_version_given(),
        expect,
    )
    .await;
    back_door_checks(&mut c, settings, progress, args, &om, rendered).await;
    let checks = c.0;
    let failed = checks::failed(&checks);
    let counts = checks::Counts::of(&checks);
    // Only ok counts as passed: warnings and skips are named in the line, not hidden in it.
    let summary = if failed.is_empty() {
        checks::summary_line(&checks)
    } else {
        format!("FAILED: {} ({counts})", failed.join(", "))
    };
    step(progress, "verify", &summary);
    let result = match failed.is_empty() {
        true => Ok(()),
        false => Err(Error::CheckFailed(format!(
            "{} of {} live checks failed: {} (see `omsso verify`)",
            failed.len(),
            checks.len(),
            failed.join(", ")
        ))),
    };
    report.steps.verify = Some(VerifyStep { checks, counts });
    result
}

/// OpenMetadata's back door, as `verify` checks it (its JWKS, and with a token the default
/// admin), but right after this run made the JWT key pair, judged as what it is: a key no
/// server can serve yet (`back_door::not_yet` says why that warns instead of failing).
async fn back_door_checks(
    c: &mut checks::Checks,
    settings: &Settings,
    progress: &dyn Progress,
    args: &Run,
    om: &OpenMetadata,
    rendered: &Rendered,
) {
    if let (Some(url), Some(_), None) = (&om.url, &om.token, &args.apply_token) {
        // The apply step already warned for its token.
        if let Some(w) = crate::http::cleartext_warning(url, "the OpenMetadata admin token") {
            progress.warn(&w);
        }
    }
    let inputs = back_door::Inputs {
        om_url: om.url.as_deref(),
        deployed: &rendered.deployed,
        file_dir: settings.out_dir(),
        token: om.token.clone(),
        expect: match rendered.key_made {
            true => server::Expect::JustRendered,
            false => server::Expect::Deployed,
        },
    };
    back_door::run(c, &om.http, inputs).await;
}
