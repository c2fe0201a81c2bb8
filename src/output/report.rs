//! The one shape of what a command or a pipeline step reports: a value that serialises to the
//! JSON document (`--format json`), its text for people, and a one-line summary (what `run`
//! prints on stderr as each step completes). Every report and step result implements
//! [`Report`]; [`super::Ui::report`] prints one.

use serde::Serialize;

pub trait Report: Serialize {
    /// The text report: one or more lines, each ending in a newline.
    fn text(&self) -> String;
    /// What happened, on one line without a newline.
    fn summary(&self) -> String;
}
