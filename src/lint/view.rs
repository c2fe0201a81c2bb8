//! One format-neutral view of an OpenMetadata auth configuration, built from an
//! openmetadata.yaml, a docker env file or Helm values, so each semantic check is written once.
//! Every value keeps the name the user wrote (`authority`, `AUTHENTICATION_AUTHORITY`, …) and
//! its line.
//!
//! Values of the form `${VAR:-default}` (OpenMetadata's yaml, compose interpolation) are read
//! as their default, the value the server gets when `VAR` is unset, and remember `VAR` so the
//! lint can say so; `${VAR}` with no default is left to the environment and not judged.

use std::collections::HashMap;

use super::env_file::EnvFile;
use super::yaml_tree::{self, Node, NodeValue, ScalarType};
use super::Kind;

/// A value as OpenMetadata will see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Val {
    Str(String),
    Null,
    /// `${VAR}` without a default: decided by the environment at start-up.
    FromEnv,
    /// Helm `{secretRef, secretKey}`: the value lives in a Kubernetes Secret.
    SecretRef,
    /// A mapping or list where a single value belongs.
    Complex,
    /// An env-file line too broken to read; reported as a syntax error already.
    Unreadable,
}

#[derive(Debug, Clone)]
pub struct Field {
    /// The name as written in the file: a dotted YAML path or an env var name.
    pub key: String,
    pub line: Option<usize>,
    pub val: Val,
    /// Set when the value is the default of `${VAR:-default}`.
    pub env_var: Option<String>,
    /// Secret values are never shown in findings.
    pub secret: bool,
}

