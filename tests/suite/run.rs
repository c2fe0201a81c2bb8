//! `omsso run` end to end against the real Keycloak: from an empty realm to rendered files,
//! a sealed handoff that the age CLI opens, and passing live checks; idempotent re-runs;
//! `--dry-run`; `--all-envs` with one broken environment.

use crate::support::{self, keycloak};

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use crate::support::keycloak::{configured, run_json, CLIENT_ID, OM_URL};
use crate::support::{run, Admin, Run};
use serde_json::Value;

/// A fresh realm name that does not exist yet (run creates it).
fn unused_realm(tag: &str) -> String {
    let admin = Admin::login();
    let realm = admin.new_realm(tag);
    let r = admin
        .request(reqwest::Method::DELETE, &format!("/{realm}"))
        .send()
        .unwrap();
    assert!(r.status().is_success());
    realm
}

fn keygen(dir: &Path) -> String {
    let r = run(support::omsso(dir).args(["keygen", "-o", "collate.key"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout.trim().to_string()
}

fn omsso_run(dir: &Path, realm: &str, recipient: &str) -> Command {
    let mut cmd = configured(dir, realm);
    cmd.args(["run", "-r", recipient]);
    cmd
}

/// Every file below `out/` with its bytes and mode.
fn snapshot(dir: &Path) -> BTreeMap<String, (Vec<u8>, u32)> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.join("out")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
                files.insert(
                    p.strip_prefix(dir).unwrap().display().to_string(),
                    (std::fs::read(&p).unwrap(), mode),
                );
            }
        }
    }
    files
}

