//! Writing files without ever leaving a half-written, truncated or world-readable one: each
//! file is written to a temporary file in the same folder (created with its final mode, so a
//! secret is never readable by others, not even for a moment), fsynced, then renamed over the
//! target. A Ctrl-C handler removes temporary files still in flight.

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

/// Writes `bytes` to `path` atomically with `mode`. Replaces an existing file.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> Result<(), OutputError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if path.is_dir() {
        return Err(OutputError::Io {
            op: "write",
            path: path.to_path_buf(),
            source: std::io::Error::from(std::io::ErrorKind::IsADirectory),
        });
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.omsso-{}.tmp", std::process::id()));
    IN_FLIGHT.lock().expect("lock").push(tmp.clone());
    let result = (|| {
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&tmp)
            .map_err(io("create", &tmp))?;
        f.write_all(bytes).map_err(io("write", &tmp))?;
        f.sync_all().map_err(io("sync", &tmp))?;
        drop(f);
        fs::rename(&tmp, path).map_err(io("write", path))?;
        // Make the rename itself durable.
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    IN_FLIGHT.lock().expect("lock").retain(|p| p != &tmp);
    result
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
    if !dir.exists() {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(io("create folder", dir))?;
    }
    let gitignore = dir.join(".gitignore");
    if !gitignore.exists() {
        write_atomic(&gitignore, OUT_GITIGNORE.as_bytes(), PUBLIC_MODE)?;
    }
    Ok(())
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
