//! Files that hold a secret are never readable by others and never half-written, for every
//! command that writes one: watched with strace, each file is created exclusively in its own
//! folder with its final mode (0600 for secrets, 0644 otherwise; umask 0, so the mode asked
//! for is the mode it gets), synced, then renamed into place, and nothing ever changes a
//! mode or owner afterwards. And omsso warns when git would pick such a file up.

use crate::support::keycloak;

use std::path::Path;
use std::process::Command;

use crate::support::faults::{traced, Project, SECRET};
use crate::support::{run, Admin};

const SECRET_MODE: u32 = 0o600;
const PUBLIC_MODE: u32 = 0o644;

#[test]
fn render_creates_every_file_with_its_final_mode_then_renames_it() {
    let p = Project::new();
    // First into a new folder, then replacing every file with --force.
    for args in [
        &[][..],
        &[
            "--force",
            "--om-url",
            "https://other.example.com",
            "--helm-namespace",
            "sso",
        ][..],
    ] {
        let trace = traced(&p.render(args));
        assert_eq!(trace.run.code, 0, "{}", trace.run.stderr);
        for secret in [
            "out/openmetadata.yaml",
            "out/openmetadata.env",
            "out/helm/oidc-secrets.yaml",
        ] {
            trace.assert_written_safely(&p.path(secret), SECRET_MODE);
        }
        trace.assert_written_safely(&p.path("out/helm/values.yaml"), PUBLIC_MODE);
    }
    assert_eq!(
        std::fs::metadata(p.path("out/.gitignore"))
            .map(|m| std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o777)
            .unwrap(),
        PUBLIC_MODE
    );
}

#[test]
fn seal_creates_the_handoff_0600_and_its_signature_0644() {
    let p = Project::new();
    let keygen = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f", "signing"])
        .current_dir(p.dir.path())
        .status()
        .expect("ssh-keygen must be installed");
    assert!(keygen.success());
    let trace = traced(&p.seal(&["--sign-with", "signing"]));
    assert_eq!(trace.run.code, 0, "{}", trace.run.stderr);
    trace.assert_written_safely(&p.path("out/collate-handoff.age"), SECRET_MODE);
    trace.assert_written_safely(&p.path("out/collate-handoff.age.sig"), PUBLIC_MODE);
}

#[test]
fn open_creates_the_credentials_file_0600() {
    let p = Project::new();
    p.ok(&mut p.seal(&[]));
    let trace = traced(&p.open_to("out/collate-handoff.age", "opened.json"));
    assert_eq!(trace.run.code, 0, "{}", trace.run.stderr);
    trace.assert_written_safely(&p.path("opened.json"), SECRET_MODE);
    assert!(std::fs::read_to_string(p.path("opened.json"))
        .unwrap()
        .contains(SECRET));
}

#[test]
fn keygen_creates_the_identity_0600() {
    let p = Project::new();
    let trace = traced(&p.keygen("collate.key"));
    assert_eq!(trace.run.code, 0, "{}", trace.run.stderr);
    trace.assert_written_safely(&p.path("collate.key"), SECRET_MODE);
}

#[test]
fn keycloak_fetch_write_creates_the_credentials_file_0600() {
    let admin = Admin::login();
    let realm = admin.new_realm("files");
    let dir = tempfile::tempdir().unwrap();
    keycloak::ensure_ok(dir.path(), &realm);
    let mut fetch = keycloak::keycloak(dir.path(), "fetch", &realm);
    fetch.args(["--write", "out/credentials.json"]);
    let trace = traced(&fetch);
    assert_eq!(trace.run.code, 0, "{}", trace.run.stderr);
    trace.assert_written_safely(&dir.path().join("out/credentials.json"), SECRET_MODE);
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git must be installed");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn git_warnings(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.starts_with("warning:") && l.contains("git work tree"))
        .collect()
}

#[test]
fn a_secret_file_git_would_commit_is_warned_about_by_every_writing_command() {
    let p = Project::new();
    git(p.dir.path(), &["init", "-q"]);
    // The project's own .gitignore, which omsso leaves alone, ignores something else.
    std::fs::write(p.path(".gitignore"), "target/\n").unwrap();

    let r = p.ok(&mut p.render(&["--out", "."]));
    let warnings = git_warnings(&r.stderr);
    // The JWT private key is not among them: its folder comes with its own .gitignore.
    assert_eq!(warnings.len(), 4, "{}", r.stderr);
    for name in [
        "openmetadata.yaml",
        "openmetadata.env",
        "oidc-secrets.yaml",
        "jwt-keys.yaml",
    ] {
        assert!(
            warnings.iter().any(|w| w.contains(name)),
            "{name}: {warnings:#?}"
        );
    }
    let top = std::fs::canonicalize(p.dir.path()).unwrap();
    assert!(
        warnings[0].contains(&top.display().to_string()),
        "{warnings:?}"
    );

    for mut cmd in [
        p.seal(&["-o", "handoff.age"]),
        p.open_to("handoff.age", "opened.json"),
        p.keygen("collate.key"),
    ] {
        let r = p.ok(&mut cmd);
        assert_eq!(git_warnings(&r.stderr).len(), 1, "{cmd:?}: {}", r.stderr);
        assert!(!r.stderr.contains(SECRET));
    }
    // A tracked file is not ignored, whatever .gitignore says.
    std::fs::write(p.path(".gitignore"), "target/\ncollate.key\n").unwrap();
    std::fs::remove_file(p.path("collate.key")).unwrap();
    let r = p.ok(&mut p.keygen("collate.key"));
    assert!(git_warnings(&r.stderr).is_empty(), "{}", r.stderr);
    // -q: errors only.
    let r = p.ok(p.seal(&["-o", "handoff.age", "--force"]).arg("-q"));
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

#[test]
fn ignored_files_and_folders_outside_git_get_no_warning() {
    let p = Project::new();
    git(p.dir.path(), &["init", "-q"]);
    // The default output folder gets its own .gitignore.
    let r = p.ok(&mut p.render(&[]));
    assert!(git_warnings(&r.stderr).is_empty(), "{}", r.stderr);
    let r = p.ok(&mut p.seal(&[]));
    assert!(git_warnings(&r.stderr).is_empty(), "{}", r.stderr);

    let outside = Project::new();
    let r = outside.ok(&mut outside.render(&["--out", "."]));
    assert!(git_warnings(&r.stderr).is_empty(), "{}", r.stderr);
    let r = run(&mut outside.keygen("collate.key"));
    assert!(git_warnings(&r.stderr).is_empty(), "{}", r.stderr);
}
