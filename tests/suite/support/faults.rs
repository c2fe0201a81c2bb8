//! Helpers for the fault and file-safety tests: a scratch project (a credentials file, an age
//! key pair) with every omsso command that writes a secret file, snapshots proving that a
//! failure changed nothing, and strace to watch how omsso creates its files.

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::support::{omsso, run, Run};

/// The client secret in the scratch credentials; it must never show up in any output.
pub const SECRET: &str = "Fault-S3cret-c0ffee-7e1d";
pub const OM_URL: &str = "https://om.example.com";

pub struct Project {
    pub dir: tempfile::TempDir,
    /// The age recipient of `id.txt`.
    pub recipient: String,
}

impl Project {
    /// `credentials.json` and an age key pair (`id.txt`, made by the real `age-keygen`).
    pub fn new() -> Project {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("credentials.json"),
            serde_json::json!({
                "client_id": "open-metadata",
                "client_secret": SECRET,
                "realm": "data",
                "issuer": "https://sso.example.com/realms/data",
                "discovery_uri": "https://sso.example.com/realms/data/.well-known/openid-configuration",
                "jwks_uri": "https://sso.example.com/realms/data/protocol/openid-connect/certs",
                "openmetadata_url": OM_URL,
            })
            .to_string(),
        )
        .unwrap();
        let out = Command::new("age-keygen")
            .args(["-o", "id.txt"])
            .current_dir(dir.path())
            .stderr(Stdio::piped())
            .output()
            .expect("age-keygen must be installed");
        assert!(out.status.success());
        let recipient = String::from_utf8_lossy(&out.stderr)
            .trim()
            .trim_start_matches("Public key: ")
            .to_string();
        assert!(recipient.starts_with("age1"), "{recipient}");
        Project { dir, recipient }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// omsso in the project folder with the settings `render` needs.
    pub fn omsso(&self) -> Command {
        let mut cmd = omsso(self.dir.path());
        cmd.env("OMSSO_OM_URL", OM_URL)
            .env("OMSSO_PRINCIPAL_DOMAIN", "example.com")
            .env("OMSSO_ADMIN_PRINCIPALS", "admin");
        cmd
    }

    /// `omsso render --credentials credentials.json ARGS` (all targets into `out/`).
    pub fn render(&self, args: &[&str]) -> Command {
        let mut cmd = self.omsso();
        cmd.args(["render", "--credentials", "credentials.json"])
            .args(args);
        cmd
    }

    /// `omsso seal` of the credentials to `id.txt`'s recipient (into `out/collate-handoff.age`).
    pub fn seal(&self, args: &[&str]) -> Command {
        let mut cmd = self.omsso();
        cmd.args(["seal", "--credentials", "credentials.json", "--yes", "-r"])
            .arg(&self.recipient)
            .args(args);
        cmd
    }

    /// `omsso open HANDOFF -i id.txt --write-credentials TARGET`.
    pub fn open_to(&self, handoff: &str, target: &str) -> Command {
        let mut cmd = self.omsso();
        cmd.args([
            "open",
            handoff,
            "-i",
            "id.txt",
            "--write-credentials",
            target,
        ]);
        cmd
    }

    /// `omsso keygen -o TARGET`.
    pub fn keygen(&self, target: &str) -> Command {
        let mut cmd = self.omsso();
        cmd.args(["keygen", "-o", target]);
        cmd
    }

    /// Runs `cmd`, which must succeed.
    pub fn ok(&self, cmd: &mut Command) -> Run {
        let r = run(cmd);
        assert_eq!(r.code, 0, "{:?} failed: {}", cmd, r.stderr);
        r
    }
}

/// Every file and folder under a folder, with content and mode.
#[derive(Debug, PartialEq, Eq)]
pub struct Snapshot(BTreeMap<PathBuf, Entry>);

#[derive(Debug, PartialEq, Eq)]
pub enum Entry {
    File { mode: u32, bytes: Vec<u8> },
    Folder { mode: u32 },
}

