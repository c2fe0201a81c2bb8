//! Writing files without ever leaving a half-written, truncated or world-readable one: each
//! file is written to a temporary file in the same folder (created with its final mode, so a
//! secret is never readable by others, not even for a moment), fsynced, then renamed over the
//! target. Files written together are synced together ([`write_all_atomic`]). The interrupt
//! handler ([`super::interrupt`]) removes temporary files still in flight, so an interrupted
//! write leaves the previous file as it was.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

mod error;
mod existing;

pub use error::OutputError;
pub use existing::{open_existing, Existing, ExistingFile};

/// Mode for files that hold a secret.
pub const SECRET_MODE: u32 = 0o600;
/// Mode for files without secrets.
pub const PUBLIC_MODE: u32 = 0o644;

pub const OUT_GITIGNORE: &str =
    "# Written by omsso: generated files (some hold secrets) stay out of git.\n*\n";

fn io<'a>(op: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> OutputError + 'a {
    move |source| OutputError::Io {
        op,
        path: path.to_path_buf(),
        source,
    }
}

/// Temporary files that exist right now, for the interrupt handler. A temporary file is
/// created and registered under this lock, and the handler takes the lock for good before it
/// removes what is listed: so it sees every temporary file that exists, and none can be
/// created after it ran.
static IN_FLIGHT: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn in_flight() -> MutexGuard<'static, Vec<PathBuf>> {
    // A panic while holding the lock leaves a list that is still right.
    IN_FLIGHT.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Removes the temporary files being written (the interrupt handler calls it) and returns
/// the lock, which the caller keeps until the process ends.
pub fn remove_in_flight() -> MutexGuard<'static, Vec<PathBuf>> {
    let list = in_flight();
    for p in list.iter() {
        let _ = fs::remove_file(p);
    }
    list
}

/// Refuses a path a file cannot be written to: a folder (or a socket, a device…) where the
/// file should be, or a file where its folder should be. Commands that write several files
/// check them all first, so they write all of them or none. A symbolic link at the path is
/// not followed: writing replaces the link itself (the rename never writes through it).
pub fn check_target(path: &Path) -> Result<(), OutputError> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        if fs::metadata(parent).is_ok_and(|m| !m.is_dir()) {
            return Err(OutputError::NotAFolder {
                path: parent.to_path_buf(),
            });
        }
    }
    match fs::symlink_metadata(path) {
        Ok(m) if !m.is_file() && !m.is_symlink() => Err(OutputError::NotAFile {
            path: path.to_path_buf(),
        }),
        _ => Ok(()),
    }
}

/// One file to write: where, what, and its mode.
#[derive(Clone, Copy)]
pub struct Pending<'a> {
    pub path: &'a Path,
    pub bytes: &'a [u8],
    pub mode: u32,
}

/// Writes `bytes` to `path` atomically with `mode`. Replaces an existing file.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> Result<(), OutputError> {
    write_all_atomic(&[Pending { path, bytes, mode }])
}

/// Writes several files as one change: each is written to a temporary file beside it and
/// synced, and only when all of them are on disk are they renamed into place. A failure
/// before that (a read-only folder, a full disk) or an interrupt leaves every previous file
/// as it was. Existing files are replaced.
///
/// The temporary files are synced at the same time, and each folder once after the renames:
/// one journal commit of the file system serves syncs that wait together, where syncs one
/// after the other each wait for their own. On a busy disk, where a sync takes milliseconds,
/// that is most of what writing costs (docs/BENCHMARKS.md).
pub fn write_all_atomic(files: &[Pending]) -> Result<(), OutputError> {
    for f in files {
        check_target(f.path)?;
    }
    let mut staged: Vec<PathBuf> = Vec::new();
    let result = (|| {
        let mut open = Vec::with_capacity(files.len());
        for f in files {
            let (tmp, file) = stage(f)?;
            staged.push(tmp.clone());
            open.push((tmp, file));
        }
        sync_together(&open).map_err(|(path, source)| OutputError::Io {
            op: "sync",
            path,
            source,
        })?;
        drop(open);
        for (tmp, f) in staged.iter().zip(files) {
            fs::rename(tmp, f.path).map_err(io("write", f.path))?;
        }
        // Make the renames themselves durable, each folder once. A folder that cannot be
        // opened or synced (some file systems refuse) leaves the files written all the same.
        let mut folders: Vec<(PathBuf, fs::File)> = Vec::new();
        for f in files {
            let folder = folder_of(f.path);
            if folders.iter().any(|(d, _)| d == folder) {
                continue;
            }
            if let Ok(d) = fs::File::open(folder) {
                folders.push((folder.to_path_buf(), d));
            }
        }
        let _ = sync_together(&folders);
        Ok(())
    })();
    let mut list = in_flight();
    for tmp in &staged {
        if result.is_err() {
            // Those already renamed are gone from here; removing them fails harmlessly.
            let _ = fs::remove_file(tmp);
        }
        list.retain(|p| p != tmp);
    }
    result
}

fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Syncs `files` at the same time, one thread each (on the calling thread when there is only
/// one, or when no thread can be started). The first failure is returned with its path.
fn sync_together(files: &[(PathBuf, fs::File)]) -> Result<(), (PathBuf, std::io::Error)> {
    let sync = |(path, file): &(PathBuf, fs::File)| file.sync_all().map_err(|e| (path.clone(), e));
    if files.len() < 2 {
        return files.iter().try_for_each(sync);
    }
    std::thread::scope(|scope| {
        let mut inline = Vec::new();
        let mut threads = Vec::new();
        for f in files {
            // A sync needs next to no stack.
            let builder = std::thread::Builder::new().stack_size(64 * 1024);
            match builder.spawn_scoped(scope, move || sync(f)) {
                Ok(handle) => threads.push(handle),
                Err(_) => inline.push(f),
            }
        }
        let mut result = inline.into_iter().try_for_each(sync);
        for handle in threads {
            let r = handle.join().expect("a sync thread panicked");
            if result.is_ok() {
                result = r;
            }
        }
        result
    })
}

/// Writes `f` to a temporary file in its folder (not synced yet) and returns its path
/// (registered as in flight) and the open file. Nothing is left behind on failure.
fn stage(f: &Pending) -> Result<(PathBuf, fs::File), OutputError> {
    let name = f
        .path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let tmp = folder_of(f.path).join(format!(".{name}.omsso-{}.tmp", std::process::id()));
    // Created with its final mode (never chmod-ed afterwards) and exclusively: a file or
    // symlink someone placed at this name is an error, never followed nor removed.
    let mut file = {
        let mut list = in_flight();
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(f.mode)
            .open(&tmp)
            .map_err(io("create", &tmp))?;
        list.push(tmp.clone());
        file
    };
    if let Err(e) = file.write_all(f.bytes).map_err(io("write", &tmp)) {
        drop(file);
        let mut list = in_flight();
        let _ = fs::remove_file(&tmp);
        list.retain(|p| p != &tmp);
        return Err(e);
    }
    Ok((tmp, file))
}

/// Writes a file that must not exist yet, atomically: staged and synced like
/// [`write_all_atomic`], then hard-linked into place, which, unlike a rename, fails when
/// something appeared at `path` in the meantime instead of replacing it.
pub fn write_exclusive(path: &Path, bytes: &[u8], mode: u32) -> Result<(), OutputError> {
    check_target(path)?;
    let (tmp, file) = stage(&Pending { path, bytes, mode })?;
    let result = file
        .sync_all()
        .map_err(io("sync", &tmp))
        .and_then(|()| fs::hard_link(&tmp, path).map_err(io("create", path)));
    drop(file);
    let mut list = in_flight();
    let _ = fs::remove_file(&tmp);
    list.retain(|p| p != &tmp);
    drop(list);
    if result.is_ok() {
        if let Ok(d) = fs::File::open(folder_of(path)) {
            let _ = d.sync_all();
        }
    }
    result
}

/// What [`write_new`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewFile {
    Written,
    /// The file already held exactly these bytes and was left as it was.
    Unchanged,
    /// It held these bytes but others could read it: it was set to 0600 (it had this mode).
    Tightened(u32),
}

