//! What goes wrong on disk while omsso writes, and what it must do: one clear error (or a
//! clean end on Ctrl-C), a non-zero exit, and the output folder exactly as it was before —
//! no partial, truncated or world-readable file, no temporary file, previous files intact.

use crate::support::keycloak;

use std::io::Read;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::faults::{
    assert_clean_error, assert_untouched, running_as_root, temp_files, Project, Snapshot,
};
use crate::support::{run, Admin};

/// The uid/gid omsso runs as when the tests run as root (`nobody`).
const NOBODY: u32 = 65534;

/// Root ignores file permissions (CAP_DAC_OVERRIDE), so a read-only folder would still be
/// writable and the test would prove nothing. As root, the project is handed to `nobody` and
/// omsso runs as `nobody`, for whom the permissions apply as they do for any user.
fn as_user(mut cmd: Command) -> Command {
    if running_as_root() {
        cmd.uid(NOBODY).gid(NOBODY);
    }
    cmd
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn a_read_only_output_folder_is_an_error_and_nothing_changes() {
    let p = Project::new();
    if running_as_root() {
        let chown = Command::new("chown")
            .args(["-R", &format!("{NOBODY}:{NOBODY}")])
            .arg(p.dir.path())
            .status()
            .unwrap();
        assert!(chown.success());
    }
    p.ok(&mut as_user(p.render(&[])));
    p.ok(&mut as_user(p.seal(&[])));
    let out = p.path("out");

    let other = [
        "--force",
        "--om-url",
        "https://other.example.com",
        "--helm-namespace",
        "sso",
    ];
    // The whole folder read-only, then only its helm/ subfolder: the files render would have
    // written first (in out/) must not change either.
    for read_only in ["out", "out/helm"] {
        chmod(&p.path(read_only), 0o500);
        let before = Snapshot::of(&out);
        let r = run(&mut as_user(p.render(&other)));
        assert_clean_error(&r, 1, "Permission denied");
        assert!(
            r.stderr.contains("hint: check that you may write to"),
            "{}",
            r.stderr
        );
        assert_untouched(&before, &out);
        chmod(&p.path(read_only), 0o700);
    }

    chmod(&out, 0o500);
    let before = Snapshot::of(&out);
    let r = run(&mut as_user(p.seal(&["--force", "--note", "again"])));
    assert_clean_error(&r, 1, "Permission denied");
    let r = run(&mut as_user(
        p.open_to("out/collate-handoff.age", "out/opened.json"),
    ));
    assert_clean_error(&r, 1, "Permission denied");
    let r = run(&mut as_user(p.keygen("out/collate.key")));
    assert_clean_error(&r, 1, "Permission denied");
    assert_untouched(&before, &out);
    chmod(&out, 0o700);
}

#[test]
fn a_file_where_the_output_folder_should_be_is_an_error() {
    let p = Project::new();
    std::fs::write(p.path("out"), "not a folder\n").unwrap();
    let before = Snapshot::of(p.dir.path());
    for mut cmd in [p.render(&[]), p.seal(&[])] {
        let r = run(&mut cmd);
        assert_clean_error(&r, 1, "cannot write into out: it is not a folder");
    }
    let r = run(&mut p.open_to("nothing.age", "out/opened.json"));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_untouched(&before, p.dir.path());

    // The same one level down: helm/ is a file.
    let q = Project::new();
    q.ok(&mut q.render(&[]));
    std::fs::remove_dir_all(q.path("out/helm")).unwrap();
    std::fs::write(q.path("out/helm"), "not a folder\n").unwrap();
    let before = Snapshot::of(&q.path("out"));
    let r = run(&mut q.render(&["--force", "--om-url", "https://other.example.com"]));
    assert_clean_error(&r, 1, "out/helm: it is not a folder");
    assert_untouched(&before, &q.path("out"));
}

/// Replaces the file `rel` with a folder holding a file (so nothing can remove it quietly).
fn folder_instead_of(p: &Project, rel: &str) {
    let path = p.path(rel);
    std::fs::remove_file(&path).unwrap();
    std::fs::create_dir(&path).unwrap();
    std::fs::write(path.join("keep"), "x").unwrap();
}

#[test]
fn a_file_replaced_by_a_folder_is_refused_before_anything_is_written() {
    let p = Project::new();
    p.ok(&mut p.render(&[]));
    p.ok(&mut p.seal(&["--sign-with", &ssh_key(&p)]));
    p.ok(&mut p.open_to("out/collate-handoff.age", "out/opened.json"));
    p.ok(&mut p.keygen("out/collate.key"));
    let out = p.path("out");

    // openmetadata.env is written after openmetadata.yaml: that one must not change either.
    folder_instead_of(&p, "out/openmetadata.env");
    let before = Snapshot::of(&out);
    let r = run(&mut p.render(&["--force", "--om-url", "https://other.example.com"]));
    assert_clean_error(
        &r,
        1,
        "cannot write out/openmetadata.env: a folder or other non-file is in the way",
    );
    assert_untouched(&before, &out);

    // The signature is written with the handoff: neither changes.
    folder_instead_of(&p, "out/collate-handoff.age.sig");
    let before = Snapshot::of(&out);
    let r = run(&mut p.seal(&["--force", "--sign-with", "signing"]));
    assert_clean_error(&r, 1, "collate-handoff.age.sig: a folder or other non-file");
    assert_untouched(&before, &out);

    folder_instead_of(&p, "out/opened.json");
    folder_instead_of(&p, "out/collate.key");
    let before = Snapshot::of(&out);
    let r = run(p
        .open_to("out/collate-handoff.age", "out/opened.json")
        .arg("--force"));
    assert_clean_error(&r, 1, "out/opened.json: a folder or other non-file");
    let r = run(&mut p.keygen("out/collate.key"));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("out/collate.key"), "{}", r.stderr);
    assert_untouched(&before, &out);
}

