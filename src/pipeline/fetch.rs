//! fetch: the [`Credentials`] that render and seal work from: a credentials file, a sealed
//! handoff bundle (both offline), or live from Keycloak.

use std::path::{Path, PathBuf};

use super::{ensure, Progress, Result};
use crate::credentials::Credentials;
use crate::keycloak::{self, Logins, Session};
use crate::output::files;
use crate::seal;
use crate::settings::{ClientType, Settings};

/// Where the credentials come from.
pub enum Source {
    /// A credentials file (`keycloak fetch --write`, `open --write-credentials`).
    File(PathBuf),
    /// A sealed handoff bundle, opened with these options.
    Bundle(PathBuf, Box<seal::OpenOptions>),
    /// Keycloak's admin API; `insecure`: certificate checks off.
    Keycloak { insecure: bool },
}

pub async fn credentials(
    settings: &Settings,
    progress: &dyn Progress,
    source: &Source,
    logins: &Logins,
) -> Result<Credentials> {
    match source {
        Source::File(path) => Ok(Credentials::load(path)?),
        Source::Bundle(path, options) => {
            let opened = seal::open(path, options)?;
            if let Some(signer) = &opened.signer {
                progress.step(&format!(
                    "{}: signed by {} ({})",
                    path.display(),
                    crate::output::one_line(&signer.principals.join(", ")),
                    signer.fingerprint
                ));
            }
            Ok(opened.credentials)
        }
        Source::Keycloak { insecure } => {
            let realm = settings.realm()?.to_string();
            let session = ensure::connect(settings, progress, *insecure, logins).await?;
            let credentials =
                keycloak::fetch_credentials(&session, &realm, settings.client_id()).await?;
            progress.step(&format!(
                "fetched the credentials of client `{}` in realm `{realm}`",
                credentials.client_id
            ));
            warn_type_mismatch(&credentials, settings, progress);
            Ok(credentials)
        }
    }
}

/// `keycloak fetch`: the credentials of the configured client, from Keycloak.
pub async fn from_keycloak(
    settings: &Settings,
    progress: &dyn Progress,
    insecure: bool,
    logins: &Logins,
) -> Result<Credentials> {
    let realm = settings.realm()?;
    let session = ensure::connect(settings, progress, insecure, logins).await?;
    let creds = keycloak::fetch_credentials(&session, realm, settings.client_id()).await?;
    ensure::log_requests(&session);
    Ok(creds)
}

/// The credentials over an open session (`run`, which reports them itself).
pub async fn over(
    session: &Session,
    settings: &Settings,
    progress: &dyn Progress,
) -> Result<Credentials> {
    let realm = settings.realm()?;
    let creds = keycloak::fetch_credentials(session, realm, settings.client_id()).await?;
    warn_type_mismatch(&creds, settings, progress);
    Ok(creds)
}

/// Warns when the client in Keycloak is not what the settings configure OpenMetadata for, or
/// a confidential client came without a secret.
pub fn warn_type_mismatch(creds: &Credentials, settings: &Settings, progress: &dyn Progress) {
    let (have, want) = (creds.client_type, settings.client_type());
    let who = format!("client `{}` in realm `{}`", creds.client_id, creds.realm);
    if have != want {
        progress.warn(&format!(
            "{who} is {have} in Keycloak, but openmetadata.client_type is {want}: run `omsso \
             keycloak ensure` to make it {want}"
        ));
    } else if have == ClientType::Confidential && creds.client_secret.is_none() {
        progress.warn(&format!(
            "{who} is confidential but Keycloak returned no secret (its client authenticator \
             is not a client secret); run `omsso keycloak ensure`"
        ));
    }
}

/// The file `Credentials::load` reads back: the revealed view as JSON, mode 0600, written
/// atomically, never replacing different credentials unless `force`. `out_dir`: the output
/// folder, prepared first when the file goes there.
pub fn write_credentials(
    creds: &Credentials,
    path: &Path,
    force: bool,
    out_dir: Option<&Path>,
    progress: &dyn Progress,
) -> Result<()> {
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    if let Some(dir) = out_dir.filter(|d| parent == Some(*d)) {
        files::prepare_out_dir(dir)?;
    }
    let mut bytes = serde_json::to_vec_pretty(&creds.view(true)).expect("serialisable");
    bytes.push(b'\n');
    let outcome = files::write_new(path, &bytes, files::SECRET_MODE, force)?;
    progress.secret_file(path, outcome);
    progress.secret_files(&[path]);
    Ok(())
}
