//! omsso's output against what OpenMetadata released (issue 11, "Proof"). For every release
//! line of src/openmetadata/released/ (1.6 … 2.0), both client types and several settings:
//!
//! * the rendered openmetadata.yaml is accepted by that line's own models (the pydantic models
//!   of its `openmetadata-ingestion` wheel, unknown keys forbidden);
//! * three routes give the server the same value for every auth key the yaml sets: the yaml
//!   itself, the env file through `docker-compose config` into the server config, and the Helm
//!   values through `helm template` of that line's released chart (with our Secret), each
//!   substituted into the server config and parsed the way OpenMetadata's loader does it
//!   (the released Jackson YAML + SnakeYAML jars on the JDK: a text they refuse fails);
//! * the compose route may lose only the variables `omsso render` warns about, and render warns
//!   about exactly those.
//!
//! tests/suite/support/om_release.py is the oracle (see its header and docs/OPENMETADATA-RELEASES.md);
//! can_fail.rs feeds the oracle known-bad input to show each check can fail; loader.rs checks its
//! loader emulation against commons-text; server_parser.rs fuzzes omsso's quoting against the
//! server's parser.

use crate::support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::support::render::released::*;
use crate::support::render::*;
use crate::support::repo_root;
use omsso::openmetadata::released::{CHARTS, MODELS};
use serde_json::{json, Value};
use settings::{Setting, SETTINGS, TEAM_CLAIM_PATH, TEAM_CLAIM_WARNING};

/// One rendered case: its files, or why omsso would not render it.
struct Case {
    label: String,
    line: String,
    dir: tempfile::TempDir,
    yaml: String,
    env_file: Option<PathBuf>,
    /// Variables render warned compose does not pass.
    warned: BTreeSet<String>,
    /// Render warned that the env file and the Helm values cannot carry the team claim.
    team_claim_warned: bool,
    values: PathBuf,
    secret: Option<PathBuf>,
}

fn render_target(dir: &Path, target: &str, args: &[String]) -> support::Run {
    let mut all: Vec<&str> = vec!["--target", target, "--stdout"];
    all.extend(args.iter().map(String::as_str));
    render(dir, &all)
}

fn render_case(line: &str, client_type: &str, s: &Setting) -> Result<Case, String> {
    let label = format!("{line} {client_type} {}", s.label);
    let dir = tempfile::tempdir().unwrap();
    let confidential = client_type == "confidential";
    Creds {
        client_id: s.client_id,
        secret: confidential.then_some(s.secret),
        ..Creds::default()
    }
    .write(dir.path());
    let mut args: Vec<String> = vec![
        "--om-version".into(),
        line.into(),
        "--client-type".into(),
        client_type.into(),
    ];
    args.extend(s.args.iter().map(|a| a.to_string()));
    let team_claim_warned = std::cell::Cell::new(false);
    let write = |target: &str, name: &str| -> Result<PathBuf, String> {
        let r = render_target(dir.path(), target, &args);
        if r.code != 0 {
            return Err(refused(&label, target, &r));
        }
        if r.stderr.contains(TEAM_CLAIM_WARNING) {
            team_claim_warned.set(true);
        }
        let path = dir.path().join(name);
        std::fs::write(&path, &r.stdout).unwrap();
        Ok(path)
    };
    let yaml_path = write("openmetadata-yaml", "openmetadata.yaml")?;
    if team_claim_warned.get() {
        return Err(format!(
            "{label}: openmetadata.yaml carries the team claim, yet render warned"
        ));
    }
    let values = write("helm-values", "values.yaml")?;
    let secret = if confidential {
        Some(write("helm-secret", "oidc-secrets.yaml")?)
    } else {
        None
    };
    let (env_file, warned) = render_env(dir.path(), &args, s, &label, team_claim_warned.get())?;
    Ok(Case {
        yaml: std::fs::read_to_string(&yaml_path).unwrap(),
        label,
        line: line.to_string(),
        dir,
        env_file,
        warned,
        team_claim_warned: team_claim_warned.get(),
        values,
        secret,
    })
}

fn refused(label: &str, target: &str, r: &support::Run) -> String {
    let error = r.stderr.lines().find(|l| l.starts_with("error:"));
    format!(
        "{label}: omsso render --target {target} failed (exit {}): {}",
        r.code,
        error.unwrap_or(r.stderr.trim())
    )
}