#[test]
fn keycloak_fetch_refuses_a_folder_where_the_credentials_file_should_be() {
    let admin = Admin::login();
    let realm = admin.new_realm("faults-dir");
    let dir = tempfile::tempdir().unwrap();
    keycloak::ensure_ok(dir.path(), &realm);
    let write = ["--write", "out/credentials.json"];
    let r = run(keycloak::keycloak(dir.path(), "fetch", &realm).args(write));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let path = dir.path().join("out/credentials.json");
    std::fs::remove_file(&path).unwrap();
    std::fs::create_dir(&path).unwrap();
    let before = Snapshot::of(&dir.path().join("out"));
    let r = run(keycloak::keycloak(dir.path(), "rotate", &realm)
        .args(write)
        .args(["--yes", "--force"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("out/credentials.json: a folder or other non-file is in the way"),
        "{}",
        r.stderr
    );
    keycloak::assert_no_secret(&r, &keycloak::secret(&admin, &realm));
    assert_untouched(&before, &dir.path().join("out"));
}

fn ssh_key(p: &Project) -> String {
    let status = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f", "signing"])
        .current_dir(p.dir.path())
        .status()
        .expect("ssh-keygen must be installed");
    assert!(status.success());
    "signing".to_string()
}

/// Polls `check` every 10 ms until it yields a value; fails the test after 20 s.
fn wait_for<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        if let Some(v) = check() {
            return v;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn threads_of(pid: i32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/task")).map_or(0, |d| d.count())
}

fn gone(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        // `pid (comm) Z …`: exited, not reaped yet.
        Ok(stat) => stat.rsplit(") ").next().is_some_and(|s| s.starts_with('Z')),
    }
}

/// Deterministic, not timed: strace holds omsso at its first rename (every temporary file of
/// the new set is written by then, none is in place) for a minute, far longer than the test
/// needs. Ctrl-C arrives while it waits there; omsso removes its temporary files and ends.
#[test]
fn ctrl_c_while_files_are_being_written_leaves_the_previous_ones() {
    signal_while_files_are_being_written(libc::SIGINT);
}

/// Ctrl-\ (SIGQUIT) ended omsso on the spot, leaving its 0600 temporary files, the client
/// secret in them, in the output folder. It is handled like Ctrl-C now.
#[test]
fn sigquit_while_files_are_being_written_leaves_no_temporary_file() {
    signal_while_files_are_being_written(libc::SIGQUIT);
}

fn signal_while_files_are_being_written(signal: i32) {
    let p = Project::new();
    p.ok(&mut p.render(&[]));
    let out = p.path("out");
    let before = Snapshot::of(&out);

    let render = p.render(&[
        "--force",
        "--om-url",
        "https://other.example.com",
        "--helm-namespace",
        "sso",
    ]);
    let renames = "rename,renameat,renameat2";
    let mut strace = Command::new("strace");
    strace
        .args(["-qq", "-o", "/dev/null", "-e"])
        .arg(format!("trace={renames}"))
        .arg("-e")
        .arg(format!("inject={renames}:delay_enter=60s:when=1"))
        .arg("--")
        .arg(render.get_program())
        .args(render.get_args())
        .current_dir(p.dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (k, v) in render.get_envs() {
        match v {
            Some(v) => strace.env(k, v),
            None => strace.env_remove(k),
        };
    }
    let mut strace = strace.spawn().expect("strace must be installed");

    // The temporary file names carry omsso's pid.
    let pid: i32 = wait_for("a temporary file", || {
        let name = temp_files(&out).first()?.to_string_lossy().into_owned();
        name.rsplit("omsso-")
            .next()?
            .strip_suffix(".tmp")?
            .parse()
            .ok()
    });
    // SAFETY: sends a signal to the process we started; no memory is involved.
    assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
    // The handler ends omsso by the signal: its other threads are gone at once, the one held
    // by strace follows when strace lets go of it.
    wait_for("omsso to end", || (threads_of(pid) <= 1).then_some(()));
    strace.kill().unwrap();
    strace.wait().unwrap();
    wait_for("omsso to be gone", || gone(pid).then_some(()));
    let mut stderr = String::new();
    strace
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();

    assert!(stderr.lines().any(|l| l == "interrupted"), "{stderr}");
    assert_eq!(temp_files(&out), Vec::<std::path::PathBuf>::new());
    assert_untouched(&before, &out);
}

/// Ctrl-C (or SIGTERM) while omsso waits for its input: it ends by that signal, so a shell
/// sees an interrupted command (`$?` 130 / 143) and stops a script running it.
#[test]
fn a_signal_while_waiting_for_input_ends_omsso_by_that_signal() {
    let p = Project::new();
    let fifo = p.path("credentials.fifo");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGQUIT] {
        let child = p
            .omsso()
            .args(["render", "--credentials", "credentials.fifo"])
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // A writer can open the FIFO without blocking only once omsso opened it for reading:
        // omsso is then past its start-up and reading its input.
        let writer = wait_for("omsso to open its input", || {
            std::fs::OpenOptions::new()
                .write(true)
                .custom_flags(libc::O_NONBLOCK)
                .open(&fifo)
                .ok()
        });
        // SAFETY: sends a signal to the process we started; no memory is involved.
        assert_eq!(unsafe { libc::kill(child.id() as i32, signal) }, 0);
        let out = child.wait_with_output().unwrap();
        drop(writer);
        assert_eq!(out.status.signal(), Some(signal), "{:?}", out.status);
        assert!(!out.status.core_dumped(), "{signal}: omsso dumped core");
        assert_eq!(String::from_utf8_lossy(&out.stderr), "interrupted\n");
        assert!(!p.path("out").exists());
    }
}

/// omsso holds secrets in memory from its first instruction on (its environment carries
/// OMSSO_ADMIN_PASSWORD): no core file may be written whatever ends it, and no other process
/// of the same user may read its memory or environment (`/proc/PID/environ`, `ptrace`).
#[test]
fn no_core_dump_and_no_other_process_reads_omsso_while_it_holds_secrets() {
    const PASSWORD: &str = "Admin-Pw-in-memory-5b7e";
    let p = Project::new();
    let fifo = p.path("credentials.fifo");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    if running_as_root() {
        // As root, omsso and the other process run as `nobody`: the same user, not root.
        let chown = Command::new("chown")
            .args(["-R", &format!("{NOBODY}:{NOBODY}")])
            .arg(p.dir.path())
            .status()
            .unwrap();
        assert!(chown.success());
    }
    let mut omsso = p.omsso();
    omsso
        .env("OMSSO_ADMIN_PASSWORD", PASSWORD)
        .args(["render", "--credentials", "credentials.fifo"])
        .stderr(Stdio::null());
    let mut child = as_user(omsso).spawn().unwrap();
    let writer = wait_for("omsso to open its input", || {
        std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&fifo)
            .ok()
    });
    let pid = child.id();

    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
    let core = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap();
    let fields: Vec<&str> = core.split_whitespace().collect();
    assert_eq!(&fields[4..6], ["0", "0"], "{core}");

    let mut cat = Command::new("cat");
    cat.arg(format!("/proc/{pid}/environ"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let read = as_user(cat).output().unwrap();
    assert!(
        !read.status.success() && !String::from_utf8_lossy(&read.stdout).contains(PASSWORD),
        "another process of the same user read omsso's environment"
    );

    // SAFETY: sends a signal to the process we started; no memory is involved.
    assert_eq!(unsafe { libc::kill(pid as i32, libc::SIGTERM) }, 0);
    child.wait().unwrap();
    drop(writer);
}
