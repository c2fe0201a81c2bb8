//! The stand-in OpenMetadata server (tests/suite/support/om_standin.py) for the tests of `verify`'s
//! server checks and `apply`: no OpenMetadata server can be installed on the test machines, so
//! it serves exactly the endpoints omsso uses and holds every request body and answer to the
//! release's own generated models. A missing prerequisite (python, pydantic, the wheels of
//! `scripts/om-models fetch`) fails the test with the stand-in's own error line.

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use serde_json::Value;

use crate::support;

pub const ADMIN_TOKEN: &str = "om-admin-token-for-tests";
pub const READER_TOKEN: &str = "om-reader-token-for-tests";

pub struct StandIn {
    pub url: String,
    child: Child,
    dir: tempfile::TempDir,
}

impl StandIn {
    /// A server of release `version` (`1.12.7`) on line `line` (`1.12`), running a fresh
    /// server's configuration.
    pub fn start(line: &str, version: &str) -> StandIn {
        StandIn::start_with(line, version, None)
    }

    /// … running `initial` (a SecurityConfiguration) instead.
    pub fn start_with(line: &str, version: &str, initial: Option<&Value>) -> StandIn {
        StandIn::start_serving(line, version, initial, None, None)
    }

    /// … serving `jwks` as its own JWKS and holding `users` (each a `User`), when given.
    pub fn start_serving(
        line: &str,
        version: &str,
        initial: Option<&Value>,
        jwks: Option<&Value>,
        users: Option<&Value>,
    ) -> StandIn {
        StandIn::start_holding(line, version, initial, jwks, users, None)
    }

    /// … also holding `directory`: `{"teams": [Team…], "roles": [Role…]}`.
    pub fn start_holding(
        line: &str,
        version: &str,
        initial: Option<&Value>,
        jwks: Option<&Value>,
        users: Option<&Value>,
        directory: Option<&Value>,
    ) -> StandIn {
        let dir = tempfile::tempdir().unwrap();
        let file = |name: &str, text: &str| {
            let p = dir.path().join(name);
            std::fs::write(&p, text).unwrap();
            p
        };
        let admin = file("admin-token", ADMIN_TOKEN);
        let reader = file("reader-token", READER_TOKEN);
        let mut cmd = Command::new("python3");
        cmd.arg(support::repo_root().join("tests/suite/support/om_standin.py"))
            .args(["--line", line, "--version", version])
            .arg("--token-file")
            .arg(&admin)
            .arg("--reader-token-file")
            .arg(&reader)
            .arg("--state")
            .arg(dir.path().join("state.json"))
            .arg("--log")
            .arg(dir.path().join("requests.jsonl"));
        // The JWKS file is read at each request: [`StandIn::serve_jwks`] replaces it.
        cmd.arg("--jwks").arg(dir.path().join("jwks.json"));
        if let Some(v) = jwks {
            file("jwks.json", &v.to_string());
        }
        for (flag, name, value) in [
            ("--initial", "initial.json", initial),
            ("--users", "users.json.in", users),
            ("--directory", "directory.json", directory),
        ] {
            if let Some(v) = value {
                cmd.arg(flag).arg(file(name, &v.to_string()));
            }
        }
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python3 runs the OpenMetadata stand-in (tests/suite/support/om_standin.py)");
        let mut port = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut port)
            .unwrap();
        if port.trim().is_empty() {
            let mut err = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            let _ = child.wait();
            panic!("the OpenMetadata stand-in did not start: {}", err.trim());
        }
        StandIn {
            url: format!("http://127.0.0.1:{}", port.trim()),
            child,
            dir,
        }
    }

    /// From now on the server serves `jwks` as its own JWKS: the server restarted on new key
    /// files.
    pub fn serve_jwks(&self, jwks: &Value) {
        let tmp = self.dir.path().join("jwks.json.tmp");
        std::fs::write(&tmp, jwks.to_string()).unwrap();
        std::fs::rename(&tmp, self.dir.path().join("jwks.json")).unwrap();
    }

    /// Every request so far: `{method, path, status}`.
    pub fn requests(&self) -> Vec<Value> {
        std::fs::read_to_string(self.dir.path().join("requests.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// The requests with `method` (e.g. how many PUTs were sent).
    pub fn sent(&self, method: &str) -> usize {
        self.requests()
            .iter()
            .filter(|r| r["method"] == method)
            .count()
    }

    /// The users the server holds now.
    pub fn users(&self) -> Vec<Value> {
        let p: PathBuf = self.dir.path().join("users.json");
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
    }

    /// The security configuration the server holds, secret included.
    pub fn state(&self) -> Value {
        let p: PathBuf = self.dir.path().join("state.json");
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
