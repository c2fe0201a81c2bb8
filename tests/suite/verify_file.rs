//! `omsso verify --file`: the static lint, through the real binary. One fixture per problem
//! under tests/fixtures/lint/ (each otherwise correct, so the test can demand exactly the
//! expected findings), the upstream conf/openmetadata.yaml, and hand-written clean files. The
//! snippets of OpenMetadata's Keycloak doc pages are in verify_doc_snippets.rs.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::support::{omsso, reference, repo_root, run, Run};
use serde_json::Value;

/// Secret values planted in the fixtures; no output may ever contain them.
const SECRETS: &[&str] = &["fixture-secret-Zq81", "kq3Rw9-clean-fixture-secret"];

fn fixture(name: &str) -> PathBuf {
    repo_root().join("tests/fixtures/lint").join(name)
}

fn verify(files: &[&Path], extra: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = omsso(dir.path());
    cmd.arg("verify");
    for f in files {
        cmd.arg("--file").arg(f);
    }
    cmd.args(extra);
    let r = run(&mut cmd);
    for s in SECRETS {
        assert!(
            !r.stdout.contains(s) && !r.stderr.contains(s),
            "a secret value was printed:\n{}\n{}",
            r.stdout,
            r.stderr
        );
    }
    r
}

fn json(r: &Run) -> Value {
    serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{}", r.stdout))
}

