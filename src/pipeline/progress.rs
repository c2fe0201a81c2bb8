//! How a pipeline step tells the user what it is doing while it runs: progress lines and
//! warnings (stderr), diffs of files it refuses to replace, and the one question it may ask.
//! The command layer's [`Ui`] is the implementation; results come back as reports instead.

use std::io::{BufRead, Write};
use std::path::Path;

use crate::output::files::NewFile;
use crate::output::{terminal_safe, Ui};

pub trait Progress {
    /// One progress line.
    fn step(&self, msg: &str);
    fn warn(&self, msg: &str);
    /// A diff of a file that is kept (secrets already masked).
    fn diff(&self, text: &str);
    /// Warns about each secret file git would pick up.
    fn secret_files(&self, paths: &[&Path]);
    /// Says what happened to a file holding a secret.
    fn secret_file(&self, path: &Path, outcome: NewFile);
    /// A secret file that others could read was set back to 0600.
    fn loosened(&self, path: &Path, was: u32);
    /// Asks a yes/no question on the terminal; only an explicit yes is `true`.
    fn confirm(&self, question: &str) -> std::io::Result<bool>;
}

impl Progress for Ui {
    fn step(&self, msg: &str) {
        Ui::step(self, msg)
    }
    fn warn(&self, msg: &str) {
        Ui::warn(self, msg)
    }
    fn diff(&self, text: &str) {
        eprint!("{}", terminal_safe(text));
    }
    fn secret_files(&self, paths: &[&Path]) {
        self.warn_if_exposed_to_git(paths.iter().copied())
    }
    fn secret_file(&self, path: &Path, outcome: NewFile) {
        self.report_secret_file(path, outcome)
    }
    fn loosened(&self, path: &Path, was: u32) {
        self.warn_loosened(path, was)
    }
    fn confirm(&self, question: &str) -> std::io::Result<bool> {
        eprint!("{question} [y/N] ");
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        Ok(matches!(
            answer.trim().to_ascii_lowercase().as_str(),
            "y" | "yes"
        ))
    }
}
