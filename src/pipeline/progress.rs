//! How a pipeline step tells the user what it is doing while it runs: progress lines and
//! warnings (stderr), diffs of files it refuses to replace, and the one question it may ask.
//! The command layer implements it (commands/progress.rs), and so also says how the user asks
//! for an option on the command line ([`Progress::option`]): the pipeline never spells a flag.
//! Results come back as reports instead.

use std::path::Path;

use crate::output::files::NewFile;

/// An option a step's text may point the user at; the command line spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opt {
    /// Replace or re-encrypt what would otherwise be kept.
    Force,
    /// Skip TLS certificate checks.
    Insecure,
}

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
    /// How the user asks for `what` (`--force`).
    fn option(&self, what: Opt) -> &'static str;
}

/// The warning printed whenever TLS certificates are not checked.
pub fn warn_insecure(progress: &dyn Progress) {
    progress.warn(&format!(
        "{}: {} Use {} FILE instead.",
        progress.option(Opt::Insecure),
        crate::keycloak::INSECURE_RISK,
        crate::settings::table::KEYCLOAK_CACERT.flag_name(),
    ));
}
