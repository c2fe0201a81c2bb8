//! Is a file that holds a secret about to be committed? True when it lies inside a git work
//! tree and git does not ignore it. Asked of `git check-ignore` itself, so every rule git
//! applies counts (`.gitignore` at any level, `.git/info/exclude`, `core.excludesFile`) and a
//! tracked file counts as not ignored, which it is.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The work tree `path` is exposed in, or `None` when git ignores it, it is outside any work
/// tree, or git cannot tell (not installed, a repository it refuses to read).
pub fn exposed_in(path: &Path) -> Option<PathBuf> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path.file_name()?;
    let git = |args: &[&std::ffi::OsStr]| {
        let mut cmd = Command::new("git");
        cmd.arg("-C")
            .arg(dir)
            .args(args)
            .stdin(Stdio::null())
            .stderr(Stdio::null());
        // omsso's secrets (OMSSO_ADMIN_PASSWORD, OMSSO_SEAL_PASSPHRASE…) are none of git's
        // business: it never sees them, in its arguments or its environment.
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("OMSSO_") {
                cmd.env_remove(name);
            }
        }
        cmd.output().ok()
    };
    // Exit 0: ignored; 1: not ignored; 128: not a work tree, or an error.
    let check = git(&["check-ignore".as_ref(), "-q".as_ref(), "--".as_ref(), name])?;
    if check.status.code() != Some(1) {
        return None;
    }
    let top = git(&["rev-parse".as_ref(), "--show-toplevel".as_ref()])?;
    let top = String::from_utf8(top.stdout).ok()?;
    Some(PathBuf::from(top.trim_end_matches('\n')))
}
