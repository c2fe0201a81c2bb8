//! What `run` reports: each step's detail, the files it left, and the outcome (field names
//! as `run --format json` prints them).

use std::path::Path;

use serde::Serialize;

use super::super::{apply, ensure, seal, verify};
use crate::credentials::Credentials;
use crate::keycloak::RequestCounts;
use crate::output::Report;
use crate::render::write::{Status, Written};
use crate::settings::ClientType;
use crate::verify::report;

/// A file the run left in the output folder.
#[derive(Debug, Serialize)]
pub struct FileEntry {
    pub path: String,
    /// `0600` or `0644`.
    pub mode: String,
    /// `written`, `unchanged` or `kept`.
    pub status: &'static str,
}

/// What each step did; absent: skipped.
#[derive(Default, Serialize)]
pub struct Steps {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apply: Option<apply::Applied>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ensure: Option<ensure::EnsureStep>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fetch: Option<FetchStep>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub render: Option<RenderStep>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seal: Option<SealStep>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verify: Option<VerifyStep>,
}

#[derive(Serialize)]
pub struct FetchStep {
    pub client_id: String,
    pub client_type: ClientType,
    pub issuer: String,
}

impl FetchStep {
    pub fn of(credentials: &Credentials) -> FetchStep {
        FetchStep {
            client_id: credentials.client_id.clone(),
            client_type: credentials.client_type,
            issuer: credentials.issuer.clone(),
        }
    }
}

impl Report for FetchStep {
    fn text(&self) -> String {
        format!("{}\n", self.summary())
    }

    fn summary(&self) -> String {
        format!(
            "credentials of {} client `{}`; authority {}",
            self.client_type, self.client_id, self.issuer
        )
    }
}

#[derive(Serialize)]
pub struct RenderStep {
    pub om_version: String,
    pub warnings: Vec<String>,
    /// How many files were written, and how many were left as they were.
    pub written: usize,
    pub unchanged: usize,
}

impl Report for RenderStep {
    fn text(&self) -> String {
        let mut out = format!("{}\n", self.summary());
        for w in &self.warnings {
            out.push_str(&format!("  warning: {w}\n"));
        }
        out
    }

    fn summary(&self) -> String {
        format!(
            "{} files for OpenMetadata {} ({} written, {} unchanged)",
            self.written + self.unchanged,
            self.om_version,
            self.written,
            self.unchanged
        )
    }
}

#[derive(Serialize)]
#[serde(untagged)]
pub enum SealStep {
    Sealed(Box<seal::SealReport>),
    Kept(KeptHandoff),
}

/// A handoff kept as it was: it was sealed for what is asked now.
#[derive(Serialize)]
pub struct KeptHandoff {
    pub file: String,
    pub kept: bool,
    /// How the user asks for a new seal (`--force`): the command line spells it.
    #[serde(skip)]
    pub again: &'static str,
}

impl Report for SealStep {
    fn text(&self) -> String {
        match self {
            SealStep::Sealed(sealed) => sealed.text(),
            SealStep::Kept(_) => format!("{}\n", self.summary()),
        }
    }

    fn summary(&self) -> String {
        match self {
            SealStep::Sealed(sealed) => sealed.summary(),
            SealStep::Kept(k) => format!("kept {} ({} seals it again)", k.file, k.again),
        }
    }
}

#[derive(Serialize)]
pub struct VerifyStep {
    pub checks: Vec<report::Check>,
    pub counts: report::Counts,
}

impl Report for VerifyStep {
    fn text(&self) -> String {
        format!("{}{}\n", report::text(&self.checks), self.counts)
    }

    fn summary(&self) -> String {
        verify::checks_summary(&self.checks, &self.counts)
    }
}

/// A failed environment's error (`run --all-envs`).
#[derive(Debug, Serialize)]
pub struct ErrorDoc {
    pub exit_code: u8,
    pub hint: Option<String>,
    pub message: String,
}

/// What one environment's run did, step by step.
#[derive(Default, Serialize)]
pub struct RunReport {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    pub ok: bool,
    /// The plan only, nothing changed or written.
    pub dry_run: bool,
    pub steps: Steps,
    pub files: Vec<FileEntry>,
    /// HTTP requests sent to Keycloak, by method (token requests apart).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requests: Option<RequestCounts>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorDoc>,
}

