//! The command line's [`Progress`]: the pipeline's progress lines, warnings and questions on
//! the terminal through [`Ui`], and the spelling of the options its texts point at.

use std::io::{BufRead, Write};
use std::path::Path;

use crate::output::files::NewFile;
use crate::output::{terminal_safe, Ui};
use crate::pipeline::{Opt, Progress};

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
    fn option(&self, what: Opt) -> &'static str {
        match what {
            Opt::Force => "--force",
            Opt::Insecure => "--insecure",
        }
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
