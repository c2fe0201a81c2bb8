//! Everything omsso shows or writes: progress and warnings on stderr, results on stdout (text or
//! one JSON document), and files (see [`files`]).

pub mod files;
mod git;
pub mod interrupt;
mod shown;

use std::fmt::Display;
use std::io::{IsTerminal, Write};
use std::path::Path;

use serde::Serialize;

use crate::exit::Diagnose;

pub use files::OutputError;
pub use shown::{one_line, terminal_safe};

/// How results are printed on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Text for people.
    #[default]
    Text,
    /// One JSON document, stable field names.
    Json,
}

/// What the user chose about output (the command line's `--output`, `-q`, `--no-color`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub format: Format,
    pub quiet: bool,
    pub no_color: bool,
}

#[derive(Debug, Clone)]
pub struct Ui {
    format: Format,
    quiet: bool,
    color: bool,
    /// `[env] ` in front of progress lines when several environments run at once.
    prefix: String,
}

impl Ui {
    pub fn new(options: Options) -> Ui {
        let color = !options.no_color
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            && std::io::stderr().is_terminal();
        Ui {
            format: options.format,
            quiet: options.quiet,
            color,
            prefix: String::new(),
        }
    }

    /// The same Ui, with its progress lines and warnings tagged `[name]`.
    pub fn tagged(&self, name: &str) -> Ui {
        Ui {
            prefix: format!("[{name}] "),
            ..self.clone()
        }
    }

    pub fn json(&self) -> bool {
        self.format == Format::Json
    }

    /// A progress line on stderr (not with `-q`).
    pub fn step(&self, msg: impl Display) {
        if !self.quiet {
            eprintln!("{}{}", self.prefix, terminal_safe(&msg.to_string()));
        }
    }

    pub fn warn(&self, msg: impl Display) {
        if !self.quiet {
            eprintln!(
                "{}{} {}",
                self.prefix,
                self.paint("warning:", "33"),
                terminal_safe(&msg.to_string())
            );
        }
    }

    /// Says what [`files::write_new`] did with a file holding a secret, truthfully.
    pub fn report_secret_file(&self, path: &Path, outcome: files::NewFile) {
        match outcome {
            files::NewFile::Written => self.step(format!("wrote {} (mode 0600)", path.display())),
            files::NewFile::Unchanged => self.step(format!("{} is up to date", path.display())),
            files::NewFile::Tightened(was) => {
                self.step(format!("{} is up to date", path.display()));
                self.warn_loosened(path, was);
            }
        }
    }

    /// A secret file that others could read was set back to 0600: say so, and what it means.
    pub fn warn_loosened(&self, path: &Path, was: u32) {
        self.warn(format!(
            "{} holds a secret but was readable by others (mode {was:04o}); it is 0600 now. \
             Whoever could read it may have the secret: consider `omsso keycloak rotate`",
            path.display()
        ));
    }

    /// Warns about each of `secret_files` that git would pick up (inside a work tree and not
    /// ignored): one `git add -A` and the secret is in the history for good.
    pub fn warn_if_exposed_to_git<'a>(&self, secret_files: impl IntoIterator<Item = &'a Path>) {
        if self.quiet {
            return;
        }
        for path in secret_files {
            if let Some(tree) = git::exposed_in(path) {
                self.warn(format!(
                    "{} holds a secret and is inside the git work tree {} without being \
                     ignored: add it to .gitignore (or write it elsewhere) before `git add`",
                    path.display(),
                    tree.display()
                ));
            }
        }
    }

    /// The result of a command: `text` for people, `value` as JSON for machines.
    pub fn emit<T: Serialize>(&self, value: &T, text: impl FnOnce() -> String) {
        match self.format {
            Format::Json => {
                let doc = serde_json::to_string_pretty(value).expect("serialisable result");
                print_stdout(&doc);
            }
            Format::Text => {
                let t = text();
                if !t.is_empty() {
                    print_stdout(&terminal_safe(t.trim_end_matches('\n')));
                }
            }
        }
    }

    /// `error: …` and `hint: …` on stderr; with `--format json` also a JSON document on
    /// stdout so a pipeline reading stdout sees the failure (except for a failed check, whose
    /// report is that document).
    pub fn error(&self, e: &dyn Diagnose) {
        self.error_lines(e);
        let hint = e.hint().map(|h| h.to_string());
        // A failed check already printed its report as the JSON document; a second
        // document would make stdout unparseable.
        if self.json() && !e.reported() {
            let doc = serde_json::json!({
                "ok": false,
                "error": { "message": e.message(), "hint": hint, "exit_code": e.exit() as u8 },
            });
            print_stdout(&serde_json::to_string_pretty(&doc).expect("json"));
        }
    }

    /// `error: …` and `hint: …` on stderr only (also with `-q`).
    pub fn error_lines(&self, e: &dyn Diagnose) {
        // An error is one line: a line break in it (from a file, a bundle, Keycloak) is
        // escaped, so nothing can pass for a `hint:` of omsso's own.
        let (error, hint) = (e.message(), e.hint().map(|h| h.to_string()));
        eprintln!(
            "{}{} {}",
            self.prefix,
            self.paint("error:", "31"),
            one_line(&error)
        );
        if let Some(h) = &hint {
            eprintln!(
                "{}{} {}",
                self.prefix,
                self.paint("hint:", "36"),
                one_line(h)
            );
        }
    }

    fn paint(&self, s: &str, code: &str) -> String {
        if self.color {
            format!("\x1b[1;{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

/// Writes a line to stdout. A closed pipe (`omsso … | head`) is not an error: exit quietly
/// with success, as other Unix tools do.
pub fn print_stdout(s: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{s}").and_then(|_| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to stdout: {e}");
        std::process::exit(1);
    }
}

/// Writes bytes to stdout as they are (a rendered file), with the same broken-pipe handling as
/// [`print_stdout`].
pub fn write_stdout(bytes: &[u8]) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(bytes).and_then(|_| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to stdout: {e}");
        std::process::exit(1);
    }
}

/// Sends `-v`/`-vv` detail from omsso's own modules to stderr. Dependencies stay silent: their
/// debug output can include request bodies, and those can hold secrets.
pub fn init_logging(verbose: u8, quiet: bool) {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::prelude::*;
    let level = match (quiet, verbose) {
        (true, _) => LevelFilter::ERROR,
        (false, 0) => LevelFilter::WARN,
        (false, 1) => LevelFilter::DEBUG,
        (false, _) => LevelFilter::TRACE,
    };
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_target(false)
        .without_time()
        .with_ansi(false);
    tracing_subscriber::registry()
        .with(fmt)
        .with(Targets::new().with_target("omsso", level))
        .init();
}
