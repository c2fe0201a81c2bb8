//! seal: the credentials → an age-encrypted handoff file (+ an optional signature). Every
//! check that can fail (inputs, recipients, signing key, existing files) runs before anything
//! is asked for or written.

use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

use super::{Progress, Result};
use crate::credentials::Credentials;
use crate::output::files::prepare_out_dir;
use crate::output::one_line;
use crate::output::Report;
use crate::seal::error::BundleError;
use crate::seal::{
    self, Claim, Recipient, RecipientInfo, SealError, SealOptions, SealTo, SigningKey, Target,
};
use crate::settings::{ClientType, SecretSource, Settings};

const DAY: Duration = Duration::from_secs(24 * 60 * 60);

/// How to seal, besides the settings (`seal.recipients` and the output folder).
pub struct Handoff {
    /// Seal to a passphrase instead of the recipients.
    pub passphrase: bool,
    /// The passphrase's file and where it was named (implies `passphrase`).
    pub passphrase_file: Option<seal::PassphraseFile>,
    /// The option that takes that file, for the error when no passphrase is given.
    pub passphrase_file_option: crate::hint::Opt,
    /// ASCII armor (else binary age).
    pub armor: bool,
    /// Do not ask before sealing for the recipients listed.
    pub yes: bool,
    pub note: Option<String>,
    pub expires_in_days: Option<u32>,
    /// The handoff file; `<out_dir>/omsso-handoff.age` when not set.
    pub output_file: Option<PathBuf>,
    pub force: bool,
    /// An SSH private key to sign the handoff with, and where its passphrase comes from.
    pub sign_with: Option<PathBuf>,
    pub sign_passphrase: SecretSource,
}

impl Handoff {
    /// Whether the settings or these options ask for a seal at all (`run`).
    pub fn wanted(&self, settings: &Settings) -> bool {
        let r = settings.seal_recipients();
        !r.recipients.is_empty()
            || !r.files.is_empty()
            || self.passphrase
            || self.passphrase_file.is_some()
    }

    /// Recipients or a passphrase, decided once.
    pub fn target(&self, settings: &Settings) -> Result<Target> {
        Ok(seal::resolve_target(
            &settings.seal_recipients(),
            self.passphrase,
            self.passphrase_file.as_ref(),
            self.passphrase_file_option,
        )?)
    }

    pub fn path(&self, settings: &Settings) -> PathBuf {
        self.output_file
            .clone()
            .unwrap_or_else(|| settings.out_dir().join(seal::DEFAULT_FILE_NAME))
    }

    /// Whom for and where, decided once before anything is asked for or sealed.
    pub fn plan(&self, settings: &Settings) -> Result<Plan> {
        Ok(Plan {
            target: self.target(settings)?,
            claim: Claim::look(&self.path(settings))?,
            out_dir: self
                .output_file
                .is_none()
                .then(|| settings.out_dir().to_path_buf()),
        })
    }
}

/// A seal decided: whom for, and the destination as it was looked at.
pub struct Plan {
    pub target: Target,
    pub claim: Claim,
    /// The output folder, made (with its .gitignore) when the handoff goes there.
    out_dir: Option<PathBuf>,
}

/// What a seal wrote (field names as `seal --format json` prints them).
#[derive(Serialize)]
pub struct SealReport {
    pub armor: bool,
    pub client_id: String,
    pub client_type: ClientType,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub file: String,
    pub realm: String,
    pub recipients: Vec<RecipientInfo>,
    pub recipients_record: Option<String>,
    /// `passphrase` or `recipients`.
    pub sealed_to: &'static str,
    pub signature: Option<String>,
    pub signed_by: Option<String>,
}

impl SealReport {
    /// Every file written: the handoff, its signature and its recipients record.
    pub fn written(&self) -> impl Iterator<Item = &str> {
        std::iter::once(&self.file)
            .chain(&self.signature)
            .chain(&self.recipients_record)
            .map(String::as_str)
    }
}

impl Report for SealReport {
    fn text(&self) -> String {
        let mut text = format!("{}\n", self.summary());
        if let (Some(sig), Some(key)) = (&self.signature, &self.signed_by) {
            text.push_str(&format!("signed  {sig} ({key})\n"));
        }
        text
    }

    fn summary(&self) -> String {
        let to = match self.sealed_to {
            "passphrase" => "a passphrase".to_string(),
            _ => plural(self.recipients.len(), "recipient"),
        };
        let format = if self.armor { "armored" } else { "binary" };
        format!("sealed  {} ({format}, {to})", self.file)
    }
}

/// `seal`: refuses credentials without a secret, decides the target, seals.
pub fn seal(
    settings: &Settings,
    progress: &dyn Progress,
    credentials: &Credentials,
    handoff: &Handoff,
) -> Result<SealReport> {
    check_secret(credentials)?;
    let plan = handoff.plan(settings)?;
    seal_to(progress, credentials, handoff, plan)
}