/// (check, line, severity) of every finding of the first file, in report order.
fn findings(v: &Value) -> Vec<(String, Option<u64>, String)> {
    v["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["check"].as_str().unwrap().to_string(),
                f["line"].as_u64(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Lints `path` in both output modes and demands exactly `expected` (check, line), any order,
/// the exit code that follows from the severities, and a text line per finding.
pub(crate) fn expect(
    path: &Path,
    expected: &[(&str, Option<u64>)],
) -> Vec<(String, Option<u64>, String)> {
    expect_with(path, &[], expected)
}

/// [`expect`], with more arguments for verify (`--chart-version 1.6.3`).
fn expect_with(
    path: &Path,
    args: &[&str],
    expected: &[(&str, Option<u64>)],
) -> Vec<(String, Option<u64>, String)> {
    let json_args: Vec<&str> = args.iter().copied().chain(["--format", "json"]).collect();
    let r = verify(&[path], &json_args);
    let v = json(&r);
    let got = findings(&v);
    let mut got_pairs: Vec<(String, Option<u64>)> =
        got.iter().map(|(c, l, _)| (c.clone(), *l)).collect();
    let mut want: Vec<(String, Option<u64>)> =
        expected.iter().map(|(c, l)| (c.to_string(), *l)).collect();
    got_pairs.sort();
    want.sort();
    assert_eq!(
        got_pairs,
        want,
        "findings of {}:\n{}",
        path.display(),
        r.stdout
    );

    let has_error = got.iter().any(|(_, _, s)| s == "error");
    assert_eq!(
        r.code,
        if has_error { 3 } else { 0 },
        "stderr: {}",
        r.stderr
    );
    assert_eq!(v["ok"], !has_error);

    let t = verify(&[path], args);
    assert_eq!(t.code, r.code);
    for (check, line, severity) in &got {
        let at = match line {
            Some(l) => format!("{}:{l}: {severity}[{check}] ", path.display()),
            None => format!("{}: {severity}[{check}] ", path.display()),
        };
        assert!(t.stdout.contains(&at), "no `{at}` in:\n{}", t.stdout);
    }
    assert_eq!(
        t.stdout.matches("\n    hint: ").count(),
        got.len(),
        "one hint per finding:\n{}",
        t.stdout
    );
    got
}

macro_rules! fixtures {
    ($($name:ident: $file:literal => [$(($check:literal, $line:expr)),* $(,)?];)*) => {$(
        #[test]
        fn $name() {
            expect(&fixture($file), &[$(($check, $line)),*]);
        }
    )*};
}

fixtures! {
    yaml_missing_space: "yaml-missing-space.yaml" => [("yaml-missing-space", Some(15))];
    yaml_stray_quote: "yaml-stray-quote.yaml" => [("stray-quote", Some(16))];
    yaml_invalid: "yaml-invalid.yaml" => [("yaml-invalid", Some(12))];
    yaml_no_om_jwks: "yaml-no-om-jwks.yaml" => [("public-keys-no-om-jwks", Some(6))];
    yaml_no_realm_certs: "yaml-no-realm-certs.yaml" => [("public-keys-no-realm-certs", Some(6))];
    yaml_realm_path_mixed: "yaml-realm-path-mixed.yaml" => [
        ("realm-path-mixed", Some(7)),
        ("realm-path-mixed", Some(15)),
    ];
    yaml_realm_mismatch: "yaml-realm-mismatch.yaml" => [("realm-mismatch", Some(15))];
    yaml_authority_auth_endpoint: "yaml-authority-auth-endpoint.yaml" => [("authority-not-issuer", Some(9))];
    yaml_public_with_oidc: "yaml-public-with-oidc.yaml" => [("public-with-oidc", Some(5))];
    yaml_confidential_without_secret: "yaml-confidential-without-secret.yaml" => [
        ("confidential-without-secret", Some(12)),
    ];
    yaml_custom_params_empty: "yaml-custom-params-empty.yaml" => [("custom-params-empty", Some(19))];
    yaml_auth_callback: "yaml-auth-callback.yaml" => [("callback-auth-callback", Some(16))];
    yaml_placeholder: "yaml-placeholder.yaml" => [("placeholder", Some(8))];
    yaml_provider_keycloak: "yaml-provider-keycloak.yaml" => [("provider-invalid", Some(3))];
    yaml_discovery_uri: "yaml-discovery-uri.yaml" => [("discovery-uri-invalid", Some(15))];
    yaml_master_realm: "yaml-master-realm.yaml" => [("master-realm", Some(9))];
    yaml_client_type: "yaml-client-type.yaml" => [("client-type-invalid", Some(5))];
    yaml_duplicate_key: "yaml-duplicate-key.yaml" => [("duplicate-key", Some(11))];
    yaml_unknown_key: "yaml-unknown-key.yaml" => [
        ("unknown-key", Some(6)),
        ("public-keys-missing", Some(2)),
    ];

    env_key_in_value: "env-key-in-value.env" => [("key-in-value", Some(10))];
    env_public_with_oidc: "env-public-with-oidc.env" => [("public-with-oidc", Some(4))];
    env_no_om_jwks: "env-no-om-jwks.env" => [("public-keys-no-om-jwks", Some(5))];
    env_not_a_list: "env-not-a-list.env" => [
        ("public-keys-not-list", Some(5)),
        ("public-keys-no-om-jwks", Some(5)),
    ];
    env_yaml_style: "env-yaml-style.env" => [("env-syntax", Some(11))];
    env_provider_missing: "env-provider-missing.env" => [("provider-not-custom-oidc", None)];
    env_localhost: "env-localhost.env" => [("localhost-from-container", Some(5))];
    env_confidential_without_secret: "env-confidential-without-secret.env" => [
        ("confidential-without-secret", None),
    ];
    env_auth_callback: "env-auth-callback.env" => [("callback-auth-callback", Some(11))];
    env_inline_comment: "env-inline-comment.env" => [("env-inline-comment", Some(8))];
    env_not_passed: "env-not-passed.env" => [("env-not-passed", Some(13))];
    env_url_invalid: "env-url-invalid.env" => [("url-invalid", Some(12))];
    env_callback_server_mismatch: "env-callback-server-mismatch.env" => [
        ("callback-server-mismatch", Some(11)),
    ];
    env_callback_path: "env-callback-path.env" => [("callback-path", Some(11))];
    env_other_provider: "env-other-provider.env" => [("not-keycloak", Some(2))];
    env_secret_problems: "env-secret-problems.env" => [
        ("key-in-value", Some(9)),
        ("placeholder", Some(13)),
        ("duplicate-key", Some(13)),
        ("stray-quote", Some(14)),
        ("duplicate-key", Some(14)),
    ];

    helm_oidc_enabled_missing: "helm-oidc-enabled-missing.yaml" => [("helm-oidc-not-enabled", Some(12))];
    helm_oidc_disabled: "helm-oidc-disabled.yaml" => [("helm-oidc-not-enabled", Some(13))];
    helm_issue_20811: "helm-issue-20811.yaml" => [
        ("public-with-oidc", Some(5)),
        ("public-keys-no-om-jwks", Some(7)),
    ];
    helm_secret_inline: "helm-secret-inline.yaml" => [("helm-secret-inline", Some(14))];
    helm_unknown_key: "helm-unknown-key.yaml" => [("unknown-key", Some(7))];
    helm_value_type: "helm-value-type.yaml" => [("helm-value-type", Some(17))];
    helm_authority_auth_endpoint: "helm-authority-auth-endpoint.yaml" => [("authority-not-issuer", Some(10))];

    clean_openmetadata_yaml: "clean-openmetadata.yaml" => [];
    clean_env: "clean.env" => [];
    clean_helm_values: "clean-values.yaml" => [];
}

/// Charts 1.6.0 – 1.6.3 quote customParams, so `""` reaches the server as a string it cannot
/// read (helm-charts issues 229, 245); later charts pass "" on as an unset variable.
#[test]
fn helm_custom_params_empty() {
    let file = fixture("helm-custom-params-empty.yaml");
    expect_with(
        &file,
        &["--chart-version", "1.6.3"],
        &[("custom-params-chart", Some(17))],
    );
    expect_with(&file, &["--chart-version", "1.6.4"], &[]);
}

#[test]
fn clean_files_together_exit_0_and_report_each() {
    let files = [
        fixture("clean-openmetadata.yaml"),
        fixture("clean.env"),
        fixture("clean-values.yaml"),
    ];
    let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let r = verify(&paths, &["--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = json(&r);
    let kinds: Vec<&str> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["yaml", "env", "helm"]);
    let t = verify(&paths, &[]);
    assert_eq!(t.code, 0);
    assert!(
        t.stdout
            .contains("clean.env (env file for OpenMetadata 2.0): no findings"),
        "{}",
        t.stdout
    );
}

// ---------------------------------------------------------------------------------------------
// Upstream files with `${VAR:-default}` placeholders

fn line_of(path: &Path, needle: &str) -> u64 {
    let text = std::fs::read_to_string(path).unwrap();
    1 + text
        .lines()
        .position(|l| l.starts_with(needle))
        .unwrap_or_else(|| panic!("{needle} not in {}", path.display())) as u64
}

/// The upstream server config sets everything from env vars with defaults; its defaults are a
/// basic-login setup, so the lint says SSO is not configured (info) and passes. `${VAR:-…}` is
/// not a leftover doc placeholder.
#[test]
fn upstream_openmetadata_yaml_is_a_basic_login_template() {
    // Upstream's conf/openmetadata.yaml comes from its unreleased main branch: six of its auth
    // keys exist in no release, so a released server (2.0.7, the default here) refuses it.
    let conf = reference("openmetadata/conf/openmetadata.yaml");
    let at = |needle: &str| Some(line_of(&conf, needle));
    let mut expected = main_only_keys(&at);
    expected.extend(quickstart_defaults(&at));
    expected.push((
        "sso-not-configured",
        at("  provider: ${AUTHENTICATION_PROVIDER"),
    ));
    let got = expect(&conf, &expected);
    assert!(got
        .iter()
        .any(|(c, _, s)| c == "sso-not-configured" && s == "info"));
    let r = verify(&[&conf], &[]);
    assert!(
        r.stdout.contains("${AUTHENTICATION_PROVIDER}"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("exists only on OpenMetadata's unreleased main branch"),
        "{}",
        r.stdout
    );
}

/// Upstream's quickstart JWT key id and Fernet key, as `${VAR:-default}` defaults: warnings
/// that name the variable (issue 19).
fn quickstart_defaults(at: &dyn Fn(&str) -> Option<u64>) -> Vec<(&'static str, Option<u64>)> {
    vec![
        ("quickstart-jwt-key", at("  keyId: ${JWT_KEY_ID")),
        ("quickstart-fernet-key", at("  fernetKey: ${FERNET_KEY")),
    ]
}

/// The keys upstream's main-branch conf/openmetadata.yaml has and no release does.
fn main_only_keys(at: &dyn Fn(&str) -> Option<u64>) -> Vec<(&'static str, Option<u64>)> {
    [
        "  adminEmails: ",
        "  allowedEmailDomains: ",
        "  botDomain: ",
        "  emailClaim: ",
        "  displayNameClaim: ",
        "    endSessionWithProvider: ",
    ]
    .into_iter()
    .map(|needle| ("unknown-key", at(needle)))
    .collect()
}

/// The same file with its defaults switched to a confidential custom-oidc client: the empty
/// defaults (`${OIDC_CLIENT_SECRET:-""}`, …) are reported as warnings that name the variable,
/// not errors, because the environment normally sets them.
#[test]
fn upstream_defaults_are_judged_as_defaults() {
    let text = std::fs::read_to_string(reference("openmetadata/conf/openmetadata.yaml"))
        .unwrap()
        .replace(
            "${AUTHENTICATION_PROVIDER:-basic}",
            "${AUTHENTICATION_PROVIDER:-custom-oidc}",
        )
        .replace(
            "${AUTHENTICATION_CLIENT_TYPE:-public}",
            "${AUTHENTICATION_CLIENT_TYPE:-confidential}",
        );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("openmetadata.yaml");
    std::fs::write(&path, &text).unwrap();
    let at = |needle: &str| Some(line_of(&path, needle));
    let mut expected = main_only_keys(&at);
    expected.extend(quickstart_defaults(&at));
    expected.extend([
        ("principal-domain-example", at("  principalDomain: ")),
        ("missing-key", at("  providerName: ")),
        ("public-keys-no-realm-certs", at("  publicKeyUrls: ")),
        ("authority-not-issuer", at("  authority: ")),
        ("missing-key", at("    id: ${OIDC_CLIENT_ID")),
        (
            "confidential-without-secret",
            at("    secret: ${OIDC_CLIENT_SECRET"),
        ),
        ("missing-key", at("    discoveryUri: ${OIDC_DISCOVERY_URI")),
    ]);
    let got = expect(&path, &expected);
    assert!(
        got.iter()
            .all(|(c, _, s)| s != "error" || c == "unknown-key"),
        "{got:?}"
    );
    let r = verify(&[&path], &[]);
    assert!(
        r.stdout.contains("the default of ${OIDC_CLIENT_SECRET}"),
        "{}",
        r.stdout
    );
}

/// The chart's values are a basic login with the quickstart JWT key pair and Fernet key
/// written out: an error and a warning (issue 19).
#[test]
fn upstream_helm_values_are_a_basic_login() {
    let values = reference("openmetadata/helm/values.yaml");
    let got = expect(
        &values,
        &[
            (
                "sso-not-configured",
                Some(line_of(&values, "      provider: \"basic\"")),
            ),
            (
                "quickstart-jwt-key",
                Some(line_of(&values, "      keyId: \"Gb389a")),
            ),
            (
                "quickstart-fernet-key",
                Some(line_of(&values, "      value: \"jJ/9sz0g")),
            ),
        ],
    );
    let severity = |check: &str| got.iter().find(|(c, ..)| c == check).unwrap().2.clone();
    assert_eq!(severity("quickstart-jwt-key"), "error");
    assert_eq!(severity("quickstart-fernet-key"), "warning");
}

// ---------------------------------------------------------------------------------------------
// Output shape and usage errors

#[test]
fn json_fields_are_stable_and_stdout_is_one_document_on_exit_3() {
    let r = verify(
        &[&fixture("helm-issue-20811.yaml"), &fixture("clean.env")],
        &["--format", "json"],
    );
    assert_eq!(r.code, 3);
    let v = json(&r);
    let keys = |o: &Value| {
        let mut k: Vec<String> = o.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(
        keys(&v),
        [
            "chart_version",
            "errors",
            "files",
            "infos",
            "ok",
            "om_version",
            "warnings"
        ]
    );
    assert_eq!(v["om_version"], "2.0");
    assert_eq!(v["chart_version"], "1.13.1");
    assert_eq!(v["errors"], 2);
    assert_eq!(v["ok"], false);
    let file = &v["files"][0];
    assert_eq!(
        keys(file),
        ["errors", "findings", "infos", "kind", "path", "warnings"]
    );
    assert_eq!(file["kind"], "helm");
    assert_eq!(
        keys(&file["findings"][0]),
        ["check", "hint", "line", "message", "severity"]
    );
    assert_eq!(v["files"][1]["findings"].as_array().unwrap().len(), 0);
    assert!(
        r.stderr.contains("error: 2 errors in 1 file"),
        "{}",
        r.stderr
    );
}

#[test]
fn kind_can_be_forced_and_stdin_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = omsso(dir.path())
        .args(["verify", "--file", "-", "--kind", "env"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&std::fs::read(fixture("env-key-in-value.env")).unwrap())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{stdout}");
    assert!(
        stdout.contains("<stdin>:10: error[key-in-value]"),
        "{stdout}"
    );

    // Forced to a kind that does not match, the file is judged as that kind.
    let r = verify(
        &[&fixture("clean.env")],
        &["--kind", "helm", "--format", "json"],
    );
    assert_eq!(r.code, 3);
    assert_eq!(findings(&json(&r))[0].0, "auth-block-missing");
}

#[test]
fn live_verify_without_a_rendered_file_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(omsso(dir.path()).arg("verify"));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("openmetadata.yaml"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
}

#[test]
fn unreadable_or_unrecognised_files_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let r = verify(&[&dir.path().join("missing.yaml")], &[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("cannot read"), "{}", r.stderr);

    let odd = dir.path().join("odd.yaml");
    std::fs::write(&odd, "server:\n  port: 8585\n").unwrap();
    let r = verify(&[&fixture("clean.env"), &odd], &[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--kind yaml|env|helm"), "{}", r.stderr);
    // Nothing is reported for the readable file either: all inputs are checked first.
    assert!(r.stdout.is_empty(), "{}", r.stdout);

    let r = run(omsso(dir.path()).args(["verify", "--kind", "env"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
}

/// Issue 21: omsso's own plain Secret (helm/oidc-secrets.yaml) got "cannot tell whether it is
/// an openmetadata.yaml, an env file, …"; it is named as a Secret, without its values.
#[test]
fn omssos_own_plain_secret_is_named_as_a_secret() {
    let secret = repo_root().join("tests/snapshots/confidential/helm/oidc-secrets.yaml");
    let r = verify(&[&secret], &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let error = crate::support::one_error(&r);
    assert!(
        error.contains("is a Kubernetes Secret in plain text"),
        "{error}"
    );
    let text = std::fs::read_to_string(&secret).unwrap();
    let value = text.lines().find(|l| l.contains("client-secret")).unwrap();
    let value = value.rsplit(": ").next().unwrap().trim_matches('"');
    assert!(!r.stderr.contains(value) && !r.stdout.contains(value));
}
