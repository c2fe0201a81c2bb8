//! Helpers for the SOPS tests: the real `sops` CLI (3.13.3, a Go module `scripts/setup` installs
//! into ~/go/bin), keys made by the real tools (`age-keygen`, `ssh-keygen`), and omsso and
//! sops run in a scratch folder whose environment holds no key of the caller's: every
//! `SOPS_*` variable is removed and HOME / XDG_CONFIG_HOME point into the folder (sops reads
//! ~/.config/sops/age/keys.txt and ~/.ssh/id_ed25519 by itself).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use crate::support::render::{Creds, OM_URL};
use crate::support::{omsso, run, Run};

pub const SOPS_VERSION: &str = "3.13.3";

const SOPS_VARS: [&str; 7] = [
    "SOPS_AGE_KEY",
    "SOPS_AGE_KEY_FILE",
    "SOPS_AGE_KEY_CMD",
    "SOPS_AGE_SSH_PRIVATE_KEY_FILE",
    "SOPS_AGE_SSH_PRIVATE_KEY_CMD",
    "SOPS_AGE_RECIPIENTS",
    "SOPS_CONFIG",
];

/// The `sops` binary: on PATH, else in Go's bin folder. Fails (never skips) when missing.
pub fn sops_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let on_path = std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join("sops"))
                .find(|p| p.is_file())
        });
        let go_bin = std::env::var_os("HOME").map(|h| PathBuf::from(h).join("go/bin/sops"));
        let bin = on_path
            .or(go_bin.filter(|p| p.is_file()))
            .unwrap_or_else(|| {
                panic!(
                    "the sops CLI is missing: install it with `go install \
                     github.com/getsops/sops/v3/cmd/sops@v{SOPS_VERSION}` (scripts/setup does)"
                )
            });
        let out = Command::new(&bin)
            .args(["--version", "--disable-version-check"])
            .output()
            .expect("run sops --version");
        let version = String::from_utf8_lossy(&out.stdout);
        assert!(
            version.contains(&format!("sops {SOPS_VERSION}")),
            "{} is not sops {SOPS_VERSION}: {version}",
            bin.display()
        );
        bin
    })
}

/// A scratch folder with a credentials file.
pub struct Scene {
    pub dir: tempfile::TempDir,
}

