//! No secret ever leaks. Every subcommand runs against the real Keycloak with recognisable
//! secrets (the admin password, the client secret, a seal passphrase, wrong ones on failing
//! runs), once with `-vv` and once with `-vv --format json`, succeeding and failing. None of
//! them may appear on stdout (except the client secret where the user asked for it:
//! `--show-secret`, `render --stdout`), on stderr, in any file other than those meant to hold
//! it, nor in the arguments or environment of any process omsso starts (traced with strace).
//! Neither may an access or refresh token, nor an age private key.

use crate::support::{self, keycloak};

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::support::{run, Admin, Run};
use serde_json::json;

/// The same scan against servers that echo what they were sent: `apply`, `verify --login`, SOPS.
mod servers;

const ADMIN: &str = "leak-admin";
const ADMIN_PASSWORD: &str = "LeakCanary-AdminPw-1f9e3";
const CLIENT_SECRET: &str = "LeakCanary-ClientSecret-8d2c7";
const PASSPHRASE: &str = "LeakCanary-Passphrase-5b1a";
const WRONG_PASSWORD: &str = "LeakCanary-WrongPw-2e6f";
const WRONG_SECRET: &str = "LeakCanary-WrongSecret-93ad";
const WRONG_PASSPHRASE: &str = "LeakCanary-WrongPassphrase-77c0";
/// How every token Keycloak issues starts (`{"alg":` in base64url): access and refresh tokens.
const TOKEN: &str = "eyJhbGciOi";
const AGE_KEY: &str = "AGE-SECRET-KEY-1";

/// Files meant to hold the client secret (and where the test plants a wrong one).
const SECRET_FILES: &[&str] = &[
    "out/openmetadata.yaml",
    "out/openmetadata.env",
    "out/helm/oidc-secrets.yaml",
    "out/credentials.json",
    "out/opened.json",
];
const KEY_FILES: &[&str] = &["collate.key", "other.key"];

/// What stdout may show.
#[derive(Clone, Copy, PartialEq)]
enum Show {
    Nothing,
    /// The client secret, because the user asked for it.
    ClientSecret,
}

struct Scene {
    dir: tempfile::TempDir,
    realm: String,
    recipient: String,
    /// Secrets that must never be printed (more join as the test learns them).
    secrets: RefCell<Vec<String>>,
    /// Processes omsso started, over the whole test (the check must not be vacuous).
    children: Cell<usize>,
}