impl Field {
    pub fn text(&self) -> Option<&str> {
        match &self.val {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Empty or null: the key might as well be missing.
    pub fn is_blank(&self) -> bool {
        match &self.val {
            Val::Str(s) => s.trim().is_empty(),
            Val::Null => true,
            _ => false,
        }
    }

    /// The value for a message: quoted, or `<redacted>` for a secret.
    pub fn shown(&self) -> String {
        match (&self.val, self.secret) {
            (_, true) => "<redacted>".to_string(),
            (Val::Str(s), false) => format!("`{s}`"),
            (Val::Null, false) => "empty".to_string(),
            (Val::FromEnv, false) => "set from the environment".to_string(),
            (Val::SecretRef, false) => "a Secret reference".to_string(),
            (Val::Complex, false) => "a mapping or list".to_string(),
            (Val::Unreadable, false) => "unreadable".to_string(),
        }
    }
}

/// A list value (`publicKeyUrls`, `AUTHENTICATION_PUBLIC_KEYS`, `publicKeys`).
#[derive(Debug, Clone)]
pub struct ListField {
    pub field: Field,
    /// `None` when the whole list comes from the environment without a default.
    pub items: Option<Vec<Field>>,
    /// False when a single value was given where OpenMetadata expects a list.
    pub is_list: bool,
}

/// The settings the lint reasons about, named once for every format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    Provider,
    ProviderName,
    ClientType,
    Authority,
    ClientId,
    CallbackUrl,
    Oidc,
    OidcEnabled,
    OidcType,
    OidcId,
    OidcSecret,
    OidcDiscovery,
    OidcCallback,
    OidcServer,
    OidcTenant,
    CustomParams,
}

/// How each format names a [`Key`]: the openmetadata.yaml path under
/// authenticationConfiguration, the env var, the Helm path under
/// openmetadata.config.authentication. `None`: the format has no such setting.
struct Names {
    key: Key,
    yaml: Option<&'static str>,
    env: Option<&'static str>,
    helm: Option<&'static str>,
}

const fn names(
    key: Key,
    yaml: Option<&'static str>,
    env: Option<&'static str>,
    helm: Option<&'static str>,
) -> Names {
    Names {
        key,
        yaml,
        env,
        helm,
    }
}

const NAMES: &[Names] = &[
    names(
        Key::Provider,
        Some("provider"),
        Some("AUTHENTICATION_PROVIDER"),
        Some("provider"),
    ),
    names(
        Key::ProviderName,
        Some("providerName"),
        Some("CUSTOM_OIDC_AUTHENTICATION_PROVIDER_NAME"),
        None,
    ),
    names(
        Key::ClientType,
        Some("clientType"),
        Some("AUTHENTICATION_CLIENT_TYPE"),
        Some("clientType"),
    ),
    names(
        Key::Authority,
        Some("authority"),
        Some("AUTHENTICATION_AUTHORITY"),
        Some("authority"),
    ),
    names(
        Key::ClientId,
        Some("clientId"),
        Some("AUTHENTICATION_CLIENT_ID"),
        Some("clientId"),
    ),
    names(
        Key::CallbackUrl,
        Some("callbackUrl"),
        Some("AUTHENTICATION_CALLBACK_URL"),
        Some("callbackUrl"),
    ),
    names(
        Key::Oidc,
        Some("oidcConfiguration"),
        None,
        Some("oidcConfiguration"),
    ),
    names(
        Key::OidcEnabled,
        None,
        None,
        Some("oidcConfiguration.enabled"),
    ),
    names(
        Key::OidcType,
        Some("oidcConfiguration.type"),
        Some("OIDC_TYPE"),
        Some("oidcConfiguration.oidcType"),
    ),
    names(
        Key::OidcId,
        Some("oidcConfiguration.id"),
        Some("OIDC_CLIENT_ID"),
        Some("oidcConfiguration.clientId"),
    ),
    names(
        Key::OidcSecret,
        Some("oidcConfiguration.secret"),
        Some("OIDC_CLIENT_SECRET"),
        Some("oidcConfiguration.clientSecret"),
    ),
    names(
        Key::OidcDiscovery,
        Some("oidcConfiguration.discoveryUri"),
        Some("OIDC_DISCOVERY_URI"),
        Some("oidcConfiguration.discoveryUri"),
    ),
    names(
        Key::OidcCallback,
        Some("oidcConfiguration.callbackUrl"),
        Some("OIDC_CALLBACK"),
        Some("oidcConfiguration.callbackUrl"),
    ),
    names(
        Key::OidcServer,
        Some("oidcConfiguration.serverUrl"),
        Some("OIDC_SERVER_URL"),
        Some("oidcConfiguration.serverUrl"),
    ),
    names(
        Key::OidcTenant,
        Some("oidcConfiguration.tenant"),
        Some("OIDC_TENANT"),
        Some("oidcConfiguration.tenant"),
    ),
    names(
        Key::CustomParams,
        Some("oidcConfiguration.customParams"),
        Some("OIDC_CUSTOM_PARAMS"),
        Some("oidcConfiguration.customParams"),
    ),
];

const YAML_PUBLIC_KEYS: &str = "publicKeyUrls";
const ENV_PUBLIC_KEYS: &str = "AUTHENTICATION_PUBLIC_KEYS";
const HELM_PUBLIC_KEYS: &str = "publicKeys";

#[derive(Debug)]
pub struct AuthView {
    pub kind: Kind,
    /// Dotted path of the auth block (`authenticationConfiguration`,
    /// `openmetadata.config.authentication`); empty for an env file.
    pub prefix: String,
    /// Line of the auth block's key, for findings about a key that is missing.
    pub block_line: Option<usize>,
    fields: HashMap<Key, Field>,
    pub public_keys: Option<ListField>,
    /// Every single value in the auth sections, for the checks that apply to any value.
    pub values: Vec<Field>,
}

impl AuthView {
    pub fn get(&self, key: Key) -> Option<&Field> {
        self.fields.get(&key)
    }

    pub fn text(&self, key: Key) -> Option<&str> {
        self.get(key).and_then(Field::text)
    }

    /// The name of `key` as this file's format spells it.
    pub fn name(&self, key: Key) -> String {
        let n = NAMES
            .iter()
            .find(|n| n.key == key)
            .expect("every key named");
        let rel = match self.kind {
            Kind::Env => return n.env.unwrap_or("OIDC_*").to_string(),
            Kind::Yaml => n.yaml,
            Kind::Helm => n.helm,
        };
        yaml_tree::join(&self.prefix, rel.unwrap_or("?"))
    }

    pub fn public_keys_name(&self) -> String {
        match self.kind {
            Kind::Env => ENV_PUBLIC_KEYS.to_string(),
            Kind::Yaml => yaml_tree::join(&self.prefix, YAML_PUBLIC_KEYS),
            Kind::Helm => yaml_tree::join(&self.prefix, HELM_PUBLIC_KEYS),
        }
    }

