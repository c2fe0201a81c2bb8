//! Writing files without ever leaving a half-written, truncated or world-readable one: each
//! file is written to a temporary file in the same folder (created with its final mode, so a
//! secret is never readable by others, not even for a moment), fsynced, then renamed over the
//! target. Files written together are fsynced together (see [`write_atomic_all`]). A Ctrl-C
//! handler removes temporary files still in flight.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::{Diagnose, Exit};

/// Mode for files that hold a secret.
pub const SECRET_MODE: u32 = 0o600;
/// Mode for files without secrets.
pub const PUBLIC_MODE: u32 = 0o644;

const OUT_GITIGNORE: &str =
    "# Written by omsso: generated files (some hold secrets) stay out of git.\n*\n";

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{} already exists and differs from what omsso would write", path.display())]
    Exists { path: PathBuf },
    #[error("cannot {op} {}: {source}", path.display())]
    Io {
        op: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
}

impl Diagnose for OutputError {
    fn exit(&self) -> Exit {
        match self {
            OutputError::Exists { .. } => Exit::Usage,
            OutputError::Io { .. } => Exit::Runtime,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            OutputError::Exists { .. } => {
                Some("pass --force to replace it, or choose another output path".to_string())
            }
            OutputError::Io { source, path, .. } => Some(match source.kind() {
                std::io::ErrorKind::PermissionDenied => format!(
                    "check that you may write to {}",
                    path.parent().unwrap_or(path).display()
                ),
                std::io::ErrorKind::IsADirectory => {
                    "a directory is in the way: remove it or choose another output path".into()
                }
                std::io::ErrorKind::NotFound => "check that the folder exists".into(),
                _ => "check the path and the free disk space".into(),
            }),
        }
    }
}

fn io<'a>(op: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> OutputError + 'a {
    move |source| OutputError::Io {
        op,
        path: path.to_path_buf(),
        source,
    }
}

/// Temporary files being written right now, for the Ctrl-C handler.
static IN_FLIGHT: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Removes temporary files that were being written (called on SIGINT before exiting).
pub fn remove_in_flight() {
    if let Ok(list) = IN_FLIGHT.lock() {
        for p in list.iter() {
            let _ = fs::remove_file(p);
        }
    }
}

/// A file for [`write_atomic_all`].
#[derive(Debug, Clone)]
pub struct NewFile {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    pub mode: u32,
}

/// Writes `bytes` to `path` atomically with `mode`. Replaces an existing file.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> Result<(), OutputError> {
    write_atomic_all(&[NewFile {
        path: path.to_path_buf(),
        bytes: bytes.to_vec(),
        mode,
    }])
}

/// Writes several files, each atomically, and makes them durable together: every temporary
/// file is written first, then all of them are synced at the same time, then each is renamed
/// over its target, then each folder is synced once. One journal commit of the file system
/// serves syncs that wait together, where syncs one after the other each wait for their own:
/// on a busy disk, where a sync takes milliseconds, that is most of what `render` costs
/// (docs/BENCHMARKS.md). Replaces existing files. On an error, no temporary file is left
/// behind.
pub fn write_atomic_all(files: &[NewFile]) -> Result<(), OutputError> {
    if let Some(f) = files.iter().find(|f| f.path.is_dir()) {
        return Err(OutputError::Io {
            op: "write",
            path: f.path.clone(),
            source: std::io::Error::from(std::io::ErrorKind::IsADirectory),
        });
    }
    // Registered for the Ctrl-C handler before they exist; `temps` are the ones created.
    let mut registered: Vec<PathBuf> = Vec::with_capacity(files.len());
    let mut temps: Vec<PathBuf> = Vec::with_capacity(files.len());
    let result = (|| {
        let mut open = Vec::with_capacity(files.len());
        for f in files {
            let tmp = temp_path(&f.path);
            IN_FLIGHT.lock().expect("lock").push(tmp.clone());
            registered.push(tmp.clone());
            let mut file = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(f.mode)
                .open(&tmp)
                .map_err(io("create", &tmp))?;
            temps.push(tmp.clone());
            file.write_all(&f.bytes).map_err(io("write", &tmp))?;
            open.push((tmp, file));
        }
        sync_together(&open).map_err(|(path, source)| OutputError::Io {
            op: "sync",
            path,
            source,
        })?;
        drop(open);
        for (tmp, f) in temps.iter().zip(files) {
            fs::rename(tmp, &f.path).map_err(io("write", &f.path))?;
        }
        // Make the renames themselves durable: each folder once. A folder that cannot be
        // opened or synced (some file systems refuse) leaves the files written all the same.
        let mut dirs: Vec<(PathBuf, fs::File)> = Vec::new();
        for f in files {
            let dir = parent_of(&f.path);
            if dirs.iter().any(|(d, _)| d == dir) {
                continue;
            }
            if let Ok(d) = fs::File::open(dir) {
                dirs.push((dir.to_path_buf(), d));
            }
        }
        let _ = sync_together(&dirs);
        Ok(())
    })();
    if result.is_err() {
        for tmp in &temps {
            let _ = fs::remove_file(tmp);
        }
    }
    IN_FLIGHT
        .lock()
        .expect("lock")
        .retain(|p| !registered.contains(p));
    result
}

