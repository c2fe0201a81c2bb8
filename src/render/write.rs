//! Puts rendered files into the output folder: all or nothing. When an existing file differs
//! from what omsso would write and force is not asked for, nothing is written; the differences
//! are shown instead (with the secret masked), and the command exits 2.

use std::fs;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::diff::masked_diff;
use super::{RenderError, RenderedFile};
use crate::output::files::{self, Existing, OutputError, SECRET_MODE};

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

/// Whether to replace files that differ, and how the user asks for it (for the text shown
/// when a file is kept: the command line spells it).
#[derive(Debug, Clone, Copy)]
pub struct Force<'a> {
    pub given: bool,
    pub option: &'a str,
}

/// Writes `files` under `out_dir` (created 0700, with a `.gitignore` once a file holds the
/// secret). Files that hold the secret, and the SOPS-encrypted Secret, get mode 0600.
/// `report_diff` receives the masked diff of each file that would be replaced without `force`
/// (`secret`, the client secret, is masked in it wherever it appears). Each existing file is
/// read once, never through a symbolic link; the files that change (and the `.gitignore` of a
/// new output folder) are written as one batch. An unchanged 0600 file that others could read
/// is set back to 0600; `report_loosened` hears of each such file that holds the secret.
pub fn write_all(
    out_dir: &Path,
    files: &[RenderedFile],
    force: Force<'_>,
    secret: Option<&str>,
    report_diff: impl FnMut(&str),
    mut report_loosened: impl FnMut(&Path, u32),
) -> Result<Vec<Written>, RenderError> {
    let paths: Vec<PathBuf> = files.iter().map(|f| out_dir.join(&f.rel_path)).collect();
    let existing = existing_files(files, &paths, force, secret, report_diff)?;

    // The `.gitignore` that keeps the folder out of git comes with the first secret file:
    // a folder that only receives files without one (Helm values, the SOPS-encrypted Secret
    // a GitOps repository commits) is left visible to git.
    // A secret file in a subfolder that comes with its own `.gitignore` (the JWT key files)
    // is kept out of git by that one.
    let covered = |f: &RenderedFile| {
        files.iter().any(|g| {
            g.rel_path.file_name() == Some(".gitignore".as_ref())
                && g.rel_path
                    .parent()
                    .is_some_and(|dir| f.rel_path.starts_with(dir))
        })
    };
    let gitignore = files::create_out_dir(out_dir)?
        .filter(|_| files.iter().any(|f| f.holds_secret && !covered(f)));
    let mut written = Vec::new();
    let mut changed = Vec::new();
    for ((f, path), (old, unchanged)) in files.iter().zip(paths).zip(existing) {
        create_subfolder(&path)?;
        let mode = f.mode();
        if let (true, SECRET_MODE, Existing::File(e)) = (unchanged, mode, &old) {
            if let (Some(was), true) = (e.tighten(&path)?, f.holds_secret) {
                report_loosened(&path, was);
            }
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

/// What is at each path, and whether it already holds the rendered bytes. Without `force`,
/// every file that would be replaced is reported (`report_diff`) and refused, all together.
fn existing_files(
    files: &[RenderedFile],
    paths: &[PathBuf],
    force: Force<'_>,
    secret: Option<&str>,
    mut report_diff: impl FnMut(&str),
) -> Result<Vec<(Existing, bool)>, RenderError> {
    let mut existing = Vec::with_capacity(files.len());
    let mut conflicts = Vec::new();
    for (f, path) in files.iter().zip(paths) {
        let old = files::open_existing(path)?;
        let same = matches!(&old, Existing::File(e) if e.bytes.as_deref() == Some(&f.bytes[..]));
        if !same && !matches!(old, Existing::Missing) && !force.given {
            let label = path.display().to_string();
            report_diff(&conflict_diff(&label, &old, f, secret, force.option));
            conflicts.push(path.clone());
        }
        existing.push((old, same));
    }
    if !conflicts.is_empty() {
        return Err(RenderError::WouldOverwrite { paths: conflicts });
    }
    Ok(existing)
}

/// How the file at `label` differs from `f`: a masked diff, or why it is not shown.
fn conflict_diff(
    label: &str,
    old: &Existing,
    f: &RenderedFile,
    secret: Option<&str>,
    force: &str,
) -> String {
    match old {
        // Never read, never shown: the link may point at any file of this user
        // (`/proc/self/environ`, a key).
        Existing::Link => format!(
            "{label}: differs (not shown: it is a symbolic link, which omsso neither \
             follows nor writes through; {force} replaces the link itself)\n"
        ),
        Existing::File(e) => match (e.not_showable(), &e.bytes) {
            (None, Some(bytes)) => masked_diff(label, bytes, f, secret),
            (reason, _) => format!(
                "{label}: differs (not shown: {})\n",
                reason.unwrap_or("it cannot be read")
            ),
        },
        Existing::Missing => unreachable!("a missing file is no conflict"),
    }
}

/// The folder of `path`, when it is missing: subfolders hold secrets as much as the output
/// folder does (0700).
fn create_subfolder(path: &Path) -> Result<(), OutputError> {
    let Some(parent) = path.parent().filter(|p| !p.exists()) else {
        return Ok(());
    };
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(parent)
        .map_err(|source| OutputError::Io {
            op: "create folder",
            path: parent.to_path_buf(),
            source,
        })
}
