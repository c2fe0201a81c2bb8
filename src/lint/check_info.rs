//! What a check is: its name, where it runs, its severity and what it checks ([`CheckInfo`]).
//! The rows themselves are in [`super::registry`] (file checks) and `crate::verify::registry`
//! (live checks).

use super::{FileKind, Severity};

/// One check, as the docs describe it and the code reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckInfo {
    /// Stable id, printed in every report (text and JSON).
    pub name: &'static str,
    pub scope: Scope,
    /// The worst it reports (a live check's failure is an error, a live warning a warning).
    pub severity: Severity,
    /// What it checks, in one sentence.
    pub what: &'static str,
    /// When it does not run or stays silent; empty when it always runs.
    pub skipped: &'static str,
}

impl CheckInfo {
    /// Whether this file check reads files of `kind` (the registry decides, not the check).
    pub fn applies_to(&self, kind: impl Into<FileKind>) -> bool {
        let kind = kind.into();
        matches!(self.scope, Scope::File(kinds) if kinds.contains(&kind))
    }
}

/// Where a check runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// `verify --file` (and render's lint of its own output), for these formats.
    File(&'static [FileKind]),
    /// The live checks against Keycloak and OpenMetadata.
    Live { client: Clients, admin_login: bool },
}

/// Which Keycloak client types a live check applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clients {
    Both,
    Public,
    Confidential,
}

/// A file check's row.
pub(super) const fn file(
    name: &'static str,
    formats: &'static [FileKind],
    severity: Severity,
    what: &'static str,
    skipped: &'static str,
) -> CheckInfo {
    CheckInfo {
        name,
        scope: Scope::File(formats),
        severity,
        what,
        skipped,
    }
}
