//! What `run` reports: each step's detail, the files it left, and the outcome (field names
//! as `run --output json` prints them).

use std::path::Path;

use serde::Serialize;

use super::super::{apply, seal};
use crate::keycloak::{Action, RequestCounts};
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
    pub ensure: Option<EnsureStep>,
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
pub struct EnsureStep {
    pub action: Action,
    pub applied: bool,
    pub changes: Vec<crate::change::FieldChange>,
}

#[derive(Serialize)]
pub struct FetchStep {
    pub client_id: String,
    pub client_type: ClientType,
    pub issuer: String,
}

#[derive(Serialize)]
pub struct RenderStep {
    pub om_version: String,
    pub warnings: Vec<String>,
}

#[derive(Serialize)]
#[serde(untagged)]
pub enum SealStep {
    Sealed(Box<seal::SealReport>),
    Kept { file: String, kept: bool },
}

#[derive(Serialize)]
pub struct VerifyStep {
    pub checks: Vec<report::Check>,
    pub counts: report::Counts,
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
    /// A dry run's plan, as text.
    #[serde(skip)]
    pub plan: Option<String>,
}

impl RunReport {
    pub fn new(environment: Option<String>, dry_run: bool) -> RunReport {
        RunReport {
            environment,
            dry_run,
            ..RunReport::default()
        }
    }

    /// The text summary: the outcome and the files.
    pub fn text(&self) -> String {
        let mut out = String::new();
        if let Some(env) = &self.environment {
            out.push_str(&format!("environment {env}: "));
        }
        out.push_str(match (self.ok, self.dry_run) {
            (true, true) => "dry run: nothing was changed or written\n",
            (true, false) => "done\n",
            (false, _) => "FAILED\n",
        });
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

    pub(super) fn file(&mut self, path: &Path, status: &'static str) {
        self.files.push(FileEntry {
            path: path.display().to_string(),
            mode: mode_of(path),
            status,
        });
    }
}

/// The report of `run --all-envs` (field names as `--output json` prints them).
#[derive(Serialize)]
pub struct EnvironmentsReport<'a> {
    pub environments: Vec<&'a RunReport>,
    pub ok: bool,
}

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
        });
        r.steps.seal = Some(SealStep::Kept {
            file: "out/omsso-handoff.age".into(),
            kept: true,
        });
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
                    "render": { "om_version": "1.12.7", "warnings": [] },
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
