//! Every rendered openmetadata.yaml is accepted by the released models of its OpenMetadata
//! line (the pydantic models of that line's `openmetadata-ingestion` wheel, through
//! tests/suite/support/om_release.py), and every rendered values.yaml by the values.schema.json of
//! the released chart that line is deployed with, for each release line of
//! src/openmetadata/released/ and both client types. tests/suite/om_released.rs goes further
//! (more settings, and what the server gets through each route).

use crate::support::render::released::*;
use crate::support::render::*;
use serde_json::{json, Value};

#[test]
fn every_line_and_client_type_passes_its_released_models_and_chart_schema() {
    let dir = tempfile::tempdir().unwrap();
    Creds::default().write(dir.path());
    let mut failures = Vec::new();
    let mut model_cases: Vec<Value> = Vec::new();
    let mut chart_checks: Vec<Value> = Vec::new();
    for line in lines() {
        for client_type in ["confidential", "public"] {
            let label = format!("{line} {client_type}");
            let args = ["--om-version", &line, "--client-type", client_type];
            let mut texts = Vec::new();
            for target in ["openmetadata-yaml", "helm-values"] {
                let mut all = vec!["--target", target, "--stdout"];
                all.extend_from_slice(&args);
                let r = render(dir.path(), &all);
                match r.code {
                    0 => texts.push(r.stdout),
                    code => failures.push(format!(
                        "{label}: omsso render --target {target} failed (exit {code}): {}",
                        r.stderr.lines().next().unwrap_or_default()
                    )),
                }
            }
            let [yaml, values] = match <[String; 2]>::try_from(texts) {
                Ok(t) => t,
                Err(_) => continue,
            };
            model_cases.push(json!({
                "label": label, "line": line, "yaml": yaml, "validate_only": true,
            }));
            let chart = chart_for(&line);
            let values: serde_yaml::Value = serde_yaml::from_str(&values).unwrap();
            chart_checks.push(json!({
                "label": format!("{label} helm values (chart {chart})"),
                "schema": chart_dir(chart).join("values.schema.json"),
                "instance": yaml_to_json(&values),
            }));
        }
    }
    let answer = oracle(&json!({ "cases": model_cases }));
    for case in answer["cases"].as_array().unwrap() {
        for e in case["validation"].as_array().unwrap() {
            failures.push(format!(
                "{} (models of {}): {}",
                case["label"].as_str().unwrap(),
                case["wheel"].as_str().unwrap(),
                e.as_str().unwrap()
            ));
        }
    }
    let (ok, report) = python_report(&json!({ "schemas": chart_checks }));
    if !ok {
        failures.push(report);
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(model_cases.len(), lines().len() * 2);
}

#[test]
fn the_chart_schema_check_catches_what_helm_rejects() {
    // The check must be able to fail: an unknown key and a wrong type are reported.
    let (ok, report) = python_report(&json!({ "schemas": [{
        "label": "bad",
        "schema": chart_dir("1.13.1").join("values.schema.json"),
        "instance": {"openmetadata": {"config": {"authentication": {
            "providerName": "KeyCloak",
            "oidcConfiguration": {"maxAge": 0, "customParams": {}},
        }}}},
    }]}));
    assert!(!ok, "{report}");
    for needle in [
        "'providerName' was unexpected",
        "0 is not of type 'string'",
        "{} is not of type 'string', 'null'",
    ] {
        assert!(report.contains(needle), "{needle} missing from {report}");
    }
}
