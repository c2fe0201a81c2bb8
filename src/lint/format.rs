//! The static lint: the text of one file in, its findings out. Pure (no I/O), so the command,
//! the tests and a future `verify` live mode can all call it.
//!
//! Format-level problems are found here, while the text is still at hand (YAML slips, env-file
//! syntax, repeated keys, unknown keys); everything about what the values mean is checked once
//! for all formats in [`super::checks`].

use super::env_file::{self, EnvEntry, EnvFile, EnvProblem};
use super::finding::{Finding, Report, Severity};
use super::known_keys;
use super::registry::*;
use super::view::{self, AuthView};
use super::yaml_tree::{self, Node};
use super::{checks, env_yaml, quickstart, Kind};
use crate::hint::Opt;
use crate::openmetadata::{compose, server, Release};

/// Where the auth blocks sit in a Helm values file: under `openmetadata.config` in a full
/// values file, or at the top of a hand-written fragment.
const HELM_PREFIXES: &[&[&str]] = &[&["openmetadata", "config"], &["config"], &[]];

/// Lints `text` as a file of `kind` for `release` (the OpenMetadata release and Helm chart
/// whose keys it may use).
pub fn lint(text: &str, kind: Kind, release: &Release) -> Vec<Finding> {
    let mut r = Report::new(kind);
    let mut env = None;
    let view = match kind {
        Kind::Env => {
            let file = env_file::parse(text);
            env_format(&file, release, &mut r);
            let keys: Vec<(String, usize)> = file
                .entries
                .iter()
                .map(|e| (e.key.clone(), e.line))
                .collect();
            known_keys::env_not_read(&keys, release, &mut r);
            quickstart::check(&quickstart::from_env(&file), Kind::Env, &mut r);
            let v = view::from_env(&file);
            let any_auth = file.entries.iter().any(|e| {
                e.key.starts_with("AUTHENTICATION_")
                    || e.key.starts_with("OIDC_")
                    || e.key.starts_with("AUTHORIZER_")
                    || e.key == "CUSTOM_OIDC_AUTHENTICATION_PROVIDER_NAME"
            });
            env = Some(file);
            if any_auth {
                Some(v)
            } else {
                r.add(
                    AUTH_BLOCK_MISSING,
                    Severity::Error,
                    None,
                    "no AUTHENTICATION_*, OIDC_* or AUTHORIZER_* settings: OpenMetadata keeps \
                     its basic login",
                    "add the Keycloak settings (omsso render writes a complete env file)",
                );
                None
            }
        }
        Kind::Yaml | Kind::Helm => yaml_format(text, kind, release, &mut r),
    };
    if let Some(v) = view {
        checks::run(&v, release, &mut r);
    }
    // After the checks, so a line they found broken (a placeholder) is not reported again.
    if let Some(file) = &env {
        env_yaml::env_yaml(file, &mut r);
    }
    r.finish()
}

// ---------------------------------------------------------------------------------------------
// YAML (openmetadata.yaml and Helm values)

fn yaml_format(text: &str, kind: Kind, release: &Release, r: &mut Report) -> Option<AuthView> {
    let repaired = yaml_slips(text, r);
    let root = match yaml_tree::parse(&repaired) {
        Ok(root) => root,
        Err(e) => {
            r.add(
                YAML_INVALID,
                Severity::Error,
                Some(e.line),
                format!("invalid YAML: {}", e.message),
                "fix the syntax on or just before this line (a `key: value` needs a space \
                 after the colon; quotes must pair up; indent with spaces, not tabs)",
            );
            return None;
        }
    };
    quickstart::check(&quickstart::from_yaml(&root, kind), kind, r);
    let mut dups = Vec::new();
    root.duplicate_keys("", &mut dups);
    for (path, line) in dups {
        r.add(
            DUPLICATE_KEY,
            Severity::Warning,
            Some(line),
            format!("`{path}` is set twice; the later one wins and the earlier one is ignored"),
            "keep one of them",
        );
    }
    let view = match kind {
        Kind::Helm => helm_view(&root, release, r),
        _ => {
            let v = view::from_yaml(
                Kind::Yaml,
                &root,
                &["authenticationConfiguration"],
                &["authorizerConfiguration"],
            );
            known_keys::yaml_unknown_keys(&root, release, r);
            v
        }
    };
    if view.is_none() {
        let (block, file) = if kind == Kind::Helm {
            (
                "openmetadata.config.authentication",
                "the chart values that set openmetadata.config.authentication",
            )
        } else {
            (
                "authenticationConfiguration",
                "the openmetadata.yaml that holds authenticationConfiguration",
            )
        };
        let hint = format!(
            "lint {file}, or pass {} if this is another kind of file",
            Opt::Kind
        );
        r.add(
            AUTH_BLOCK_MISSING,
            Severity::Error,
            None,
            format!("no {block} block: there is nothing to check"),
            hint,
        );
    }
    view
}