impl Scene {
    pub fn new() -> Scene {
        let scene = Scene {
            dir: tempfile::tempdir().unwrap(),
        };
        Creds::default().write(scene.dir.path());
        std::fs::create_dir_all(scene.path("home/.config")).unwrap();
        scene
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel))
            .unwrap_or_else(|e| panic!("{}: {e}", self.path(rel).display()))
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// A new age identity file `name` (by `age-keygen`); returns its recipient.
    pub fn age_key(&self, name: &str) -> String {
        let out = Command::new("age-keygen")
            .arg("-o")
            .arg(self.path(name))
            .output()
            .expect("age-keygen must be installed (Debian package age)");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = Command::new("age-keygen")
            .arg("-y")
            .arg(self.path(name))
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    /// A new ssh-ed25519 key `name` (by `ssh-keygen`, no passphrase); returns its public key.
    pub fn ssh_key(&self, name: &str) -> String {
        let status = Command::new("ssh-keygen")
            .args([
                "-q",
                "-t",
                "ed25519",
                "-N",
                "",
                "-C",
                "gitops@example",
                "-f",
            ])
            .arg(self.path(name))
            .status()
            .expect("ssh-keygen must be installed");
        assert!(status.success());
        self.read(&format!("{name}.pub")).trim().to_string()
    }

    /// A command with the scene's clean environment, run in `cwd` (relative to the scene).
    fn isolated(&self, mut cmd: Command, cwd: &str) -> Command {
        for v in SOPS_VARS {
            cmd.env_remove(v);
        }
        cmd.env("HOME", self.path("home"))
            .env("XDG_CONFIG_HOME", self.path("home/.config"))
            .current_dir(self.path(cwd))
            .stdin(Stdio::null());
        cmd
    }

    /// `omsso ARGS` in the scene, with the settings every rendering needs as env vars.
    pub fn omsso(&self, args: &[&str]) -> Command {
        let mut cmd = self.isolated(omsso(self.dir.path()), "");
        cmd.env("OMSSO_OM_URL", OM_URL)
            .env("OMSSO_PRINCIPAL_DOMAIN", "example.com")
            .env("OMSSO_ADMIN_PRINCIPALS", "admin")
            .args(args);
        cmd
    }

    /// `omsso render --credentials credentials.json ARGS`.
    pub fn render(&self, args: &[&str]) -> Run {
        let mut all = vec!["render", "--credentials", "credentials.json"];
        all.extend_from_slice(args);
        run(&mut self.omsso(&all))
    }

    /// Like [`Scene::render`], with `env` set (an identity for the comparison, say).
    pub fn render_with(&self, env: &[(&str, &str)], args: &[&str]) -> Run {
        let mut all = vec!["render", "--credentials", "credentials.json"];
        all.extend_from_slice(args);
        let mut cmd = self.omsso(&all);
        for (k, v) in env {
            cmd.env(k, self.path(v));
        }
        run(&mut cmd)
    }

    /// The plaintext Secret omsso renders without SOPS.
    pub fn plaintext_secret(&self) -> String {
        let r = self.render(&["--target", "helm-secret", "--stdout"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.stdout
    }

    /// `omsso verify --file FILE`, with `env` (`SOPS_AGE_KEY_FILE` → a file in the scene).
    pub fn verify(&self, file: &str, env: &[(&str, &str)]) -> Run {
        let mut cmd = self.omsso(&["verify", "--file", file]);
        for (k, v) in env {
            cmd.env(k, self.path(v));
        }
        run(&mut cmd)
    }

    /// `sops ARGS` in `cwd`, with `env` values naming files in the scene.
    pub fn sops_in(&self, cwd: &str, env: &[(&str, &str)], args: &[&str]) -> Run {
        let mut cmd = self.isolated(Command::new(sops_bin()), cwd);
        for (k, v) in env {
            cmd.env(k, self.path(v));
        }
        run(cmd.args(args))
    }

    /// `SOPS_AGE_KEY_FILE=KEY sops -d FILE`.
    pub fn sops_decrypt(&self, key: &str, file: &str) -> Run {
        self.sops_in("", &[("SOPS_AGE_KEY_FILE", key)], &["-d", file])
    }
}

/// Every scalar of a YAML document with its path, in document order: two documents with the
/// same list hold the same keys and values in the same order.
pub fn leaves(text: &str) -> Vec<(String, String)> {
    fn walk(v: &serde_yaml::Value, path: &str, out: &mut Vec<(String, String)>) {
        match v {
            serde_yaml::Value::Mapping(m) => {
                for (k, v) in m {
                    let k = k.as_str().expect("string keys");
                    walk(v, &format!("{path}/{k}"), out);
                }
            }
            serde_yaml::Value::Sequence(items) => {
                for (i, v) in items.iter().enumerate() {
                    walk(v, &format!("{path}/{i}"), out);
                }
            }
            other => out.push((path.to_string(), serde_yaml::to_string(other).unwrap())),
        }
    }
    let doc: serde_yaml::Value =
        serde_yaml::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"));
    let mut out = Vec::new();
    walk(&doc, "", &mut out);
    out
}

/// The `ENC[…]` string at `key` under stringData of a SOPS Secret.
pub fn enc_of(text: &str, key: &str) -> String {
    let doc: serde_yaml::Value = serde_yaml::from_str(text).unwrap();
    doc["stringData"][key]
        .as_str()
        .unwrap_or_else(|| panic!("no stringData.{key}: {text}"))
        .to_string()
}
