//! `omsso seal`: the credentials → an age-encrypted handoff file (+ an optional signature).
//! Every check that can fail (inputs, recipients, signing key, existing files) runs before
//! anything is prompted for or written.

use std::io::{BufRead, IsTerminal, Write};
use std::time::Duration;

use serde_json::json;

use super::Context;
use crate::cli::{HandoffArgs, SealArgs};
use crate::commands::error::Result;
use crate::credentials::Credentials;
use crate::output::files::prepare_out_dir;
use crate::output::one_line;
use crate::seal::{self, Recipient, SealError, SealOptions, SealTo, SigningKey, Target};
use crate::settings::{ClientType, SecretSource, Source};

const DAY: Duration = Duration::from_secs(24 * 60 * 60);

pub async fn run(args: SealArgs, ctx: &Context) -> Result<()> {
    let credentials = super::source::credentials(&args.source, ctx).await?;
    let report = seal_credentials(&credentials, &args.handoff, ctx)?;
    ctx.ui.emit(&report.doc, || report.text.clone());
    Ok(())
}

/// What a seal wrote, for the command's own report or a larger one (`run`).
pub struct SealReport {
    pub doc: serde_json::Value,
    pub text: String,
    pub file: std::path::PathBuf,
    pub signature: Option<std::path::PathBuf>,
    pub record: Option<std::path::PathBuf>,
}

/// Seals `credentials` as `args` say (recipients or passphrase, confirmation, signature) and
/// writes the handoff file. Used by `seal` and by `run`, which report the result.
pub fn seal_credentials(
    credentials: &Credentials,
    args: &HandoffArgs,
    ctx: &Context,
) -> Result<SealReport> {
    let ui = &ctx.ui;
    // Refuse before asking anything (the bundle would refuse it later anyway). A public
    // client's bundle carries everything but a secret.
    if credentials.client_type == ClientType::Confidential && credentials.client_secret.is_none() {
        return Err(SealError::NoClientSecret.into());
    }
    let target = seal::resolve_target(
        &ctx.settings.seal_recipients(),
        args.target.passphrase,
        args.target.passphrase_file.as_deref(),
    )?;
    let path = args
        .output_file
        .clone()
        .unwrap_or_else(|| ctx.settings.out_dir().join(seal::DEFAULT_FILE_NAME));
    seal::check_writable(&path, args.sign_with.is_some(), args.force)?;
    let signing_key = match &args.sign_with {
        Some(key) => Some(SigningKey::load(
            key,
            &SecretSource::pick(
                "signing key passphrase",
                seal::SIGN_PASSPHRASE_ENV,
                args.sign_passphrase_file.clone(),
                Some(&Source::Flag("--sign-passphrase-file".into())),
            ),
        )?),
        None => None,
    };

    let to = match target {
        Target::Recipients(recipients) => {
            ui.step(recipient_list(credentials, &recipients));
            if !args.yes && std::io::stdin().is_terminal() && !confirm()? {
                return Err(SealError::Cancelled.into());
            }
            SealTo::Recipients(recipients)
        }
        Target::Passphrase {
            source,
            ignored_defaults,
        } => {
            if ignored_defaults {
                ui.warn("sealing to a passphrase: the seal.recipients from the settings file are not used");
            }
            ui.step(format!(
                "Sealing the credentials of client `{}` to a passphrase",
                credentials.client_id
            ));
            SealTo::Passphrase(source.read_new()?)
        }
    };

    let options = SealOptions {
        to,
        armor: !args.binary,
        note: args.note.clone(),
        expires_in: args.expires_in.map(|days| DAY * days),
    };
    let sealed = seal::seal(credentials, &options)?;
    let signature = match &signing_key {
        Some(key) => Some(key.sign(&sealed.ciphertext)?),
        None => None,
    };
    if args.output_file.is_none() {
        prepare_out_dir(ctx.settings.out_dir())?;
    }
    let recipients = match &options.to {
        SealTo::Recipients(_) => Some(sealed.bundle.recipients.as_slice()),
        SealTo::Passphrase(_) => None,
    };
    let written = seal::write(
        &path,
        &sealed.ciphertext,
        signature.as_deref(),
        recipients,
        args.force,
    )?;
    ui.warn_if_exposed_to_git([written.file.as_path()]);
    if let Some(stale) = &written.removed_stale_signature {
        ui.warn(format!(
            "removed {}: it signed the file this one replaced",
            stale.display()
        ));
    }

    let bundle = &sealed.bundle;
    let passphrase = matches!(options.to, SealTo::Passphrase(_));
    let doc = json!({
        "file": written.file.display().to_string(),
        "armor": options.armor,
        "sealed_to": if passphrase { "passphrase" } else { "recipients" },
        "recipients": bundle.recipients,
        "signature": written.signature.as_ref().map(|p| p.display().to_string()),
        "recipients_record": written.record.as_ref().map(|p| p.display().to_string()),
        "signed_by": signing_key.as_ref().map(SigningKey::fingerprint),
        "client_id": bundle.client_id,
        "client_type": bundle.client_type,
        "realm": bundle.realm,
        "created_at": bundle.created_at,
        "expires_at": bundle.expires_at,
    });
    let text = {
        let to = if passphrase {
            "a passphrase".to_string()
        } else {
            plural(bundle.recipients.len(), "recipient")
        };
        let format = if options.armor { "armored" } else { "binary" };
        let mut out = format!("sealed  {} ({format}, {to})\n", written.file.display());
        if let (Some(sig), Some(key)) = (&written.signature, &signing_key) {
            out.push_str(&format!(
                "signed  {} ({})\n",
                sig.display(),
                key.fingerprint()
            ));
        }
        out
    };
    Ok(SealReport {
        doc,
        text,
        file: written.file,
        signature: written.signature,
        record: written.record,
    })
}

fn recipient_list(credentials: &Credentials, recipients: &[Recipient]) -> String {
    let public = if credentials.client_type == ClientType::Public {
        ", a public client: no secret"
    } else {
        ""
    };
    // Names come from comment lines and key comments in recipients files, which may come
    // from anyone: one line each, nothing a terminal would act on, so no name can hide a
    // recipient from this list.
    let mut out = format!(
        "Sealing the credentials of client `{}` (realm {}{public}) for {}:",
        one_line(&credentials.client_id),
        one_line(&credentials.realm),
        plural(recipients.len(), "recipient")
    );
    let width = recipients
        .iter()
        .map(|r| r.info.kind.len())
        .max()
        .unwrap_or(0);
    for r in recipients {
        out.push_str(&format!(
            "\n  {:width$}  {}",
            r.info.kind,
            one_line(&r.info.fingerprint)
        ));
        if let Some(name) = &r.info.name {
            out.push_str(&format!("  ({})", one_line(name)));
        }
    }
    out
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// Asks on the terminal; anything but yes cancels.
fn confirm() -> Result<bool> {
    eprint!("Seal for these recipients? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|_| SealError::Cancelled)?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}
