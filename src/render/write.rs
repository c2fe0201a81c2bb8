//! Puts rendered files into the output folder: all or nothing. When an existing file differs
//! from what omsso would write and `--force` is not given, nothing is written; the differences
//! are shown instead (with the secret masked), and the command exits 2.

use std::fs;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::diff::masked_diff;
use super::{RenderError, RenderedFile};
use crate::error::Result;
use crate::output::files::{self, OutputError, PUBLIC_MODE, SECRET_MODE};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Written,
    Unchanged,
}

#[derive(Debug, Serialize)]
pub struct Written {
    pub path: PathBuf,
    pub status: Status,
    pub holds_secret: bool,
    /// `0600` or `0644`.
    pub mode: String,
}

/// Writes `files` under `out_dir` (created 0700, with a `.gitignore` once a file holds the
/// secret). Files that hold the secret get mode 0600. `report_diff` receives the masked diff
/// of each file that would be replaced without `force`. Each existing file is read once; the files that change (and
/// the `.gitignore` of a new output folder) are written as one batch.
pub fn write_all(
    out_dir: &Path,
    files: &[RenderedFile],
    force: bool,
    mut report_diff: impl FnMut(&str),
) -> Result<Vec<Written>> {
    let paths: Vec<PathBuf> = files.iter().map(|f| out_dir.join(&f.rel_path)).collect();
    let mut existing = Vec::with_capacity(files.len());
    let mut conflicts = Vec::new();
    for (f, path) in files.iter().zip(&paths) {
        files::check_target(path)?;
        let old = fs::read(path).ok();
        if let Some(old) = old.as_ref().filter(|old| **old != f.bytes) {
            if !force {
                report_diff(&masked_diff(&path.display().to_string(), old, f));
                conflicts.push(path.clone());
            }
        }
        existing.push(old);
    }
    if !conflicts.is_empty() {
        return Err(RenderError::WouldOverwrite { paths: conflicts }.into());
    }

    // The `.gitignore` that keeps the folder out of git comes with the first secret file:
    // a folder that only receives files without one (Helm values, the SOPS-encrypted Secret
    // a GitOps repository commits) is left visible to git.
    let gitignore =
        files::create_out_dir(out_dir)?.filter(|_| files.iter().any(|f| f.holds_secret));
    let mut written = Vec::new();
    let mut changed = Vec::new();
    for ((f, path), old) in files.iter().zip(paths).zip(existing) {
        if let Some(parent) = path.parent().filter(|p| !p.exists()) {
            // Subfolders hold secrets as much as the output folder does.
            fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(parent)
                .map_err(|source| OutputError::Io {
                    op: "create folder",
                    path: parent.to_path_buf(),
                    source,
                })?;
        }
        let mode = if f.holds_secret {
            SECRET_MODE
        } else {
            PUBLIC_MODE
        };
        let unchanged = old.as_ref() == Some(&f.bytes);
        if unchanged && f.holds_secret {
            tighten(&path)?;
        }
        if !unchanged {
            changed.push((path.clone(), f, mode));
        }
        written.push(Written {
            path,
            status: if unchanged {
                Status::Unchanged
            } else {
                Status::Written
            },
            holds_secret: f.holds_secret,
            mode: format!("{mode:04o}"),
        });
    }
    // All files or none: an error or an interrupt while writing leaves the previous set.
    let pending: Vec<files::Pending> = gitignore
        .as_deref()
        .map(files::gitignore)
        .into_iter()
        .chain(changed.iter().map(|(path, f, mode)| files::Pending {
            path,
            bytes: &f.bytes,
            mode: *mode,
        }))
        .collect();
    files::write_all_atomic(&pending)?;
    Ok(written)
}

/// An unchanged secret file someone made readable to others is set back to 0600.
fn tighten(path: &Path) -> Result<(), OutputError> {
    let io = |source| OutputError::Io {
        op: "set permissions of",
        path: path.to_path_buf(),
        source,
    };
    let mode = fs::metadata(path).map_err(io)?.permissions().mode();
    if mode & 0o077 != 0 {
        fs::set_permissions(path, fs::Permissions::from_mode(SECRET_MODE)).map_err(io)?;
    }
    Ok(())
}
