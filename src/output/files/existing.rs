//! What is at an output path before omsso writes it: looked at without following a link and
//! without blocking on a FIFO.

use std::fs::{self, OpenOptions};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use super::{check_target, io, OutputError, SECRET_MODE};

/// What is at an output path before omsso writes it.
pub enum Existing {
    Missing,
    /// A symbolic link: never followed, never read. Only `--force` replaces it (the link
    /// itself, not its target).
    Link,
    File(Box<ExistingFile>),
}

/// A regular file at an output path, opened without following links and read (up to
/// [`crate::input::MAX_SIZE`]).
pub struct ExistingFile {
    file: fs::File,
    meta: fs::Metadata,
    /// Its content; `None` when it is larger than anything omsso writes.
    pub bytes: Option<Vec<u8>>,
}

impl ExistingFile {
    /// Why its content must not be shown (in a diff), or `None` when it may be: it is a file
    /// of this user with no other name. A hard link shares its content with a file elsewhere
    /// (`ln ~/.ssh/id_ed25519 out/openmetadata.env`), and a file of another user is not one
    /// omsso wrote for this user.
    pub fn not_showable(&self) -> Option<&'static str> {
        use std::os::unix::fs::MetadataExt;
        // SAFETY: geteuid has no preconditions and cannot fail.
        let me = unsafe { libc::geteuid() };
        if self.meta.nlink() > 1 {
            Some("it has other names (hard links), so its content is not only this file's")
        } else if self.meta.uid() != me {
            Some("it belongs to another user")
        } else if self.bytes.is_none() {
            Some("it is larger than anything omsso writes")
        } else {
            None
        }
    }

    /// Mode bits (`0o644`).
    pub fn mode(&self) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        self.meta.permissions().mode() & 0o7777
    }

    /// Sets an unchanged secret file that others may read back to 0600 (through the open
    /// file: no path lookup, so no link can redirect it). Returns the mode it had, when it
    /// was changed.
    pub fn tighten(&self, path: &Path) -> Result<Option<u32>, OutputError> {
        use std::os::unix::fs::PermissionsExt;
        let mode = self.mode();
        if mode & 0o077 == 0 {
            return Ok(None);
        }
        self.file
            .set_permissions(fs::Permissions::from_mode(SECRET_MODE))
            .map_err(io("set permissions of", path))?;
        Ok(Some(mode))
    }
}

/// Looks at what is at `path` without following a symbolic link and without blocking (a
/// FIFO there is refused, not opened for a read that would wait forever).
pub fn open_existing(path: &Path) -> Result<Existing, OutputError> {
    check_target(path)?;
    let opened = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path);
    let file = match opened {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Existing::Missing),
        // O_NOFOLLOW on a link fails with ELOOP.
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => return Ok(Existing::Link),
        Err(e) => return Err(io("read", path)(e)),
    };
    let meta = file.metadata().map_err(io("read", path))?;
    if !meta.is_file() {
        // Something else appeared since `check_target`.
        return Err(OutputError::NotAFile {
            path: path.to_path_buf(),
        });
    }
    let bytes = match crate::input::read_bounded(&file) {
        Ok(b) => Some(b),
        Err(e) if e.kind() == std::io::ErrorKind::FileTooLarge => None,
        Err(e) => return Err(io("read", path)(e)),
    };
    Ok(Existing::File(Box::new(ExistingFile { file, meta, bytes })))
}