fn helm_view(root: &Node, release: &Release, r: &mut Report) -> Option<AuthView> {
    for prefix in HELM_PREFIXES {
        let auth_path: Vec<&str> = prefix.iter().copied().chain(["authentication"]).collect();
        let authz_path: Vec<&str> = prefix.iter().copied().chain(["authorizer"]).collect();
        let auth = view::locate(root, &auth_path).map(|(n, _)| (n, auth_path.join(".")));
        let authz = view::locate(root, &authz_path).map(|(n, _)| (n, authz_path.join(".")));
        if auth.is_none() && authz.is_none() {
            continue;
        }
        known_keys::helm_keys(auth, authz, release, r);
        return view::from_yaml(Kind::Helm, root, &auth_path, &authz_path);
    }
    None
}

/// Reports the two slips copied from the docs and returns the text with `key:"value"` repaired
/// (same lines, one space added), so the rest of the file can still be checked.
fn yaml_slips(text: &str, r: &mut Report) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let n = i + 1;
        if let Some(at) = yaml_tree::missing_space_after_colon(line) {
            let key = line[..at - 1].trim_start().trim_start_matches("- ");
            r.add(
                YAML_MISSING_SPACE,
                Severity::Error,
                Some(n),
                format!(
                    "`{key}:` has no space before its value, so this is not a `key: value` \
                     pair and the YAML is invalid (a bug copied from OpenMetadata's docs)"
                ),
                format!("write `{key}: \"…\"` with a space after the colon"),
            );
            out.push_str(&line[..at]);
            out.push(' ');
            out.push_str(&line[at..]);
            continue;
        }
        if let Some(key) = yaml_tree::stray_closing_quote(line) {
            r.add(
                STRAY_QUOTE,
                Severity::Error,
                Some(n),
                format!(
                    "`{key}` ends with a quote that was never opened, so the quote becomes part \
                     of the value (a bug copied from OpenMetadata's docs)"
                ),
                "quote the whole value (key: \"http://…/callback\") or drop the stray quote",
            );
            r.flaw(Some(n));
        }
        out.push_str(line);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// docker env file

fn env_format(file: &EnvFile, release: &Release, r: &mut Report) {
    env_syntax(file, r);
    for (i, e) in file.entries.iter().enumerate() {
        env_entry(&file.entries[..i], e, release, r);
    }
}

/// Lines that are not `KEY=value` (or whose quotes do not close).
fn env_syntax(file: &EnvFile, r: &mut Report) {
    for (line, key, problem) in &file.problems {
        let key = key.as_deref().unwrap_or("this line");
        let (message, hint) = match problem {
            EnvProblem::YamlStyle => (
                format!("`{key}: …` is YAML style; docker compose's env-file parser rejects it"),
                format!("write {key}=value"),
            ),
            EnvProblem::NotAssignment => (
                format!("{key} is not a KEY=value line"),
                "write KEY=value, or start the line with # to make it a comment".to_string(),
            ),
            EnvProblem::UnclosedQuote => (
                format!("the quoted value of {key} is never closed on its line"),
                "close the quote at the end of the value".to_string(),
            ),
            EnvProblem::TextAfterQuote => (
                format!("{key} has text after its closing quote"),
                "put the whole value inside the quotes; a comment after it must start with #"
                    .to_string(),
            ),
        };
        r.add(ENV_SYNTAX, Severity::Error, Some(*line), message, hint);
        r.flaw(Some(*line));
    }
}

/// One assignment, after the `earlier` ones: repeated, badly quoted, commented, not passed on.
fn env_entry(earlier: &[EnvEntry], e: &EnvEntry, release: &Release, r: &mut Report) {
    if let Some(prev) = earlier.iter().rev().find(|p| p.key == e.key) {
        r.add(
            DUPLICATE_KEY,
            Severity::Warning,
            Some(e.line),
            format!(
                "{} is set twice (also on line {}); docker compose uses this later one",
                e.key, prev.line
            ),
            "keep one of them",
        );
    }
    if e.stray_quote {
        r.add(
            STRAY_QUOTE,
            Severity::Error,
            Some(e.line),
            format!(
                "the value of {} ends with a quote that was never opened, so the quote \
                 becomes part of the value",
                e.key
            ),
            format!("write {}=\"…\" with both quotes, or none", e.key),
        );
        r.flaw(Some(e.line));
    }
    if e.inline_comment {
        r.add(
            ENV_INLINE_COMMENT,
            Severity::Warning,
            Some(e.line),
            format!(
                "{} has a trailing `# comment`: docker compose strips it, but `docker run \
                 --env-file` and other env-file readers keep it as part of the value",
                e.key
            ),
            "move the comment to its own line above",
        );
    }
    // A variable the release does not read at all gets `env-not-read` instead.
    let read = server::key_of_env(&e.key)
        .is_some_and(|(block, key)| release.key_problem(block, key).is_none());
    if read && !compose::PASSED_TO_SERVER.contains(&e.key.as_str()) {
        r.add(
            ENV_NOT_PASSED,
            Severity::Warning,
            Some(e.line),
            format!(
                "{} is not in the quickstart docker-compose.yml's environment list, so it \
                 never reaches the server",
                e.key
            ),
            format!(
                "add `{0}: ${{{0}}}` under openmetadata-server.environment (and \
                 execute-migrate-all) in docker-compose.yml",
                e.key
            ),
        );
    }
}
