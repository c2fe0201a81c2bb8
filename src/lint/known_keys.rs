//! The keys each format accepts in its auth blocks, and the value types Helm's
//! `values.schema.json` demands, for the OpenMetadata release and chart the file is checked
//! for (`--om-version`, `--chart-version`). OpenMetadata's released models and the chart's
//! values schema forbid unknown keys, so an unknown key stops the server (Dropwizard rejects
//! unknown config fields) or `helm install` (schema validation).
//!
//! The key lists come from `crate::openmetadata` (generated from the released models and the
//! released charts); this module only turns them into findings.

use super::finding::{Report, Severity};
use super::registry::*;
use super::view;
use super::yaml_tree::{Node, NodeValue, ScalarType};
use crate::openmetadata::fields::ValueType;
use crate::openmetadata::{server, Block, ChartBlock, KeyProblem, Release};
use crate::settings::table::OPENMETADATA_VERSION;

/// What to write instead of a key the format does not know: its name in the other format.
fn instead(helm: bool, key: &str) -> Option<&'static str> {
    let renamed: &[(&str, &str)] = if helm {
        &[
            ("publicKeyUrls", "publicKeys (the Helm name)"),
            ("adminPrincipals", "initialAdmins (the Helm name)"),
            ("type", "oidcType (the Helm name)"),
            ("id", "clientId: {secretRef, secretKey} (the Helm form)"),
            (
                "secret",
                "clientSecret: {secretRef, secretKey} (the Helm form)",
            ),
            ("prompt", "promptType (the Helm name)"),
        ]
    } else {
        &[
            ("publicKeys", "publicKeyUrls (publicKeys is the Helm name)"),
            ("oidcType", "type (oidcType is the Helm name)"),
            ("clientSecret", "secret (clientSecret is the Helm name)"),
            ("promptType", "prompt (promptType is the Helm name)"),
            ("enabled", "nothing: `enabled` exists only in Helm values"),
        ]
    };
    renamed.iter().find(|p| p.0 == key).map(|p| p.1)
}

fn unknown(r: &mut Report, helm: bool, block: &str, e: &super::yaml_tree::Entry, why: String) {
    let hint = match instead(helm, &e.key) {
        Some(other) => format!("write {other}"),
        None => why,
    };
    let who = if helm {
        "the chart's values.schema.json rejects it (helm install fails)"
    } else {
        "OpenMetadata's released model does not allow it (the server refuses to start)"
    };
    r.add(
        UNKNOWN_KEY,
        Severity::Error,
        Some(e.key_line),
        format!("`{}` is not a key of {block}: {who}", e.key),
        hint,
    );
}

/// Unknown keys in openmetadata.yaml's `authenticationConfiguration` (with its
/// `oidcConfiguration`) and `authorizerConfiguration`.
pub fn yaml_unknown_keys(root: &Node, release: &Release, r: &mut Report) {
    let auth = root.get("authenticationConfiguration");
    let blocks = [
        (auth, Block::Authentication),
        (auth.and_then(|a| a.get("oidcConfiguration")), Block::Oidc),
        (root.get("authorizerConfiguration"), Block::Authorizer),
    ];
    for (node, block) in blocks {
        let Some(node) = node else { continue };
        for e in node.entries() {
            if let Some(problem) = release.key_problem(block, &e.key) {
                let why = format!(
                    "remove it ({}); check the spelling and {}",
                    problem.reason(&release.version),
                    OPENMETADATA_VERSION.flag_name()
                );
                unknown(r, false, block.path(), e, why);
            }
        }
    }
}

/// Variables in an env file that the release's server reads from no key: it ignores them.
pub fn env_not_read(keys: &[(String, usize)], release: &Release, r: &mut Report) {
    for (env, line) in keys {
        let Some((block, key)) = server::key_of_env(env) else {
            unknown_variable(env, *line, r);
            continue;
        };
        if let Some(problem) = release.key_problem(block, key) {
            r.add(
                ENV_NOT_READ,
                Severity::Warning,
                Some(*line),
                format!(
                    "{env} sets {}.{key}, which OpenMetadata {} does not read: {}",
                    block.path(),
                    release.version,
                    problem.reason(&release.version)
                ),
                format!("remove it, or check {}", OPENMETADATA_VERSION.flag_name()),
            );
        }
    }
}

/// An auth-looking variable no release reads at all (a misspelling such as
/// AUTHENTICATION_CALBACK_URL, OpenMetadata PR 5403): the server never sees it, so the
/// setting it was meant for keeps its default.
fn unknown_variable(env: &str, line: usize, r: &mut Report) {
    const PREFIXES: &[&str] = &["AUTHENTICATION_", "AUTHORIZER_", "OIDC_"];
    // A name the compose file passes is no misspelling (some are read by older releases only).
    if !PREFIXES.iter().any(|p| env.starts_with(p))
        || crate::openmetadata::compose::PASSED_TO_SERVER.contains(&env)
    {
        return;
    }
    let names = server::ENV_NAMES.iter().map(|(_, _, e)| *e);
    let closest = names
        .map(|known| (distance(env, known), known))
        .min()
        .filter(|(d, _)| *d <= 3);
    r.add(
        ENV_NOT_READ,
        Severity::Warning,
        Some(line),
        format!("{env} is a variable no OpenMetadata release reads, so it has no effect"),
        match closest {
            Some((_, known)) => format!("rename it to {known}"),
            None => "remove it, or check its spelling against the release's openmetadata.yaml"
                .to_string(),
        },
    );
}

