//! open: decrypt a handoff, check its signature and content, and show what it holds (the
//! secret only when asked), optionally as a credentials file.

use std::path::PathBuf;
use std::time::SystemTime;

use serde::Serialize;

use super::{fetch, Progress, Result};
use crate::output::one_line;
use crate::seal::bundle::BundleView;
use crate::seal::{self, OpenOptions, Opened, Signer};

/// The inputs of [`open`].
pub struct Open {
    pub file: PathBuf,
    pub options: OpenOptions,
    /// Write the credentials file `Credentials::load` reads.
    pub write_credentials: Option<PathBuf>,
    pub force: bool,
}

/// Opens the handoff (warning when it expired) and writes the credentials file when asked.
/// Returns what was opened and whether it expired.
pub fn open(
    progress: &dyn Progress,
    args: &Open,
    unsigned_warning: &str,
) -> Result<(Opened, bool)> {
    let opened = seal::open(&args.file, &args.options)?;
    let bundle = &opened.bundle;
    let expired = bundle.expired(SystemTime::now());
    if expired {
        progress.warn(&format!(
            "this handoff expired on {} (advisory): ask the sender whether the secret is still current",
            bundle.expires_at.as_deref().unwrap_or_default()
        ));
    }
    if opened.signer.is_none() {
        progress.warn(unsigned_warning);
    }
    if let Some(path) = &args.write_credentials {
        fetch::write_credentials(&opened.credentials, path, args.force, None, progress)?;
    }
    Ok((opened, expired))
}

/// `open`'s report (field names as `open --output json` prints them).
#[derive(Serialize)]
pub struct OpenReport<'a> {
    pub bundle: BundleView<'a>,
    pub credentials_file: Option<String>,
    pub expired: bool,
    pub file: String,
    pub signature: Option<&'a Signer>,
}

impl<'a> OpenReport<'a> {
    pub fn new(args: &Open, opened: &'a Opened, expired: bool, show_secret: bool) -> Self {
        OpenReport {
            bundle: opened.bundle.view(show_secret),
            credentials_file: args
                .write_credentials
                .as_ref()
                .map(|p| p.display().to_string()),
            expired,
            file: args.file.display().to_string(),
            signature: opened.signer.as_ref(),
        }
    }
}

/// The text report: one row per field, every value one line.
pub fn text(file: &std::path::Path, opened: &Opened, expired: bool, show_secret: bool) -> String {
    let bundle = &opened.bundle;
    let mut rows: Vec<(&str, String)> = vec![
        ("client_id", bundle.client_id.clone()),
        ("client_type", bundle.client_type.to_string()),
        (
            "client_secret",
            match (&bundle.client_secret, show_secret) {
                (None, _) => "(none: public client)".into(),
                (Some(s), true) => {
                    use secrecy::ExposeSecret;
                    s.expose_secret().to_string()
                }
                (Some(_), false) => "<redacted> (--show-secret shows it)".into(),
            },
        ),
        ("realm", bundle.realm.clone()),
        ("issuer", bundle.issuer.clone()),
        ("discovery_uri", bundle.discovery_uri.clone()),
        ("jwks_uri", bundle.jwks_uri.clone()),
    ];
    let optional = [
        ("openmetadata_url", &bundle.openmetadata_url),
        ("note", &bundle.note),
    ];
    rows.extend(
        optional
            .into_iter()
            .filter_map(|(k, v)| v.clone().map(|v| (k, v))),
    );
    rows.push(("created_at", bundle.created_at.clone()));
    if let Some(t) = &bundle.expires_at {
        let state = if expired { "expired" } else { "advisory" };
        rows.push(("expires_at", format!("{t} ({state})")));
    }
    rows.push(("sealed_for", sealed_for(opened)));
    rows.push((
        "signed_by",
        match &opened.signer {
            Some(s) => {
                one_line(&format!("{} ({})", s.principals.join(", "), s.fingerprint)).into_owned()
            }
            None => "not checked".into(),
        },
    ));
    let mut out = format!(
        "{}: omsso handoff bundle {}\n",
        file.display(),
        bundle.version
    );
    // Every value comes from the bundle, which anyone could have written: one line each,
    // nothing a terminal would act on (the sealed_for lines are joined, each one escaped).
    for (key, value) in rows {
        let value = match key {
            "sealed_for" | "signed_by" => value.into(),
            _ => one_line(&value),
        };
        out.push_str(&format!("  {key:18}{value}\n"));
    }
    out
}

fn sealed_for(opened: &Opened) -> String {
    let lines: Vec<String> = opened
        .bundle
        .recipients
        .iter()
        .map(|r| {
            let name = r
                .name
                .as_ref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            one_line(&format!("{} {}{name}", r.kind, r.fingerprint)).into_owned()
        })
        .collect();
    if lines.is_empty() {
        "a passphrase".into()
    } else {
        lines.join("\n                    ")
    }
}