impl Scene {
    /// A realm administered by a realm-local user with a recognisable password, holding the
    /// OpenMetadata client with a recognisable secret, and an age key pair.
    fn new(tag: &str) -> Scene {
        let admin = Admin::login();
        let realm = admin.new_realm(tag);
        keycloak::realm_admin(&admin, &realm, ADMIN, ADMIN_PASSWORD);
        let r = admin.post(
            &format!("/{realm}/clients"),
            &json!({ "clientId": keycloak::CLIENT_ID, "publicClient": false, "secret": CLIENT_SECRET }),
        );
        assert_eq!(r.status().as_u16(), 201);
        assert_eq!(keycloak::secret(&admin, &realm), CLIENT_SECRET);
        let dir = tempfile::tempdir().unwrap();
        // A git work tree, so omsso asks git about the secret files it writes: the processes
        // it starts are checked too (outside a work tree it starts none).
        let init = Command::new("git")
            .args(["init", "-q"])
            .current_dir(dir.path())
            .status()
            .expect("git must be installed");
        assert!(init.success());
        let key = |name: &str| {
            let r = run(support::omsso(dir.path()).args(["keygen", "-o", name]));
            assert_eq!(r.code, 0, "{}", r.stderr);
            r.stdout.trim().to_string()
        };
        let recipient = key("collate.key");
        key("other.key");
        let secrets = [ADMIN_PASSWORD, CLIENT_SECRET, PASSPHRASE, WRONG_PASSWORD]
            .into_iter()
            .chain([WRONG_SECRET, WRONG_PASSPHRASE, TOKEN, AGE_KEY])
            .map(str::to_string)
            .collect();
        Scene {
            dir,
            realm,
            recipient,
            secrets: RefCell::new(secrets),
            children: Cell::new(0),
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// omsso with every setting, logged in as the realm's admin through OMSSO_ADMIN_PASSWORD.
    fn omsso(&self, args: &[&str]) -> Command {
        let mut cmd = keycloak::configured(self.dir.path(), &self.realm);
        cmd.env("OMSSO_ADMIN_USERNAME", ADMIN)
            .env("OMSSO_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("OMSSO_ADMIN_REALM", &self.realm)
            .args(args);
        cmd
    }

    /// `verify --login` as the realm's admin, with `password` in OMSSO_LOGIN_PASSWORD.
    fn login(&self, password: &str) -> Command {
        let mut cmd = self.omsso(&["verify", "--login", ADMIN]);
        cmd.env("OMSSO_LOGIN_PASSWORD", password);
        cmd
    }

    /// [`Scene::omsso`] with the seal passphrase in OMSSO_SEAL_PASSPHRASE.
    fn with_passphrase(&self, args: &[&str]) -> Command {
        let mut cmd = self.omsso(args);
        cmd.env("OMSSO_SEAL_PASSPHRASE", PASSPHRASE);
        cmd
    }

    /// Runs the command `make` builds with `-vv`, then with `-vv --format json`, each under
    /// strace, and checks both runs. Returns the text run.
    fn check(&self, make: impl Fn() -> Command, codes: &[i32], show: Show) -> Run {
        let text = self.check_one(&make, &["-vv"], codes, show);
        self.check_one(&make, &["-vv", "--format", "json"], codes, show);
        text
    }

    /// One run of [`Scene::check`], with `extra` flags. The passphrase runs use this alone
    /// (`-vv --format json`): scrypt makes each of them take seconds.
    fn check_one(
        &self,
        make: &dyn Fn() -> Command,
        extra: &[&str],
        codes: &[i32],
        show: Show,
    ) -> Run {
        let mut cmd = make();
        cmd.args(extra);
        let (r, execs) = traced_execs(&cmd);
        let what = format!("{:?}", cmd.get_args().collect::<Vec<_>>());
        assert!(
            codes.contains(&r.code),
            "{what}: exit {}: {}",
            r.code,
            r.stderr
        );
        for secret in self.secrets.borrow().iter() {
            let on_stdout = r.stdout.contains(secret.as_str());
            let may_show = show == Show::ClientSecret && secret == CLIENT_SECRET;
            assert!(
                !on_stdout || may_show,
                "{what}: {secret} on stdout: {}",
                r.stdout
            );
            assert!(
                !r.stderr.contains(secret.as_str()),
                "{what}: {secret} on stderr: {}",
                r.stderr
            );
            for exec in &execs {
                assert!(
                    !exec.contains(secret.as_str()),
                    "{what}: {secret} reached a child process: {exec}"
                );
            }
        }
        if show == Show::ClientSecret {
            assert!(
                r.stdout.contains(CLIENT_SECRET),
                "{what}: asked for the secret: {}",
                r.stdout
            );
        }
        self.children.set(self.children.get() + execs.len());
        r
    }

    /// No file in the scene holds a secret, except those meant to.
    fn check_files(&self) {
        let secret_files: BTreeSet<PathBuf> = SECRET_FILES.iter().map(|f| self.path(f)).collect();
        let key_files: BTreeSet<PathBuf> = KEY_FILES.iter().map(|f| self.path(f)).collect();
        let mut checked = 0;
        for file in files_under(self.dir.path()) {
            let bytes = std::fs::read(&file).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            for secret in self.secrets.borrow().iter() {
                let allowed = match secret.as_str() {
                    CLIENT_SECRET | WRONG_SECRET => secret_files.contains(&file),
                    AGE_KEY => key_files.contains(&file),
                    _ => false,
                };
                assert!(
                    allowed || !text.contains(secret.as_str()),
                    "{} holds {secret}",
                    file.display()
                );
            }
            checked += 1;
        }
        assert!(checked >= 8, "only {checked} files");
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Runs `cmd` under `strace -f`, returning its output and the `execve` lines (program,
/// arguments and environment) of every process it started.
fn traced_execs(cmd: &Command) -> (Run, Vec<String>) {
    let logs = tempfile::tempdir().unwrap();
    let mut strace = Command::new("strace");
    strace
        .args([
            "-f",
            "-ff",
            "-qq",
            "--seccomp-bpf",
            "-v",
            "-s",
            "65536",
            "-e",
            "trace=execve",
            "-o",
        ])
        .arg(logs.path().join("exec"))
        .arg("--")
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .stdin(Stdio::null());
    if let Some(d) = cmd.get_current_dir() {
        strace.current_dir(d);
    }
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => strace.env(k, v),
            None => strace.env_remove(k),
        };
    }
    let r = run(&mut strace);
    let own = format!("execve(\"{}\"", cmd.get_program().to_string_lossy());
    let mut execs = Vec::new();
    for e in std::fs::read_dir(logs.path()).unwrap() {
        let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
        execs.extend(
            text.lines()
                .filter(|l| l.starts_with("execve(") && !l.starts_with(&own))
                .map(str::to_string),
        );
    }
    (r, execs)
}

#[test]
fn no_secret_leaks_from_keycloak_commands_or_run() {
    let s = Scene::new("leak-kc");
    let ok = &[0];
    s.check(|| s.omsso(&["config", "show"]), ok, Show::Nothing);
    s.check(|| s.omsso(&["keycloak", "ensure"]), ok, Show::Nothing);
    s.check(
        || s.omsso(&["keycloak", "ensure", "--check"]),
        ok,
        Show::Nothing,
    );
    s.check(|| s.omsso(&["keycloak", "fetch"]), ok, Show::Nothing);
    s.check(
        || s.omsso(&["keycloak", "fetch", "--show-secret"]),
        ok,
        Show::ClientSecret,
    );
    s.check(
        || {
            s.omsso(&[
                "keycloak",
                "fetch",
                "--write",
                "out/credentials.json",
                "--force",
            ])
        },
        ok,
        Show::Nothing,
    );
    s.check(|| s.omsso(&["render", "--force"]), ok, Show::Nothing);
    s.check(
        || s.omsso(&["seal", "--yes", "--force", "-r", &s.recipient.clone()]),
        ok,
        Show::Nothing,
    );
    s.check(|| s.omsso(&["verify"]), ok, Show::Nothing);
    // The test login (issue 20): the user's password through Keycloak's login form, the
    // client secret in the code exchange.
    let r = s.check(|| s.login(ADMIN_PASSWORD), ok, Show::Nothing);
    assert!(
        r.stdout.contains("signs in to OpenMetadata as"),
        "{}",
        r.stdout
    );
    s.check(
        || s.omsso(&["run", "--force", "--yes", "-r", &s.recipient.clone()]),
        ok,
        Show::Nothing,
    );
    assert!(
        s.children.get() > 0,
        "omsso started no process: the argv check proved nothing"
    );

    // Rotation: the new secret is as secret as the old one.
    let r = s.check(
        || s.omsso(&["keycloak", "rotate", "--yes"]),
        ok,
        Show::Nothing,
    );
    let rotated = keycloak::secret(&Admin::login(), &s.realm);
    assert_ne!(rotated, CLIENT_SECRET);
    assert!(!r.stdout.contains(&rotated) && !r.stderr.contains(&rotated));
    s.secrets.borrow_mut().push(rotated);
    s.check(|| s.omsso(&["keycloak", "fetch"]), ok, Show::Nothing);
    s.check_files();
}

#[test]
fn no_secret_leaks_from_offline_commands() {
    let s = Scene::new("leak-off");
    let creds = ["--credentials", "out/credentials.json"];
    fetch_and_render_leak_nothing(&s, &creds);
    seal_and_open_leak_nothing(&s, &creds);
    bundle_verify_and_tools_leak_nothing(&s);
    s.check_files();
}

/// `keycloak fetch --write`, then `render` from those credentials, to files and to stdout.
fn fetch_and_render_leak_nothing(s: &Scene, creds: &[&str]) {
    let ok = &[0];
    s.check(
        || s.omsso(&["keycloak", "fetch", "--write", "out/credentials.json"]),
        ok,
        Show::Nothing,
    );
    s.check(
        || s.omsso(&[&["render", "--force"][..], creds].concat()),
        ok,
        Show::Nothing,
    );
    s.check(
        || s.omsso(&[&["render", "--target", "env", "--stdout"][..], creds].concat()),
        ok,
        Show::ClientSecret,
    );
}

/// `seal` for a recipient and with a passphrase, `open` of both, and a wrong passphrase.
fn seal_and_open_leak_nothing(s: &Scene, creds: &[&str]) {
    let ok = &[0];
    let recipient = s.recipient.clone();
    s.check(
        || s.omsso(&[&["seal", "--yes", "--force", "-r", &recipient][..], creds].concat()),
        ok,
        Show::Nothing,
    );
    s.check(
        || {
            s.with_passphrase(
                &[
                    &["seal", "--passphrase", "--force", "-o", "out/pass.age"][..],
                    creds,
                ]
                .concat(),
            )
        },
        ok,
        Show::Nothing,
    );
    let handoff = ["out/collate-handoff.age", "-i", "collate.key"];
    s.check(
        || s.omsso(&[&["open"][..], &handoff].concat()),
        ok,
        Show::Nothing,
    );
    s.check(
        || s.omsso(&[&["open", "--show-secret"][..], &handoff].concat()),
        ok,
        Show::ClientSecret,
    );
    s.check_one(
        &|| {
            s.with_passphrase(&[
                "open",
                "out/pass.age",
                "--write-credentials",
                "out/opened.json",
                "--force",
            ])
        },
        &["-vv", "--format", "json"],
        ok,
        Show::Nothing,
    );
    // The wrong passphrase (a failing run; here because pass.age is).
    let wrong = || {
        let mut cmd = s.omsso(&["open", "out/pass.age", "--show-secret"]);
        cmd.env("OMSSO_SEAL_PASSPHRASE", WRONG_PASSPHRASE);
        cmd
    };
    s.check_one(&wrong, &["-vv"], &[1], Show::Nothing);
}

/// `render --from-bundle`, `verify --file`, `keygen`, `completions`, `man`.
fn bundle_verify_and_tools_leak_nothing(s: &Scene) {
    let ok = &[0];
    s.check(
        || {
            s.omsso(&[
                "render",
                "--force",
                "--from-bundle",
                "out/collate-handoff.age",
                "-i",
                "collate.key",
            ])
        },
        ok,
        Show::Nothing,
    );
    s.check(
        || {
            s.omsso(&[
                "verify",
                "--file",
                "out/openmetadata.yaml",
                "--file",
                "out/openmetadata.env",
                "--file",
                "out/helm/values.yaml",
            ])
        },
        ok,
        Show::Nothing,
    );
    s.check(
        || {
            // keygen never replaces an identity: start each run without one.
            let _ = std::fs::remove_file(s.path("third.key"));
            s.omsso(&["keygen", "-o", "third.key"])
        },
        ok,
        Show::Nothing,
    );
    std::fs::remove_file(s.path("third.key")).unwrap();
    s.check(|| s.omsso(&["completions", "bash"]), ok, Show::Nothing);
    s.check(|| s.omsso(&["man"]), ok, Show::Nothing);
}

#[test]
fn no_secret_leaks_from_failing_commands() {
    let s = Scene::new("leak-fail");
    let ok = &[0];
    s.check(
        || s.omsso(&["keycloak", "fetch", "--write", "out/credentials.json"]),
        ok,
        Show::Nothing,
    );
    s.check(|| s.omsso(&["render"]), ok, Show::Nothing);
    let recipient = s.recipient.clone();
    s.check(
        || s.omsso(&["seal", "--yes", "--force", "-r", &recipient]),
        ok,
        Show::Nothing,
    );

    // A wrong admin password, for every command that logs in.
    for sub in [
        &["keycloak", "fetch"][..],
        &["keycloak", "ensure"],
        &["render"],
        &["verify"],
        &["run"],
    ] {
        let wrong = || {
            let mut cmd = s.omsso(sub);
            cmd.env("OMSSO_ADMIN_PASSWORD", WRONG_PASSWORD);
            cmd
        };
        s.check(wrong, &[2], Show::Nothing);
    }
    // A rendered file that differs: the diff on stderr masks the secret on both sides.
    s.check(
        || s.omsso(&["render", "--om-url", "https://changed.example.com"]),
        &[2],
        Show::Nothing,
    );
    // The wrong key.
    s.check(
        || s.omsso(&["open", "out/collate-handoff.age", "-i", "other.key"]),
        &[1],
        Show::Nothing,
    );
    // A deployed file whose secret no longer authenticates: verify fails that check.
    let yaml = std::fs::read_to_string(s.path("out/openmetadata.yaml")).unwrap();
    assert!(yaml.contains(CLIENT_SECRET));
    std::fs::write(
        s.path("out/openmetadata.yaml"),
        yaml.replace(CLIENT_SECRET, WRONG_SECRET),
    )
    .unwrap();
    let r = s.check(|| s.omsso(&["verify"]), &[3], Show::Nothing);
    assert!(r.stdout.contains("secret-authenticates"), "{}", r.stdout);
    // A wrong login password: Keycloak's refusal is shown, the password is not.
    let r = s.check(|| s.login(WRONG_PASSWORD), &[3], Show::Nothing);
    assert!(r.stdout.contains("refused the login"), "{}", r.stdout);
    // Keycloak unreachable.
    s.check(
        || {
            s.omsso(&[
                "run",
                "--keycloak-url",
                "http://127.0.0.1:1",
                "-r",
                &recipient,
            ])
        },
        &[1],
        Show::Nothing,
    );
    s.check_files();
}
