//! Helm values and a docker env file that send the server to `localhost` for Keycloak: inside
//! its pod or container that is the pod itself. `verify --file` warned; `run` (which renders
//! them) and live `verify` (which finds them beside its openmetadata.yaml) said nothing
//! (issue 21 §2). Now all three report the lint's one finding, `localhost-from-container`,
//! with the same message and hint.
//!
//! Seen in <https://github.com/open-metadata/OpenMetadata/issues/7567>: the realm's certs URL at
//! `http://localhost:8080/realms/…` made the server fail with "No key found in with kid"
//! until it was changed to `host.docker.internal`. The real Keycloak of these tests listens
//! on 127.0.0.1, as that user's did on localhost.

use std::path::Path;

use serde_json::Value;

use crate::support::keycloak::{configured, run_json};
use crate::support::{run, Admin};

const CHECK: &str = "localhost-from-container";

/// `verify --file`'s findings of [`CHECK`] in `file`, as (line, message, hint).
fn lint_findings(dir: &Path, file: &str) -> Vec<(u64, String, String)> {
    let r = run(crate::support::omsso(dir).args(["verify", "--file", file, "--output", "json"]));
    let v: Value = serde_json::from_str(&r.stdout).unwrap_or_else(|_| panic!("{}", r.stderr));
    v["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == CHECK)
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
                f["hint"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn run_and_live_verify_warn_as_the_lint_does() {
    let d = tempfile::tempdir().unwrap();
    let realm = Admin::login().new_realm("localhost-pod");
    let (r, v) = run_json(configured(d.path(), &realm).arg("run"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let warnings: Vec<&str> = v["steps"]["render"]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    let mut live_expected = Vec::new();
    for file in ["openmetadata.env", "helm/values.yaml"] {
        let findings = lint_findings(d.path(), &format!("out/{file}"));
        assert!(!findings.is_empty(), "{file}: the lint finds none");
        for (line, message, hint) in findings {
            let warning = format!("{file}:{line}: [{CHECK}] {message} (hint: {hint})");
            assert!(
                warnings.contains(&warning.as_str()),
                "{warning}\n{warnings:#?}"
            );
            // Shown while running, too.
            assert!(
                r.stderr.contains(&format!("warning: {warning}")),
                "{}",
                r.stderr
            );
            live_expected.push((format!("out/{file}:{line}: {message}"), hint));
        }
    }
    assert!(
        warnings.iter().any(|w| w.contains("inside its pod")),
        "{warnings:#?}"
    );

    // Live verify reads the files rendered beside its openmetadata.yaml.
    let (r, v) = run_json(configured(d.path(), &realm).arg("verify"));
    assert_eq!(r.code, 0, "a warning fails nothing: {}", r.stderr);
    let live: Vec<(String, String)> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["name"] == CHECK)
        .map(|c| {
            assert_eq!(c["status"], "warn", "{c}");
            (
                c["detail"].as_str().unwrap().to_string(),
                c["hint"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(live, live_expected, "{v}");
    assert_eq!(v["counts"]["warn"].as_u64(), Some(live.len() as u64), "{v}");
    let r = run(configured(d.path(), &realm).arg("verify"));
    assert!(r.stdout.contains(&format!("warn {CHECK}")), "{}", r.stdout);
}

#[test]
fn an_internal_keycloak_address_silences_it() {
    let d = tempfile::tempdir().unwrap();
    let realm = Admin::login().new_realm("localhost-pod-ok");
    let (r, v) = run_json(
        configured(d.path(), &realm)
            // Not reachable from here: the verify step only warns about its own checks.
            .env(
                "OMSSO_KEYCLOAK_INTERNAL_URL",
                "http://keycloak.sso.svc.cluster.local:8080",
            )
            .arg("run"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains(CHECK), "{}", r.stderr);
    assert!(!v.to_string().contains(CHECK), "{v}");
    // Nor does live verify, reading the same files.
    let (r, v) = run_json(
        configured(d.path(), &realm)
            .env(
                "OMSSO_KEYCLOAK_INTERNAL_URL",
                "http://keycloak.sso.svc.cluster.local:8080",
            )
            .arg("verify"),
    );
    assert!(!v.to_string().contains(CHECK), "{}\n{v}", r.stderr);
}
