//! render: credentials + settings → OpenMetadata's auth configuration files, checked against
//! the release they are for, written into the output folder (the Kubernetes Secret
//! SOPS-encrypted when SOPS recipients are configured).

use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;

use super::jwt::{self, KeyUse};
use super::{fetch, release, Progress, Result};
use crate::credentials::Credentials;
use crate::keycloak::Logins;
use crate::lint::{self, Kind, KEY_CHECKS};
use crate::openmetadata::{compose, Chart, OmVersion, Release};
use crate::output::Report;
use crate::render::{self, write, RenderInput, RenderedFile, Target};
use crate::settings::{ClientType, Settings};
use crate::sops::secret as sops;

/// The inputs of [`render`] besides the settings.
pub struct Render {
    pub target: Target,
    /// A folder whose files replace the built-in templates of the same name.
    pub templates: Option<PathBuf>,
    /// Replace files that differ from what omsso would write.
    pub force: bool,
    /// Return the one rendered file instead of writing it.
    pub to_stdout: bool,
    pub source: fetch::Source,
    /// Certificate checks off (the release probe of the running OpenMetadata).
    pub insecure: bool,
    /// Replace OpenMetadata's JWT key pair with a new one.
    pub rotate_jwt_keys: bool,
}

/// What `render` wrote (field names as `render --format json` prints them).
#[derive(Serialize)]
pub struct RenderReport {
    pub client_type: &'static str,
    pub files: Vec<write::Written>,
    pub ok: bool,
    pub om_version: String,
    pub warnings: Vec<String>,
}

impl Report for RenderReport {
    fn text(&self) -> String {
        self.files
            .iter()
            .map(|w| {
                let verb = match w.status {
                    write::Status::Written => "wrote",
                    write::Status::Unchanged => "unchanged",
                };
                let secret = match (w.holds_secret, w.path.file_name()) {
                    (false, _) => "",
                    // The private key file and the Secret that carries it.
                    (true, Some(name)) if name == "private_key.der" || name == "jwt-keys.yaml" => {
                        ", holds OpenMetadata's JWT private key"
                    }
                    (true, _) => ", holds the client secret",
                };
                format!("{verb} {} ({}{secret})\n", w.path.display(), w.mode)
            })
            .collect()
    }

    fn summary(&self) -> String {
        let written = self
            .files
            .iter()
            .filter(|w| w.status == write::Status::Written)
            .count();
        format!(
            "{} files for OpenMetadata {} ({written} written, {} unchanged)",
            self.files.len(),
            self.om_version,
            self.files.len() - written
        )
    }
}

pub enum RenderOutput {
    /// `to_stdout`: the bytes of the one rendered file.
    Stdout(Vec<u8>),
    Written(RenderReport),
}

/// `render`: fetches the credentials, picks the release, renders and writes (or returns).
pub async fn render(
    settings: &Settings,
    progress: &dyn Progress,
    args: &Render,
    logins: &Logins,
) -> Result<RenderOutput> {
    // Settings that cannot log in are refused before Keycloak is asked for anything.
    settings.check_login_flow()?;
    let credentials = fetch::credentials(settings, progress, &args.source, logins).await?;
    let om_url = settings
        .om_url()
        .ok()
        .map(|u| u.as_str().to_string())
        .or_else(|| credentials.openmetadata_url.clone());
    let version = release::resolve(settings, progress, om_url.as_deref(), args.insecure).await;
    let keys = match (args.to_stdout, args.rotate_jwt_keys) {
        (true, _) => KeyUse::Print,
        (false, true) => KeyUse::Rotate,
        (false, false) => KeyUse::Write,
    };
    let what = Rendering {
        target: args.target,
        templates: args.templates.as_deref(),
        version,
        keys,
    };
    let rendered = render_files(settings, progress, credentials, what)?;
    if args.to_stdout {
        let mut files = rendered.files;
        // `--target env` prints the env file; its compose override goes with written renders.
        files.retain(|f| f.rel_path != Path::new(render::jwt::COMPOSE_OVERRIDE));
        encrypt_secret_with_sops(settings, progress, &mut files, None)?;
        let [file] = files.as_slice() else {
            return Err(render::RenderError::StdoutNeedsOneFile { count: files.len() }.into());
        };
        return Ok(RenderOutput::Stdout(file.bytes.clone()));
    }
    let secret = rendered.input.credentials.client_secret.as_ref();
    let files = write_files(settings, progress, &rendered.files, args.force, secret)?;
    Ok(RenderOutput::Written(RenderReport {
        client_type: rendered.input.client_type.as_str(),
        files,
        ok: true,
        om_version: rendered.input.version.to_string(),
        warnings: rendered.warnings,
    }))
}

