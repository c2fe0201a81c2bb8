//! `omsso render`: credentials + settings → OpenMetadata's auth configuration files.

use std::path::{Path, PathBuf};

use serde_json::json;

use super::Context;
use crate::cli::RenderArgs;
use crate::commands::error::Result;
use crate::lint::{self, Kind, KEY_CHECKS};
use crate::openmetadata::{compose, Chart, Release};
use crate::output;
use crate::render::{self, write, RenderInput, Target};
use crate::sops::secret as sops;

pub async fn run(args: RenderArgs, ctx: &Context) -> Result<()> {
    let ui = &ctx.ui;
    // Settings that cannot log in are refused before Keycloak is asked for anything.
    ctx.settings.check_login_flow()?;
    let credentials = super::source::credentials(&args.source, ctx).await?;
    let om_url = ctx
        .settings
        .om_url()
        .ok()
        .map(|u| u.as_str().to_string())
        .or_else(|| credentials.openmetadata_url.clone());
    let version =
        super::om_release::resolve(ctx, om_url.as_deref(), args.source.connect.insecure).await;
    let Rendered {
        input,
        files,
        warnings,
    } = render_files(
        credentials,
        args.target,
        args.templates.as_deref(),
        version,
        ctx,
    )?;

    if args.stdout {
        let mut files = files;
        encrypt_secret_with_sops(&mut files, None, ctx)?;
        let [file] = files.as_slice() else {
            return Err(render::RenderError::StdoutNeedsOneFile { count: files.len() }.into());
        };
        output::write_stdout(&file.bytes);
        return Ok(());
    }

    let written = write_files(
        &files,
        args.force,
        input.credentials.client_secret.as_ref(),
        ctx,
    )?;
    let doc = json!({
        "ok": true,
        "om_version": input.version.to_string(),
        "client_type": input.client_type.as_str(),
        "files": written,
        "warnings": warnings,
    });
    ui.emit(&doc, || {
        written
            .iter()
            .map(|w| {
                let verb = match w.status {
                    write::Status::Written => "wrote",
                    write::Status::Unchanged => "unchanged",
                };
                let secret = if w.holds_secret {
                    ", holds the client secret"
                } else {
                    ""
                };
                format!("{verb} {} ({}{secret})\n", w.path.display(), w.mode)
            })
            .collect()
    });
    Ok(())
}

/// Rendered files, not written yet, and the warnings about them (already shown).
pub struct Rendered {
    pub input: RenderInput,
    pub files: Vec<render::RenderedFile>,
    pub warnings: Vec<String>,
}

/// Renders `target` for `credentials` and warns about what OpenMetadata would not see.
/// `version` is the release to write for (see [`super::om_release`]).
pub fn render_files(
    credentials: crate::credentials::Credentials,
    target: Target,
    templates: Option<&std::path::Path>,
    version: crate::openmetadata::OmVersion,
    ctx: &Context,
) -> Result<Rendered> {
    let mut input = RenderInput::new(credentials, &ctx.settings)?;
    input.version = version;
    let mut warnings = Vec::new();
    if input.client_type == crate::settings::ClientType::Public
        && input.credentials.client_secret.is_some()
    {
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
    let files = render::render_all(&input, &[target], templates)?;
    check_release_keys(&files, &input)?;
    let chart = Chart::resolve(input.version, input.chart_version);
    if !chart.known
        && files
            .iter()
            .any(|f| f.rel_path == Path::new(render::HELM_VALUES))
    {
        warnings.push(format!(
            "chart {} is not one omsso was checked against: the Helm values use the auth keys \
             of chart {}, the {} released chart at or below it",
            chart.version,
            chart.values.version,
            if chart.newer_than_known() {
                "newest"
            } else {
                "nearest"
            }
        ));
    }
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
        ctx.ui.warn(w);
    }
    Ok(Rendered {
        input,
        files,
        warnings,
    })
}

