//! What the tests check rendered output against: OpenMetadata's released artifacts. The
//! oracle tests/suite/support/om_release.py (released models, the loader emulation, the compose and
//! Helm routes), the release lines of src/openmetadata/released/ and the released charts.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use omsso::openmetadata::released::{CHARTS, MODELS};
use serde_json::Value;

use crate::support::{reference, repo_root};

/// Every release line of the generated table, as `--om-version` takes it.
pub fn lines() -> Vec<String> {
    MODELS
        .iter()
        .map(|m| format!("{}.{}", m.line.0, m.line.1))
        .collect()
}

fn version_key(v: &str) -> Vec<u32> {
    v.split('.').map(|p| p.parse().unwrap()).collect()
}

/// The released chart a line's Helm values go through: that line's newest chart, else (2.0
/// has none) the newest chart there is.
pub fn chart_for(line: &str) -> &'static str {
    let prefix = format!("{line}.");
    let versions = CHARTS.iter().map(|c| c.version);
    versions
        .clone()
        .filter(|v| v.starts_with(&prefix))
        .max_by_key(|v| version_key(v))
        .or_else(|| versions.max_by_key(|v| version_key(v)))
        .expect("CHARTS is not empty")
}

pub fn chart_dir(version: &str) -> PathBuf {
    reference(&format!("openmetadata/helm/charts/{version}"))
}

/// The server config the env routes substitute into: upstream main's copy, because no
/// release's conf/openmetadata.yaml is available (docs/OPENMETADATA-RELEASES.md).
pub fn server_config() -> String {
    reference("openmetadata/conf/openmetadata.yaml")
        .display()
        .to_string()
}

pub fn compose_file() -> String {
    reference("openmetadata/docker/docker-compose.yml")
        .display()
        .to_string()
}

/// The wheels of every line in the cache: `scripts/om-models fetch` once per test binary (a
/// no-op when they are cached). Fails the test with fetch's own message otherwise.
pub fn wheels_fetched() {
    static DONE: OnceLock<()> = OnceLock::new();
    DONE.get_or_init(|| {
        let out = Command::new(repo_root().join("scripts/om-models"))
            .arg("fetch")
            .output()
            .expect("run scripts/om-models (needs python3)");
        assert!(
            out.status.success(),
            "scripts/om-models fetch failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    });
}

/// Runs tests/suite/support/om_release.py with `job`, extra environment variables and python
/// options; (exit code, stdout, stderr).
pub fn oracle_run(
    job: &Value,
    env: &[(&str, &str)],
    python_args: &[&str],
) -> (i32, String, String) {
    super::python_job(
        "om_release.py",
        job,
        env,
        python_args,
        "with pydantic 2, email-validator, PyYAML",
    )
}

/// The oracle's answer; a missing prerequisite fails the test with the oracle's one line.
pub fn oracle(job: &Value) -> Value {
    wheels_fetched();
    let (code, stdout, stderr) = oracle_run(job, &[], &[]);
    assert_eq!(
        code,
        0,
        "tests/suite/support/om_release.py: {}",
        stderr.trim()
    );
    serde_json::from_str(&stdout).expect("the oracle answers JSON")
}