/// Rendered files, not written yet, and the warnings about them (already shown).
pub struct Rendered {
    pub input: RenderInput,
    pub files: Vec<RenderedFile>,
    pub warnings: Vec<String>,
    /// OpenMetadata's JWT key pair was made for this rendering (no server runs it yet).
    pub jwt_made: bool,
}

/// What to render: which files, from which templates, for which release, and what becomes of
/// OpenMetadata's JWT key pair.
pub struct Rendering<'a> {
    pub target: Target,
    /// A folder whose files replace the built-in templates of the same name.
    pub templates: Option<&'a Path>,
    pub version: OmVersion,
    pub keys: KeyUse,
}

/// Renders what `what` names for `credentials`, and warns about what OpenMetadata would not
/// see.
pub fn render_files(
    settings: &Settings,
    progress: &dyn Progress,
    credentials: Credentials,
    what: Rendering,
) -> Result<Rendered> {
    let Rendering {
        target,
        templates,
        version,
        keys: key_use,
    } = what;
    let mut input = RenderInput::new(credentials, settings)?;
    input.version = version;
    let keys = jwt::keys(settings, progress, &input.om_url, key_use)?;
    input.jwt = keys.as_ref().map(|k| k.input.clone());
    let mut warnings = Vec::new();
    if input.client_type == ClientType::Public && input.credentials.client_secret.is_some() {
        warnings.push("the credentials hold a client secret; a public client does not use it, so it is not written".to_string());
    }
    if let Some(dir) = templates {
        for name in render::unknown_overrides(dir) {
            warnings.push(format!(
                "{}: not a template name, ignored",
                dir.join(name).display()
            ));
        }
    }
    let mut files = render::render_all(&input, &[target], templates)?;
    check_release_keys(&files, &input)?;
    warnings.extend(deployment_warnings(&files, &input));
    // The key files go with every rendering that is written (they are the pair's state);
    // a printed file never carries them.
    let mut jwt_made = false;
    if let Some(k) = keys.filter(|_| key_use != KeyUse::Print) {
        jwt_made = k.made;
        files.extend(k.files);
    }
    warnings.extend(chart_warning(&files, &input));
    warnings.extend(team_claim_warning(&files, &input));
    for f in files
        .iter()
        .filter(|f| f.rel_path.extension() == Some("env".as_ref()))
    {
        for key in compose::not_passed(&String::from_utf8_lossy(&f.bytes)) {
            warnings.push(format!(
                "{key} is not passed to openmetadata-server by {}: add it to that service's \
                 environment list, or the server never sees it",
                compose::QUICKSTART
            ));
        }
    }
    for w in &warnings {
        progress.warn(w);
    }
    Ok(Rendered {
        input,
        files,
        warnings,
        jwt_made,
    })
}

/// OpenMetadata's config has no environment variable (so no chart value either) for
/// `jwtTeamClaimMapping`: the env file and Helm values cannot carry it. Say where it goes.
fn team_claim_warning(files: &[RenderedFile], input: &RenderInput) -> Option<String> {
    input.team_claim.as_ref()?;
    let without: Vec<String> = files
        .iter()
        .filter(|f| {
            f.rel_path == Path::new("openmetadata.env")
                || f.rel_path == Path::new(render::HELM_VALUES)
        })
        .map(|f| f.rel_path.display().to_string())
        .collect();
    if without.is_empty() {
        return None;
    }
    Some(format!(
        "{} cannot carry openmetadata.team_claim: OpenMetadata reads jwtTeamClaimMapping only \
         from openmetadata.yaml or its database; set it with `omsso apply` (render \
         openmetadata.yaml for it) or under Settings > SSO",
        without.join(", ")
    ))
}