impl Snapshot {
    pub fn of(dir: &Path) -> Snapshot {
        fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Entry>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                let meta = std::fs::symlink_metadata(&p).unwrap();
                let mode = meta.permissions().mode() & 0o7777;
                let rel = p.strip_prefix(base).unwrap().to_path_buf();
                if meta.is_dir() {
                    out.insert(rel, Entry::Folder { mode });
                    walk(base, &p, out);
                } else {
                    let bytes = std::fs::read(&p).unwrap();
                    out.insert(rel, Entry::File { mode, bytes });
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(dir, dir, &mut out);
        Snapshot(out)
    }

    pub fn paths(&self) -> Vec<&Path> {
        self.0.keys().map(PathBuf::as_path).collect()
    }
}

/// The folder is exactly as it was: no file added, removed, changed or re-moded.
pub fn assert_untouched(before: &Snapshot, dir: &Path) {
    let after = Snapshot::of(dir);
    assert_eq!(
        before.paths(),
        after.paths(),
        "files were added or removed in {}",
        dir.display()
    );
    for (path, entry) in &before.0 {
        assert!(
            after.0.get(path) == Some(entry),
            "{} changed",
            path.display()
        );
    }
}

/// The run failed as every failure must: the expected non-zero code, one `error:` line
/// holding `needle`, a hint, nothing on stdout, and never the secret.
pub fn assert_clean_error(r: &Run, code: i32, needle: &str) {
    assert_eq!(r.code, code, "exit code; stderr: {}", r.stderr);
    let error = crate::support::one_error(r);
    assert!(
        error.contains(needle),
        "the error should say {needle:?}: {error}"
    );
    assert!(r.stdout.is_empty(), "nothing on stdout: {}", r.stdout);
    assert!(
        !r.stderr.contains(SECRET),
        "the secret leaked: {}",
        r.stderr
    );
}

/// omsso's temporary files (`.NAME.omsso-PID.tmp`) anywhere under `dir`.
pub fn temp_files(dir: &Path) -> Vec<PathBuf> {
    Snapshot::of(dir)
        .0
        .into_keys()
        .filter(|p| p.to_string_lossy().contains(".omsso-"))
        .collect()
}

/// Whether this process runs as root, for whom file permissions do not apply.
pub fn running_as_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// The syscalls omsso made while running `cmd` under strace (umask 0, so every mode omsso
/// asks for is the mode it gets), one list per thread.
pub struct Trace {
    pub threads: Vec<Vec<Call>>,
    pub run: Run,
}

/// One syscall: when it started and how long it took (seconds), so calls on different
/// threads can be put in order, and its line (`openat(…) = 3</path>`).
pub struct Call {
    pub at: f64,
    pub took: f64,
    pub line: String,
}

impl Call {
    /// Parses `1795870000.123456 fsync(3</p>) = 0 <0.000120>` (strace `-ttt -T`).
    fn parse(raw: &str) -> Call {
        let (at, rest) = raw.split_once(' ').expect("a -ttt timestamp");
        let (line, took) = match rest.rsplit_once(" <") {
            Some((line, t)) if t.ends_with('>') => (line, t.trim_end_matches('>').parse().ok()),
            _ => (rest, None),
        };
        Call {
            at: at.parse().expect("a -ttt timestamp"),
            // Calls that did not return (the process exited) have no duration.
            took: took.unwrap_or(0.0),
            line: line.to_string(),
        }
    }
}

/// The syscalls that create, sync, rename, link or re-mode files.
const TRACED: &str =
    "trace=open,openat,creat,rename,renameat,renameat2,link,linkat,fsync,fdatasync,\
                      chmod,fchmod,fchmodat,?fchmodat2,chown,fchown,lchown,fchownat";

pub fn traced(cmd: &Command) -> Trace {
    let logs = tempfile::tempdir().unwrap();
    let log = logs.path().join("trace");
    // `-ff`: one file per thread, so no syscall line is split by another thread's; `-y`:
    // file descriptors are shown with the path they refer to; `-ttt -T`: each call with its
    // start time and duration (files are synced on helper threads).
    let mut strace = Command::new("sh");
    strace
        .arg("-c")
        .arg(r#"umask 0; exec strace -ff -qq -y -ttt -T -e "$0" -o "$@""#)
        .arg(TRACED)
        .arg(&log)
        .arg("--")
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .stdin(Stdio::null());
    if let Some(dir) = cmd.get_current_dir() {
        strace.current_dir(dir);
    }
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => strace.env(k, v),
            None => strace.env_remove(k),
        };
    }
    let run = run(&mut strace);
    let mut threads = Vec::new();
    for e in std::fs::read_dir(logs.path()).unwrap() {
        let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
        threads.push(text.lines().map(Call::parse).collect());
    }
    assert!(!threads.is_empty(), "strace wrote no trace: {}", run.stderr);
    Trace { threads, run }
}

