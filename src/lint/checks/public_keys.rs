//! publicKeyUrls: a list holding both the realm's keys and OpenMetadata's own JWKS.

use super::{CERTS_PATH, OM_JWKS_PATH};
use crate::lint::finding::{Report, Severity};
use crate::lint::registry::*;
use crate::lint::view::{AuthView, Field};
use crate::lint::Kind;

pub(super) fn public_keys(v: &AuthView, r: &mut Report) {
    let name = v.public_keys_name();
    let Some(list) = &v.public_keys else {
        missing(v, &name, r);
        return;
    };
    let Some(items) = &list.items else { return };
    if !list.is_list && !items.is_empty() {
        r.on(
            &list.field,
            PUBLIC_KEYS_NOT_LIST,
            Severity::Error,
            format!("{name} is a single value, but OpenMetadata reads a list"),
            match v.kind {
                Kind::Env => format!("write {name}=[url1, url2] with the brackets"),
                _ => format!("write {name} as a list: one `- url` per line"),
            },
        );
    }
    let texts: Vec<&str> = items
        .iter()
        .filter_map(Field::text)
        .map(str::trim)
        .collect();
    if texts.is_empty() {
        r.on(
            &list.field,
            PUBLIC_KEYS_MISSING,
            Severity::Error,
            format!("{name} is empty: no token can be validated"),
            format!(
                "list both <keycloak>/realms/<realm>{CERTS_PATH} and <openmetadata>{OM_JWKS_PATH}"
            ),
        );
        return;
    }
    lists_both(&list.field, &name, &texts, r);
}

/// No publicKeyUrls at all: only the format's default, which lacks the realm's keys.
fn missing(v: &AuthView, name: &str, r: &mut Report) {
    let default = match v.kind {
        Kind::Env => " (compose then passes only OpenMetadata's own JWKS)",
        Kind::Helm => " (the chart default lists only OpenMetadata's own JWKS)",
        Kind::Yaml => "",
    };
    r.add(
        PUBLIC_KEYS_MISSING,
        Severity::Error,
        v.block_line,
        format!("{name} is missing{default}: tokens signed by Keycloak fail with \"No key found with kid\""),
        format!(
            "set {name} to [<keycloak>/realms/<realm>{CERTS_PATH}, <openmetadata>{OM_JWKS_PATH}]"
        ),
    );
}

/// The list names both key sets a Keycloak login needs.
fn lists_both(field: &Field, name: &str, texts: &[&str], r: &mut Report) {
    if !texts
        .iter()
        .any(|t| t.trim_end_matches('/').ends_with(OM_JWKS_PATH))
    {
        r.on(
            field,
            PUBLIC_KEYS_NO_OM_JWKS,
            Severity::Error,
            format!(
                "{name} lacks OpenMetadata's own {OM_JWKS_PATH}: tokens OpenMetadata issues \
                 itself (bots, sessions) fail with \"No key found with kid\""
            ),
            format!(
                "add <openmetadata-url>{OM_JWKS_PATH}, e.g. http://localhost:8585{OM_JWKS_PATH}"
            ),
        );
    }
    if !texts.iter().any(|t| is_realm_certs(t)) {
        r.on(
            field,
            PUBLIC_KEYS_NO_REALM_CERTS,
            Severity::Error,
            format!(
                "{name} lacks the Keycloak realm's keys (<keycloak>/realms/<realm>{CERTS_PATH}): \
                 Keycloak-signed tokens fail with \"JWT Token keyID doesn't match\""
            ),
            format!(
                "add <keycloak>/realms/<realm>{CERTS_PATH}, with the Keycloak address the \
                 OpenMetadata server reaches"
            ),
        );
    }
}

fn is_realm_certs(url: &str) -> bool {
    url.contains("/realms/") && url.trim_end_matches('/').ends_with(CERTS_PATH)
}
