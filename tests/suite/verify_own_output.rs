//! omsso's own rendered output passes its own lint: no finding at all for the common setup,
//! for every supported OpenMetadata version and both client types (offline, no Keycloak).

use crate::support::{omsso, run};
use serde_json::{json, Value};

fn credentials(dir: &std::path::Path) {
    let c = json!({
        "client_id": "open-metadata",
        "client_secret": "s3cr3t-Value-for-lint",
        "realm": "data",
        "issuer": "https://sso.example.com/realms/data",
        "discovery_uri": "https://sso.example.com/realms/data/.well-known/openid-configuration",
        "jwks_uri": "https://sso.example.com/realms/data/protocol/openid-connect/certs",
    });
    std::fs::write(dir.join("creds.json"), c.to_string()).unwrap();
}

/// `verify --file` for the release the files were rendered for.
fn lint(dir: &std::path::Path, version: &str, files: &[&str]) -> Value {
    let mut cmd = omsso(dir);
    cmd.args(["verify", "--format", "json", "--om-version", version]);
    for f in files {
        cmd.args(["--file", f]);
    }
    let r = run(&mut cmd);
    assert!(r.code == 0 || r.code == 3, "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

fn findings(v: &Value) -> Vec<String> {
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| {
            let path = f["path"].as_str().unwrap().to_string();
            f["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |x| format!("{path}: {} {}", x["check"], x["message"]))
        })
        .collect()
}

#[test]
fn rendered_files_lint_clean_for_every_version_and_client_type() {
    for version in ["1.6", "1.9", "1.12", "1.13", "2.0"] {
        for client_type in ["confidential", "public"] {
            let d = tempfile::tempdir().unwrap();
            credentials(d.path());
            let r = run(omsso(d.path()).args([
                "render",
                "--credentials",
                "creds.json",
                "--om-url",
                "https://openmetadata.example.com",
                "--keycloak-internal-url",
                "http://keycloak:8080",
                "--admin-principal",
                "admin",
                "--principal-domain",
                "example.com",
                "--om-version",
                version,
                "--client-type",
                client_type,
            ]));
            assert_eq!(r.code, 0, "{version} {client_type}: {}", r.stderr);
            let v = lint(
                d.path(),
                version,
                &[
                    "out/openmetadata.yaml",
                    "out/openmetadata.env",
                    "out/helm/values.yaml",
                ],
            );
            let found = findings(&v);
            assert!(found.is_empty(), "{version} {client_type}: {found:#?}");
            assert_eq!(v["errors"], 0);
        }
    }
}