/// Edit distance (insertions, deletions, substitutions) between two names.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// Unknown keys and wrong value types in Helm's `authentication` (with its
/// `oidcConfiguration`) and `authorizer` blocks, for the release's chart.
pub fn helm_keys(
    auth: Option<(&Node, String)>,
    authorizer: Option<(&Node, String)>,
    release: &Release,
    r: &mut Report,
) {
    if let Some((node, path)) = auth {
        check_block(node, &path, ChartBlock::Authentication, release, r);
        if let Some(oidc) = node.get("oidcConfiguration") {
            let path = format!("{path}.oidcConfiguration");
            check_block(oidc, &path, ChartBlock::Oidc, release, r);
        }
    }
    if let Some((node, path)) = authorizer {
        check_block(node, &path, ChartBlock::Authorizer, release, r);
    }
}

fn check_block(node: &Node, block: &str, which: ChartBlock, release: &Release, r: &mut Report) {
    for e in node.entries() {
        match release.chart_value(which, &e.key) {
            None => {
                let why = not_a_chart_value(which, &e.key, release).unwrap_or_else(|| {
                    format!(
                        "check the spelling; chart {} accepts under {block}: {}",
                        release.chart.version,
                        chart_keys(release, which).join(", ")
                    )
                });
                unknown(r, true, block, e, why)
            }
            Some(ty) => check_type(&format!("{block}.{}", e.key), e, ty, r),
        }
    }
}

/// For a server key the chart has no value for: pass it through `extraEnvs` when the release
/// reads it (its variable from the server's own table), or why the release has no such key.
fn not_a_chart_value(which: ChartBlock, key: &str, release: &Release) -> Option<String> {
    let block = match which {
        ChartBlock::Authentication => Block::Authentication,
        ChartBlock::Oidc => Block::Oidc,
        ChartBlock::Authorizer => Block::Authorizer,
    };
    match release.key_problem(block, key) {
        None => server::env_name(block, key)
            .map(|env| format!("the chart has no value for it: pass it as extraEnvs: {env}")),
        Some(KeyProblem::Unknown) => None,
        Some(problem) => Some(format!("remove it ({})", problem.reason(&release.version))),
    }
}

fn chart_keys(release: &Release, which: ChartBlock) -> Vec<&'static str> {
    let v = release.chart.values;
    let table = match which {
        ChartBlock::Authentication => v.authentication,
        ChartBlock::Oidc => v.oidc,
        ChartBlock::Authorizer => v.authorizer,
    };
    table.iter().map(|(k, _)| *k).collect()
}

fn check_type(name: &str, e: &super::yaml_tree::Entry, ty: ValueType, r: &mut Report) {
    let v = &e.value;
    let st = v.scalar_type();
    // Null removes the key in Helm (the chart default applies), so it is never a type error.
    if st == Some(ScalarType::Null) {
        return;
    }
    let shown = || {
        if view::is_secret_name(&e.key) {
            "<redacted>".to_string()
        } else {
            v.scalar()
                .map_or("a mapping or list".to_string(), |s| format!("`{s}`"))
        }
    };
    // The chart's schema makes clientId/clientSecret objects: `{secretRef, secretKey}`.
    if ty == ValueType::Object && matches!(e.key.as_str(), "clientId" | "clientSecret") {
        secret_ref(name, e, r);
        return;
    }
    let (ok, want, fix) = match ty {
        ValueType::Str | ValueType::StrOrNull => (
            st == Some(ScalarType::Str),
            "a string",
            "quote the value".to_string(),
        ),
        ValueType::Bool => (
            st == Some(ScalarType::Bool),
            "a boolean",
            "write true or false without quotes".to_string(),
        ),
        ValueType::Array => (
            matches!(v.value, NodeValue::Seq(_)),
            "a list",
            "write it as a YAML list (- item per line)".to_string(),
        ),
        ValueType::Object => (
            matches!(v.value, NodeValue::Map(_)),
            "a mapping",
            "indent its keys under it".to_string(),
        ),
    };
    if !ok {
        let extra = if ty == ValueType::StrOrNull {
            " (a JSON object as a string, e.g. '{}')"
        } else {
            ""
        };
        r.add(
            HELM_VALUE_TYPE,
            Severity::Error,
            Some(e.key_line),
            format!(
                "{name} is {} but the chart's values.schema.json wants {want}{extra}",
                shown()
            ),
            if ty == ValueType::StrOrNull {
                "write customParams: '{}'".to_string()
            } else {
                fix
            },
        );
    }
}

fn secret_ref(name: &str, e: &super::yaml_tree::Entry, r: &mut Report) {
    let v = &e.value;
    {
        {
            let ok = v.get("secretRef").and_then(Node::scalar).is_some()
                && v.get("secretKey").and_then(Node::scalar).is_some();
            if !ok {
                r.add(
                    HELM_SECRET_INLINE,
                    Severity::Error,
                    Some(e.key_line),
                    format!(
                        "{name} is {} instead of {{secretRef, secretKey}}: the chart reads it \
                         from a Kubernetes Secret, and a value written here would sit in the \
                         values file",
                        if matches!(v.value, NodeValue::Map(_)) {
                            "a mapping without secretRef and secretKey".to_string()
                        } else {
                            "a plain value".to_string()
                        }
                    ),
                    format!(
                        "write {}: {{secretRef: oidc-secrets, secretKey: {}}} and put the value \
                         in that Secret (kubectl create secret generic oidc-secrets …)",
                        e.key,
                        if e.key == "clientId" {
                            "openmetadata-oidc-client-id"
                        } else {
                            "openmetadata-oidc-client-secret"
                        }
                    ),
                );
            }
        }
    }
}
