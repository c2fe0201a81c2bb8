//! Shared helpers for the `render_*` tests: a credentials file, running `omsso render`, and
//! reading values back the way OpenMetadata does.

pub mod released;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{json, Value};

use crate::support::{omsso, reference, repo_root, run, Run};

pub const OM_URL: &str = "https://om.example.com";
pub const KC_PUBLIC: &str = "https://sso.example.com";
pub const KC_INTERNAL: &str = "http://keycloak:8080";
pub const SECRET: &str = "Xk2pL9qW0zT7vR4mN8bC1dF6gH3jS5aY";
pub const VERSIONS: &[&str] = &[
    "1.6", "1.7", "1.8", "1.9", "1.10", "1.11", "1.12", "1.13", "2.0",
];

/// What goes into a credentials file.
pub struct Creds<'a> {
    pub client_id: &'a str,
    pub secret: Option<&'a str>,
    /// Keycloak base as the issuer shows it (`…/auth` on Keycloak < 17).
    pub kc_base: &'a str,
    pub realm: &'a str,
}

impl Default for Creds<'_> {
    fn default() -> Self {
        Creds {
            client_id: "open-metadata",
            secret: Some(SECRET),
            kc_base: KC_PUBLIC,
            realm: "data",
        }
    }
}

impl Creds<'_> {
    pub fn issuer(&self) -> String {
        format!("{}/realms/{}", self.kc_base, self.realm)
    }

    pub fn write(&self, dir: &Path) -> PathBuf {
        let issuer = self.issuer();
        let mut doc = json!({
            "client_id": self.client_id,
            "realm": self.realm,
            "issuer": issuer,
            "discovery_uri": format!("{issuer}/.well-known/openid-configuration"),
            "jwks_uri": format!("{issuer}/protocol/openid-connect/certs"),
        });
        if let Some(s) = self.secret {
            doc["client_secret"] = json!(s);
        }
        let path = dir.join("credentials.json");
        std::fs::write(&path, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
        path
    }
}

/// `omsso render --credentials credentials.json` in `dir`, with the settings every rendering
/// needs given as env vars (so flags in `args` win).
pub fn render(dir: &Path, args: &[&str]) -> Run {
    let mut cmd = omsso(dir);
    cmd.env("OMSSO_OM_URL", OM_URL)
        .env("OMSSO_PRINCIPAL_DOMAIN", "example.com")
        .env("OMSSO_ADMIN_PRINCIPALS", "admin")
        .args(["render", "--credentials", "credentials.json"])
        .args(args);
    run(&mut cmd)
}

/// One target rendered to stdout; panics (fails the test) if omsso fails.
pub fn render_stdout(dir: &Path, target: &str, args: &[&str]) -> String {
    let mut all = vec!["--target", target, "--stdout"];
    all.extend_from_slice(args);
    let r = render(dir, &all);
    assert_eq!(r.code, 0, "omsso render {all:?} failed: {}", r.stderr);
    r.stdout
}

/// Parses YAML text as OpenMetadata's loader would after substituting `${…}`: a literal `${`
/// is written `$${` for it.
pub fn om_yaml(text: &str) -> serde_yaml::Value {
    serde_yaml::from_str(&text.replace("$${", "${")).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// A value OpenMetadata receives through an environment variable: its loader pastes it into
/// `key: ${VAR}` and parses that as YAML.
pub fn om_env_value(raw: &str) -> serde_yaml::Value {
    let doc = om_yaml(&format!("key: {raw}\n"));
    doc["key"].clone()
}

/// What the chart's `quote` (Go's `%q`) makes of a value before it becomes an environment
/// variable: a double-quoted string with Go's escapes.
pub fn go_quote(v: &str) -> String {
    let mut quoted = String::from("\"");
    for c in v.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\t' => quoted.push_str("\\t"),
            '\r' => quoted.push_str("\\r"),
            c if c.is_control() => quoted.push_str(&format!("\\u{:04x}", c as u32)),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

/// A Helm value the chart passes through its `quote` into an environment variable, as
/// OpenMetadata then reads it (see [`om_env_value`]).
pub fn chart_quoted_value(v: &str) -> serde_yaml::Value {
    om_env_value(&go_quote(v))
}

pub fn as_str(v: &serde_yaml::Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v:?}"))
}

pub fn yaml_to_json(v: &serde_yaml::Value) -> Value {
    serde_json::to_value(v).expect("YAML that JSON can hold")
}

/// Runs tests/suite/support/check.py with `job` (see that file); panics with its report on failure.
pub fn python_check(job: &Value) {
    let (ok, report) = python_report(job);
    assert!(ok, "schema/YAML check failed:\n{report}");
    eprintln!("{}", report.trim());
}

/// Runs one of the Python helpers in tests/suite/support/ (`script`) with `job` as JSON on
/// stdin, extra environment variables and python options; (exit code, stdout, stderr).
/// `needs` names what python must have, for the panic when it cannot start.
pub fn python_job(
    script: &str,
    job: &Value,
    env: &[(&str, &str)],
    python_args: &[&str],
    needs: &str,
) -> (i32, String, String) {
    let mut child = Command::new("python3")
        .args(python_args)
        .arg(repo_root().join("tests/suite/support").join(script))
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("python3 must be installed ({needs}; see scripts/setup): {e}"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(job.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs tests/suite/support/check.py with `job`: whether everything passed, and its report.
pub fn python_report(job: &Value) -> (bool, String) {
    let (code, stdout, stderr) =
        python_job("check.py", job, &[], &[], "with jsonschema and PyYAML");
    assert!(code == 0 || code == 1, "check.py could not run: {stderr}");
    (code == 0, format!("{stdout}{stderr}"))
}

/// `docker-compose --env-file ENV -f <reference compose file> config` (Debian's docker-compose
/// 1.29; no daemon needed), with a clean environment so nothing from the caller's leaks in.
/// Returns the openmetadata-server service's environment, `$$` read back as `$`.
pub fn compose_server_env(env_file: &Path) -> serde_yaml::Mapping {
    let compose = reference("openmetadata/docker/docker-compose.yml");
    let out = Command::new("docker-compose")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .current_dir(env_file.parent().unwrap())
        .arg("--env-file")
        .arg(env_file)
        .arg("-f")
        .arg(&compose)
        .arg("config")
        .output()
        .expect("docker-compose must be installed (Debian package docker-compose)");
    assert!(
        out.status.success(),
        "docker-compose config failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_yaml::Value = serde_yaml::from_slice(&out.stdout).unwrap();
    let env = doc["services"]["openmetadata-server"]["environment"]
        .as_mapping()
        .expect("openmetadata-server environment")
        .clone();
    // `config` prints a compose file, where a literal `$` is written `$$`.
    env.into_iter()
        .map(|(k, v)| {
            let v = match v {
                serde_yaml::Value::String(s) => serde_yaml::Value::String(s.replace("$$", "$")),
                other => other,
            };
            (k, v)
        })
        .collect()
}