impl RunReport {
    pub fn new(environment: Option<String>, dry_run: bool) -> RunReport {
        RunReport {
            environment,
            dry_run,
            ..RunReport::default()
        }
    }
}

/// The outcome and the files.
impl Report for RunReport {
    fn text(&self) -> String {
        let mut out = format!("{}\n", self.summary());
        for f in &self.files {
            out.push_str(&format!("  {:<44} {}  {}\n", f.path, f.mode, f.status));
        }
        // The live checks that warned or failed, with their hints: the verify line on stderr
        // names them, this says what each found and what to do (a new setup's back-door
        // warnings carry its next steps).
        if let Some(verify) = &self.steps.verify {
            let notable: Vec<report::Check> = verify
                .checks
                .iter()
                .filter(|c| matches!(c.status, report::Status::Warn | report::Status::Fail))
                .cloned()
                .collect();
            if !notable.is_empty() {
                out.push_str("checks that did not pass:\n");
                out.push_str(&report::text(&notable));
            }
        }
        out
    }

    fn summary(&self) -> String {
        let outcome = match (self.ok, self.dry_run) {
            (true, true) => "dry run: nothing was changed or written",
            (true, false) => "done",
            (false, _) => "FAILED",
        };
        match &self.environment {
            Some(env) => format!("environment {env}: {outcome}"),
            None => outcome.to_string(),
        }
    }
}

/// The report of `run --all-envs` (field names as `--format json` prints them).
#[derive(Serialize)]
pub struct EnvironmentsReport<'a> {
    pub environments: Vec<&'a RunReport>,
    pub ok: bool,
}

impl Report for EnvironmentsReport<'_> {
    fn text(&self) -> String {
        self.environments.iter().map(|r| r.text()).collect()
    }

    fn summary(&self) -> String {
        let failed = self.environments.iter().filter(|r| !r.ok).count();
        match failed {
            0 => format!("{} environments: done", self.environments.len()),
            n => format!("{n} of {} environments failed", self.environments.len()),
        }
    }
}

/// A file the run wrote or found unchanged.
pub(super) fn file_entry(w: &Written) -> FileEntry {
    FileEntry {
        path: w.path.display().to_string(),
        mode: w.mode.clone(),
        status: match w.status {
            Status::Written => "written",
            Status::Unchanged => "unchanged",
        },
    }
}

/// A file of the handoff, written or kept: its mode as it is on disk.
pub(super) fn entry_of(path: &Path, status: &'static str) -> FileEntry {
    FileEntry {
        path: path.display().to_string(),
        mode: mode_of(path),
        status,
    }
}

fn mode_of(path: &Path) -> String {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .map(|m| format!("{:04o}", m.permissions().mode() & 0o777))
        .unwrap_or_else(|_| "?".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_keeps_the_field_names_of_the_json_document() {
        let mut r = RunReport::new(Some("prod".into()), false);
        r.steps.render = Some(RenderStep {
            om_version: "1.12.7".into(),
            warnings: vec![],
            written: 0,
            unchanged: 7,
        });
        r.steps.seal = Some(SealStep::Kept(KeptHandoff {
            file: "out/omsso-handoff.age".into(),
            kept: true,
            again: "--force",
        }));
        r.files.push(FileEntry {
            path: "out/omsso-handoff.age".into(),
            mode: "0600".into(),
            status: "kept",
        });
        let doc = serde_json::to_value(&r).unwrap();
        assert_eq!(
            doc,
            serde_json::json!({
                "environment": "prod",
                "ok": false,
                "dry_run": false,
                "steps": {
                    "render": { "om_version": "1.12.7", "warnings": [], "written": 0, "unchanged": 7 },
                    "seal": { "file": "out/omsso-handoff.age", "kept": true },
                },
                "files": [{ "path": "out/omsso-handoff.age", "mode": "0600", "status": "kept" }],
            })
        );
        assert_eq!(
            r.text(),
            format!(
                "environment prod: FAILED\n  {:<44} 0600  kept\n",
                "out/omsso-handoff.age"
            )
        );
    }
}
