//! Each command's --help lists only the settings it reads, grouped by section; a settings flag
//! the command does not read is a usage error naming where it applies (its env var and file
//! key stay fine: they are shared by all commands); and everything a command requires is
//! reported in one error, before any request.

use crate::support::{omsso, one_error, run};

fn help(args: &[&str]) -> String {
    let d = tempfile::tempdir().unwrap();
    let r = run(omsso(d.path()).args(args).arg("--help"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout
}

#[test]
fn help_lists_the_settings_a_command_reads_grouped_by_section() {
    let keygen = help(&["keygen"]);
    for absent in ["--keycloak-url", "--realm", "--recipient", "settings:"] {
        assert!(!keygen.contains(absent), "keygen --help shows {absent}");
    }
    assert!(keygen.lines().count() < 60, "{keygen}");

    let render = help(&["render"]);
    for present in [
        "Keycloak settings:",
        "OpenMetadata settings:",
        "Helm settings:",
        "--realm",
        "--principal-domain",
        "[env: OMSSO_PRINCIPAL_DOMAIN=]",
    ] {
        assert!(render.contains(present), "render --help lacks {present}");
    }
    assert!(!render.contains("--recipient"), "render does not seal");

    let fetch = help(&["keycloak", "fetch"]);
    assert!(fetch.contains("--admin-username") && !fetch.contains("--principal-domain"));
    let run_help = help(&["run"]);
    assert!(run_help.contains("Sealing settings:") && run_help.contains("--sops-age"));
    // The top level names where the settings are documented.
    assert!(help(&[]).contains("docs/SETTINGS.md"));
}

#[test]
fn a_settings_flag_the_command_does_not_read_is_a_usage_error() {
    let d = tempfile::tempdir().unwrap();
    for (args, flag, reader) in [
        (
            vec!["render", "-r", "age1xyz"],
            "--recipient",
            "`omsso seal`",
        ),
        (
            vec!["keygen", "-o", "k", "--keycloak-url", "http://kc"],
            "--keycloak-url",
            "`omsso keycloak fetch`",
        ),
        (
            vec!["--realm", "data", "keygen", "-o", "k"],
            "--realm",
            "`omsso render`",
        ),
        (
            vec!["open", "x.age", "--out", "o"],
            "--out",
            "`omsso render`",
        ),
    ] {
        let r = run(omsso(d.path()).args(&args));
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        let line = one_error(&r);
        assert!(
            line.contains(flag) && line.contains("does not apply"),
            "{line}"
        );
        assert!(r.stderr.contains(reader), "{args:?}: {}", r.stderr);
        assert!(!d.path().join("k").exists(), "keygen ran anyway");
    }
}

#[test]
fn env_vars_and_file_keys_of_other_commands_are_fine() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("omsso.yaml"),
        "keycloak:\n  url: http://kc\nseal:\n  recipients: [age1x]\n",
    )
    .unwrap();
    let r = run(omsso(d.path())
        .env("OMSSO_KEYCLOAK_URL", "http://kc")
        .env("OMSSO_SEAL_RECIPIENTS", "age1x")
        .args(["keygen", "-o", "k"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn every_missing_setting_is_reported_at_once_before_any_request() {
    let d = tempfile::tempdir().unwrap();
    let r = run(omsso(d.path()).arg("render"));
    assert_eq!(r.code, 2, "{}", r.stderr);
    let line = one_error(&r);
    for key in [
        "keycloak.url",
        "keycloak.realm",
        "admin login",
        "openmetadata.principal_domain",
        "openmetadata.admin_principals",
    ] {
        assert!(line.contains(key), "{key} not in {line}");
    }
    for flag in [
        "--keycloak-url",
        "--realm",
        "--admin-username",
        "--principal-domain",
    ] {
        assert!(r.stderr.contains(flag), "{flag}: {}", r.stderr);
    }

    // Nothing listens on port 1: a settings error proves no request was tried.
    let r = run(omsso(d.path())
        .env("OMSSO_KEYCLOAK_URL", "http://127.0.0.1:1")
        .env("OMSSO_REALM", "data")
        .args(["keycloak", "ensure"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    let line = one_error(&r);
    assert!(
        line.contains("2 settings are not set")
            && line.contains("admin login")
            && line.contains("openmetadata.url"),
        "{line}"
    );

    // One missing setting keeps its own message.
    let r = run(omsso(d.path())
        .env("OMSSO_KEYCLOAK_URL", "http://127.0.0.1:1")
        .env("OMSSO_REALM", "data")
        .env("OMSSO_OM_URL", "http://om")
        .args(["keycloak", "ensure"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        one_error(&r).contains("no admin credentials"),
        "{}",
        r.stderr
    );
}

/// Issue 21: `render` without an admin login or a credentials file named only the admin
/// login; a new user with a credentials file was never told of --credentials.
#[test]
fn render_without_a_login_names_the_credentials_file_too() {
    let d = tempfile::tempdir().unwrap();
    let r = crate::support::run(crate::support::omsso(d.path()).args([
        "render",
        "--keycloak-url",
        "http://127.0.0.1:9",
        "--realm",
        "data",
        "--om-url",
        "http://localhost:8585",
        "--principal-domain",
        "example.com",
        "--admin-principal",
        "alice",
    ]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    crate::support::one_error(&r);
    assert!(r.stderr.contains("--credentials FILE"), "{}", r.stderr);
}

/// Issue 21: a Keycloak URL without a scheme was "not a URL (relative URL without a base)".
#[test]
fn a_url_without_a_scheme_is_told_to_add_https() {
    let d = tempfile::tempdir().unwrap();
    let r = crate::support::run(crate::support::omsso(d.path()).args([
        "config",
        "show",
        "--keycloak-url",
        "sso.example.com",
    ]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("write https://sso.example.com"),
        "{}",
        r.stderr
    );
}
