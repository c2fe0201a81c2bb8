//! OpenMetadata's own JWT key pair for render and run: the key files in the output folder are
//! read back, or a pair is made when there are none (once: every later render finds the same
//! files, so the keys are never replaced by a re-render), or made anew on an explicit
//! rotation, which first says what stops working and what to do next.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{Progress, Result};
use crate::jwt_keys::{self, KeyFiles, Loaded, PRIVATE_KEY_FILE, PUBLIC_KEY_FILE};
use crate::output::files::OUT_GITIGNORE;
use crate::render::jwt::JwtInput;
use crate::render::RenderedFile;
use crate::settings::{HttpUrl, Settings, JWT_KEY_SUBDIR};

/// What the caller does with the key pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyUse {
    /// Files are written: read the pair back, or make one when there is none.
    Write,
    /// Files are written with a new pair in place of the old one (asked for explicitly).
    Rotate,
    /// One file goes to stdout, nothing is written: only a pair that already exists is used
    /// (a pair made now would be lost, and the printed key id would name no key).
    Print,
}

/// The pair for the templates, and the key files to write with the other files.
pub struct Keys {
    pub input: JwtInput,
    pub files: Vec<RenderedFile>,
    /// The pair was made now (none existed, or a rotation): no server runs it yet.
    pub made: bool,
}

/// The pair for this rendering, `None` when `jwt.enabled` is false (or nothing may be made:
/// [`KeyUse::Print`] without key files, which is said).
pub fn keys(
    settings: &Settings,
    progress: &dyn Progress,
    om_url: &HttpUrl,
    use_: KeyUse,
) -> Result<Option<Keys>> {
    if !settings.jwt_enabled() {
        return Ok(None);
    }
    let files = settings.jwt_key_files();
    let loaded = match use_ {
        KeyUse::Write => files.load_or_generate(settings.jwt_key_size())?,
        KeyUse::Rotate => {
            rotation_plan(progress, &files);
            jwt_keys::generate(settings.jwt_key_size())?
        }
        KeyUse::Print => match files.load()? {
            Some(loaded) => loaded,
            None => {
                progress.warn(&format!(
                    "no JWT key pair in {} yet, so the printed file leaves \
                     jwtTokenConfiguration to the server's quickstart keys: render into the \
                     output folder once to make the pair",
                    dir(&files)
                ));
                return Ok(None);
            }
        },
    };
    let key_id = jwt_keys::key_id(loaded.pair.public(), settings.jwt_key_id());
    let issuer = match settings.jwt_issuer() {
        Some(i) => i.to_string(),
        None => om_url
            .parsed()
            .host_str()
            .unwrap_or(om_url.as_str())
            .to_string(),
    };
    let local_dir =
        std::path::absolute(settings.out_dir().join(JWT_KEY_SUBDIR)).map_err(|source| {
            crate::output::OutputError::Io {
                op: "resolve",
                path: settings.out_dir().to_path_buf(),
                source,
            }
        })?;
    let key_files = key_files(&loaded, &key_id);
    Ok(Some(Keys {
        input: JwtInput {
            pair: Arc::new(loaded.pair),
            key_id,
            issuer,
            server_dir: settings.jwt_server_dir().to_string(),
            local_dir,
            secret_name: settings.helm_jwt_secret_name().to_string(),
        },
        files: key_files,
        made: loaded.generated,
    }))
}

/// The files of the key folder: its `.gitignore` and the two key files.
fn key_files(loaded: &Loaded, key_id: &str) -> Vec<RenderedFile> {
    let rel = |name: &str| PathBuf::from(JWT_KEY_SUBDIR).join(name);
    vec![
        // The key folder keeps itself out of git, also where the output folder is committed
        // (a GitOps repository with the SOPS-encrypted Secrets).
        RenderedFile {
            rel_path: rel(".gitignore"),
            bytes: OUT_GITIGNORE.as_bytes().to_vec(),
            holds_secret: false,
            owner_only: false,
            redacted: OUT_GITIGNORE.into(),
        },
        RenderedFile {
            rel_path: rel(PRIVATE_KEY_FILE),
            bytes: loaded.pair.private_der().to_vec(),
            holds_secret: true,
            owner_only: false,
            redacted: "<private key, not shown>\n".into(),
        },
        RenderedFile {
            rel_path: rel(PUBLIC_KEY_FILE),
            redacted: format!("<public key, key id {key_id}>\n"),
            bytes: loaded.public_der.clone(),
            holds_secret: false,
            owner_only: false,
        },
    ]
}

/// What a rotation breaks and what to do next, said before anything is made.
fn rotation_plan(progress: &dyn Progress, files: &KeyFiles) {
    let existing = files.read_public().ok().flatten();
    let old = match &existing {
        Some(key) => format!(
            "the key pair in {} (public key thumbprint {})",
            dir(files),
            key.thumbprint()
        ),
        None => format!("the key pair in {}", dir(files)),
    };
    progress.warn(&format!(
        "rotating OpenMetadata's JWT key pair: a new pair replaces {old}. Once the server runs \
         with it, every token the old key signed stops working: every bot token and every \
         personal access token, so every ingestion pipeline and client that uses one (Airflow \
         and CLI connections, other services), and users' sessions signed by OpenMetadata. \
         Next: deploy the new files (openmetadata.yaml, the env file and its compose override, \
         or the Helm values and jwt-keys Secret), restart the server, then create new tokens \
         for each bot and update the pipelines that use them, and ask users to create new \
         personal access tokens."
    ));
}

fn dir(files: &KeyFiles) -> String {
    files
        .private_key
        .parent()
        .unwrap_or(Path::new("."))
        .display()
        .to_string()
}