/// Refuses a rendered file that sets a key the target release (or chart) does not have: the
/// server would refuse to start, or `helm install` would fail. The built-in templates never
/// do; an overriding template (`--templates`) can. The lint's own key checks decide.
fn check_release_keys(files: &[render::RenderedFile], input: &RenderInput) -> Result<()> {
    let release = Release::new(input.version, input.chart_version);
    for f in files {
        let kind = match f.rel_path.to_str() {
            Some("openmetadata.yaml") => Kind::Yaml,
            Some("openmetadata.env") => Kind::Env,
            Some(render::HELM_VALUES) => Kind::Helm,
            _ => continue,
        };
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

/// Writes rendered files into the output folder; a file that differs is replaced only with
/// `force` (its diff goes to stderr instead, with `secret` and every secret found in the
/// existing file masked). With SOPS recipients configured, the Kubernetes Secret is written
/// encrypted instead ([`encrypt_secret_with_sops`]).
pub fn write_files(
    files: &[render::RenderedFile],
    force: bool,
    secret: Option<&secrecy::SecretString>,
    ctx: &Context,
) -> Result<Vec<write::Written>> {
    use secrecy::ExposeSecret;
    let mut files = files.to_vec();
    encrypt_secret_with_sops(&mut files, Some(force), ctx)?;
    let written = write::write_all(
        ctx.settings.out_dir(),
        &files,
        force,
        secret.map(|s| s.expose_secret()),
        |diff| eprint!("{}", output::terminal_safe(diff)),
        |path, was| ctx.ui.warn_loosened(path, was),
    )?;
    ctx.ui.warn_if_exposed_to_git(
        written
            .iter()
            .filter(|w| w.holds_secret)
            .map(|w| w.path.as_path()),
    );
    Ok(written)
}

/// Where the SOPS-encrypted Secret goes in the output folder, and whom it is encrypted for
/// (`helm.sops.age_recipients`, else a `.sops.yaml` rule matching that path); `None` when
/// the Secret is not encrypted with SOPS.
pub fn sops_recipients(ctx: &Context) -> Result<Option<(PathBuf, sops::Recipients)>> {
    let rel = sops::sops_path(std::path::Path::new(render::HELM_SECRET));
    Ok(sops::recipients(&ctx.settings, &ctx.settings.out_dir().join(&rel))?.map(|r| (rel, r)))
}

/// Replaces the plaintext Kubernetes Secret among `files` by its SOPS-encrypted form when
/// SOPS recipients are configured. `compare`: `Some(force)` when writing (the file already in
/// the output folder is kept when it decrypts to the same Secret), `None` for `--stdout`.
/// The plaintext stays in memory.
fn encrypt_secret_with_sops(
    files: &mut [render::RenderedFile],
    compare: Option<bool>,
    ctx: &Context,
) -> Result<()> {
    let Some(file) = files
        .iter_mut()
        .find(|f| f.rel_path == std::path::Path::new(render::HELM_SECRET))
    else {
        return Ok(());
    };
    let Some((rel, recipients)) = sops_recipients(ctx)? else {
        return Ok(());
    };
    let dest = ctx.settings.out_dir().join(&rel);
    let existing = match compare {
        Some(_) => std::fs::read(&dest).ok(),
        None => None,
    };
    let encrypted = sops::encrypt(
        render::HELM_SECRET,
        &file.bytes,
        &recipients.list,
        existing.as_deref().map(|b| (dest.as_path(), b)),
        compare.unwrap_or(false),
        crate::sops::sops_identities,
    )?;
    let count = recipients.list.len();
    ctx.ui.step(format!(
        "sops    {} for {count} age recipient{} from {}",
        dest.display(),
        if count == 1 { "" } else { "s" },
        recipients.from
    ));
    if encrypted.outcome == sops::Outcome::KeptUnverified {
        ctx.ui.warn(format!(
            "kept {}: no age identity here opens it (SOPS_AGE_KEY_FILE, SOPS_AGE_KEY or \
             ~/.config/sops/age/keys.txt), so its encrypted values were not compared; \
             --force encrypts the Secret again",
            dest.display()
        ));
    }
    *file = render::RenderedFile {
        rel_path: rel,
        redacted: String::from_utf8_lossy(&encrypted.bytes).into_owned(),
        bytes: encrypted.bytes,
        holds_secret: false,
    };
    Ok(())
}