impl Trace {
    /// Asserts how `path` (absolute) was written: a temporary file in the same folder created
    /// exclusively with `mode` from the start, synced (on any thread), then renamed (or
    /// linked) onto `path`; and that no thread ever changed a file's mode or owner.
    pub fn assert_written_safely(&self, path: &Path, mode: u32) {
        let name = path.file_name().unwrap().to_string_lossy();
        let tmp_prefix = format!("{}/.{name}.omsso-", path.parent().unwrap().display());
        // The first call `pred` matches, on any thread.
        let pos = |what: &str, pred: &dyn Fn(&str) -> bool| -> &Call {
            self.threads
                .iter()
                .flatten()
                .filter(|c| pred(&c.line))
                .min_by(|a, b| a.at.total_cmp(&b.at))
                .unwrap_or_else(|| panic!("{what} of {}: not traced", path.display()))
        };
        // openat(AT_FDCWD</dir>, "out/.f.omsso-1.tmp", O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC, 0600) = 3</abs/out/.f.omsso-1.tmp>
        let created = pos("creation", &|l| {
            l.starts_with("openat(") && l.contains(" = ") && {
                let ret = l.rsplit(" = ").next().unwrap();
                ret.contains(&format!("<{tmp_prefix}"))
            }
        });
        let line = &created.line;
        assert!(
            line.contains("O_CREAT") && line.contains("O_EXCL"),
            "not created exclusively: {line}"
        );
        assert!(
            line.contains(&format!(", {mode:04o}) = ")),
            "not created with mode {mode:04o}: {line}"
        );
        let fd = line
            .rsplit(" = ")
            .next()
            .unwrap()
            .split('<')
            .next()
            .unwrap()
            .to_string();
        let synced = pos("fsync", &|l| {
            l.starts_with(&format!("fsync({fd}<{tmp_prefix}"))
                || l.starts_with(&format!("fdatasync({fd}<{tmp_prefix}"))
        });
        // Put in place by a rename, or by a link where a file must never be replaced (keygen).
        let renamed = pos("rename", &|l| {
            (l.starts_with("rename") || l.starts_with("link"))
                && l.contains(&format!("/.{name}.omsso-"))
                && (l.contains(&format!("/{name}\"")) || l.contains(&format!(", \"{name}\"")))
                && l.ends_with(" = 0")
        });
        // The sync must have finished before the rename started (to strace's microsecond).
        assert!(
            created.at < synced.at && synced.at + synced.took <= renamed.at + 1e-6,
            "{}: created, synced and renamed out of order",
            path.display()
        );
        for thread in &self.threads {
            for Call { line: l, .. } in thread {
                let call = l.split('(').next().unwrap_or("");
                assert!(
                    !call.contains("chmod") && !call.contains("chown"),
                    "a file's mode or owner was changed after creation: {l}"
                );
            }
        }
        let meta = std::fs::metadata(path).unwrap();
        assert_eq!(
            meta.permissions().mode() & 0o777,
            mode,
            "{} has the wrong mode",
            path.display()
        );
    }
}
