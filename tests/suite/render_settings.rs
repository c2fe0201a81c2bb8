//! The render settings (openmetadata.version, client_type, provider_name, helm.*) from
//! omsso.yaml, env vars and flags, with their errors.

use crate::support::render::*;
use crate::support::{omsso, run};

fn dir_with(yaml: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("omsso.yaml"), yaml).unwrap();
    Creds::default().write(d.path());
    d
}

const FILE: &str = "\
openmetadata:
  url: https://om.example.com
  admin_principals: [admin]
  principal_domain: example.com
  version: \"1.10\"
  client_type: confidential
  provider_name: Corporate SSO
helm:
  secret_name: om-keycloak
  namespace: data
";

#[test]
fn file_settings_reach_the_rendering_and_config_show() {
    let d = dir_with(FILE);
    let r = run(omsso(d.path()).args(["config", "show", "--format", "json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["settings"]["openmetadata.version"], "1.10");
    assert_eq!(v["settings"]["openmetadata.provider_name"], "Corporate SSO");
    assert_eq!(v["settings"]["helm.secret_name"], "om-keycloak");
    assert_eq!(v["settings"]["helm.namespace"], "data");
    assert_eq!(v["sources"]["helm.namespace"]["kind"], "file");

    let mut cmd = omsso(d.path());
    cmd.args([
        "render",
        "--credentials",
        "credentials.json",
        "--target",
        "helm-values",
        "--stdout",
    ]);
    let r = run(&mut cmd);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with("# OpenMetadata 1.10 Helm values"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("secretRef: \"om-keycloak\""),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("value: \"Corporate SSO\""),
        "{}",
        r.stdout
    );

    // Env var beats the file, flag beats the env var.
    let r = run(omsso(d.path())
        .env("OMSSO_OM_VERSION", "1.7")
        .env("OMSSO_HELM_SECRET_NAME", "from-env")
        .args(["config", "show", "--format", "json", "--om-version", "1.8"]));
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["settings"]["openmetadata.version"], "1.8");
    assert_eq!(v["settings"]["helm.secret_name"], "from-env");
}

#[test]
fn bad_render_settings_name_the_key_and_line() {
    for (yaml, needles) in [
        (
            "openmetadata:\n  version: 1.10\n",
            &["version", "quotes", "line 2"][..],
        ),
        (
            "openmetadata:\n  version: \"1.4\"\n",
            &["not a release line", "line 2"],
        ),
        (
            "openmetadata:\n  client_type: secret\n",
            &["client_type", "line 2"],
        ),
        (
            "helm:\n  secret_name: Oidc_Secrets\n",
            &["Kubernetes name", "line 2"],
        ),
        ("helm:\n  namespace: a.b\n", &["Kubernetes name", "line 2"]),
        (
            "openmetadata:\n  provider_name: ''\n",
            &["openmetadata.provider_name", "empty"],
        ),
    ] {
        let d = dir_with(yaml);
        let r = run(omsso(d.path()).args(["config", "show"]));
        assert_eq!(r.code, 2, "{yaml}: {}", r.stderr);
        for n in needles {
            assert!(
                r.stderr.contains(n),
                "{yaml}: `{n}` missing from {}",
                r.stderr
            );
        }
    }
}
