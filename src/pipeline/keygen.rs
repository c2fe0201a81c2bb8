//! keygen: an age identity for the receiving side (0600, never replacing one) and its public
//! key, which the sender seals to.

use std::path::Path;
use std::time::SystemTime;

use serde::Serialize;

use super::{Progress, Result};
use crate::seal;

/// `keygen`'s report (field names as `keygen --format json` prints them).
#[derive(Serialize)]
pub struct KeygenReport {
    pub identity_file: String,
    pub recipient: String,
}

pub fn keygen(progress: &dyn Progress, path: &Path) -> Result<KeygenReport> {
    let (content, recipient) = seal::new_identity(SystemTime::now());
    seal::write_identity(path, &content)?;
    progress.step(&format!(
        "wrote identity {} (keep it private; it opens what is sealed to the key below)",
        path.display()
    ));
    progress.secret_files(&[path]);
    Ok(KeygenReport {
        identity_file: path.display().to_string(),
        recipient,
    })
}
