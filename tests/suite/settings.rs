//! Settings: precedence (flag > env > file > default), named environments, and every settings
//! error (exit 2, naming the key and line), through the real binary.

use crate::support;

use crate::support::{omsso, run};
use serde_json::Value;

fn dir_with(yaml: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("omsso.yaml"), yaml).unwrap();
    d
}

fn show_json(cmd: &mut std::process::Command) -> Value {
    let r = run(cmd.args(["config", "show", "--format", "json"]));
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

const FILE: &str = "\
keycloak:
  url: https://sso.example.com/
  realm: from-file
openmetadata:
  url: https://om.example.com
environments:
  prod:
    keycloak:
      realm: from-prod
    output:
      dir: prod-out
";

#[test]
fn flag_beats_env_beats_file_beats_default() {
    let d = dir_with(FILE);
    let v = show_json(&mut omsso(d.path()));
    assert_eq!(v["settings"]["keycloak.realm"], "from-file");
    assert_eq!(v["sources"]["keycloak.realm"]["kind"], "file");
    assert_eq!(v["settings"]["openmetadata.client_id"], "open-metadata");
    assert_eq!(v["sources"]["openmetadata.client_id"]["kind"], "default");
    // Trailing slash normalised.
    assert_eq!(v["settings"]["keycloak.url"], "https://sso.example.com");

    let v = show_json(omsso(d.path()).env("OMSSO_REALM", "from-env"));
    assert_eq!(v["settings"]["keycloak.realm"], "from-env");
    assert_eq!(v["sources"]["keycloak.realm"]["name"], "OMSSO_REALM");

    let v = show_json(
        omsso(d.path())
            .env("OMSSO_REALM", "from-env")
            .args(["--realm", "from-flag"]),
    );
    assert_eq!(v["settings"]["keycloak.realm"], "from-flag");
    assert_eq!(v["sources"]["keycloak.realm"]["name"], "--realm");
}

#[test]
fn flags_work_after_the_subcommand_too() {
    let d = dir_with(FILE);
    let r = run(omsso(d.path()).args(["config", "show", "--realm", "late", "--format", "json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["settings"]["keycloak.realm"], "late");
    assert_eq!(v["sources"]["keycloak.realm"]["kind"], "flag");
}

#[test]
fn named_environment_overlays_the_base_and_yields_to_env_vars() {
    let d = dir_with(FILE);
    let v = show_json(omsso(d.path()).args(["--environment", "prod"]));
    assert_eq!(v["environment"], "prod");
    assert_eq!(v["settings"]["keycloak.realm"], "from-prod");
    assert_eq!(v["settings"]["keycloak.url"], "https://sso.example.com");
    assert_eq!(v["settings"]["output.dir"], "prod-out");
    // Relative paths in a file are relative to that file's folder.
    let v = show_json(omsso(d.path().parent().unwrap()).args([
        "--config",
        &d.path().join("omsso.yaml").display().to_string(),
        "--environment",
        "prod",
    ]));
    assert_eq!(
        v["settings"]["output.dir"],
        d.path().join("prod-out").display().to_string()
    );

    let v = show_json(
        omsso(d.path())
            .env("OMSSO_ENV", "prod")
            .env("OMSSO_REALM", "e"),
    );
    assert_eq!(v["settings"]["keycloak.realm"], "e");
}

#[test]
fn config_path_from_flag_and_env() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("other.yaml"), "keycloak:\n  realm: other\n").unwrap();
    let v = show_json(omsso(d.path()).args(["--config", "other.yaml"]));
    assert_eq!(v["settings"]["keycloak.realm"], "other");
    let v = show_json(omsso(d.path()).env("OMSSO_CONFIG", "other.yaml"));
    assert_eq!(v["settings"]["keycloak.realm"], "other");
    // No file at all is fine: everything comes from defaults.
    let empty = tempfile::tempdir().unwrap();
    let v = show_json(&mut omsso(empty.path()));
    assert_eq!(v["config_file"], Value::Null);
}

fn expect_usage_error(yaml: &str, needles: &[&str]) {
    let d = dir_with(yaml);
    let r = run(omsso(d.path()).args(["config", "show"]));
    assert_eq!(r.code, 2, "stdout: {} stderr: {}", r.stdout, r.stderr);
    for n in needles {
        assert!(r.stderr.contains(n), "{n:?} not in stderr: {}", r.stderr);
    }
    assert!(r.stderr.contains("hint:"), "no hint: {}", r.stderr);
    assert_eq!(r.stdout, "", "a failed command printed a result");
}

#[test]
fn unknown_key_names_the_key_and_line() {
    expect_usage_error(
        "keycloak:\n  url: http://kc\n  relam: x\n",
        &["relam", "line 3", "omsso.yaml"],
    );
    expect_usage_error("keyclaok:\n  url: http://kc\n", &["keyclaok", "line 1"]);
    expect_usage_error(
        "environments:\n  dev:\n    admin:\n      password: hunter2\n",
        &["password", "line 4"],
    );
}

#[test]
fn wrong_types_and_bad_urls_name_the_line() {
    expect_usage_error("keycloak:\n  timeout: soon\n", &["timeout", "line 2"]);
    expect_usage_error(
        "openmetadata:\n  admin_principals: admin\n",
        &["admin_principals", "line 2"],
    );
    expect_usage_error("keycloak:\n  url: localhost:8080\n", &["line 2", "http"]);
    expect_usage_error(
        "keycloak:\n  url: http://user:hunter2@kc\n",
        &["line 2", "password"],
    );
    expect_usage_error("keycloak: [\n", &["omsso.yaml", "line"]);
    expect_usage_error("keycloak:\n  realm: ''\n", &["keycloak.realm", "empty"]);
}

#[test]
fn a_url_in_the_credential_form_is_never_echoed() {
    let d = dir_with("keycloak:\n  url: http://user:hunter2@kc\n");
    let r = run(omsso(d.path()).args(["config", "show"]));
    assert!(!r.stderr.contains("hunter2"), "{}", r.stderr);
}

#[test]
fn bad_env_var_and_unknown_environment_are_usage_errors() {
    let d = dir_with(FILE);
    let r = run(omsso(d.path())
        .env("OMSSO_KEYCLOAK_URL", "not a url")
        .args(["config", "show"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("not a url"), "{}", r.stderr);

    let r = run(omsso(d.path()).args(["--environment", "staging", "config", "show"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("staging") && r.stderr.contains("prod"),
        "{}",
        r.stderr
    );

    let r = run(omsso(d.path()).args(["--config", "missing.yaml", "config", "show"]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("missing.yaml"), "{}", r.stderr);
}

#[test]
fn secrets_are_not_flags() {
    let d = dir_with(FILE);
    for flag in [
        "--admin-password",
        "--password",
        "--admin-client-secret",
        "--secret",
    ] {
        let r = run(omsso(d.path()).args(["config", "show", flag, "hunter2"]));
        assert_eq!(r.code, 2, "{flag} was accepted");
    }
}

#[test]
fn config_show_redacts_secrets_and_does_not_read_secret_files() {
    let d = dir_with(FILE);
    std::fs::write(d.path().join("pw"), "FILE-SECRET-123\n").unwrap();
    for format in ["text", "json"] {
        let r = run(omsso(d.path())
            .env("OMSSO_ADMIN_PASSWORD", "ENV-SECRET-456")
            .env("OMSSO_ADMIN_CLIENT_SECRET_FILE", "pw")
            .args(["config", "show", "--format", format, "-vv"]));
        assert_eq!(r.code, 0, "{}", r.stderr);
        for secret in ["ENV-SECRET-456", "FILE-SECRET-123"] {
            assert!(!r.stdout.contains(secret) && !r.stderr.contains(secret));
        }
        assert!(r.stdout.contains("<redacted>"), "{}", r.stdout);
        assert!(r.stdout.contains("OMSSO_ADMIN_PASSWORD"), "{}", r.stdout);
    }
}

#[test]
fn help_documents_exit_codes_and_version_works() {
    let d = tempfile::tempdir().unwrap();
    let r = run(omsso(d.path()).arg("--help"));
    assert_eq!(r.code, 0);
    for needle in [
        "Exit codes",
        "3  a check found",
        "--config",
        "--environment",
        "--format",
    ] {
        assert!(r.stdout.contains(needle), "{needle} missing from --help");
    }
    let r = run(omsso(d.path()).arg("--version"));
    assert_eq!(r.code, 0);
    assert!(r.stdout.starts_with("omsso "));
}

#[test]
fn the_shipped_example_file_is_valid_for_every_environment() {
    let example = support::repo_root().join("examples/omsso.yaml");
    let d = tempfile::tempdir().unwrap();
    for env in [None, Some("dev"), Some("prod")] {
        let mut cmd = omsso(d.path());
        cmd.arg("--config").arg(&example);
        if let Some(e) = env {
            cmd.args(["--environment", e]);
        }
        let v = show_json(&mut cmd);
        assert_eq!(v["settings"]["admin.username"], "omsso-admin");
    }
}

#[test]
fn the_response_type_comes_from_file_env_or_flag_and_sets_the_implicit_flow_default() {
    let d = dir_with("openmetadata:\n  client_type: public\n  response_type: code\n");
    let v = show_json(&mut omsso(d.path()));
    assert_eq!(v["settings"]["openmetadata.response_type"], "code");
    assert_eq!(v["sources"]["openmetadata.response_type"]["kind"], "file");
    // A public client with the code flow has the implicit flow off unless it is set.
    assert_eq!(v["settings"]["openmetadata.implicit_flow"], false);
    let v = show_json(omsso(d.path()).env("OMSSO_RESPONSE_TYPE", "id_token"));
    assert_eq!(v["settings"]["openmetadata.response_type"], "id_token");
    assert_eq!(v["settings"]["openmetadata.implicit_flow"], true);
    let v = show_json(omsso(d.path()).args(["--implicit-flow", "true"]));
    assert_eq!(v["settings"]["openmetadata.implicit_flow"], true);
    let v = show_json(&mut omsso(tempfile::tempdir().unwrap().path()));
    assert_eq!(v["settings"]["openmetadata.response_type"], "id_token");
    assert_eq!(
        v["sources"]["openmetadata.response_type"]["kind"],
        "default"
    );

    let r = run(omsso(d.path()).args(["config", "show", "--response-type", "token"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("id_token") && r.stderr.contains("code"));
    let d = dir_with("openmetadata:\n  response_type: implicit\n");
    let r = run(omsso(d.path()).args(["config", "show"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("response_type"), "{}", r.stderr);
}
