//! What can go wrong writing an output file, in the user's words.

use std::path::PathBuf;

use crate::exit::{Diagnose, Exit};
use crate::hint::{Hint, Opt};

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{} already exists and differs from what omsso would write", path.display())]
    Exists { path: PathBuf },
    #[error("{} is a symbolic link; omsso does not write through links", path.display())]
    Link { path: PathBuf },
    #[error("cannot write {}: a folder or other non-file is in the way", path.display())]
    NotAFile { path: PathBuf },
    #[error("cannot write into {}: it is not a folder", path.display())]
    NotAFolder { path: PathBuf },
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
            OutputError::Exists { .. } | OutputError::Link { .. } => Exit::Usage,
            OutputError::NotAFile { .. }
            | OutputError::NotAFolder { .. }
            | OutputError::Io { .. } => Exit::Runtime,
        }
    }

    fn hint(&self) -> Option<Hint> {
        Some(match self {
            OutputError::Exists { .. } => Hint::new(
                "pass {} to replace it, or choose another output path",
                [Opt::Force.into()],
            ),
            OutputError::Link { .. } => Hint::new(
                "pass {} to replace the link itself with the file (its target is left alone), \
                 or choose another output path",
                [Opt::Force.into()],
            ),
            OutputError::NotAFile { .. } | OutputError::NotAFolder { .. } => {
                "move what is in the way, or choose another output path; nothing was written".into()
            }
            OutputError::Io { source, path, .. } => Hint::from(match source.kind() {
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
        })
    }
}
