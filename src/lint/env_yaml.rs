//! What the server makes of an env file's values. docker compose substitutes each into the
//! quickstart compose file's `KEY: ${KEY:-default}` (which leaves a stray `}` after any value
//! of OIDC_CUSTOM_PARAMS), and the server pastes the result into its openmetadata.yaml's
//! `key: ${KEY:-…}` and reads that file as YAML. A value that no longer parses there stops the
//! server ("Malformed YAML", OpenMetadata issues 15232 and 24193); one that parses as a mapping
//! or list where text belongs stops it too.

use super::env_file::EnvFile;
use super::finding::{Report, Severity};
use super::registry::ENV_VALUE_YAML;
use super::view::is_secret_name;
use super::yaml_tree::{self, NodeValue};
use crate::openmetadata::{compose, server};

/// Keys whose value is a list, and the one that is a mapping; every other auth key is one value.
const LIST_KEYS: &[&str] = &[
    "publicKeyUrls",
    "adminPrincipals",
    "jwtPrincipalClaims",
    "jwtPrincipalClaimsMapping",
    "allowedDomains",
    "allowedEmailRegistrationDomains",
    "botPrincipals",
    "testPrincipals",
    "additionalTrustedRedirectUris",
];
const MAP_KEYS: &[&str] = &["customParams"];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    One,
    List,
    Map,
}

impl Shape {
    fn of(key: &str) -> Shape {
        if LIST_KEYS.contains(&key) {
            Shape::List
        } else if MAP_KEYS.contains(&key) {
            Shape::Map
        } else {
            Shape::One
        }
    }

    fn name(self) -> &'static str {
        match self {
            Shape::One => "one value",
            Shape::List => "a list",
            Shape::Map => "a mapping",
        }
    }
}

/// Reports each value (the one compose uses) that the server would not read as its key
/// needs. Lines already found broken (a placeholder, a syntax error) are left alone.
pub fn env_yaml(file: &EnvFile, r: &mut Report) {
    for e in &file.entries {
        let effective = file.get(&e.key).is_some_and(|last| last.line == e.line);
        let Some((_, key)) = server::key_of_env(&e.key) else {
            continue;
        };
        if !effective || r.is_flawed_line(e.line) {
            continue;
        }
        let passed = compose::as_passed(&e.key, &e.value);
        let want = Shape::of(key);
        let problem = match yaml_tree::parse(&format!("{key}: {passed}\n")) {
            Err(err) => format!("is not YAML ({})", err.message),
            Ok(doc) => match doc.get(key).map(|n| &n.value) {
                Some(NodeValue::Map(_)) if want != Shape::Map => {
                    format!("reads as a mapping, where {} belongs", want.name())
                }
                Some(NodeValue::Seq(_)) if want != Shape::List => {
                    format!("reads as a list, where {} belongs", want.name())
                }
                Some(NodeValue::Scalar { text, .. }) if want == Shape::Map && !text.is_empty() => {
                    "reads as text, where a mapping belongs".to_string()
                }
                _ => continue,
            },
        };
        let stray = passed != e.value;
        let shown = |v: &str| {
            if is_secret_name(&e.key) {
                "<redacted>".to_string()
            } else {
                format!("`{v}`")
            }
        };
        let how = if stray {
            format!(
                "{} turns {} into {} (its `${{{}:-{{}}}}` ends the default at the first `}}`); ",
                compose::QUICKSTART,
                shown(&e.value),
                shown(&passed),
                e.key
            )
        } else {
            String::new()
        };
        r.add(
            ENV_VALUE_YAML,
            Severity::Error,
            Some(e.line),
            format!(
                "{}: {how}the server pastes the value into its openmetadata.yaml \
                 (`{key}: ${{{}}}`), where {} {problem}: OpenMetadata does not start \
                 (\"Malformed YAML\")",
                e.key,
                e.key,
                shown(&passed)
            ),
            hint(&e.key, want, stray),
        );
        r.flaw(Some(e.line));
    }
}

fn hint(var: &str, want: Shape, stray: bool) -> String {
    if stray {
        return format!(
            "remove {var} from the env file: the compose file's own default {{}} is what \
             Keycloak needs (to pass custom parameters, change that compose line to \
             `{var}: ${{{var}}}`)"
        );
    }
    match want {
        Shape::List => format!("write it as a YAML list: {var}=[first, second]"),
        Shape::Map => format!("write it as a YAML mapping, e.g. {var}={{}}"),
        Shape::One => format!(
            "quote it for the server's YAML inside single quotes: {var}='\"…\"' (the env file \
             keeps the double quotes, and they make the server read the value as text)"
        ),
    }
}