/// Writes a file that must not replace an existing one unless `force` is set. An existing
/// file with exactly these bytes is left as it is (so re-running is a no-op), except that a
/// secret file (`mode` 0600) others may read is set back to 0600. A symbolic link at `path`
/// is replaced (with `force`), never written through.
pub fn write_new(
    path: &Path,
    bytes: &[u8],
    mode: u32,
    force: bool,
) -> Result<NewFile, OutputError> {
    match open_existing(path)? {
        Existing::File(f) if f.bytes.as_deref() == Some(bytes) => {
            if mode == SECRET_MODE {
                if let Some(was) = f.tighten(path)? {
                    return Ok(NewFile::Tightened(was));
                }
            }
            return Ok(NewFile::Unchanged);
        }
        Existing::Link if !force => {
            return Err(OutputError::Link {
                path: path.to_path_buf(),
            })
        }
        Existing::File(_) if !force => {
            return Err(OutputError::Exists {
                path: path.to_path_buf(),
            })
        }
        _ => {}
    }
    write_atomic(path, bytes, mode)?;
    Ok(NewFile::Written)
}

/// Creates the output folder (0700: it will hold secrets) with a `.gitignore` that ignores
/// everything in it, unless the folder already has one.
pub fn prepare_out_dir(dir: &Path) -> Result<(), OutputError> {
    match create_out_dir(dir)? {
        Some(gitignore) => write_atomic(&gitignore, OUT_GITIGNORE.as_bytes(), PUBLIC_MODE),
        None => Ok(()),
    }
}

/// Creates the output folder (0700) if it is missing, and returns the path of the
/// `.gitignore` it still lacks (none when it has one), for the caller to write with its own
/// files in one batch ([`gitignore`]).
pub fn create_out_dir(dir: &Path) -> Result<Option<PathBuf>, OutputError> {
    if fs::metadata(dir).is_ok_and(|m| !m.is_dir()) {
        return Err(OutputError::NotAFolder {
            path: dir.to_path_buf(),
        });
    }
    if !dir.exists() {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(io("create folder", dir))?;
    }
    let gitignore = dir.join(".gitignore");
    Ok((!gitignore.exists()).then_some(gitignore))
}

