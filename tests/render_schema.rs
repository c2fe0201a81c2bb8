//! Every rendered openmetadata.yaml validates against OpenMetadata's own JSON schemas, and
//! every rendered values.yaml against the Helm chart's values.schema.json, for each supported
//! `--om-version` and both client types. (No key of the "Schema gaps" list in NOTES.md is
//! rendered, so no exception is needed.)

mod common;
mod render_support;

use render_support::*;
use serde_json::{json, Value};

#[test]
fn every_version_and_client_type_validates_against_the_reference_schemas() {
    let dir = tempfile::tempdir().unwrap();
    Creds::default().write(dir.path());
    let mut checks: Vec<Value> = Vec::new();
    for version in VERSIONS {
        for client_type in ["confidential", "public"] {
            let args = ["--om-version", version, "--client-type", client_type];
            let label = format!("{version} {client_type}");

            let yaml = om_yaml(&render_stdout(dir.path(), "openmetadata-yaml", &args));
            let authn = &yaml["authenticationConfiguration"];
            checks.push(json!({
                "label": format!("{label} authenticationConfiguration"),
                "schema": schema("schema/configuration/authenticationConfiguration.json"),
                "instance": yaml_to_json(authn),
            }));
            checks.push(json!({
                "label": format!("{label} authorizerConfiguration"),
                "schema": schema("schema/configuration/authorizerConfiguration.json"),
                "instance": yaml_to_json(&yaml["authorizerConfiguration"]),
            }));
            let oidc = authn.get("oidcConfiguration");
            assert_eq!(oidc.is_some(), client_type == "confidential", "{label}");
            if let Some(oidc) = oidc {
                checks.push(json!({
                    "label": format!("{label} oidcConfiguration"),
                    "schema": schema("schema/security/client/oidcClientConfig.json"),
                    "instance": yaml_to_json(oidc),
                }));
            }

            let values: serde_yaml::Value =
                serde_yaml::from_str(&render_stdout(dir.path(), "helm-values", &args)).unwrap();
            checks.push(json!({
                "label": format!("{label} helm values"),
                "schema": schema("helm/values.schema.json"),
                "instance": yaml_to_json(&values),
            }));
        }
    }
    assert_eq!(checks.len(), VERSIONS.len() * 7);
    python_check(&json!({ "schemas": checks }));
}

#[test]
fn the_schema_check_catches_what_openmetadata_rejects() {
    // The check must be able to fail: an unknown key and a wrong type are reported.
    let (ok, report) = python_report(&json!({ "schemas": [{
        "label": "bad",
        "schema": schema("schema/configuration/authenticationConfiguration.json"),
        "instance": {
            "provider": "keycloak",
            "providerName": "KeyCloak",
            "clientType": "confidential",
            "authority": "x", "callbackUrl": "", "clientId": "c",
            "oidcConfiguration": {"id": "c", "secret": "s", "discoveryUri": "d", "tenant": "",
                                  "customParams": ""},
            "sessionExpiry": 1
        }
    }]}));
    assert!(!ok, "{report}");
    for needle in [
        "'keycloak' is not one of",
        "'' is not of type 'object'",
        "sessionExpiry",
    ] {
        assert!(report.contains(needle), "{needle} missing from {report}");
    }
}