#[test]
fn from_an_empty_realm_to_deployable_files_and_a_handoff_then_a_no_op_rerun() {
    let d = tempfile::tempdir().unwrap();
    let realm = unused_realm("run");
    let recipient = keygen(d.path());

    let (r, v) = run_json(omsso_run(d.path(), &realm, &recipient).arg("--create-realm"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(v["ok"], true);
    assert_eq!(v["steps"]["ensure"]["action"], "create");
    let checks = v["steps"]["verify"]["checks"].as_array().unwrap();
    // Every check passes but those that need a running OpenMetadata (none runs here), which
    // are a visible skip.
    assert!(
        checks.len() >= 11 && checks.iter().all(keycloak::passed_or_needs_openmetadata),
        "{v}"
    );
    for step in ["ensure", "fetch", "render", "seal", "verify"] {
        assert!(
            r.stderr.contains(step),
            "no progress line for {step}: {}",
            r.stderr
        );
    }

    let files = the_files_and_their_modes(d.path(), &v);
    the_handoff_holds_the_secret_keycloak_holds(d.path(), &realm);

    // Second run: no write request to Keycloak, every file byte-identical.
    let (r, v) = run_json(&mut omsso_run(d.path(), &realm, &recipient));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(v["steps"]["ensure"]["action"], "none");
    let req = &v["requests"];
    assert_eq!(
        (
            req["POST"].as_u64(),
            req["PUT"].as_u64(),
            req["DELETE"].as_u64()
        ),
        (Some(0), Some(0), Some(0)),
        "{v}"
    );
    assert_eq!(snapshot(d.path()), files, "the second run changed a file");
    assert!(v["files"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["status"] != "written"));
}

/// The files run wrote, with their modes, and the report lists each but the .gitignore.
fn the_files_and_their_modes(dir: &Path, v: &Value) -> BTreeMap<String, (Vec<u8>, u32)> {
    let files = snapshot(dir);
    let expect = [
        ("out/openmetadata.yaml", 0o600),
        ("out/openmetadata.env", 0o600),
        ("out/helm/values.yaml", 0o644),
        ("out/helm/oidc-secrets.yaml", 0o600),
        ("out/collate-handoff.age", 0o600),
        ("out/collate-handoff.age.recipients.json", 0o644),
        ("out/.gitignore", 0o644),
        // OpenMetadata's own JWT key pair, made by the first run and kept by the second.
        ("out/docker-compose.jwt-keys.yml", 0o644),
        ("out/helm/jwt-keys.yaml", 0o600),
        ("out/jwt/.gitignore", 0o644),
        ("out/jwt/private_key.der", 0o600),
        ("out/jwt/public_key.der", 0o644),
    ];
    for (path, mode) in expect {
        let (_, m) = files
            .get(path)
            .unwrap_or_else(|| panic!("{path} missing: {files:?}"));
        assert_eq!(*m, mode, "{path}");
    }
    let reported: Vec<&str> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(reported.len(), 11, "{reported:?}");
    files
}

/// The Collate side opens the handoff with the age CLI; it holds the secret Keycloak holds.
fn the_handoff_holds_the_secret_keycloak_holds(dir: &Path, realm: &str) {
    let admin = Admin::login();
    let out = Command::new("age")
        .args(["-d", "-i", "collate.key", "out/collate-handoff.age"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bundle: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(bundle["client_id"], CLIENT_ID);
    assert_eq!(bundle["client_secret"], keycloak::secret(&admin, realm));
}

/// `run` kept an existing handoff whatever it had been sealed for: with a recipient replaced in
/// the settings, the removed one could still open it and the new one could not; with
/// `--sign-with` added it stayed unsigned; all with exit 0. Now it is kept only when it was
/// sealed for exactly what the settings ask, and refused (exit 2, nothing changed) otherwise
/// until `--force` seals it again.
#[test]
fn a_handoff_sealed_for_other_recipients_or_unsigned_is_not_kept() {
    let d = tempfile::tempdir().unwrap();
    let realm = unused_realm("keep");
    let a = keygen(d.path());
    let b = second_recipient_and_signing_key(d.path());
    let run_with = |args: &[&str]| {
        let mut cmd = configured(d.path(), &realm);
        cmd.args(["run", "--no-verify"]).args(args);
        run(&mut cmd)
    };
    let handoff = d.path().join("out/collate-handoff.age");

    let r = run_with(&["--create-realm", "-r", &a]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let sealed = std::fs::read(&handoff).unwrap();
    let r = run_with(&["-r", &a]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("seal    kept"), "{}", r.stderr);

    mismatches_are_refused(&run_with, &handoff, (&a, &b), &sealed);

    let r = run_with(&["-r", &b, "--sign-with", "signing", "--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let opens = |key: &str| {
        Command::new("age")
            .args(["-d", "-i", key, "out/collate-handoff.age"])
            .current_dir(d.path())
            .output()
            .unwrap()
            .status
            .success()
    };
    assert!(opens("b.key") && !opens("collate.key"));
    let r = run_with(&["-r", &b, "--sign-with", "signing"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("seal    kept"), "{}", r.stderr);
    // Without --sign-with now, the signature beside it no longer fits the settings.
    let r = run_with(&["-r", &b]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        support::one_error(&r).contains("no signing key is given"),
        "{}",
        r.stderr
    );
}

/// A second age recipient (b.key) and an ssh signing key (signing) in `dir`: b's recipient.
fn second_recipient_and_signing_key(dir: &Path) -> String {
    let r = run(support::omsso(dir).args(["keygen", "-o", "b.key"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let b = r.stdout.trim().to_string();
    let ssh = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f", "signing"])
        .current_dir(dir)
        .status()
        .expect("ssh-keygen must be installed");
    assert!(ssh.success());
    b
}

/// Every way the settings can differ from what the handoff was sealed for is refused, and the
/// handoff stays as it was.
fn mismatches_are_refused(
    run_with: &dyn Fn(&[&str]) -> Run,
    handoff: &Path,
    (a, b): (&str, &str),
    sealed: &[u8],
) {
    // The recipient replaced (the same number of age recipients: only the record tells),
    // one added, a signature asked for.
    let refused = [
        (vec!["-r", &b], format!("sealed for {a} too; not for {b}")),
        (
            vec!["-r", &a, "-r", &b],
            "1 X25519 recipient(s) in the file, 2 in the settings".to_string(),
        ),
        (
            vec!["-r", &a, "--sign-with", "signing"],
            "it is not signed".to_string(),
        ),
        (
            vec!["-r", &a, "--binary"],
            "it is ASCII-armored".to_string(),
        ),
    ];
    for (args, reason) in refused {
        let r = run_with(&args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        let error = support::one_error(&r);
        assert!(
            error.contains(
                "collate-handoff.age was sealed for something else than the settings ask now"
            ) && error.contains(&reason),
            "{args:?}: {error}"
        );
        assert!(r.stderr.contains("hint: pass --force"), "{}", r.stderr);
        assert_eq!(
            std::fs::read(handoff).unwrap(),
            sealed,
            "{args:?} changed it"
        );
    }
}

#[test]
fn dry_run_shows_the_plan_and_changes_nothing() {
    let d = tempfile::tempdir().unwrap();
    let admin = Admin::login();
    let realm = admin.new_realm("run-dry");
    let r = run(configured(d.path(), &realm).args(["run", "--dry-run"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("would create client"), "{}", r.stdout);
    assert!(admin.client(&realm, CLIENT_ID).is_none());
    assert!(!d.path().join("out").exists());
}

#[test]
fn a_failing_live_check_makes_run_exit_3_after_writing_the_report() {
    let d = tempfile::tempdir().unwrap();
    let admin = Admin::login();
    let realm = admin.new_realm("run-fail");
    // OpenMetadata's URL differs from the one registered in Keycloak, and ensure is skipped:
    // the callback is not a valid redirect URI.
    let r = run(configured(d.path(), &realm).args(["keycloak", "ensure"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (r, v) = run_json(
        configured(d.path(), &realm)
            .env("OMSSO_OM_URL", "http://moved.example.test")
            .args(["run", "--no-ensure"]),
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_eq!(v["ok"], false);
    assert!(r.stderr.contains("redirect-uri-registered"), "{}", r.stderr);
    assert!(d.path().join("out/openmetadata.yaml").exists());
}

#[test]
fn all_envs_runs_every_environment_and_reports_the_broken_one() {
    let d = tempfile::tempdir().unwrap();
    let admin = Admin::login();
    let (a, b) = (admin.new_realm("env-a"), admin.new_realm("env-b"));
    let kc = support::keycloak_url();
    let yaml = format!(
        "keycloak:\n  url: {kc}\nadmin:\n  username: admin\nopenmetadata:\n  url: {OM_URL}\n  \
         admin_principals: [admin]\n  principal_domain: example.test\nenvironments:\n  \
         a:\n    keycloak: {{realm: {a}}}\n    output: {{dir: out-a}}\n  \
         b:\n    keycloak: {{realm: {b}}}\n    output: {{dir: out-b}}\n  \
         broken:\n    keycloak: {{realm: x, url: 'http://127.0.0.1:1'}}\n    output: {{dir: out-x}}\n"
    );
    std::fs::write(d.path().join("omsso.yaml"), yaml).unwrap();
    let (r, v) = run_json(
        support::omsso(d.path())
            .env("OMSSO_ADMIN_PASSWORD", support::admin_password())
            .args(["run", "--all-envs"]),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let envs = v["environments"].as_array().unwrap();
    let status: BTreeMap<&str, bool> = envs
        .iter()
        .map(|e| {
            (
                e["environment"].as_str().unwrap(),
                e["ok"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        status,
        BTreeMap::from([("a", true), ("b", true), ("broken", false)])
    );
    assert!(r.stderr.contains("[broken] error:"), "{}", r.stderr);
    assert!(r.stderr.contains("127.0.0.1:1"), "{}", r.stderr);
    assert!(
        r.stderr.contains("1 of 3 environments failed: broken"),
        "{}",
        r.stderr
    );
    assert!(d.path().join("out-a/openmetadata.yaml").exists());
    assert!(d.path().join("out-b/openmetadata.yaml").exists());
    assert!(!d.path().join("out-x").exists());
}

/// Gap: `run` said "verify 8 live checks passed" when two of them were `warn`, and with an
/// unreachable `keycloak.internal_url` it dropped the issuer, secret and token checks that
/// could run against `keycloak.url`.
#[test]
fn warnings_are_counted_apart_and_an_unreachable_internal_url_drops_no_check() {
    let d = tempfile::tempdir().unwrap();
    let admin = Admin::login();
    let realm = admin.new_realm("run-internal");
    let (r, v) = run_json(
        configured(d.path(), &realm)
            // Nothing listens there: only the OpenMetadata server's network would reach it.
            .env("OMSSO_KEYCLOAK_INTERNAL_URL", "http://127.0.0.1:1")
            .arg("run"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let verify = &v["steps"]["verify"];
    let status = |name: &str| -> String {
        verify["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .map(|c| c["status"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("check {name} dropped: {verify}"))
    };
    assert_eq!(status("discovery-reachable"), "warn");
    assert_eq!(status("jwks-signing-key"), "warn");
    for name in [
        "issuer-matches-authority",
        "secret-authenticates",
        "token-issuer",
    ] {
        assert_eq!(status(name), "pass", "{name}: {verify}");
    }
    let counts = &verify["counts"];
    let warn = counts["warn"].as_u64().unwrap();
    assert!(warn >= 2, "{verify}");
    // The progress line names the warnings instead of calling everything passed.
    let line = r
        .stderr
        .lines()
        .find(|l| l.starts_with("verify"))
        .unwrap_or_else(|| panic!("no verify line: {}", r.stderr));
    assert!(!line.contains("passed"), "{line}");
    assert!(
        line.contains(&format!("{warn} warn")) && line.contains("0 FAIL"),
        "{line}"
    );
}

/// `run --all-envs` checks each environment's settings as `run` checks its own: everything an
/// environment lacks is reported at once, before any of its requests (its Keycloak address
/// here would refuse a connection), and the others still run.
#[test]
fn all_envs_reports_what_an_environment_lacks_before_its_requests() {
    let d = tempfile::tempdir().unwrap();
    let yaml = format!(
        "keycloak:\n  url: 'http://127.0.0.1:1'\nadmin:\n  username: admin\nopenmetadata:\n  \
         url: {OM_URL}\nenvironments:\n  incomplete:\n    output: {{dir: out-i}}\n"
    );
    std::fs::write(d.path().join("omsso.yaml"), yaml).unwrap();
    let (r, v) = run_json(
        support::omsso(d.path())
            .env("OMSSO_ADMIN_PASSWORD", "unused")
            .args(["run", "--all-envs"]),
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    let error = v["environments"][0]["error"]["message"].as_str().unwrap();
    for key in [
        "keycloak.realm",
        "openmetadata.principal_domain",
        "openmetadata.admin_principals",
    ] {
        assert!(error.contains(key), "{key}: {error}");
    }
    assert!(!r.stderr.contains("127.0.0.1:1"), "{}", r.stderr);
    assert!(!d.path().join("out-i").exists());
}
