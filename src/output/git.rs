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
    if !maybe_in_work_tree(dir) {
        return None;
    }
    let git = |args: &[&std::ffi::OsStr]| {
        let mut cmd = Command::new("git");
        cmd.arg("-C").arg(dir);
        // A repository's own config can name programs for git to run: `core.fsmonitor` is
        // started by any command that reads the index (check-ignore does), hooks by others.
        // The work tree may be anyone's (an unpacked archive, a shared folder), so git runs
        // here with those turned off: omsso only asks it a question.
        cmd.args(["-c", "core.fsmonitor=", "-c", "core.hooksPath=/dev/null"])
            .env("GIT_OPTIONAL_LOCKS", "0")
            .env("GIT_TERMINAL_PROMPT", "0")
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

/// Whether `dir` can be in a git work tree at all: a `.git` (a folder, or a file for worktrees
/// and submodules) in it or in a folder above it, or a repository named by `GIT_DIR` /
/// `GIT_WORK_TREE`. Without one git finds no work tree either, so it is not started: that is
/// a process per secret file, about 2 ms each (docs/BENCHMARKS.md). When in doubt (the
/// folder cannot be resolved), git decides.
fn maybe_in_work_tree(dir: &Path) -> bool {
    if std::env::var_os("GIT_DIR").is_some() || std::env::var_os("GIT_WORK_TREE").is_some() {
        return true;
    }
    match std::fs::canonicalize(dir) {
        Ok(dir) => dir
            .ancestors()
            .any(|d| d.join(".git").symlink_metadata().is_ok()),
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_folders_with_a_git_above_them_ask_git() {
        let root = tempfile::tempdir().unwrap();
        let outside = root.path().join("plain/out");
        std::fs::create_dir_all(&outside).unwrap();
        let inside = root.path().join("repo/deep/out");
        std::fs::create_dir_all(&inside).unwrap();
        std::fs::create_dir(root.path().join("repo/.git")).unwrap();
        // A linked worktree or submodule has a `.git` file instead.
        let worktree = root.path().join("wt/out");
        std::fs::create_dir_all(&worktree).unwrap();
        std::fs::write(root.path().join("wt/.git"), "gitdir: ../repo/.git\n").unwrap();
        if std::env::var_os("GIT_DIR").is_none() && std::env::var_os("GIT_WORK_TREE").is_none() {
            // (Unless the temporary folder itself lies in a work tree.)
            let tmp_in_repo = maybe_in_work_tree(root.path());
            assert_eq!(maybe_in_work_tree(&outside), tmp_in_repo);
        }
        assert!(maybe_in_work_tree(&inside));
        assert!(maybe_in_work_tree(&worktree));
        assert!(maybe_in_work_tree(&root.path().join("missing")));
    }
}