/// The env file of a case and the variables render warned compose does not pass; `None` for
/// the one set the env file cannot carry.
fn render_env(
    dir: &Path,
    args: &[String],
    s: &Setting,
    label: &str,
    team_claim_warned: bool,
) -> Result<(Option<PathBuf>, BTreeSet<String>), String> {
    let env = render_target(dir, "env", args);
    if env.code == 0 {
        let path = dir.join("openmetadata.env");
        std::fs::write(&path, &env.stdout).unwrap();
        let warned = env
            .stderr
            .lines()
            .filter_map(|l| l.strip_prefix("warning: "))
            .filter(|l| l.contains("is not passed to openmetadata-server"))
            .map(|l| l.split_whitespace().next().unwrap().to_string())
            .collect();
        if env.stderr.contains(TEAM_CLAIM_WARNING) != team_claim_warned {
            return Err(format!(
                "{label}: render warns about the team claim for one of env and helm-values only"
            ));
        }
        Ok((Some(path), warned))
    } else if s.label == "dollar" && env.code == 2 && env.stderr.contains("the value contains `${`")
    {
        Ok((None, BTreeSet::new()))
    } else {
        Err(refused(label, "env", &env))
    }
}

fn job_for(case: &Case, chart: &str) -> Value {
    let mut job = json!({
        "label": case.label,
        "line": case.line,
        "yaml": case.yaml,
        "server_config": server_config(),
        "helm": {
            "chart": chart_dir(chart),
            "values": case.values,
            "secret": case.secret,
        },
    });
    if let Some(env) = &case.env_file {
        job["compose"] = json!({"env_file": env, "compose_file": compose_file()});
    }
    job
}

/// Every line × client type × setting, rendered and answered once per test binary:
/// (render failures, cases with their answers).
struct Matrix {
    render_failures: Vec<String>,
    cases: Vec<(Case, Value)>,
}

fn matrix() -> &'static Matrix {
    static M: OnceLock<Matrix> = OnceLock::new();
    M.get_or_init(|| {
        let mut render_failures = Vec::new();
        let mut cases = Vec::new();
        for line in lines() {
            for client_type in ["confidential", "public"] {
                for s in SETTINGS.iter().filter(|s| s.applies(&line, client_type)) {
                    match render_case(&line, client_type, s) {
                        Ok(c) => cases.push(c),
                        Err(e) => render_failures.push(e),
                    }
                }
            }
        }
        let jobs: Vec<Value> = cases
            .iter()
            .map(|c| job_for(c, chart_for(&c.line)))
            .collect();
        let answer = oracle(&json!({ "cases": jobs }));
        let answers = answer["cases"].as_array().unwrap().clone();
        assert_eq!(answers.len(), cases.len());
        Matrix {
            render_failures,
            cases: cases.into_iter().zip(answers).collect(),
        }
    })
}

/// Fails with every failure, one per line (render failures included: a line that does not
/// render has not been checked).
fn report(what: &str, mut failures: Vec<String>) {
    let m = matrix();
    let mut all = m.render_failures.clone();
    all.append(&mut failures);
    assert!(
        all.is_empty(),
        "{what}: {} failures over {} rendered cases:\n{}",
        all.len(),
        m.cases.len(),
        all.join("\n")
    );
    eprintln!("{what}: {} cases checked", m.cases.len());
}

// ---- the comparison ---------------------------------------------------------------------

fn env_file_keys(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_string()))
        .filter(|k| !k.is_empty())
        .collect()
}

/// The variables our env file sets that compose does not hand to the server, and whether
/// render warned about exactly those.
fn compose_drops(env_keys: &BTreeSet<String>, passed: &BTreeSet<String>) -> BTreeSet<String> {
    env_keys.difference(passed).cloned().collect()
}

fn warning_mismatch(
    label: &str,
    warned: &BTreeSet<String>,
    dropped: &BTreeSet<String>,
) -> Option<String> {
    (warned != dropped)
        .then(|| format!("{label}: compose drops {dropped:?} but render warns about {warned:?}"))
}

