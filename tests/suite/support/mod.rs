//! The one support module of the test crate (tests/suite/README.md: layout, OMSSO_REFERENCE,
//! how to port a test file written for the old one-binary-per-file layout): the real Keycloak
//! (started once per test run by `scripts/keycloak`), a fresh realm per test, the reference data
//! folder, and a way to run the omsso binary with a clean environment. The submodules hold the
//! helpers of one kind of test each.
//!
//! Every test runs in this one process, in parallel: nothing here (or in a test) may change
//! process-wide state (current directory, environment, umask, signal handlers, rlimits); a
//! child process gets its own instead. Keycloak-backed tests never skip: if the server cannot
//! be started or reached they fail.

pub mod fake_http;
pub mod faults;
pub mod kc_proxy;
pub mod keycloak;
pub mod om_echo;
pub mod om_standin;
pub mod render;
pub mod seal;
pub mod sops;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

use serde_json::{json, Value};

pub const ADMIN_USER: &str = "admin";

pub fn admin_password() -> String {
    std::env::var("KC_BOOTSTRAP_ADMIN_PASSWORD").unwrap_or_else(|_| "admin".to_string())
}

pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The reference data folder (upstream OpenMetadata and Keycloak files, read at test time and
/// never copied into the project): `$OMSSO_REFERENCE`, relative to the repo root unless
/// absolute, by default `../shared/reference` (scripts/test sets it to what
/// `scripts/reference dir` says: that folder, or the cache scripts/setup --tests filled). The
/// one place every test finds it; a missing folder fails the test (never skips it).
pub fn reference_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let var = std::env::var_os("OMSSO_REFERENCE").filter(|v| !v.is_empty());
        let dir = repo_root().join(var.as_deref().unwrap_or("../shared/reference".as_ref()));
        assert!(
            dir.is_dir(),
            "the reference data folder is missing: {} (its files come from public upstream \
             sources, each listed with its SHA-256 in scripts/reference-files.tsv: \
             `scripts/setup --tests` fetches them into ~/.cache/omsso/reference and scripts/test \
             points OMSSO_REFERENCE there; or set OMSSO_REFERENCE to a folder holding them; \
             default ../shared/reference beside the repo)",
            dir.display()
        );
        dir
    })
}

/// `rel` inside the reference data folder ([`reference_dir`]); the file (or folder) must exist.
pub fn reference(rel: &str) -> PathBuf {
    let p = reference_dir().join(rel);
    if !p.exists() {
        let prefix = format!("{}/", rel.trim_end_matches('/'));
        let source = reference_sources()
            .into_iter()
            .find(|s| s.path == rel || s.path.starts_with(&prefix))
            .map_or_else(
                || "not in scripts/reference-files.tsv: no public source, only the team's reference \
                     folder ../shared/reference has it"
                    .to_string(),
                |s| format!("from {} (scripts/reference-files.tsv)", s.url),
            );
        panic!("reference file missing: {} ({source})", p.display());
    }
    p
}

/// One row of scripts/reference-files.tsv: a reference file and its public source.
pub struct ReferenceSource {
    /// Relative to the reference data folder.
    pub path: String,
    pub sha256: String,
    pub url: String,
}

/// Every reference file the tests read, with its pinned SHA-256 and public source.
pub fn reference_sources() -> Vec<ReferenceSource> {
    let list = repo_root().join("scripts/reference-files.tsv");
    let text = std::fs::read_to_string(&list).expect("scripts/reference-files.tsv");
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(
                f.len(),
                3,
                "{}: not <path> <sha256> <url>: {l}",
                list.display()
            );
            ReferenceSource {
                path: f[0].into(),
                sha256: f[1].into(),
                url: f[2].into(),
            }
        })
        .collect()
}

/// The running test Keycloak's base URL, starting it if needed. Panics (fails the test) when
/// it cannot be started: a test that needs Keycloak must not pass without one.
pub fn keycloak_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        let out = Command::new(repo_root().join("scripts/keycloak"))
            .arg("start")
            .stderr(Stdio::inherit())
            .output()
            .expect("run scripts/keycloak start");
        assert!(
            out.status.success(),
            "scripts/keycloak start failed (exit {:?}); Keycloak-backed tests cannot run",
            out.status.code()
        );
        let url = String::from_utf8(out.stdout).unwrap().trim().to_string();
        assert!(
            url.starts_with("http://"),
            "unexpected URL from scripts/keycloak: {url}"
        );
        url
    })
}

