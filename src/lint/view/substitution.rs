//! `${VAR:-default}` references, resolved to the value the server gets when VAR is unset,
//! and list values written inline.

use super::Val;

/// A raw value with its `${…}` references replaced by their defaults.
#[derive(Debug, PartialEq, Eq)]
pub struct Resolved {
    /// `None` when a reference has no default, so the value is unknown until start-up.
    pub text: Option<String>,
    /// The first variable referenced, if any.
    pub var: Option<String>,
    /// True when the whole value was one `${…}` reference.
    pub whole: bool,
}

/// `plain`: the value is unquoted YAML, so a whole-value default such as `""` or `[a, b]` is
/// itself YAML (OpenMetadata substitutes before parsing) and its quotes are not part of it.
pub(super) fn resolve(raw: &str, plain: bool) -> (Val, Option<String>) {
    let r = resolve_raw(raw);
    let val = match r.text {
        None => Val::FromEnv,
        Some(t) if r.whole && plain => match t.trim() {
            "" | "~" | "null" => Val::Null,
            t => Val::Str(unquote(t).to_string()),
        },
        Some(t) => Val::Str(t),
    };
    (val, r.var)
}

pub fn resolve_raw(raw: &str) -> Resolved {
    let mut out = String::new();
    let mut var = None;
    let mut unknown = false;
    let mut rest = raw;
    let mut refs = 0;
    while let Some(start) = rest.find("${") {
        let Some((name, default, len)) = reference(&rest[start..]) else {
            break;
        };
        refs += 1;
        out.push_str(&rest[..start]);
        var.get_or_insert_with(|| name.to_string());
        match default {
            Some(d) => out.push_str(d),
            None => unknown = true,
        }
        rest = &rest[start + len..];
    }
    let whole = refs == 1 && raw.trim().starts_with("${") && rest.trim().is_empty() && {
        let t = raw.trim();
        reference(t).is_some_and(|(_, _, len)| len == t.len())
    };
    out.push_str(rest);
    Resolved {
        text: (!unknown).then_some(out),
        var,
        whole,
    }
}

/// Parses `${NAME}`, `${NAME:-default}` or `${NAME-default}` at the start of `s`; the default
/// may hold balanced braces (`${OIDC_CUSTOM_PARAMS:-{}}`). Returns (name, default, length).
fn reference(s: &str) -> Option<(&str, Option<&str>, usize)> {
    let body = s.strip_prefix("${")?;
    let name_len = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(body.len());
    if name_len == 0 {
        return None;
    }
    let name = &body[..name_len];
    let after = &body[name_len..];
    if after.starts_with('}') {
        return Some((name, None, 2 + name_len + 1));
    }
    let op_len = if after.starts_with(":-") {
        2
    } else if after.starts_with('-') {
        1
    } else {
        return None;
    };
    let default_start = &after[op_len..];
    let mut depth = 0usize;
    for (i, c) in default_start.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                return Some((
                    name,
                    Some(&default_start[..i]),
                    2 + name_len + op_len + i + 1,
                ))
            }
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

fn unquote(s: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = s.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner;
        }
    }
    s
}

/// `[a, "b"]` → (["a", "b"], true); anything else is one value → ([s], false).
pub(super) fn split_list(s: &str, yaml_flow: bool) -> (Vec<String>, bool) {
    let t = s.trim();
    match t.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        Some(inner) if yaml_flow => (
            inner
                .split(',')
                .map(|i| unquote(i.trim()).to_string())
                .filter(|i| !i.is_empty())
                .collect(),
            true,
        ),
        _ if t.is_empty() => (Vec::new(), false),
        _ => (vec![unquote(t).to_string()], false),
    }
}

/// A value that reaches OpenMetadata through an environment variable (env file, Helm values)
/// is pasted into its openmetadata.yaml and read as YAML there: `""` is an empty string and
/// `"yes"` the word yes. omsso writes such values quoted when YAML would misread them.
pub(super) fn om_scalar(text: String) -> Val {
    let t = text.trim();
    let quoted = t.len() >= 2
        && ((t.starts_with('"') && t.ends_with('"')) || (t.starts_with('\'') && t.ends_with('\'')));
    match serde_yaml::from_str::<String>(t) {
        Ok(inner) if quoted => Val::Str(inner),
        _ => Val::Str(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_resolve_to_their_defaults() {
        let r = resolve_raw("${AUTHENTICATION_AUTHORITY:-https://accounts.google.com}");
        assert_eq!(r.text.as_deref(), Some("https://accounts.google.com"));
        assert_eq!(r.var.as_deref(), Some("AUTHENTICATION_AUTHORITY"));
        assert!(r.whole);
        let r = resolve_raw("${OIDC_CUSTOM_PARAMS:-{}}");
        assert_eq!(r.text.as_deref(), Some("{}"));
        let r = resolve_raw("http://${KC_HOST:-keycloak}:8080/realms/x");
        assert_eq!(r.text.as_deref(), Some("http://keycloak:8080/realms/x"));
        assert!(!r.whole);
        assert_eq!(resolve_raw("${OIDC_CLIENT_SECRET}").text, None);
        assert_eq!(resolve_raw("{your domain}").var, None);
        assert_eq!(
            resolve("${OIDC_CLIENT_ID:-\"\"}", true).0,
            Val::Str(String::new())
        );
        assert_eq!(resolve("${OIDC_CUSTOM_PARAMS:-}", true).0, Val::Null);
    }

    #[test]
    fn lists() {
        assert_eq!(
            split_list("[http://a/x, \"http://b/y\"]", true),
            (
                vec!["http://a/x".to_string(), "http://b/y".to_string()],
                true
            )
        );
        assert_eq!(
            split_list("http://a/x", true),
            (vec!["http://a/x".to_string()], false)
        );
    }
}