/// The output folder's `.gitignore` at `path`, as a file to write.
pub fn gitignore(path: &Path) -> Pending<'_> {
    Pending {
        path,
        bytes: OUT_GITIGNORE.as_bytes(),
        mode: PUBLIC_MODE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_exclusive_never_replaces_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("id.key");
        write_exclusive(&p, b"first", SECRET_MODE).unwrap();
        assert!(write_exclusive(&p, b"second", SECRET_MODE).is_err());
        assert_eq!(fs::read(&p).unwrap(), b"first");
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            SECRET_MODE
        );
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn secret_files_are_0600_and_complete() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.env");
        write_atomic(&p, b"A=1\n", SECRET_MODE).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"A=1\n");
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
        // No temporary file is left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn write_new_refuses_to_replace_without_force() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        assert_eq!(
            write_new(&p, b"one", PUBLIC_MODE, false).unwrap(),
            NewFile::Written
        );
        assert_eq!(
            write_new(&p, b"one", PUBLIC_MODE, false).unwrap(),
            NewFile::Unchanged
        );
        assert!(matches!(
            write_new(&p, b"two", PUBLIC_MODE, false),
            Err(OutputError::Exists { .. })
        ));
        assert_eq!(fs::read(&p).unwrap(), b"one");
        assert_eq!(
            write_new(&p, b"two", PUBLIC_MODE, true).unwrap(),
            NewFile::Written
        );
        assert_eq!(fs::read(&p).unwrap(), b"two");
    }

    #[test]
    fn write_new_never_follows_a_link_and_tightens_a_loose_secret_file() {
        let dir = tempfile::tempdir().unwrap();
        let (target, link) = (dir.path().join("target"), dir.path().join("link"));
        fs::write(&target, b"same").unwrap();
        std::os::unix::fs::symlink(&target, &link).unwrap();
        // Even with the very bytes the target holds: a link is never taken as the file.
        assert!(matches!(
            write_new(&link, b"same", SECRET_MODE, false),
            Err(OutputError::Link { .. })
        ));
        assert_eq!(
            write_new(&link, b"new", SECRET_MODE, true).unwrap(),
            NewFile::Written
        );
        assert!(!link.is_symlink());
        assert_eq!(fs::read(&target).unwrap(), b"same");

        let p = dir.path().join("creds");
        fs::write(&p, b"x").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(
            write_new(&p, b"x", SECRET_MODE, false).unwrap(),
            NewFile::Tightened(0o644)
        );
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    #[test]
    fn a_directory_in_the_way_is_an_error_and_stays() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("d");
        fs::create_dir(&p).unwrap();
        assert!(matches!(
            write_atomic(&p, b"x", PUBLIC_MODE),
            Err(OutputError::NotAFile { .. })
        ));
        assert!(p.is_dir());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_batch_is_written_in_two_folders_with_each_mode() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        fs::write(dir.path().join("old"), b"before").unwrap();
        let (a, b, old) = (
            dir.path().join("a"),
            dir.path().join("sub/b"),
            dir.path().join("old"),
        );
        write_all_atomic(&[
            Pending {
                path: &a,
                bytes: b"A",
                mode: SECRET_MODE,
            },
            Pending {
                path: &b,
                bytes: b"B",
                mode: PUBLIC_MODE,
            },
            Pending {
                path: &old,
                bytes: b"after",
                mode: SECRET_MODE,
            },
        ])
        .unwrap();
        for (p, bytes, mode) in [
            (&a, &b"A"[..], 0o600),
            (&b, b"B", 0o644),
            (&old, b"after", 0o600),
        ] {
            assert_eq!(fs::read(p).unwrap(), bytes, "{}", p.display());
            assert_eq!(fs::metadata(p).unwrap().permissions().mode() & 0o777, mode);
        }
        // No temporary file is left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 3);
        assert_eq!(fs::read_dir(dir.path().join("sub")).unwrap().count(), 1);
    }

    #[test]
    fn a_batch_that_fails_midway_leaves_no_file_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let (first, second) = (
            dir.path().join("first"),
            dir.path().join("missing-folder/second"),
        );
        let files = [
            Pending {
                path: &first,
                bytes: b"1",
                mode: SECRET_MODE,
            },
            Pending {
                path: &second,
                bytes: b"2",
                mode: SECRET_MODE,
            },
        ];
        assert!(matches!(
            write_all_atomic(&files),
            Err(OutputError::Io { op: "create", .. })
        ));
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
        // (Other tests write at the same time: look only at this folder.)
        assert!(!in_flight().iter().any(|p| p.starts_with(dir.path())));
    }

    #[test]
    fn a_new_out_dir_hands_its_gitignore_to_the_caller() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let gitignore = create_out_dir(&out)
            .unwrap()
            .expect("a new folder needs one");
        assert_eq!(gitignore, out.join(".gitignore"));
        assert!(!gitignore.exists());
        write_all_atomic(&[super::gitignore(&gitignore)]).unwrap();
        assert_eq!(fs::read_to_string(&gitignore).unwrap(), OUT_GITIGNORE);
        assert_eq!(create_out_dir(&out).unwrap(), None);
    }

    #[test]
    fn out_dir_gets_a_gitignore() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        prepare_out_dir(&out).unwrap();
        assert_eq!(
            fs::read_to_string(out.join(".gitignore")).unwrap(),
            OUT_GITIGNORE
        );
        assert_eq!(
            fs::metadata(&out).unwrap().permissions().mode() & 0o777,
            0o700
        );
    }
}
