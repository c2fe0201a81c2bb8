//! run: the whole job for one environment: ensure → fetch → render → seal → (apply) → verify.
//! Everything that can be checked offline is checked before Keycloak is touched; the running
//! OpenMetadata is asked for its version once, and the seal is decided once. Each step returns
//! its part of the run's report, which [`Job::steps`] puts in place and shows as one line.

use std::path::{Path, PathBuf};

use secrecy::SecretString;

mod report;

use super::jwt::KeyUse;
use super::render::Rendering;
use super::{apply, ensure, fetch, release, render, seal, Error, Opt, Progress, Result};
use crate::credentials::Credentials;
use crate::http::Http;
use crate::keycloak::{Desired, Logins, Session};
use crate::omapi::{Client, OmError, ServerVersion};
use crate::output::Report;
use crate::render::write::Status;
use crate::render::Target as Files;
use crate::settings::table::OPENMETADATA_URL;
use crate::settings::{ClientType, SecretSource, Settings};
use crate::verify::deployed::{Deployed, KeycloakOf};
use crate::verify::{back_door, live, report as checks, server};

use report::{entry_of, file_entry, FileEntry};
pub use report::{EnvironmentsReport, ErrorDoc, RunReport};
use report::{FetchStep, KeptHandoff, RenderStep, SealStep, VerifyStep};

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

/// Runs one environment. The report holds every step that was done: it is complete, and worth
/// showing, when the verify step fails with [`Error::CheckFailed`].
pub async fn run(
    settings: &Settings,
    progress: &dyn Progress,
    args: &Run,
    logins: &Logins,
) -> (RunReport, Result<()>) {
    let job = Job {
        settings,
        progress,
        args,
        logins,
    };
    let mut report = RunReport::new(settings.env_name.clone(), args.dry_run);
    let result = job.all(&mut report).await;
    report.ok = result.is_ok();
    (report, result)
}

/// What every step of one run reads.
struct Job<'a> {
    settings: &'a Settings,
    progress: &'a dyn Progress,
    args: &'a Run,
    logins: &'a Logins,
}

/// What the offline checks decided, for the steps.
struct Prepared {
    desired: Option<Desired>,
    seal: Option<seal::Plan>,
    om_token: Option<SecretString>,
    /// The admin token the live checks use: the apply token, else the one given for them.
    check_token: Option<SecretString>,
}

/// What the render step leaves: its part of the report, the files it wrote, and the
/// openmetadata.yaml as the live checks read it.
struct Rendered {
    step: RenderStep,
    files: Vec<FileEntry>,
    deployed: Deployed,
    /// OpenMetadata's JWT key pair was made by this run: no server can serve it yet.
    key_made: bool,
}