    /// The line to point at for `key`: its own, else its block's (an env file has none).
    pub fn line_of(&self, key: Key) -> Option<usize> {
        let own = self.get(key).and_then(|f| f.line);
        if self.kind == Kind::Env {
            return own;
        }
        own.or(match key {
            Key::OidcEnabled
            | Key::OidcType
            | Key::OidcId
            | Key::OidcSecret
            | Key::OidcDiscovery
            | Key::OidcCallback
            | Key::OidcServer
            | Key::OidcTenant
            | Key::CustomParams => self.get(Key::Oidc).and_then(|f| f.line).or(self.block_line),
            _ => self.block_line,
        })
    }
}

/// Leaf names whose values are secrets in any of the three formats.
pub fn is_secret_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "secret",
        "password",
        "pwd",
        "privatekey",
        "private_key",
        "token",
    ]
    .iter()
    .any(|s| n.contains(s))
        && !n.contains("tokenvalidity")
        && !n.contains("token_validity")
}

// ---------------------------------------------------------------------------------------------
// openmetadata.yaml and Helm values

/// Builds the view from a YAML document whose auth block sits at `auth_path`, plus the other
/// sections whose values are worth the generic checks (`extra_paths`, e.g. the authorizer).
pub fn from_yaml(
    kind: Kind,
    root: &Node,
    auth_path: &[&str],
    extra_paths: &[&[&str]],
) -> Option<AuthView> {
    let (auth, block_line) = locate(root, auth_path)?;
    let prefix = auth_path.join(".");
    let mut fields = HashMap::new();
    for n in NAMES {
        let rel = if kind == Kind::Helm { n.helm } else { n.yaml };
        let Some(rel) = rel else { continue };
        let path: Vec<&str> = rel.split('.').collect();
        if let Some((node, line)) = locate(auth, &path) {
            let name = yaml_tree::join(&prefix, rel);
            let secret = n.key == Key::OidcSecret;
            let mut field = field_from_node(name, node, line, secret);
            if kind == Kind::Helm {
                // The chart hands these values to the server as environment variables.
                if let Val::Str(t) = field.val {
                    field.val = om_scalar(t);
                }
            }
            fields.insert(n.key, field);
        }
    }
    let list_key = if kind == Kind::Helm {
        HELM_PUBLIC_KEYS
    } else {
        YAML_PUBLIC_KEYS
    };
    let public_keys = auth
        .entry(list_key)
        .map(|e| list_from_node(yaml_tree::join(&prefix, list_key), &e.value, e.key_line));
    let mut values = Vec::new();
    collect_values(&prefix, auth, &mut values);
    for path in extra_paths {
        if let Some((node, _)) = locate(root, path) {
            collect_values(&path.join("."), node, &mut values);
        }
    }
    Some(AuthView {
        kind,
        prefix,
        block_line: Some(block_line),
        fields,
        public_keys,
        values,
    })
}

/// The node at `path` and the line of its key.
pub fn locate<'a>(root: &'a Node, path: &[&str]) -> Option<(&'a Node, usize)> {
    let mut node = root;
    let mut line = root.line;
    for key in path {
        let e = node.entry(key)?;
        node = &e.value;
        line = e.key_line;
    }
    Some((node, line))
}

fn field_from_node(key: String, node: &Node, key_line: usize, secret: bool) -> Field {
    let (val, env_var) = match &node.value {
        NodeValue::Scalar { text, quoted } => {
            if !quoted && node.scalar_type() == Some(ScalarType::Null) {
                (Val::Null, None)
            } else {
                resolve(text, !quoted)
            }
        }
        NodeValue::Map(_) if node.get("secretRef").is_some() => (Val::SecretRef, None),
        _ => (Val::Complex, None),
    };
    Field {
        key,
        line: Some(key_line),
        val,
        env_var,
        secret,
    }
}

fn list_from_node(key: String, node: &Node, key_line: usize) -> ListField {
    let item = |val: Val, line: usize, env_var: Option<String>| Field {
        key: key.clone(),
        line: Some(line),
        val,
        env_var,
        secret: false,
    };
    let head = |val: Val, env_var: Option<String>| Field {
        key: key.clone(),
        line: Some(key_line),
        val,
        env_var,
        secret: false,
    };
    match &node.value {
        NodeValue::Seq(nodes) => ListField {
            field: head(Val::Complex, None),
            items: Some(
                nodes
                    .iter()
                    .map(|n| {
                        let f = field_from_node(key.clone(), n, n.line, false);
                        item(f.val, n.line, f.env_var)
                    })
                    .collect(),
            ),
            is_list: true,
        },
        NodeValue::Scalar { text, quoted } => {
            let r = resolve_raw(text);
            let env_var = r.var.clone();
            match r.text {
                None => ListField {
                    field: head(Val::FromEnv, env_var),
                    items: None,
                    is_list: true,
                },
                Some(t) => {
                    let (items, is_list) = split_list(&t, !quoted);
                    ListField {
                        field: head(Val::Str(t.clone()), env_var.clone()),
                        items: Some(
                            items
                                .into_iter()
                                .map(|s| item(Val::Str(s), node.line, env_var.clone()))
                                .collect(),
                        ),
                        is_list,
                    }
                }
            }
        }
        _ => ListField {
            field: head(Val::Complex, None),
            items: Some(Vec::new()),
            is_list: false,
        },
    }
}

