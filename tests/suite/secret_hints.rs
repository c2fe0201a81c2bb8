//! A secret that is not given, with no terminal to ask on: each command's error names the one
//! flag of that command that takes a file holding it (issue 21 §2; the hint used to say
//! "its --...-file option"). Nothing here needs Keycloak: every secret is read before the
//! first request.

use crate::support::seal::{Kit, SECRET};
use crate::support::{one_error, run, Run};

/// Settings `render` needs besides the credentials.
const RENDER_SETTINGS: &[&str] = &["--admin-principal", "alice", "--principal-domain", "x.test"];
/// An address nothing answers at: nothing may be asked of it anyway.
const KEYCLOAK: &str = "http://127.0.0.1:9";

/// Exit 2, one `error:` line naming `what`, a `hint:` naming `flag` and the env var, and no
/// secret in any output.
fn assert_names_flag(r: &Run, what: &str, env: &str, flag: &str) {
    assert_eq!(r.code, 2, "exit code; stderr: {}", r.stderr);
    let error = one_error(r);
    assert!(error.contains(what), "{what}: {error}");
    let hint = r
        .stderr
        .lines()
        .find_map(|l| l.strip_prefix("hint: "))
        .unwrap_or_default();
    assert!(
        hint.contains(&format!("{flag} FILE")) && hint.contains(env),
        "the hint names {flag} and {env}: {}",
        r.stderr
    );
    assert!(!hint.contains("--..."), "{hint}");
    for secret in [SECRET, "pass-word-1", "sign-pass-2"] {
        assert!(!r.stdout.contains(secret) && !r.stderr.contains(secret));
    }
}

#[test]
fn the_admin_secrets_name_their_file_flags() {
    let kit = Kit::new();
    let fetch = |login: &[&str]| {
        run(kit
            .omsso()
            .args([
                "keycloak",
                "fetch",
                "--keycloak-url",
                KEYCLOAK,
                "--realm",
                "data",
            ])
            .args(login))
    };
    let r = fetch(&["--admin-username", "admin"]);
    assert_names_flag(
        &r,
        "admin password",
        "OMSSO_ADMIN_PASSWORD",
        "--admin-password-file",
    );
    let r = fetch(&["--admin-client-id", "svc"]);
    assert_names_flag(
        &r,
        "admin client secret",
        "OMSSO_ADMIN_CLIENT_SECRET",
        "--admin-client-secret-file",
    );
}

#[test]
fn render_without_a_password_also_names_the_credentials_file() {
    let kit = Kit::new();
    let r = run(kit
        .omsso()
        .args(["render", "--keycloak-url", KEYCLOAK, "--realm", "data"])
        .args(["--admin-username", "admin"])
        .args(RENDER_SETTINGS));
    assert_eq!(r.code, 2, "{}", r.stderr);
    one_error(&r);
    for flag in ["--admin-password-file", "--credentials FILE"] {
        assert!(r.stderr.contains(flag), "{flag}: {}", r.stderr);
    }
}

#[test]
fn the_openmetadata_token_and_the_login_password_name_their_file_flags() {
    let kit = Kit::new();
    let yaml = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/lint/clean-openmetadata.yaml"
    ))
    .unwrap();
    kit.write("openmetadata.yaml", &yaml);
    let r = run(kit.omsso().args([
        "apply",
        "--om-url",
        "http://127.0.0.1:9",
        "--om-config",
        "openmetadata.yaml",
    ]));
    assert_names_flag(
        &r,
        "OpenMetadata admin token",
        "OMSSO_OM_TOKEN",
        "--om-token-file",
    );
    let r = run(kit.omsso().args([
        "verify",
        "--om-config",
        "openmetadata.yaml",
        "--login",
        "alice",
    ]));
    assert_names_flag(
        &r,
        "login password",
        "OMSSO_LOGIN_PASSWORD",
        "--login-password-file",
    );
}

#[test]
fn the_seal_passphrase_names_the_flag_of_each_command() {
    let kit = Kit::new();
    let r = kit.seal(&["--passphrase"]);
    assert_names_flag(
        &r,
        "seal passphrase",
        "OMSSO_SEAL_PASSPHRASE",
        "--passphrase-file",
    );
    kit.write("pass", "pass-word-1\n");
    let r = kit.seal(&["--passphrase-file", "pass"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let sealed = "out/collate-handoff.age";
    // `open` takes it as --passphrase-file; `render --from-bundle` as --bundle-passphrase-file.
    let r = kit.open(&[sealed]);
    assert_names_flag(
        &r,
        "seal passphrase",
        "OMSSO_SEAL_PASSPHRASE",
        "--passphrase-file",
    );
    let r = run(kit
        .omsso()
        .args(["render", "--from-bundle", sealed, "--out", "rendered"])
        .args(RENDER_SETTINGS));
    assert_names_flag(
        &r,
        "seal passphrase",
        "OMSSO_SEAL_PASSPHRASE",
        "--bundle-passphrase-file",
    );
}

#[test]
fn the_identity_and_signing_passphrases_name_their_file_flags() {
    let kit = Kit::new();
    let ssh = kit.ssh_keygen("locked", "ed25519", None, "sign-pass-2");
    let r = kit.seal(&["-r", &ssh, "--sign-with", "locked"]);
    assert_names_flag(
        &r,
        "signing key passphrase",
        "OMSSO_SIGN_PASSPHRASE",
        "--sign-passphrase-file",
    );
    let r = kit.seal(&["-r", &ssh]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = kit.open(&["out/collate-handoff.age", "-i", "locked"]);
    assert_names_flag(
        &r,
        "identity passphrase",
        "OMSSO_IDENTITY_PASSPHRASE",
        "--identity-passphrase-file",
    );
}