impl Job<'_> {
    async fn all(&self, report: &mut RunReport) -> Result<()> {
        let prepared = self.prepare()?;
        let session = ensure::connect(
            self.settings,
            self.progress,
            self.args.insecure,
            self.logins,
        )
        .await?;
        let result = self.steps(&session, prepared, report).await;
        report.requests = Some(session.requests());
        result
    }

    /// Everything that can be checked offline, before Keycloak is touched.
    fn prepare(&self) -> Result<Prepared> {
        let (settings, args) = (self.settings, self.args);
        settings.realm()?;
        let desired = match args.ensure {
            true => Some(Desired::from_settings(settings, args.create_realm)?),
            false => None,
        };
        let seal = match args.handoff.wanted(settings) {
            true => Some(args.handoff.plan(settings)?),
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
            seal,
            om_token,
            check_token,
        })
    }

    /// The steps in order, each part put in `done` as it comes.
    async fn steps(
        &self,
        session: &Session,
        prepared: Prepared,
        done: &mut RunReport,
    ) -> Result<()> {
        if let Some(desired) = &prepared.desired {
            let apply = !self.args.dry_run;
            let (plan, applied) = ensure::converge(session, desired, apply, self.progress).await?;
            let part = ensure::EnsureStep::new(&plan, applied.is_some());
            done.steps.ensure = Some(self.shown("ensure", part));
            if self.args.dry_run {
                return Ok(());
            }
        }
        let credentials = fetch::over(session, self.settings, self.progress).await?;
        done.steps.fetch = Some(self.shown("fetch", FetchStep::of(&credentials)));
        let mut om = self.ask(&credentials).await?;
        om.token = prepared.check_token;
        let rendered = self.render(&om, credentials.clone())?;
        done.files = rendered.files;
        done.steps.render = Some(self.shown("render", rendered.step));
        if let Some(plan) = prepared.seal {
            let (part, files) = self.seal(&credentials, plan)?;
            done.files.extend(files);
            done.steps.seal = Some(self.shown("seal", part));
        }
        if let Some(token) = prepared.om_token {
            let part = self.apply(&om, &rendered.deployed, token).await?;
            done.steps.apply = Some(self.shown("apply", part));
        }
        if !self.args.verify {
            return Ok(());
        }
        let part = self
            .verify(session, om, &rendered.deployed, rendered.key_made)
            .await?;
        let verdict = verdict(&part);
        done.steps.verify = Some(self.shown("verify", part));
        verdict
    }

    /// One progress line per step: its name, then what it did.
    fn shown<R: Report>(&self, name: &str, part: R) -> R {
        self.progress.step(&format!("{name:<7} {}", part.summary()));
        part
    }

    /// Where the running OpenMetadata is, and its version (asked once).
    async fn ask(&self, credentials: &Credentials) -> Result<OpenMetadata> {
        let (settings, args) = (self.settings, self.args);
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

    /// Renders every file for the release the server runs (or the configured one) and writes
    /// them.
    fn render(&self, om: &OpenMetadata, credentials: Credentials) -> Result<Rendered> {
        let (settings, progress) = (self.settings, self.progress);
        if let (Some(url), Some(Err(e))) = (&om.url, &om.answer) {
            tracing::info!("no release from OpenMetadata at {url}: {e}");
        }
        let version = match &om.url {
            Some(url) => release::decide(settings, progress, url, om.version()),
            None => settings.om_version(),
        };
        let what = Rendering {
            target: Files::All,
            templates: self.args.templates.as_deref(),
            version,
            keys: KeyUse::Write,
        };
        let rendered = render::render_files(settings, progress, credentials, what)?;
        let secret = rendered.input.credentials.client_secret.as_ref();
        let force = self.args.handoff.force;
        let written = render::write_files(settings, progress, &rendered.files, force, secret)?;
        let count = |status| written.iter().filter(|w| w.status == status).count();
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
            step: RenderStep {
                om_version: rendered.input.version.to_string(),
                warnings: rendered.warnings,
                written: count(Status::Written),
                unchanged: count(Status::Unchanged),
            },
            files: written.iter().map(file_entry).collect(),
            deployed,
            key_made: rendered.jwt_made,
        })
    }

    /// Seals the handoff, or keeps the one already there: age output differs on every seal, so
    /// keeping it leaves every file of a re-run byte-identical. A changed secret already needs
    /// `force` to replace the rendered files, and that same `force` seals again.
    fn seal(
        &self,
        credentials: &Credentials,
        plan: seal::Plan,
    ) -> Result<(SealStep, Vec<FileEntry>)> {
        let handoff = &self.args.handoff;
        if plan.claim.taken() && !handoff.force {
            let kept = seal::keep_existing(&plan, handoff)?;
            let part = SealStep::Kept(KeptHandoff {
                file: plan.claim.file.display().to_string(),
                kept: true,
                again: self.progress.option(Opt::Force),
            });
            return Ok((part, kept.iter().map(|p| entry_of(p, "kept")).collect()));
        }
        let sealed = seal::seal_to(self.progress, credentials, handoff, plan)?;
        let files = sealed
            .written()
            .map(|p| entry_of(Path::new(p), "written"))
            .collect();
        Ok((SealStep::Sealed(Box::new(sealed)), files))
    }

    /// Validate → replace → read back, as `omsso apply`.
    async fn apply(
        &self,
        om: &OpenMetadata,
        deployed: &Deployed,
        token: SecretString,
    ) -> Result<apply::Applied> {
        let settings = self.settings;
        let url = om
            .url
            .as_deref()
            .ok_or_else(|| settings.missing_error(&OPENMETADATA_URL))?;
        let path = settings.out_dir().join("openmetadata.yaml");
        let server = apply::Server {
            http: &om.http,
            url,
            version: om.version().cloned(),
        };
        let request = apply::Request {
            file: &path,
            body: &apply::security_body(&deployed.blocks, &path)?,
            token,
            dry_run: false,
        };
        match apply::apply(settings, self.progress, &server, request).await {
            Ok(applied) => Ok(applied),
            Err(apply::Stopped::Validation(applied)) => {
                // The field errors on stderr with the progress, then the error.
                self.progress.step(applied.text().trim_end());
                Err(apply::ApplyReport::new(applied).refused())
            }
            Err(apply::Stopped::Error(e)) => Err(e),
        }
    }

    /// The live checks of what was just rendered (and applied).
    async fn verify(
        &self,
        session: &Session,
        mut om: OpenMetadata,
        deployed: &Deployed,
        key_made: bool,
    ) -> Result<VerifyStep> {
        let kc = KeycloakOf {
            base: session.base().to_string(),
            realm: self.settings.realm()?.to_string(),
        };
        let net = live::Net {
            http: session.http(),
            admin: Some(session),
        };
        let mut c = checks::Checks(live::run(&net, &kc, deployed).await?);
        // The server cannot run what was just written unless it was applied.
        let expect = match self.args.apply_token {
            Some(_) => server::Expect::Deployed,
            None => server::Expect::JustRendered,
        };
        server::run_answered(
            &mut c,
            &om.http,
            om.url.as_deref(),
            om.answer.take(),
            &deployed.blocks,
            self.settings.om_version_given(),
            expect,
        )
        .await;
        self.back_door(&mut c, &om, deployed, key_made).await;
        let checks = c.0;
        Ok(VerifyStep {
            counts: checks::Counts::of(&checks),
            checks,
        })
    }
}

