//! Reading the files omsso is given (settings, credentials, recipients, identities,
//! signatures, allowed signers, templates, secret files…), bounded and without surprises.
//!
//! Why not `fs::read`: a path can name something that is not a file. A FIFO blocks the read
//! until someone writes to it (omsso hangs), `/dev/zero` or `/dev/urandom` never ends (omsso
//! fills memory), and a path an attacker controls (the `.sig` beside a handoff someone sent)
//! can be made into either. So every read here accepts regular files only, opened without
//! blocking, and stops at [`MAX_SIZE`]. Secret-bearing inputs may also be pipes (`-` for
//! stdin, or a shell's `<(pass show …)`), the usual way to keep a secret off the disk: those
//! are read as the user asked, bounded all the same.

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// The most omsso reads from any one input. Every file it takes is small (a handoff bundle,
/// a key, a config of a few KiB); this keeps a hostile one from filling memory.
pub const MAX_SIZE: u64 = 1 << 20;

/// Which kinds of file an input may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accept {
    /// Regular files only (symlinks to them are fine).
    File,
    /// Regular files, and pipes or FIFOs (secret inputs: `<(…)`, `/dev/stdin`).
    FileOrPipe,
}

/// Reads `path` whole, refusing what `accept` does not allow and anything over [`MAX_SIZE`].
/// The errors are `io::Error`s (`NotFound` stays `NotFound`), so callers keep their own error
/// types; their messages say what was wrong ("not a regular file (a FIFO)", "larger than
/// 1 MiB") and never quote content.
pub fn read(path: &Path, accept: Accept) -> io::Result<Vec<u8>> {
    let kind = std::fs::metadata(path)?.file_type();
    let file = if kind.is_fifo() && accept == Accept::FileOrPipe {
        // A pipe the user named: wait for its writer, as `cat` would.
        File::open(path)?
    } else {
        // Without O_NONBLOCK, opening a FIFO that replaced the file since the check above
        // would block here; with it, the open returns and the check below refuses it.
        let file = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path)?;
        let kind = file.metadata()?.file_type();
        if !kind.is_file() {
            return Err(not_regular(kind));
        }
        file
    };
    read_bounded(file)
}

/// [`read`] as text (UTF-8).
pub fn read_to_string(path: &Path, accept: Accept) -> io::Result<String> {
    String::from_utf8(read(path, accept)?)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "not UTF-8 text"))
}

/// Reads all of `source`, failing beyond [`MAX_SIZE`] (stdin, an open pipe).
pub fn read_bounded(source: impl Read) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    source.take(MAX_SIZE + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_SIZE {
        return Err(too_large());
    }
    Ok(bytes)
}

pub fn too_large() -> io::Error {
    io::Error::new(
        io::ErrorKind::FileTooLarge,
        format!("larger than {} MiB", MAX_SIZE >> 20),
    )
}

fn not_regular(kind: std::fs::FileType) -> io::Error {
    let what = if kind.is_dir() {
        "a folder"
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "not a file"
    };
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("not a regular file ({what})"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_fifos_and_folders_are_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid path; mkfifo has no other preconditions.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        for (path, what) in [
            (Path::new("/dev/zero"), "a device"),
            (fifo.as_path(), "a FIFO"),
            (dir.path(), "a folder"),
        ] {
            let e = read(path, Accept::File).unwrap_err();
            assert!(e.to_string().contains(what), "{}: {e}", path.display());
        }
        // A link to /dev/zero is /dev/zero.
        let link = dir.path().join("zero.sig");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        assert!(read(&link, Accept::FileOrPipe).is_err());
    }

    #[test]
    fn a_file_over_the_limit_is_refused_and_one_at_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, vec![b'a'; MAX_SIZE as usize]).unwrap();
        assert_eq!(read(&p, Accept::File).unwrap().len() as u64, MAX_SIZE);
        std::fs::write(&p, vec![b'a'; MAX_SIZE as usize + 1]).unwrap();
        let e = read(&p, Accept::File).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::FileTooLarge);
        assert_eq!(
            read(&dir.path().join("missing"), Accept::File)
                .unwrap_err()
                .kind(),
            io::ErrorKind::NotFound
        );
    }
}
