//! `omsso render`: credentials + settings → OpenMetadata's auth configuration files.

use std::path::PathBuf;

use serde_json::json;

use super::Context;
use crate::error::Result;
use crate::output;
use crate::render::{self, compose, write, RenderInput, Target};

#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// What to render
    #[arg(long, value_enum, default_value = "all", value_name = "TARGET")]
    pub target: Target,
    /// Print the rendered file on stdout instead of writing it (targets with one file)
    #[arg(long, conflicts_with = "force")]
    pub stdout: bool,
    /// Replace existing files that differ from what omsso would write
    #[arg(long)]
    pub force: bool,
    /// Folder whose files replace the built-in templates of the same name
    #[arg(long, env = "OMSSO_TEMPLATES", value_name = "DIR")]
    pub templates: Option<PathBuf>,
    #[command(flatten)]
    pub source: crate::cli::SourceArgs,
}

pub async fn run(args: RenderArgs, ctx: &Context) -> Result<()> {
    let ui = &ctx.ui;
    let credentials = super::source::credentials(&args.source, ctx).await?;
    let Rendered {
        input,
        files,
        warnings,
    } = render_files(credentials, args.target, args.templates.as_deref(), ctx)?;

    if args.stdout {
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
pub fn render_files(
    credentials: crate::credentials::Credentials,
    target: Target,
    templates: Option<&std::path::Path>,
    ctx: &Context,
) -> Result<Rendered> {
    let input = RenderInput::new(credentials, &ctx.settings)?;
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

/// Writes rendered files into the output folder; a file that differs is replaced only with
/// `force` (its diff goes to stderr instead, with `secret` and every secret found in the
/// existing file masked).
pub fn write_files(
    files: &[render::RenderedFile],
    force: bool,
    secret: Option<&secrecy::SecretString>,
    ctx: &Context,
) -> Result<Vec<write::Written>> {
    use secrecy::ExposeSecret;
    let written = write::write_all(
        ctx.settings.out_dir(),
        files,
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