/// Every way the compose and helm routes disagree with the yaml route in one answer. A key
/// the compose route misses is excused only if its variable is one compose drops and render
/// warned about exactly the dropped ones; the team claim, which only the yaml can carry, only
/// if render warned about it.
fn route_differences(
    label: &str,
    answer: &Value,
    compose_excused: &BTreeSet<String>,
    team_claim_warned: bool,
) -> Vec<String> {
    let mut out = Vec::new();
    let routes = &answer["routes"];
    let yaml = routes["yaml"]["values"].as_object().unwrap();
    for name in ["yaml", "compose", "helm"] {
        if let Some(error) = routes[name]["error"].as_str() {
            out.push(format!("{label}: {name}: {error}"));
        }
        for var in routes[name]["unresolved"].as_array().into_iter().flatten() {
            out.push(format!(
                "{label}: {name}: the server would read `${{{}}}` in a value as a variable",
                var.as_str().unwrap()
            ));
        }
    }
    for r in routes["helm"]["unresolved_refs"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let r = r.as_str().unwrap();
        if ["OIDC_", "AUTHENTICATION_", "AUTHORIZER_", "CUSTOM_OIDC_"]
            .iter()
            .any(|p| r.starts_with(p))
        {
            out.push(format!("{label}: helm: {r} is not defined anywhere"));
        }
    }
    for name in ["compose", "helm"] {
        let Some(values) = routes[name]["values"].as_object() else {
            continue;
        };
        if routes[name]["error"].is_string() {
            continue; // reported above; nothing was read
        }
        for (path, want) in yaml {
            let got = values.get(path).unwrap_or(&Value::Null);
            if got == want {
                continue;
            }
            let var = answer["sources"][path].as_str().unwrap_or("(no variable)");
            if name == "compose" && compose_excused.contains(var) {
                continue;
            }
            if path == TEAM_CLAIM_PATH && team_claim_warned && got.is_null() {
                continue;
            }
            let env = routes[name]["env"][var]
                .as_str()
                .map(|v| format!(", {var}={v:?}"))
                .unwrap_or_else(|| format!(", {var} unset"));
            out.push(format!(
                "{label}: {name}: {path}: the yaml gives {want}, the server gets {got}{env}"
            ));
        }
    }
    out
}

