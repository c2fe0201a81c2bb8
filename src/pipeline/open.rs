//! open: decrypt a handoff, check its signature and content, and show what it holds (the
//! secret only when asked), optionally as a credentials file.

use std::path::PathBuf;
use std::time::SystemTime;

use serde::Serialize;

use super::{fetch, Progress, Result};
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

/// `open`'s report (field names as `open --format json` prints them).
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