impl Job<'_> {
    /// OpenMetadata's back door, as `verify` checks it (its JWKS, and with a token the default
    /// admin), but right after this run made the JWT key pair, judged as what it is: a key no
    /// server can serve yet (`back_door::not_yet` says why that warns instead of failing).
    async fn back_door(
        &self,
        c: &mut checks::Checks,
        om: &OpenMetadata,
        deployed: &Deployed,
        key_made: bool,
    ) {
        if let (Some(url), Some(_), None) = (&om.url, &om.token, &self.args.apply_token) {
            // The apply step already warned for its token.
            if let Some(w) = crate::http::cleartext_warning(url, "the OpenMetadata admin token") {
                self.progress.warn(&w);
            }
        }
        let inputs = back_door::Inputs {
            om_url: om.url.as_deref(),
            deployed,
            file_dir: self.settings.out_dir(),
            token: om.token.clone(),
            expect: match key_made {
                true => server::Expect::JustRendered,
                false => server::Expect::Deployed,
            },
        };
        back_door::run(c, &om.http, inputs).await;
    }
}

/// A verify step that found failures fails the run (exit 3), its report shown in full.
fn verdict(step: &VerifyStep) -> Result<()> {
    let failed = checks::failed(&step.checks);
    if failed.is_empty() {
        return Ok(());
    }
    Err(Error::CheckFailed(format!(
        "{} of {} live checks failed: {} (see `omsso verify`)",
        failed.len(),
        step.checks.len(),
        failed.join(", ")
    )))
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
    /// The server's version, when it answered with one.
    fn version(&self) -> Option<&ServerVersion> {
        self.answer.as_ref()?.as_ref().ok()?.as_ref()
    }
}
