//! The view of openmetadata.yaml and Helm values, read from the YAML tree with its lines.

use std::collections::HashMap;

use super::substitution::{om_scalar, resolve, resolve_raw, split_list};
use super::{
    is_secret_name, AuthView, Field, Key, ListField, Principals, Val, ADMINS_NAMES, CLAIMS_NAMES,
    DOMAIN_NAMES, HELM_PUBLIC_KEYS, MAPPING_NAMES, NAMES, YAML_PUBLIC_KEYS,
};
use crate::lint::yaml_tree::{self, Node, NodeValue, ScalarType};
use crate::lint::Kind;

/// Builds the view from a YAML document whose auth block sits at `auth_path` and its
/// authorizer block at `authz_path` (whose values get the generic checks too).
pub fn from_yaml(
    kind: Kind,
    root: &Node,
    auth_path: &[&str],
    authz_path: &[&str],
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
    let authz_prefix = authz_path.join(".");
    let authz = locate(root, authz_path);
    if let Some((node, _)) = authz {
        collect_values(&authz_prefix, node, &mut values);
    }
    let pick = |names: (&'static str, &'static str, &'static str)| -> &'static str {
        if kind == Kind::Helm {
            names.2
        } else {
            names.0
        }
    };
    let list = |node: &Node, prefix: &str, names| {
        node.entry(pick(names))
            .map(|e| list_from_node(yaml_tree::join(prefix, pick(names)), &e.value, e.key_line))
    };
    let principals = Principals {
        admins: authz.and_then(|(n, _)| list(n, &authz_prefix, ADMINS_NAMES)),
        domain: authz.and_then(|(n, _)| {
            let key = pick(DOMAIN_NAMES);
            n.entry(key).map(|e| {
                field_from_node(
                    yaml_tree::join(&authz_prefix, key),
                    &e.value,
                    e.key_line,
                    false,
                )
            })
        }),
        claims: list(auth, &prefix, CLAIMS_NAMES),
        mapping: list(auth, &prefix, MAPPING_NAMES),
        authorizer_line: authz.map(|(_, line)| line),
    };
    Some(AuthView {
        kind,
        prefix,
        block_line: Some(block_line),
        fields,
        public_keys,
        values,
        principals,
        authz_prefix,
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

/// The single value at `path` below `root`, named by its dotted path (for settings outside the
/// auth blocks, such as `jwtTokenConfiguration.keyId`).
pub fn field_at(root: &Node, path: &[&str]) -> Option<Field> {
    let (node, line) = locate(root, path)?;
    Some(field_from_node(path.join("."), node, line, false))
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