/// Helm values written for a chart omsso was not checked against use the keys of the nearest
/// chart it knows: say which.
fn chart_warning(files: &[RenderedFile], input: &RenderInput) -> Option<String> {
    let chart = Chart::resolve(input.version, input.chart_version);
    if chart.known
        || !files
            .iter()
            .any(|f| f.rel_path == Path::new(render::HELM_VALUES))
    {
        return None;
    }
    Some(format!(
        "chart {} is not one omsso was checked against: the Helm values use the auth keys of \
         chart {}, the {} released chart at or below it",
        chart.version,
        chart.values.version,
        if chart.newer_than_known() {
            "newest"
        } else {
            "nearest"
        }
    ))
}

/// Refuses a rendered file that sets a key the target release (or chart) does not have: the
/// server would refuse to start, or `helm install` would fail. The built-in templates never
/// do; an overriding template can. The lint's own key checks decide.
fn check_release_keys(files: &[RenderedFile], input: &RenderInput) -> Result<()> {
    let release = Release::new(input.version, input.chart_version);
    for f in files {
        let Some(kind) = lint_kind(f) else { continue };
        let refused = lint::lint(&f.redacted, kind, &release)
            .into_iter()
            .find(|x| KEY_CHECKS.contains(&x.check));
        if let Some(finding) = refused {
            return Err(render::RenderError::KeyNotReleased {
                template: f.rel_path.display().to_string(),
                line: finding.line,
                message: finding.message,
            }
            .into());
        }
    }
    Ok(())
}

/// The auth configuration format of a rendered file, for the lint.
fn lint_kind(f: &RenderedFile) -> Option<Kind> {
    match f.rel_path.to_str() {
        Some("openmetadata.yaml") => Some(Kind::Yaml),
        Some("openmetadata.env") => Some(Kind::Env),
        Some(render::HELM_VALUES) => Some(Kind::Helm),
        _ => None,
    }
}

/// What the lint says about where the server runs, e.g. Helm values that send the pod to
/// `localhost` for Keycloak's keys (the pod itself): the same findings `verify --file`
/// reports, as warnings, since the files still work where the server shares the host.
fn deployment_warnings(files: &[RenderedFile], input: &RenderInput) -> Vec<String> {
    let release = Release::new(input.version, input.chart_version);
    files
        .iter()
        .filter_map(|f| Some((f, lint_kind(f)?)))
        .flat_map(|(f, kind)| {
            lint::deployment_findings(&f.redacted, kind, &release)
                .into_iter()
                .map(|x| x.warning_in(&f.rel_path.display().to_string()))
        })
        .collect()
}

/// Writes rendered files into the output folder; a file that differs is replaced only with
/// `force` (its diff goes to `progress` instead, with `secret` and every secret found in the
/// existing file masked). With SOPS recipients configured, the Kubernetes Secret is written
/// encrypted instead ([`encrypt_secret_with_sops`]).
pub fn write_files(
    settings: &Settings,
    progress: &dyn Progress,
    files: &[RenderedFile],
    force: bool,
    secret: Option<&SecretString>,
) -> Result<Vec<write::Written>> {
    let mut files = files.to_vec();
    encrypt_secret_with_sops(settings, progress, &mut files, Some(force))?;
    let force = write::Force {
        given: force,
        option: progress.option(super::Opt::Force),
    };
    let written = write::write_all(
        settings.out_dir(),
        &files,
        force,
        secret.map(|s| s.expose_secret()),
        |diff| progress.diff(diff),
        |path, was| progress.loosened(path, was),
    )?;
    let secret_files: Vec<&Path> = written
        .iter()
        .filter(|w| w.holds_secret)
        .map(|w| w.path.as_path())
        .collect();
    progress.secret_files(&secret_files);
    Ok(written)
}

