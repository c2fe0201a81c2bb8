//! Local files set as traps (security review, issue 13): a symbolic or hard link at an output
//! path, a rendered file re-laid-out so its secret line no longer looks like omsso's, FIFOs
//! and devices where files belong, a templates folder that loops, a git repository whose
//! config runs a program, a credentials file others can read. Each must not show a secret,
//! hang, or leave a secret readable.

use crate::support;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::faults::{Project, SECRET};
use crate::support::{run, Run};
use base64::Engine;

const ADMIN_PASSWORD: &str = "Admin-Pw-in-env-4d2a";
const PASSPHRASE: &str = "Seal-Passphrase-in-env-8b1c";

/// Runs `cmd` with at most 1 GiB of address space and 20 seconds: a command that reads
/// `/dev/zero` or a FIFO forever fails the test instead of hanging it or the machine.
fn bounded(cmd: &mut Command) -> Run {
    let logs = tempfile::tempdir().unwrap();
    let (out, err) = (logs.path().join("out"), logs.path().join("err"));
    // SAFETY: only async-signal-safe setrlimit runs between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 1 << 30,
                rlim_max: 1 << 30,
            };
            libc::setrlimit(libc::RLIMIT_AS, &limit);
            Ok(())
        });
    }
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} did not end within 20 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: std::fs::read_to_string(&out).unwrap(),
        stderr: std::fs::read_to_string(&err).unwrap(),
    }
}

fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// `omsso render` into `out/` with secrets in the environment, as `run … --passphrase` has.
fn render_with_secrets_in_env(p: &Project, args: &[&str]) -> Run {
    run(p
        .render(args)
        .env("OMSSO_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("OMSSO_SEAL_PASSPHRASE", PASSPHRASE))
}

fn assert_nothing_of(r: &Run, secrets: &[&str]) {
    for s in secrets {
        assert!(
            !r.stderr.contains(s) && !r.stdout.contains(s),
            "{s} leaked:\n{}{}",
            r.stdout,
            r.stderr
        );
    }
}

/// `ln -s /proc/self/environ out/openmetadata.env`: the "masked" diff of what was read through
/// the link printed omsso's own environment, passwords included.
#[test]
fn a_symlink_at_an_output_path_is_never_read_followed_or_shown() {
    let p = Project::new();
    p.ok(&mut p.render(&[]));
    let env = p.path("out/openmetadata.env");
    std::fs::remove_file(&env).unwrap();
    std::os::unix::fs::symlink("/proc/self/environ", &env).unwrap();
    // A private file of this user behind another link.
    let private = p.path("private.txt");
    std::fs::write(&private, "NEIGHBOUR-SECRET-71c3\n").unwrap();
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o600)).unwrap();
    let yaml = p.path("out/openmetadata.yaml");
    std::fs::remove_file(&yaml).unwrap();
    std::os::unix::fs::symlink(&private, &yaml).unwrap();

    let r = render_with_secrets_in_env(&p, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_nothing_of(
        &r,
        &[ADMIN_PASSWORD, PASSPHRASE, "NEIGHBOUR-SECRET", SECRET],
    );
    assert!(
        r.stderr
            .contains("openmetadata.env: differs (not shown: it is a symbolic link"),
        "{}",
        r.stderr
    );
    assert!(env.is_symlink() && yaml.is_symlink(), "nothing replaced");

    // --force replaces the links themselves; their targets are left alone.
    let r = render_with_secrets_in_env(&p, &["--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!env.is_symlink() && !yaml.is_symlink());
    assert_eq!(mode(&env), 0o600);
    assert_eq!(
        std::fs::read_to_string(&private).unwrap(),
        "NEIGHBOUR-SECRET-71c3\n"
    );
}

/// A link whose target holds exactly what omsso would write was taken for the file itself:
/// "unchanged", and the target (anywhere) was chmod-ed through the link.
#[test]
fn a_symlink_to_identical_content_is_not_taken_for_the_file_nor_chmod_ed() {
    let p = Project::new();
    p.ok(&mut p.render(&[]));
    let yaml = p.path("out/openmetadata.yaml");
    let elsewhere = p.path("elsewhere.yaml");
    std::fs::rename(&yaml, &elsewhere).unwrap();
    std::fs::set_permissions(&elsewhere, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &yaml).unwrap();
    let r = run(&mut p.render(&[]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("symbolic link"), "{}", r.stderr);
    assert_eq!(mode(&elsewhere), 0o644, "the link's target was chmod-ed");
}

/// A hard link shares its content with a file elsewhere: not shown either.
#[test]
fn a_hard_link_at_an_output_path_is_not_shown() {
    let p = Project::new();
    p.ok(&mut p.render(&[]));
    let private = p.path("private.txt");
    std::fs::write(&private, "NEIGHBOUR-SECRET-9e0d\n").unwrap();
    let env = p.path("out/openmetadata.env");
    std::fs::remove_file(&env).unwrap();
    std::fs::hard_link(&private, &env).unwrap();
    let r = run(&mut p.render(&[]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_nothing_of(&r, &["NEIGHBOUR-SECRET"]);
    assert!(r.stderr.contains("hard links"), "{}", r.stderr);
}

/// The diff masked only lines laid out exactly as omsso writes them. Re-indented YAML,
/// `KEY = '…'`, or a Secret re-saved with `data:` (base64) showed the live secret.
#[test]
fn the_diff_masks_old_and_new_secrets_in_any_layout_and_encoding() {
    let p = Project::new();
    let old = SECRET;
    let new = "Rotated-S3cret-a9b8c7d6";
    p.ok(&mut p.render(&[]));
    let edit = |rel: &str, f: &dyn Fn(&str) -> String| {
        let path = p.path(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, f(&text)).unwrap();
    };
    // Every line indented twice as deep, and a comment so that the file differs.
    edit("out/openmetadata.yaml", &|t| {
        let mut out = String::from("# edited by hand\n");
        for line in t.lines() {
            let indent = line.len() - line.trim_start().len();
            out.push_str(&format!(
                "{}{}\n",
                " ".repeat(indent * 2),
                line.trim_start()
            ));
        }
        out
    });
    edit("out/openmetadata.env", &|t| {
        t.replace("OIDC_CLIENT_SECRET=", "OIDC_CLIENT_SECRET = ")
            .replace("OIDC_SCOPE=", "# OIDC_SCOPE=")
    });
    // What `kubectl get secret -o yaml` gives back: base64 under `data:`.
    edit("out/helm/oidc-secrets.yaml", &|t| {
        let doc: serde_yaml::Value = serde_yaml::from_str(t).unwrap();
        let mut data = serde_yaml::Mapping::new();
        for (k, v) in doc["stringData"].as_mapping().unwrap() {
            let v = base64::engine::general_purpose::STANDARD.encode(v.as_str().unwrap());
            data.insert(k.clone(), v.into());
        }
        let mut doc = doc.clone();
        let m = doc.as_mapping_mut().unwrap();
        m.remove("stringData");
        m.insert("data".into(), data.into());
        serde_yaml::to_string(&doc).unwrap()
    });
    // The secret was rotated since: render the new one, without --force.
    let creds = p.path("credentials.json");
    let text = std::fs::read_to_string(&creds).unwrap().replace(old, new);
    std::fs::write(&creds, text).unwrap();
    let r = run(&mut p.render(&[]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    assert_nothing_of(&r, &[old, new, &b64(old), &b64(new)]);
    // Still a useful diff: the changes omsso would make are shown.
    for label in ["openmetadata.yaml", "openmetadata.env", "oidc-secrets.yaml"] {
        assert!(
            r.stderr.contains(&format!("{label} (omsso)")),
            "no diff for {label}:\n{}",
            r.stderr
        );
    }
    assert!(r.stderr.contains("-# edited by hand"), "{}", r.stderr);
    assert!(r.stderr.contains("+OIDC_SCOPE="), "{}", r.stderr);
}

/// A JSON credentials file was read by a YAML parser, which turns U+0085 (NEL) in a string
/// into a space: the secret sealed or rendered was not the one in the file.
#[test]
fn a_json_credentials_file_is_read_as_json() {
    let p = Project::new();
    let secret = "nel\u{85}inside-3c1f";
    let creds = p.path("credentials.json");
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&creds).unwrap()).unwrap();
    doc["client_secret"] = secret.into();
    std::fs::write(&creds, serde_json::to_string(&doc).unwrap()).unwrap();
    p.ok(&mut p.seal(&["-o", "h.age"]));
    let r = p.ok(p.omsso().args([
        "open",
        "h.age",
        "-i",
        "id.txt",
        "--show-secret",
        "--format",
        "json",
    ]));
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["bundle"]["client_secret"], secret);
}

/// `open --write-credentials FIFO` read the FIFO (to compare it) before checking what it is,
/// and hung.
#[test]
fn a_fifo_as_an_output_file_is_refused_at_once() {
    let p = Project::new();
    p.ok(&mut p.seal(&["-o", "h.age"]));
    mkfifo(&p.path("creds.fifo"));
    let r = bounded(&mut p.open_to("h.age", "creds.fifo"));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        support::one_error(&r).contains("creds.fifo: a folder or other non-file is in the way"),
        "{}",
        r.stderr
    );
}

/// A `.sig` or allowed-signers file linked to `/dev/zero` was read until memory ran out.
#[test]
fn devices_and_fifos_where_input_files_belong_are_refused_at_once() {
    let p = Project::new();
    let keygen = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f", "signing"])
        .current_dir(p.dir.path())
        .status()
        .expect("ssh-keygen must be installed");
    assert!(keygen.success());
    p.ok(&mut p.seal(&["-o", "h.age", "--sign-with", "signing"]));
    let public = std::fs::read_to_string(p.path("signing.pub")).unwrap();
    std::fs::write(p.path("allowed_signers"), format!("ops {public}")).unwrap();
    let open = |signers: &str| {
        bounded(
            p.omsso()
                .args(["open", "h.age", "-i", "id.txt", "--signers", signers]),
        )
    };
    // The signature beside the file, linked to /dev/zero by whoever sent the folder.
    std::fs::rename(p.path("h.age.sig"), p.path("real.sig")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", p.path("h.age.sig")).unwrap();
    let r = open("allowed_signers");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        support::one_error(&r).contains("h.age.sig: not a regular file (a device)"),
        "{}",
        r.stderr
    );
    std::fs::remove_file(p.path("h.age.sig")).unwrap();
    std::fs::rename(p.path("real.sig"), p.path("h.age.sig")).unwrap();
    assert_eq!(open("allowed_signers").code, 0);
    std::os::unix::fs::symlink("/dev/zero", p.path("zero_signers")).unwrap();
    let r = open("zero_signers");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        support::one_error(&r).contains("zero_signers: not a regular file (a device)"),
        "{}",
        r.stderr
    );
    mkfifo(&p.path("recipients.fifo"));
    let r = bounded(p.omsso().args([
        "seal",
        "--credentials",
        "credentials.json",
        "-R",
        "recipients.fifo",
        "-o",
        "other.age",
    ]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        support::one_error(&r).contains("recipients.fifo: not a regular file (a FIFO)"),
        "{}",
        r.stderr
    );
}

/// The SOPS Secret already in the output folder was read with `fs::read` (issue 20, M3): a
/// link to /dev/zero there read until memory ran out, a FIFO blocked for ever, a link to any
/// file was followed. It is read as every output file is: never through a link, never from a
/// FIFO, never beyond what omsso writes.
#[test]
fn the_existing_sops_secret_is_never_read_through_a_link_a_fifo_or_whole_when_huge() {
    use crate::support::sops::Scene;
    const FILE: &str = "out/helm/oidc-secrets.sops.yaml";
    let s = Scene::new();
    let alice = s.age_key("alice.key");
    let render = |force: bool| {
        let mut args = vec![
            "render",
            "--credentials",
            "credentials.json",
            "--target",
            "helm-secret",
            "--sops-age",
            &alice,
        ];
        if force {
            args.push("--force");
        }
        let mut cmd = s.omsso(&args);
        cmd.env("SOPS_AGE_KEY_FILE", s.path("alice.key"));
        bounded(&mut cmd)
    };
    std::fs::create_dir_all(s.path("out/helm")).unwrap();

    // A link to /dev/zero, then to a file of the user's: not followed, not shown; --force
    // replaces the link itself.
    s.write("private.txt", "not for the output folder\n");
    for target in ["/dev/zero", "private.txt"] {
        let _ = std::fs::remove_file(s.path(FILE));
        std::os::unix::fs::symlink(s.path(target), s.path(FILE)).unwrap();
        let r = render(false);
        assert_eq!(r.code, 2, "{target}: {}", r.stderr);
        assert!(
            r.stderr
                .contains("it is a symbolic link, which omsso neither follows"),
            "{target}: {}",
            r.stderr
        );
        assert!(!r.stderr.contains("not for the output"), "{}", r.stderr);
    }
    let r = render(true);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!s.path(FILE).is_symlink());
    assert_eq!(s.read("private.txt"), "not for the output folder\n");

    // A file larger than anything omsso writes: not read whole, not parsed, not shown.
    std::fs::write(s.path(FILE), vec![b'#'; 2 << 20]).unwrap();
    let r = render(false);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("not shown: it is larger than anything omsso writes"),
        "{}",
        r.stderr
    );

    // A FIFO: refused at once.
    std::fs::remove_file(s.path(FILE)).unwrap();
    mkfifo(&s.path(FILE));
    let r = render(true);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        support::one_error(&r).contains("a folder or other non-file is in the way"),
        "{}",
        r.stderr
    );
}

/// `--templates DIR` with links back up the tree: the walk that looks for misnamed templates
/// followed them for ever.
#[test]
fn a_templates_folder_with_symlink_loops_is_walked_once() {
    let p = Project::new();
    let dir = p.path("tpl");
    std::fs::create_dir_all(dir.join("helm")).unwrap();
    for name in ["a", "b", "helm/up"] {
        std::os::unix::fs::symlink("..", dir.join(name)).unwrap();
    }
    std::fs::write(dir.join("helm/valuez.yaml"), "x: 1\n").unwrap();
    let r = bounded(&mut p.render(&["--templates", "tpl"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("helm/valuez.yaml: not a template name"),
        "{}",
        r.stderr
    );
}

/// `git check-ignore` (the "would git commit this secret file?" check) started the
/// repository's `core.fsmonitor` program: a repository's config could run anything.
#[test]
fn git_runs_without_the_repositorys_fsmonitor_hook() {
    let p = Project::new();
    let git = |args: &[&str]| {
        let ok = Command::new("git")
            .args(args)
            .current_dir(p.dir.path())
            .stdout(Stdio::null())
            .status()
            .expect("git must be installed")
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q", "."]);
    let marker = p.path("FSMONITOR_RAN");
    let hook = p.path("hook.sh");
    std::fs::write(&hook, format!("#!/bin/sh\ntouch '{}'\n", marker.display())).unwrap();
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    git(&["config", "core.fsmonitor", hook.to_str().unwrap()]);
    p.ok(&mut p.seal(&["-o", "h.age"]));
    let r = p.ok(&mut p.open_to("h.age", "creds.json"));
    // The check itself still works: the file is not ignored.
    assert!(
        r.stderr.contains("inside the git work tree"),
        "{}",
        r.stderr
    );
    assert!(!marker.exists(), "git ran the repository's fsmonitor hook");
}

/// A credentials file left readable by others was reported "up to date" and kept 0644, and
/// `open --write-credentials` said "wrote" when it had not written anything.
#[test]
fn a_loose_credentials_file_is_tightened_and_reported_truthfully() {
    let p = Project::new();
    p.ok(&mut p.seal(&["-o", "h.age"]));
    let r = p.ok(&mut p.open_to("h.age", "creds.json"));
    assert!(
        r.stderr.contains("wrote creds.json (mode 0600)"),
        "{}",
        r.stderr
    );
    let creds = p.path("creds.json");
    std::fs::set_permissions(&creds, std::fs::Permissions::from_mode(0o644)).unwrap();
    let r = p.ok(&mut p.open_to("h.age", "creds.json"));
    assert!(!r.stderr.contains("wrote"), "{}", r.stderr);
    assert!(
        r.stderr.contains("creds.json is up to date"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("was readable by others (mode 0644); it is 0600 now"),
        "{}",
        r.stderr
    );
    assert_eq!(mode(&creds), 0o600);
    let r = p.ok(&mut p.open_to("h.age", "creds.json"));
    assert!(!r.stderr.contains("readable by others"), "{}", r.stderr);
}

/// The same for rendered files: set back to 0600, and now said so.
#[test]
fn a_loose_rendered_secret_file_is_tightened_with_a_warning() {
    let p = Project::new();
    p.ok(&mut p.render(&[]));
    let env = p.path("out/openmetadata.env");
    std::fs::set_permissions(&env, std::fs::Permissions::from_mode(0o640)).unwrap();
    let r = p.ok(&mut p.render(&[]));
    assert!(
        r.stderr
            .contains("openmetadata.env holds a secret but was readable by others (mode 0640)"),
        "{}",
        r.stderr
    );
    assert_eq!(mode(&env), 0o600);
}
