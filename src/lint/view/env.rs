//! The view of a docker env file: each variable mapped back to the setting it feeds.

use std::collections::HashMap;

use super::substitution::{om_scalar, resolve_raw, split_list};
use super::{
    is_secret_name, AuthView, Field, Key, ListField, Principals, Val, ADMINS_NAMES, CLAIMS_NAMES,
    DOMAIN_NAMES, ENV_PUBLIC_KEYS, MAPPING_NAMES, NAMES,
};
use crate::lint::env_file::EnvFile;
use crate::lint::Kind;

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
    let public_keys = env_list(file, ENV_PUBLIC_KEYS);
    let principals = Principals {
        admins: env_list(file, ADMINS_NAMES.1),
        domain: file
            .get(DOMAIN_NAMES.1)
            .map(|e| env_field(&e.key, &e.value, e.line)),
        claims: env_list(file, CLAIMS_NAMES.1),
        mapping: env_list(file, MAPPING_NAMES.1),
        authorizer_line: None,
    };
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
        principals,
        authz_prefix: String::new(),
    }
}

/// A list variable (`[a, b]`), read as the server's YAML reads it.
fn env_list(file: &EnvFile, name: &str) -> Option<ListField> {
    file.get(name).map(|e| {
        let head = env_field(name, &e.value, e.line);
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
    })
}

/// The value of variable `name`, as the server gets it (for settings outside the auth blocks,
/// such as `JWT_KEY_ID`).
pub fn env_value(file: &EnvFile, name: &str) -> Option<Field> {
    file.get(name).map(|e| env_field(name, &e.value, e.line))
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