/// Where the SOPS-encrypted Secret goes in the output folder, and whom it is encrypted for
/// (`helm.sops.age_recipients`, else a `.sops.yaml` rule matching that path); `None` when
/// the Secret is not encrypted with SOPS.
pub fn sops_recipients(settings: &Settings) -> Result<Option<(PathBuf, sops::Recipients)>> {
    sops_recipients_of(settings, render::HELM_SECRET)
}

/// [`sops_recipients`] for the Secret rendered at `plain` (relative to the output folder).
fn sops_recipients_of(
    settings: &Settings,
    plain: &str,
) -> Result<Option<(PathBuf, sops::Recipients)>> {
    let rel = sops::sops_path(Path::new(plain));
    Ok(sops::recipients(settings, &settings.out_dir().join(&rel))?.map(|r| (rel, r)))
}

/// The Kubernetes Secrets omsso renders: the client's, and the JWT key pair's.
const SECRETS: [&str; 2] = [render::HELM_SECRET, render::jwt::HELM_JWT_SECRET];

/// Replaces each plaintext Kubernetes Secret among `files` by its SOPS-encrypted form when
/// SOPS recipients are configured. `compare`: `Some(force)` when writing (the file already in
/// the output folder is kept when it decrypts to the same Secret), `None` for stdout.
/// The plaintext stays in memory.
fn encrypt_secret_with_sops(
    settings: &Settings,
    progress: &dyn Progress,
    files: &mut [RenderedFile],
    compare: Option<bool>,
) -> Result<()> {
    for name in SECRETS {
        let Some(file) = files.iter_mut().find(|f| f.rel_path == Path::new(name)) else {
            continue;
        };
        let Some((rel, recipients)) = sops_recipients_of(settings, name)? else {
            continue;
        };
        encrypt_one(settings, progress, file, compare, rel, &recipients)?;
    }
    Ok(())
}

fn encrypt_one(
    settings: &Settings,
    progress: &dyn Progress,
    file: &mut RenderedFile,
    compare: Option<bool>,
    rel: PathBuf,
    recipients: &sops::Recipients,
) -> Result<()> {
    let dest = settings.out_dir().join(&rel);
    // Read as every output file is: never through a link, never blocking on a FIFO, never
    // beyond what omsso writes. A link or an oversized file is not compared (a fresh
    // encryption), and writing it then needs force like any other difference.
    let existing = match compare {
        None => None,
        Some(_) => match crate::output::files::open_existing(&dest)? {
            crate::output::files::Existing::File(e) => e.bytes,
            _ => None,
        },
    };
    let name = file.rel_path.display().to_string();
    let encrypted = sops::encrypt(
        &name,
        &file.bytes,
        &recipients.list,
        existing.as_deref().map(|b| (dest.as_path(), b)),
        compare.unwrap_or(false),
        crate::sops::sops_identities,
    )?;
    let count = recipients.list.len();
    progress.step(&format!(
        "sops    {} for {count} age recipient{} from {}",
        dest.display(),
        if count == 1 { "" } else { "s" },
        recipients.from
    ));
    if encrypted.outcome == sops::Outcome::KeptUnverified {
        progress.warn(&format!(
            "kept {}: no age identity here opens it (SOPS_AGE_KEY_FILE, SOPS_AGE_KEY or \
             ~/.config/sops/age/keys.txt), so its encrypted values were not compared; \
             {} encrypts the Secret again",
            dest.display(),
            progress.option(super::Opt::Force)
        ));
    }
    *file = RenderedFile {
        rel_path: rel,
        redacted: String::from_utf8_lossy(&encrypted.bytes).into_owned(),
        bytes: encrypted.bytes,
        holds_secret: false,
        owner_only: true,
    };
    Ok(())
}
