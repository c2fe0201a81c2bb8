//! Each check of the released-OpenMetadata proof can fail: the oracle fed known-bad input,
//! and its missing prerequisites.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use super::*;
use crate::support::repo_root;
use omsso::openmetadata::released::MODELS;
use serde_json::{json, Value};

/// A complete 1.13 authorizer/authentication pair the released models accept.
const VALID_1_13: &str = r#"
authorizerConfiguration:
  className: org.openmetadata.service.security.DefaultAuthorizer
  containerRequestFilter: org.openmetadata.service.security.JwtFilter
  adminPrincipals: [admin]
  principalDomain: example.com
  enforcePrincipalDomain: false
  enableSecureSocketConnection: false
authenticationConfiguration:
  provider: custom-oidc
  providerName: KeyCloak
  clientType: public
  publicKeyUrls: [https://sso.example.com/realms/data/protocol/openid-connect/certs]
  authority: https://sso.example.com/realms/data
  clientId: open-metadata
  callbackUrl: https://om.example.com/callback
  jwtPrincipalClaims: [email, preferred_username, sub]
"#;

#[test]
fn the_models_reject_what_a_release_does_not_accept() {
    let bad = VALID_1_13
        .replace(
            "  enforcePrincipalDomain: false\n",
            "  adminEmails: [a@b.c]\n",
        )
        .replace("provider: custom-oidc", "provider: keycloak");
    let one = |line: &str, yaml: &str| json!({"label": line, "line": line, "yaml": yaml, "validate_only": true});
    let answer = oracle(&json!({ "cases": [
        one("1.13", VALID_1_13), one("1.13", &bad), one("2.0", &bad),
    ]}));
    let errors = |i: usize| answer["cases"][i]["validation"].to_string();
    assert_eq!(answer["cases"][0]["validation"], json!([]), "{}", errors(0));
    for i in [1, 2] {
        for needle in [
            "authorizerConfiguration.adminEmails: Extra inputs are not permitted",
            "authorizerConfiguration.enforcePrincipalDomain: Field required",
            "authenticationConfiguration.provider: Input should be",
        ] {
            assert!(
                errors(i).contains(needle),
                "{needle} missing: {}",
                errors(i)
            );
        }
    }
}

#[test]
fn the_route_comparison_catches_what_the_server_would_get_wrong() {
    let case = render_case("1.12", "confidential", &SETTINGS[0]).expect("1.12 renders");
    // One wrong value per route: compose gets another client id, Helm the 1.13 bug (a
    // callback written in quotes inside quotes, which the chart quotes again).
    let env_file = case.env_file.clone().unwrap();
    let text: String = std::fs::read_to_string(&env_file)
        .unwrap()
        .lines()
        .map(|l| match l.starts_with("OIDC_CLIENT_ID=") {
            true => "OIDC_CLIENT_ID=other\n".to_string(),
            false => format!("{l}\n"),
        })
        .collect();
    std::fs::write(&env_file, text).unwrap();
    let values = std::fs::read_to_string(&case.values).unwrap();
    let (before, after) = values.split_once("      callbackUrl: ").unwrap();
    let rest = after.split_once('\n').unwrap().1;
    std::fs::write(
        &case.values,
        format!("{before}      callbackUrl: '\"\"'\n{rest}"),
    )
    .unwrap();
    let answer = oracle(&json!({"cases": [job_for(&case, "1.12.12")]}));
    let failures = route_differences("bad", &answer["cases"][0], &BTreeSet::new(), false);
    assert_eq!(failures.len(), 2, "{failures:#?}");
    assert!(failures[0].contains("compose: authenticationConfiguration.oidcConfiguration.id"));
    assert!(failures[0].contains("OIDC_CLIENT_ID=\"other\""));
    assert!(failures[1].contains("helm: authenticationConfiguration.callbackUrl"));
    assert!(
        failures[1].contains("the server gets \"\\\"\\\"\""),
        "{}",
        failures[1]
    );

    // Without our Secret manifest, the chart's secretKeyRefs point nowhere.
    let case = render_case("1.12", "confidential", &SETTINGS[0]).expect("1.12 renders");
    let mut job = job_for(&case, "1.12.12");
    job["helm"]["secret"] = Value::Null;
    let answer = oracle(&json!({ "cases": [job] }));
    let failures = route_differences("no secret", &answer["cases"][0], &BTreeSet::new(), false);
    for needle in [
        "helm: OIDC_CLIENT_ID: secret oidc-secrets is not defined anywhere",
        "helm: OIDC_CLIENT_SECRET: secret oidc-secrets is not defined anywhere",
        "helm: authenticationConfiguration.oidcConfiguration.secret: the yaml gives",
    ] {
        assert!(
            failures.iter().any(|f| f.contains(needle)),
            "{needle}: {failures:#?}"
        );
    }
}

#[test]
fn compose_may_drop_only_what_render_warns_about() {
    let keys: BTreeSet<String> = ["A", "B", "C"].map(String::from).into();
    let passed: BTreeSet<String> = ["A", "C", "OTHER"].map(String::from).into();
    let dropped = compose_drops(&keys, &passed);
    assert_eq!(dropped, ["B".to_string()].into());
    assert!(warning_mismatch("x", &dropped, &dropped).is_none());
    for warned in [BTreeSet::new(), ["B", "C"].map(String::from).into()] {
        assert!(warning_mismatch("x", &warned, &dropped).is_some());
    }
}

#[test]
fn missing_prerequisites_fail_with_one_clear_message() {
    let one_error = |code: i32, stderr: &str, needle: &str| {
        assert_eq!(code, 1, "{stderr}");
        let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
        assert_eq!(errors.len(), 1, "{stderr}");
        assert!(errors[0].contains(needle), "{needle} not in {stderr}");
    };
    wheels_fetched();
    let case = render_case("1.12", "confidential", &SETTINGS[0]).expect("1.12 renders");
    let job = json!({"cases": [job_for(&case, "1.12.12")]});

    // No helm (not on PATH, not in ~/go/bin): PATH holds only python3, HOME is empty (the
    // wheel cache is named explicitly).
    let models = Command::new(repo_root().join("scripts/om-models"))
        .args(["dir", MODELS[0].wheel])
        .output()
        .unwrap();
    let wheel_dir = PathBuf::from(String::from_utf8(models.stdout).unwrap().trim());
    let cache_root = wheel_dir.parent().unwrap().display().to_string();
    let bin = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(python_executable(), bin.path().join("python3")).unwrap();
    let python_dir = bin.path().display().to_string();
    let home = tempfile::tempdir().unwrap();
    let home_s = home.path().to_str().unwrap();
    let (code, _, stderr) = oracle_run(
        &json!({"cases": [{"line": "1.12", "yaml": case.yaml, "server_config": server_config(),
                  "helm": job["cases"][0]["helm"].clone()}]}),
        &[
            ("PATH", &python_dir),
            ("HOME", home_s),
            ("OMSSO_OM_MODELS_CACHE", &cache_root),
        ],
        &[],
    );
    one_error(code, &stderr, "helm is not installed");
    // No docker-compose.
    let (code, _, stderr) = oracle_run(
        &json!({"cases": [{"line": "1.12", "yaml": case.yaml, "server_config": server_config(),
                  "compose": job["cases"][0]["compose"].clone()}]}),
        &[
            ("PATH", &python_dir),
            ("HOME", home_s),
            ("OMSSO_OM_MODELS_CACHE", &cache_root),
        ],
        &[],
    );
    one_error(code, &stderr, "docker-compose is not installed");
    // No python modules (-S: no site-packages).
    let (code, _, stderr) = oracle_run(&job, &[], &["-S"]);
    one_error(code, &stderr, "python module yaml");
    // Wheels not fetched, and wheels that cannot be downloaded.
    let cache = tempfile::tempdir().unwrap();
    let cache_s = cache.path().to_str().unwrap();
    let (code, _, stderr) = oracle_run(&job, &[("OMSSO_OM_MODELS_CACHE", cache_s)], &[]);
    one_error(code, &stderr, "run scripts/om-models fetch");
    let out = Command::new(repo_root().join("scripts/om-models"))
        .args(["fetch", "1.12.14.2"])
        .env("OMSSO_OM_MODELS_CACHE", cache_s)
        .env("PIP_INDEX_URL", "http://127.0.0.1:9/simple")
        .env("PIP_FIND_LINKS", "")
        .env("PIP_RETRIES", "0")
        .env("PIP_TIMEOUT", "2")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    one_error(
        out.status.code().unwrap_or(-1),
        &stderr,
        "cannot download openmetadata-ingestion==1.12.14.2 with pip",
    );
}

/// The real interpreter behind `python3` (not a pyenv shim, which needs more on PATH).
fn python_executable() -> PathBuf {
    let out = Command::new("python3")
        .args(["-c", "import sys; print(sys.executable)"])
        .output()
        .expect("python3");
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}
