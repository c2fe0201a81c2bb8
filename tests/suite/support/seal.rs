//! Helpers for the seal/open/keygen tests: a scratch folder with a credentials file, keys made
//! by the real tools (`age-keygen`, `ssh-keygen`, `age`), and checks for clean failures.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::support::{omsso, run, Run};

pub const SECRET: &str = "s3cr3t-VALUE-9f8e";
pub const CLIENT_ID: &str = "open-metadata";

pub struct Kit {
    pub dir: tempfile::TempDir,
}

impl Kit {
    pub fn new() -> Kit {
        let kit = Kit {
            dir: tempfile::tempdir().unwrap(),
        };
        kit.write(
            "creds.json",
            &serde_json::json!({
                "client_id": CLIENT_ID,
                "client_secret": SECRET,
                "realm": "data",
                "issuer": "http://localhost:8180/realms/data",
                "discovery_uri": "http://localhost:8180/realms/data/.well-known/openid-configuration",
                "jwks_uri": "http://localhost:8180/realms/data/protocol/openid-connect/certs",
                "openmetadata_url": "http://localhost:8585",
            })
            .to_string(),
        );
        kit
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, content: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, content).unwrap();
        p
    }

    pub fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.path(name)).unwrap()
    }

    pub fn exists(&self, name: &str) -> bool {
        self.path(name).exists()
    }

    /// Sorted names of the files in the scratch folder (recursively, relative).
    pub fn files(&self) -> Vec<String> {
        fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    walk(base, &p, out);
                } else {
                    out.push(p.strip_prefix(base).unwrap().display().to_string());
                }
            }
        }
        let mut out = Vec::new();
        walk(self.dir.path(), self.dir.path(), &mut out);
        out.sort();
        out
    }

    pub fn omsso(&self) -> Command {
        omsso(self.dir.path())
    }

    /// `omsso seal --credentials creds.json ARGS`
    pub fn seal(&self, args: &[&str]) -> Run {
        run(self
            .omsso()
            .args(["seal", "--credentials", "creds.json"])
            .args(args))
    }

    /// `omsso open ARGS`
    pub fn open(&self, args: &[&str]) -> Run {
        run(self.omsso().arg("open").args(args))
    }

    /// A real peer tool, run in the scratch folder; panics when it fails.
    pub fn tool(&self, program: &str, args: &[&str]) -> Vec<u8> {
        let out = Command::new(program)
            .args(args)
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("{program} must be installed: {e}"));
        assert!(
            out.status.success(),
            "{program} {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    }

    /// `age-keygen -o NAME`; returns the recipient.
    pub fn age_keygen(&self, name: &str) -> String {
        self.tool("age-keygen", &["-o", name]);
        String::from_utf8(self.tool("age-keygen", &["-y", name]))
            .unwrap()
            .trim()
            .to_string()
    }

    /// `ssh-keygen -t TYPE [-b BITS] -N PASSPHRASE -C COMMENT -f NAME`; returns the public key.
    pub fn ssh_keygen(&self, name: &str, key_type: &str, bits: Option<&str>, pass: &str) -> String {
        let mut args = vec!["-q", "-t", key_type, "-N", pass, "-C", "alice@example.com"];
        if let Some(b) = bits {
            args.extend(["-b", b]);
        }
        args.extend(["-f", name]);
        self.tool("ssh-keygen", &args);
        String::from_utf8(self.read(&format!("{name}.pub")))
            .unwrap()
            .trim()
            .to_string()
    }

    /// `age -d -i IDENTITY FILE`: the plaintext the age CLI gets.
    pub fn age_decrypt(&self, identity: &str, file: &str) -> Vec<u8> {
        self.tool("age", &["-d", "-i", identity, file])
    }

    /// `age -p` over a file, answering its two passphrase prompts through a pseudo-terminal
    /// (the age CLI reads passphrases from the terminal only).
    pub fn age_encrypt_with_passphrase(&self, input: &str, output: &str, pass: &str) {
        let script = format!(
            "(sleep 1; printf '%s\\n' '{pass}'; sleep 1; printf '%s\\n' '{pass}'; sleep 2) | \
             timeout 60 script -qec 'age -p -a -o {output} {input}' /dev/null >/dev/null"
        );
        let status = Command::new("sh")
            .args(["-c", &script])
            .current_dir(self.dir.path())
            .status()
            .unwrap();
        assert!(status.success() && self.exists(output), "age -p failed");
    }
}

impl Kit {
    /// Runs `omsso ARGS` on a pseudo-terminal (via `script`), typing each of `answers` after
    /// a pause. Returns the exit code and the terminal transcript.
    pub fn omsso_on_terminal(&self, args: &str, answers: &[&str]) -> (i32, String) {
        let mut typing = String::from("sleep 1");
        for a in answers {
            typing.push_str(&format!("; printf '%s\\n' '{a}'; sleep 1"));
        }
        let command = format!("{} {args}", env!("CARGO_BIN_EXE_omsso"));
        let script =
            format!("({typing}; sleep 2) | timeout 60 script -qec \"{command}\" /dev/null");
        let mut cmd = Command::new("sh");
        cmd.args(["-c", &script]).current_dir(self.dir.path());
        for (k, _) in std::env::vars_os() {
            if k.to_string_lossy().starts_with("OMSSO_") {
                cmd.env_remove(&k);
            }
        }
        let out = cmd.env("NO_COLOR", "1").output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    }
}

/// Asserts the run failed the way every bad input must: non-zero exit, one `error:` line that
/// contains `needle`, a hint, and no secret anywhere.
pub fn assert_clean_failure(r: &Run, code: i32, needle: &str) {
    assert_eq!(r.code, code, "exit code; stderr: {}", r.stderr);
    let error = crate::support::one_error(r);
    assert!(
        error.contains(needle),
        "error should mention {needle:?}: {error}"
    );
    assert!(!r.stderr.contains(SECRET) && !r.stdout.contains(SECRET));
    assert!(r.stdout.is_empty(), "no result on stdout: {}", r.stdout);
}

/// The bundle a successful `open --format json --show-secret` reports.
pub fn opened_bundle(r: &Run) -> serde_json::Value {
    assert_eq!(r.code, 0, "open failed: {}", r.stderr);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    doc["bundle"].clone()
}