/// The folder `path` is in (`.` for a bare file name).
fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// `.NAME.omsso-PID.tmp` beside `path`: same folder, so the rename is atomic.
fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    parent_of(path).join(format!(".{name}.omsso-{}.tmp", std::process::id()))
}

/// Syncs `files` at the same time, one thread each (the calling thread when there is one, or
/// when no thread can be started). The first failure is returned with its path.
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

/// Writes a file that must not replace an existing one unless `force` is set. An existing
/// file with exactly these bytes is left as it is (so re-running is a no-op).
/// Returns whether the file was written.
pub fn write_new(path: &Path, bytes: &[u8], mode: u32, force: bool) -> Result<bool, OutputError> {
    match fs::read(path) {
        Ok(existing) if existing == bytes => return Ok(false),
        Ok(_) if !force => {
            return Err(OutputError::Exists {
                path: path.to_path_buf(),
            })
        }
        _ => {}
    }
    write_atomic(path, bytes, mode)?;
    Ok(true)
}

/// Creates the output folder (0700: it will hold secrets) with a `.gitignore` that ignores
/// everything in it, unless the folder already has one.
pub fn prepare_out_dir(dir: &Path) -> Result<(), OutputError> {
    write_atomic_all(&create_out_dir(dir)?)
}

/// Creates the output folder (0700) if it is missing, and returns the `.gitignore` it still
/// lacks (none when it has one), for the caller to write in one batch with its own files.
pub fn create_out_dir(dir: &Path) -> Result<Vec<NewFile>, OutputError> {
    if !dir.exists() {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(io("create folder", dir))?;
    }
    let gitignore = dir.join(".gitignore");
    Ok(if gitignore.exists() {
        Vec::new()
    } else {
        vec![NewFile {
            path: gitignore,
            bytes: OUT_GITIGNORE.as_bytes().to_vec(),
            mode: PUBLIC_MODE,
        }]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
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
        assert!(write_new(&p, b"one", PUBLIC_MODE, false).unwrap());
        assert!(!write_new(&p, b"one", PUBLIC_MODE, false).unwrap());
        assert!(matches!(
            write_new(&p, b"two", PUBLIC_MODE, false),
            Err(OutputError::Exists { .. })
        ));
        assert_eq!(fs::read(&p).unwrap(), b"one");
        assert!(write_new(&p, b"two", PUBLIC_MODE, true).unwrap());
        assert_eq!(fs::read(&p).unwrap(), b"two");
    }

    #[test]
    fn a_directory_in_the_way_is_an_error_and_stays() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("d");
        fs::create_dir(&p).unwrap();
        assert!(write_atomic(&p, b"x", PUBLIC_MODE).is_err());
        assert!(p.is_dir());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_batch_is_written_in_two_folders_with_each_mode() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        let file = |rel: &str, bytes: &[u8], mode| NewFile {
            path: dir.path().join(rel),
            bytes: bytes.to_vec(),
            mode,
        };
        fs::write(dir.path().join("old"), b"before").unwrap();
        write_atomic_all(&[
            file("a", b"A", SECRET_MODE),
            file("sub/b", b"B", PUBLIC_MODE),
            file("old", b"after", SECRET_MODE),
        ])
        .unwrap();
        for (rel, bytes, mode) in [
            ("a", &b"A"[..], 0o600),
            ("sub/b", b"B", 0o644),
            ("old", b"after", 0o600),
        ] {
            let p = dir.path().join(rel);
            assert_eq!(fs::read(&p).unwrap(), bytes, "{rel}");
            assert_eq!(fs::metadata(&p).unwrap().permissions().mode() & 0o777, mode);
        }
        // No temporary file is left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 3);
        assert_eq!(fs::read_dir(dir.path().join("sub")).unwrap().count(), 1);
    }

    #[test]
    fn a_batch_with_a_directory_in_the_way_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("d")).unwrap();
        let files = [
            NewFile {
                path: dir.path().join("first"),
                bytes: b"1".to_vec(),
                mode: SECRET_MODE,
            },
            NewFile {
                path: dir.path().join("d"),
                bytes: b"2".to_vec(),
                mode: SECRET_MODE,
            },
        ];
        assert!(write_atomic_all(&files).is_err());
        assert!(!dir.path().join("first").exists());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_batch_that_fails_midway_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let files = [
            NewFile {
                path: dir.path().join("first"),
                bytes: b"1".to_vec(),
                mode: SECRET_MODE,
            },
            NewFile {
                path: dir.path().join("missing-folder/second"),
                bytes: b"2".to_vec(),
                mode: SECRET_MODE,
            },
        ];
        assert!(matches!(
            write_atomic_all(&files),
            Err(OutputError::Io { op: "create", .. })
        ));
        assert!(!dir.path().join("first").exists());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
        // (Other tests write at the same time: look only at this folder.)
        assert!(!IN_FLIGHT
            .lock()
            .unwrap()
            .iter()
            .any(|p| p.starts_with(dir.path())));
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