/// Every scalar below `node` (list items under their list's name).
fn collect_values(path: &str, node: &Node, out: &mut Vec<Field>) {
    match &node.value {
        NodeValue::Map(entries) => {
            for e in entries {
                let here = yaml_tree::join(path, &e.key);
                if let NodeValue::Scalar { .. } = e.value.value {
                    let secret = is_secret_name(&e.key);
                    out.push(field_from_node(here, &e.value, e.key_line, secret));
                } else {
                    collect_values(&here, &e.value, out);
                }
            }
        }
        NodeValue::Seq(items) => {
            for n in items {
                if let NodeValue::Scalar { .. } = n.value {
                    out.push(field_from_node(path.to_string(), n, n.line, false));
                } else {
                    collect_values(path, n, out);
                }
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// docker env file

pub fn from_env(file: &EnvFile) -> AuthView {
    let mut fields = HashMap::new();
    for n in NAMES {
        let Some(name) = n.env else { continue };
        if let Some(e) = file.get(name) {
            fields.insert(n.key, env_field(name, &e.value, e.line));
        }
    }
    // A known key on a line too broken to read is there all the same: the syntax finding
    // covers it, and the checks must not also call it missing.
    for (line, key, _) in &file.problems {
        let known = NAMES
            .iter()
            .find(|n| n.env.is_some() && n.env == key.as_deref());
        if let Some(n) = known {
            fields.entry(n.key).or_insert_with(|| Field {
                key: key.clone().unwrap_or_default(),
                line: Some(*line),
                val: Val::Unreadable,
                env_var: None,
                secret: is_secret_name(key.as_deref().unwrap_or_default()),
            });
        }
    }
    // The env format has no oidcConfiguration block; any OIDC_* line stands for it.
    if let Some(first) = file.entries.iter().find(|e| e.key.starts_with("OIDC_")) {
        fields.insert(
            Key::Oidc,
            Field {
                key: "OIDC_*".to_string(),
                line: Some(first.line),
                val: Val::Complex,
                env_var: None,
                secret: false,
            },
        );
    }
    let public_keys = file.get(ENV_PUBLIC_KEYS).map(|e| {
        let head = env_field(ENV_PUBLIC_KEYS, &e.value, e.line);
        let (items, is_list) = match head.text() {
            Some(t) => {
                let (items, is_list) = split_list(t, true);
                let items = items
                    .into_iter()
                    .map(|s| Field {
                        val: Val::Str(s),
                        ..head.clone()
                    })
                    .collect();
                (Some(items), is_list)
            }
            None => (None, true),
        };
        ListField {
            field: head,
            items,
            is_list,
        }
    });
    let values = file
        .entries
        .iter()
        .map(|e| env_field(&e.key, &e.value, e.line))
        .collect();
    AuthView {
        kind: Kind::Env,
        prefix: String::new(),
        block_line: None,
        fields,
        public_keys,
        values,
    }
}

fn env_field(name: &str, raw: &str, line: usize) -> Field {
    let r = resolve_raw(raw);
    Field {
        key: name.to_string(),
        line: Some(line),
        val: r.text.map_or(Val::FromEnv, om_scalar),
        env_var: r.var,
        secret: is_secret_name(name),
    }
}

/// A value that reaches OpenMetadata through an environment variable (env file, Helm values)
/// is pasted into its openmetadata.yaml and read as YAML there: `""` is an empty string and
/// `"yes"` the word yes. omsso writes such values quoted when YAML would misread them.
fn om_scalar(text: String) -> Val {
    let t = text.trim();
    let quoted = t.len() >= 2
        && ((t.starts_with('"') && t.ends_with('"')) || (t.starts_with('\'') && t.ends_with('\'')));
    match serde_yaml::from_str::<String>(t) {
        Ok(inner) if quoted => Val::Str(inner),
        _ => Val::Str(text),
    }
}

// ---------------------------------------------------------------------------------------------
// `${VAR:-default}`

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
fn resolve(raw: &str, plain: bool) -> (Val, Option<String>) {
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
fn split_list(s: &str, yaml_flow: bool) -> (Vec<String>, bool) {
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