/// A client builder for the tests' own requests. reqwest 0.13 takes its TLS primitives from
/// rustls' process-wide provider and has none built in with omsso's features; ring, as omsso.
pub fn http_builder() -> reqwest::blocking::ClientBuilder {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::blocking::Client::builder()
}

/// `reqwest::blocking::get` through [`http_builder`].
pub fn get(url: impl reqwest::IntoUrl) -> reqwest::Result<reqwest::blocking::Response> {
    http_builder().build()?.get(url).send()
}

fn http() -> reqwest::blocking::Client {
    http_builder()
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .unwrap()
}

/// An admin API session for test set-up and for checking what omsso did, independent of
/// omsso's own Keycloak client.
pub struct Admin {
    pub base: String,
    token: String,
    client: reqwest::blocking::Client,
}

impl Admin {
    pub fn login() -> Admin {
        let base = keycloak_url().to_string();
        let client = http();
        let resp: Value = client
            .post(format!(
                "{base}/realms/master/protocol/openid-connect/token"
            ))
            .form(&[
                ("grant_type", "password"),
                ("client_id", "admin-cli"),
                ("username", ADMIN_USER),
                ("password", &admin_password()),
            ])
            .send()
            .expect("token request")
            .error_for_status()
            .expect("admin login")
            .json()
            .unwrap();
        let token = resp["access_token"].as_str().unwrap().to_string();
        Admin {
            base,
            token,
            client,
        }
    }

    pub fn request(
        &self,
        method: reqwest::Method,
        path: &str,
    ) -> reqwest::blocking::RequestBuilder {
        self.client
            .request(method, format!("{}/admin/realms{}", self.base, path))
            .bearer_auth(&self.token)
    }

    pub fn get(&self, path: &str) -> Value {
        let r = self.request(reqwest::Method::GET, path).send().unwrap();
        assert!(r.status().is_success(), "GET {path}: {}", r.status());
        r.json().unwrap()
    }

    pub fn put(&self, path: &str, body: &Value) {
        let r = self
            .request(reqwest::Method::PUT, path)
            .json(body)
            .send()
            .unwrap();
        assert!(r.status().is_success(), "PUT {path}: {}", r.status());
    }

    pub fn post(&self, path: &str, body: &Value) -> reqwest::blocking::Response {
        self.request(reqwest::Method::POST, path)
            .json(body)
            .send()
            .unwrap()
    }

    /// Creates a realm with a unique name starting with `prefix` and returns the name.
    pub fn new_realm(&self, prefix: &str) -> String {
        static N: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "{prefix}-{}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos()
                % 100_000
        );
        let r = self.post("", &json!({ "realm": name, "enabled": true }));
        assert_eq!(r.status().as_u16(), 201, "create realm {name}");
        name
    }

    /// The client representation for `client_id` in `realm`, if it exists.
    pub fn client(&self, realm: &str, client_id: &str) -> Option<Value> {
        let list = self.get(&format!("/{realm}/clients?clientId={client_id}"));
        list.as_array().unwrap().first().cloned()
    }
}

/// The omsso binary, run in `dir` with no OMSSO_* variables from the caller's environment.
pub fn omsso(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_omsso"));
    cmd.current_dir(dir);
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("OMSSO_") {
            cmd.env_remove(&k);
        }
    }
    cmd.env("NO_COLOR", "1").stdin(Stdio::null());
    cmd
}

/// Runs a command and returns its output, with stdout/stderr as strings.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The one `error:` line of a failed run; asserts there is exactly one, followed by a hint.
pub fn one_error(r: &Run) -> &str {
    let errors: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.starts_with("error:"))
        .collect();
    assert_eq!(errors.len(), 1, "one error line: {}", r.stderr);
    assert!(r.stderr.contains("hint: "), "a hint: {}", r.stderr);
    errors[0]
}

pub fn run(cmd: &mut Command) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("spawn");
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}
