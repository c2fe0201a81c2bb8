//! What users actually get wrong: real misconfigurations of OpenMetadata + Keycloak SSO, each
//! from a public issue thread, Q&A page or docs page (its URL beside it), each a test. A file
//! case starts from one of the hand-written clean files of tests/fixtures/lint/ (which give no
//! finding at all, `verify_file::clean_*`), makes the one change the user made, and demands the
//! finding that names the cause, its severity (so the exit code) and the words of the hint
//! that say what to change. The table of cases is also tests/fixtures/corpus/README.md,
//! generated from `cases::CASES` (`UPDATE_DOCS=1 cargo test --test suite corpus::`).

mod cases;

use std::path::Path;

use crate::support::{omsso, repo_root, run, Run};
use serde_json::Value;

/// The clean file a case changes.
#[derive(Clone, Copy)]
pub enum Base {
    /// tests/fixtures/lint/clean.env
    Env,
    /// tests/fixtures/lint/clean-openmetadata.yaml
    Yaml,
    /// tests/fixtures/lint/clean-values.yaml
    Helm,
}

impl Base {
    fn file(self) -> &'static str {
        match self {
            Base::Env => "clean.env",
            Base::Yaml => "clean-openmetadata.yaml",
            Base::Helm => "clean-values.yaml",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Base::Env => "env file",
            Base::Yaml => "openmetadata.yaml",
            Base::Helm => "Helm values",
        }
    }
}

/// One real misconfiguration.
pub struct Case {
    /// The test's name (`corpus::<name>` in the README table).
    pub name: &'static str,
    /// Where users hit it.
    pub source: &'static str,
    /// One sentence: what went wrong.
    pub what: &'static str,
    pub base: Base,
    /// (text, replacement): each text occurs exactly once in the base file; an empty text
    /// appends the replacement as a line.
    pub edits: &'static [(&'static str, &'static str)],
    /// More arguments for `verify --file` (`--chart-version 1.6.3`).
    pub args: &'static [&'static str],
    /// The finding that names the cause: check id, severity.
    pub check: &'static str,
    pub severity: &'static str,
    /// Words the finding's hint must contain.
    pub hint: &'static str,
}

/// The base file with the case's edits, refusing an edit that does not apply exactly once
/// (so a changed clean file cannot silently turn a case into a clean run).
fn broken_text(case: &Case) -> String {
    let path = repo_root()
        .join("tests/fixtures/lint")
        .join(case.base.file());
    let mut text = std::fs::read_to_string(&path).unwrap();
    for (from, to) in case.edits {
        if from.is_empty() {
            if !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(to);
            text.push('\n');
            continue;
        }
        assert_eq!(
            text.matches(from).count(),
            1,
            "{}: `{from}` must occur once in {}",
            case.name,
            case.base.file()
        );
        text = text.replacen(from, to, 1);
    }
    text
}

fn verify(case: &Case, file: &Path, json: bool) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = omsso(dir.path());
    cmd.arg("verify").arg("--file").arg(file).args(case.args);
    if json {
        cmd.args(["--format", "json"]);
    }
    run(&mut cmd)
}

/// Runs one case: the named finding with its severity and hint, the exit code that follows,
/// and the same finding and hint in the text output.
pub fn check(case: &Case) {
    let dir = tempfile::tempdir().unwrap();
    let ext = match case.base {
        Base::Env => "env",
        Base::Yaml | Base::Helm => "yaml",
    };
    let file = dir.path().join(format!("{}.{ext}", case.name));
    std::fs::write(&file, broken_text(case)).unwrap();

    let r = verify(case, &file, true);
    let v: Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("{}: not one JSON document ({e}):\n{}", case.name, r.stdout));
    let findings = v["files"][0]["findings"].as_array().unwrap();
    let found = findings
        .iter()
        .find(|f| f["check"] == case.check)
        .unwrap_or_else(|| {
            panic!(
                "{}: no {} finding ({}):\n{}",
                case.name, case.check, case.what, r.stdout
            )
        });
    assert_eq!(found["severity"], case.severity, "{}: {found}", case.name);
    let hint = found["hint"].as_str().unwrap();
    assert!(
        hint.contains(case.hint),
        "{}: the hint does not say `{}`: {hint}",
        case.name,
        case.hint
    );
    let errors = findings.iter().any(|f| f["severity"] == "error");
    assert_eq!(
        r.code,
        if errors { 3 } else { 0 },
        "{}: {}",
        case.name,
        r.stderr
    );

    let t = verify(case, &file, false);
    assert_eq!(t.code, r.code, "{}", case.name);
    let head = format!("{}[{}] ", case.severity, case.check);
    assert!(
        t.stdout.contains(&head) && t.stdout.contains(hint),
        "{}: no `{head}` with its hint in:\n{}",
        case.name,
        t.stdout
    );
}

const README: &str = "tests/fixtures/corpus/README.md";

/// The README's table of cases.
fn table() -> String {
    let mut out = String::from(
        "| case | file | what went wrong | source | omsso says |\n|---|---|---|---|---|\n",
    );
    for c in cases::CASES {
        out.push_str(&format!(
            "| `{}` | {} | {} | <{}> | {} `{}` |\n",
            c.name,
            c.base.name(),
            c.what,
            c.source,
            c.severity,
            c.check
        ));
    }
    out
}

#[test]
fn the_readme_lists_every_case() {
    let path = repo_root().join(README);
    let begin = "<!-- cases: generated from tests/suite/corpus/cases.rs -->\n";
    let end = "<!-- /cases -->";
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text.find(begin).expect("the README has the cases markers") + begin.len();
    let stop = start
        + text[start..]
            .find(end)
            .expect("the README closes the markers");
    if std::env::var_os("UPDATE_DOCS").is_some() {
        let updated = format!("{}{}{}", &text[..start], table(), &text[stop..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    assert_eq!(
        &text[start..stop],
        table(),
        "{README} is stale: UPDATE_DOCS=1 cargo test --test suite corpus::"
    );
}

#[test]
fn cases_are_distinct_and_sourced() {
    let mut names: Vec<&str> = cases::CASES.iter().map(|c| c.name).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), cases::CASES.len(), "two cases share a name");
    assert!(cases::CASES.len() >= 30, "the corpus holds 30+ causes");
    for c in cases::CASES {
        // One source is a mirror of OpenMetadata's docs repository served over plain http.
        assert!(c.source.starts_with("http"), "{}: {}", c.name, c.source);
    }
}