/// A public client's bundle carries everything but a secret; a confidential one without its
/// secret is refused before anything is asked.
fn check_secret(credentials: &Credentials) -> Result<()> {
    if credentials.client_type == ClientType::Confidential && credentials.client_secret.is_none() {
        return Err(SealError::from(BundleError::NoClientSecret).into());
    }
    Ok(())
}

/// Seals `credentials` as `plan` decided and writes the handoff file.
pub fn seal_to(
    progress: &dyn Progress,
    credentials: &Credentials,
    handoff: &Handoff,
    plan: Plan,
) -> Result<SealReport> {
    check_secret(credentials)?;
    let Plan {
        target,
        claim,
        out_dir,
    } = plan;
    claim.refuse_taken(handoff.sign_with.is_some(), handoff.force)?;
    let signing_key = match &handoff.sign_with {
        Some(key) => Some(SigningKey::load(key, &handoff.sign_passphrase)?),
        None => None,
    };
    let options = SealOptions {
        to: seal_to_of(progress, credentials, handoff, target)?,
        armor: handoff.armor,
        note: handoff.note.clone(),
        expires_in: handoff.expires_in_days.map(|days| DAY * days),
    };
    let sealed = seal::seal(credentials, &options)?;
    let signature = match &signing_key {
        Some(key) => Some(key.sign(&sealed.ciphertext).map_err(SealError::from)?),
        None => None,
    };
    if let Some(dir) = &out_dir {
        prepare_out_dir(dir)?;
    }
    let passphrase = matches!(options.to, SealTo::Passphrase(_));
    let recipients = (!passphrase).then_some(sealed.bundle.recipients.as_slice());
    let written = seal::write(&claim, &sealed.ciphertext, signature.as_deref(), recipients)?;
    progress.secret_files(&[written.file.as_path()]);
    if let Some(stale) = &written.removed_stale_signature {
        progress.warn(&format!(
            "removed {}: it signed the file this one replaced",
            stale.display()
        ));
    }
    Ok(report(
        sealed.bundle,
        written,
        options.armor,
        passphrase,
        signing_key.as_ref(),
    ))
}

/// Shows whom the credentials are sealed for and, for recipients on a terminal, asks first.
fn seal_to_of(
    progress: &dyn Progress,
    credentials: &Credentials,
    handoff: &Handoff,
    target: Target,
) -> Result<SealTo> {
    match target {
        Target::Recipients(recipients) => {
            progress.step(&recipient_list(credentials, &recipients));
            if !handoff.yes && std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                let yes = progress
                    .confirm("Seal for these recipients?")
                    .map_err(|_| SealError::Cancelled)?;
                if !yes {
                    return Err(SealError::Cancelled.into());
                }
            }
            Ok(SealTo::Recipients(recipients))
        }
        Target::Passphrase {
            source,
            ignored_defaults,
        } => {
            if ignored_defaults {
                progress.warn("sealing to a passphrase: the seal.recipients from the settings file are not used");
            }
            progress.step(&format!(
                "Sealing the credentials of client `{}` to a passphrase",
                credentials.client_id
            ));
            Ok(SealTo::Passphrase(source.read_new()?))
        }
    }
}

fn report(
    bundle: seal::Bundle,
    written: seal::Written,
    armor: bool,
    passphrase: bool,
    signing_key: Option<&SigningKey>,
) -> SealReport {
    let shown = |p: &Option<PathBuf>| p.as_ref().map(|p| p.display().to_string());
    SealReport {
        armor,
        client_id: bundle.client_id,
        client_type: bundle.client_type,
        created_at: bundle.created_at,
        expires_at: bundle.expires_at,
        file: written.file.display().to_string(),
        realm: bundle.realm,
        recipients: bundle.recipients,
        recipients_record: shown(&written.record),
        sealed_to: if passphrase {
            "passphrase"
        } else {
            "recipients"
        },
        signature: shown(&written.signature),
        signed_by: signing_key.map(SigningKey::fingerprint),
    }
}

/// age output differs on every seal, so an existing handoff is kept as it is when it was
/// sealed for what is asked now (recipients, passphrase, armor, signature); otherwise it is
/// refused, like a rendered file that differs. Returns the files kept: the handoff, its
/// signature and its recipients record, those of them that are there.
pub fn keep_existing<'a>(plan: &'a Plan, handoff: &Handoff) -> Result<&'a [PathBuf]> {
    seal::reuse::check(
        &plan.claim.file,
        &seal::reuse::Wanted {
            target: &plan.target,
            armor: handoff.armor,
            sign_with: handoff.sign_with.as_deref(),
        },
    )?;
    Ok(plan.claim.present())
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