fn case_route_failures(case: &Case, answer: &Value) -> Vec<String> {
    let mut failures = Vec::new();
    let mut excused = BTreeSet::new();
    if let Some(env_file) = &case.env_file {
        let keys = env_file_keys(&std::fs::read_to_string(env_file).unwrap());
        let passed = answer["routes"]["compose"]["env"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        let dropped = compose_drops(&keys, &passed);
        match warning_mismatch(&case.label, &case.warned, &dropped) {
            Some(f) => failures.push(f),
            None => excused = dropped,
        }
    }
    failures.extend(route_differences(
        &case.label,
        answer,
        &excused,
        case.team_claim_warned,
    ));
    failures
}

// ---- the checks ---------------------------------------------------------------------------

#[test]
fn every_release_line_renders_for_both_client_types() {
    report("render", Vec::new());
    let rendered: BTreeSet<&str> = matrix()
        .cases
        .iter()
        .map(|(c, _)| c.line.as_str())
        .collect();
    assert_eq!(rendered.len(), MODELS.len());
}

#[test]
fn rendered_openmetadata_yaml_is_accepted_by_each_lines_released_models() {
    let failures = matrix()
        .cases
        .iter()
        .flat_map(|(case, answer)| {
            answer["validation"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    format!(
                        "{} (models of {}): {}",
                        case.label,
                        answer["wheel"].as_str().unwrap(),
                        e.as_str().unwrap()
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect();
    report("released models", failures);
}

#[test]
fn yaml_env_and_helm_routes_give_the_server_the_same_values() {
    let failures = matrix()
        .cases
        .iter()
        .flat_map(|(case, answer)| case_route_failures(case, answer))
        .collect();
    report("three routes", failures);
    // The comparison covered real keys on every route it could run.
    for (case, answer) in &matrix().cases {
        let keys = answer["routes"]["yaml"]["values"]
            .as_object()
            .unwrap()
            .len();
        assert!(keys >= 10, "{}: only {keys} keys compared", case.label);
        assert!(
            answer["routes"]["helm"]["values"].is_object(),
            "{}",
            case.label
        );
        assert_eq!(
            answer["routes"]["compose"]["values"].is_object(),
            case.env_file.is_some(),
            "{}",
            case.label
        );
    }
}

#[test]
fn each_line_uses_its_own_chart_and_2_0_the_newest() {
    assert_eq!(chart_for("1.6"), "1.6.13");
    assert_eq!(chart_for("1.10"), "1.10.14");
    assert_eq!(chart_for("1.13"), "1.13.1");
    assert_eq!(chart_for("2.0"), "1.13.1");
    for line in lines() {
        assert!(chart_dir(chart_for(&line)).join("Chart.yaml").is_file());
    }
}

/// A chart deploys its own release (image tag = appVersion) unless the values set the tag:
/// each line's values must deploy that line's server. 2.0 has no chart; on chart 1.13.1 its
/// values must name a 2.0 image, not deploy 1.13.1 (issue 21).
#[test]
fn each_lines_helm_values_deploy_that_lines_server() {
    let failures = matrix()
        .cases
        .iter()
        .filter_map(|(case, answer)| {
            let image = answer["routes"]["helm"]["image"]
                .as_str()
                .unwrap_or("(none)");
            let tag = image.rsplit_once(':').map_or("", |(_, tag)| tag);
            (!tag.starts_with(&format!("{}.", case.line))).then(|| {
                format!(
                    "{}: chart {} deploys {image}",
                    case.label,
                    chart_for(&case.line)
                )
            })
        })
        .collect();
    report("server image", failures);
}

// ---- chart 1.6.3 and customParams --------------------------------------------------------

/// Charts 1.6.1 – 1.6.3 write `OIDC_CUSTOM_PARAMS: {{ .customParams | quote | b64enc }}`: the
/// server gets the string "{}" where it needs a map. Whether `customParams: null` in the
/// values works around it: Helm drops a null value (so the schema's `type: string` does not
/// apply), `quote` of nothing is "", and an empty variable is set for the loader, so
/// `customParams: ${OIDC_CUSTOM_PARAMS:-}` becomes `customParams:` = null. Chart 1.6.4+
/// (`{{ .customParams | b64enc }}`, no quote) cannot take the null: b64enc of nothing is a
/// template error.
#[test]
fn chart_1_6_3_quotes_custom_params_and_null_leaves_them_empty() {
    let case = render_case("1.6", "confidential", &SETTINGS[0]).expect("1.6 renders");
    let path = "authenticationConfiguration.oidcConfiguration.customParams";

    let mut values: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(&case.values).unwrap()).unwrap();
    values["openmetadata"]["config"]["authentication"]["oidcConfiguration"]["customParams"] =
        serde_yaml::Value::Null;
    let null_values = case.dir.path().join("values-null.yaml");
    std::fs::write(&null_values, serde_yaml::to_string(&values).unwrap()).unwrap();
    let with_null = |chart: &str| {
        let mut job = job_for(&case, chart);
        job["helm"]["values"] = json!(null_values);
        job
    };

    let answer = oracle(&json!({ "cases": [
        job_for(&case, "1.6.3"), with_null("1.6.3"), job_for(&case, "1.6.13"),
    ]}));
    let [quoted, null, fixed] = [0, 1, 2].map(|i| &answer["cases"][i]["routes"]);

    // The yaml says {}; chart 1.6.3 delivers the two characters {} as a string.
    assert_eq!(quoted["yaml"]["values"][path], json!({}));
    assert_eq!(quoted["helm"]["env"]["OIDC_CUSTOM_PARAMS"], json!("\"{}\""));
    assert_eq!(quoted["helm"]["values"][path], json!("{}"), "the quirk");
    // Chart 1.6.4+ passes it raw: the map arrives.
    assert_eq!(fixed["helm"]["values"][path], json!({}));
    // `customParams: null` with chart 1.6.3: an empty variable, a null map.
    assert_eq!(null["helm"]["env"]["OIDC_CUSTOM_PARAMS"], json!(""));
    assert_eq!(null["helm"]["values"][path], Value::Null);
    // ... and with chart 1.6.13, a template error.
    wheels_fetched();
    let (code, _, stderr) = oracle_run(&json!({"cases": [with_null("1.6.13")]}), &[], &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("b64enc>: invalid value; expected string"),
        "{stderr}"
    );
}

// ---- the generated table -----------------------------------------------------------------

#[test]
fn the_released_table_is_what_scripts_om_models_generates() {
    wheels_fetched();
    let out = Command::new(repo_root().join("scripts/om-models"))
        .args(["generate", "--check"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "src/openmetadata/released/ is not what scripts/om-models generate writes: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(MODELS.len(), 9);
    assert_eq!(CHARTS.len(), 9);
}

mod can_fail;
mod loader;
mod server_parser;
mod settings;
