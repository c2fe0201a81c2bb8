//! What a check reports: a named finding with a severity, the file line and a fix hint.

use std::collections::BTreeSet;

use serde::Serialize;

use super::registry::{CheckInfo, FILE_CHECKS};
use super::view::Field;
use super::FileKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The configuration will not work as written (exit 3).
    Error,
    /// Likely wrong, or wrong in some deployments.
    Warning,
    /// Worth knowing; nothing to fix.
    Info,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable id of the check, e.g. `public-keys-no-om-jwks`.
    pub check: &'static str,
    pub severity: Severity,
    /// 1-based line in the file, when the finding belongs to one.
    pub line: Option<usize>,
    /// What is wrong. Never contains a secret value.
    pub message: String,
    /// What to do about it.
    pub hint: String,
}

impl Finding {
    /// `file:line: [check] message (hint: …)`, on one line: the finding as a warning of a
    /// command that is not the lint (render, run).
    pub fn warning_in(&self, file: &str) -> String {
        let at = match self.line {
            Some(l) => format!("{file}:{l}"),
            None => file.to_string(),
        };
        crate::output::one_line(&format!(
            "{at}: [{}] {} (hint: {})",
            self.check, self.message, self.hint
        ))
        .into_owned()
    }
}

/// Collects findings for one file. It also remembers lines whose value is already known to be
/// broken (a placeholder, a repeated key, a stray quote), so later checks do not pile more
/// findings about the same typo onto that line.
#[derive(Debug)]
pub struct Report {
    /// The format being linted: every check reported must be registered for it.
    kind: FileKind,
    findings: Vec<Finding>,
    flawed: BTreeSet<usize>,
}

impl Report {
    pub fn new(kind: impl Into<FileKind>) -> Report {
        Report {
            kind: kind.into(),
            findings: Vec::new(),
            flawed: BTreeSet::new(),
        }
    }

    pub fn add(
        &mut self,
        check: CheckInfo,
        severity: Severity,
        line: Option<usize>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        // The registry's severity is the worst the check reports (Error < Warning < Info).
        debug_assert!(
            FILE_CHECKS.contains(&check),
            "{} is not registered",
            check.name
        );
        debug_assert!(
            check.applies_to(self.kind),
            "{} is not registered for {:?}",
            check.name,
            self.kind
        );
        debug_assert!(
            severity >= check.severity,
            "{} reported above its severity",
            check.name
        );
        self.findings.push(Finding {
            check: check.name,
            severity,
            line,
            message: message.into(),
            hint: hint.into(),
        });
    }

    /// A finding about `field`'s value. When that value is only the default of
    /// `${VAR:-default}`, the environment can still override it: the message says so and an
    /// error is reported as a warning.
    pub fn on(
        &mut self,
        field: &Field,
        check: CheckInfo,
        severity: Severity,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        let mut message = message.into();
        let mut severity = severity;
        if let Some(var) = &field.env_var {
            message.push_str(&format!(
                " (the default of ${{{var}}}; fine only if the environment sets {var})"
            ));
            // Severities order Error < Warning < Info: `max` caps an error at a warning.
            severity = severity.max(Severity::Warning);
        }
        self.add(check, severity, field.line, message, hint);
    }

    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    pub fn flaw(&mut self, line: Option<usize>) {
        if let Some(l) = line {
            self.flawed.insert(l);
        }
    }

    pub fn is_flawed(&self, field: &Field) -> bool {
        field.line.is_some_and(|l| self.is_flawed_line(l))
    }

    pub fn is_flawed_line(&self, line: usize) -> bool {
        self.flawed.contains(&line)
    }

    /// Findings in file order; findings without a line last.
    pub fn finish(mut self) -> Vec<Finding> {
        self.findings
            .sort_by_key(|f| (f.line.is_none(), f.line, f.severity, f.check));
        self.findings
    }
}
