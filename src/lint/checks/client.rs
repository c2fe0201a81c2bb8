//! Public vs confidential: what each client type needs, and no mix of the two flows.

use crate::lint::finding::{Report, Severity};
use crate::lint::registry::*;
use crate::lint::view::{AuthView, Field, Key, Val};
use crate::lint::Kind;

pub(super) fn client_type(v: &AuthView, r: &mut Report) {
    let name = v.name(Key::ClientType);
    let field = v.get(Key::ClientType).filter(|f| !f.is_blank());
    let value = match field.map(|f| &f.val) {
        Some(Val::FromEnv) => return,
        Some(Val::Str(s)) => s.trim().to_string(),
        _ => "public".to_string(),
    };
    let shown = field.map_or("`public` (the default)".to_string(), Field::shown);
    match value.as_str() {
        "public" => public_client(v, r, &name, &shown, field),
        "confidential" => confidential_client(v, r),
        _ => r.on(
            field.expect("a value came from the field"),
            CLIENT_TYPE_INVALID,
            Severity::Error,
            format!("{name} is {shown}: it must be public or confidential"),
            format!("write {name}: confidential for Keycloak's confidential client"),
        ),
    }
}

/// Whether the file configures the confidential (server-side) OIDC flow.
fn oidc_in_use(v: &AuthView) -> Option<&Field> {
    if v.kind == Kind::Helm {
        return v.get(Key::OidcEnabled).filter(|f| f.text() == Some("true"));
    }
    [Key::OidcSecret, Key::OidcId, Key::OidcDiscovery]
        .into_iter()
        .filter_map(|k| v.get(k))
        .find(|f| !f.is_blank())
}

fn public_client(v: &AuthView, r: &mut Report, name: &str, shown: &str, field: Option<&Field>) {
    if let Some(oidc) = oidc_in_use(v) {
        let what = match v.kind {
            Kind::Helm => format!(
                "{} is true, but the chart renders the OIDC_* settings only for confidential \
                 clients and the UI falls back to the browser (implicit) flow",
                oidc.key
            ),
            _ => format!(
                "{} is set, but a public client uses the browser (implicit) flow and ignores \
                 the server-side OIDC settings; a secret on a public client fails",
                oidc.key
            ),
        };
        r.add(
            PUBLIC_WITH_OIDC,
            Severity::Error,
            field.and_then(|f| f.line).or(oidc.line),
            format!("{name} is {shown} and {what}"),
            format!(
                "pick one flow: {name}: confidential for Keycloak's confidential client (the \
                 usual setup), or drop the OIDC settings for a public one"
            ),
        );
        return;
    }
    let cb = v.name(Key::CallbackUrl);
    if v.get(Key::CallbackUrl).is_none_or(Field::is_blank) {
        r.add(
            MISSING_KEY,
            Severity::Error,
            v.line_of(Key::CallbackUrl),
            format!("{cb} is empty: a public client needs it"),
            format!("set {cb} to OpenMetadata's URL + /callback, e.g. https://openmetadata.example.com/callback"),
        );
    }
}

fn confidential_client(v: &AuthView, r: &mut Report) {
    if !oidc_block(v, r) {
        return;
    }
    credentials(v, r);
    external_urls(v, r);
    schema_extras(v, r);
}

/// Reports `key` when it is missing or empty: `why` it is needed, and `hint` after "set KEY".
fn require(
    v: &AuthView,
    r: &mut Report,
    key: Key,
    (check, sev): (CheckInfo, Severity),
    why: &str,
    hint: &str,
) {
    let name = v.name(key);
    match v.get(key) {
        None => r.add(
            check,
            sev,
            v.line_of(key),
            format!("{name} is missing: {why}"),
            format!("set {name}{hint}"),
        ),
        Some(f) if f.is_blank() => r.on(
            f,
            check,
            sev,
            format!("{name} is empty: {why}"),
            format!("set {name}{hint}"),
        ),
        Some(_) => {}
    }
}

/// The block that holds the confidential settings: false when it is missing altogether (an
/// openmetadata.yaml without oidcConfiguration), so nothing inside it is reported again.
fn oidc_block(v: &AuthView, r: &mut Report) -> bool {
    match v.kind {
        Kind::Yaml if v.get(Key::Oidc).is_none() => {
            let name = v.name(Key::Oidc);
            r.add(
                MISSING_KEY,
                Severity::Error,
                v.block_line,
                format!("{name} is missing: a confidential client needs it"),
                format!("add {name} with id, secret, discoveryUri, callbackUrl and serverUrl"),
            );
            return false;
        }
        Kind::Helm if v.get(Key::OidcEnabled).and_then(Field::text) != Some("true") => {
            let name = v.name(Key::OidcEnabled);
            let state = v.get(Key::OidcEnabled).map_or(
                "missing (the chart default is false)".to_string(),
                Field::shown,
            );
            r.add(
                HELM_OIDC_NOT_ENABLED,
                Severity::Error,
                v.line_of(Key::OidcEnabled),
                format!(
                    "{name} is {state}: the chart renders the OIDC_* settings only when it is \
                     true, so the confidential login has no client id, secret or discovery URI"
                ),
                format!("set {name}: true"),
            );
        }
        _ => {}
    }
    true
}

/// The client id, the secret and the discovery URI.
fn credentials(v: &AuthView, r: &mut Report) {
    // In Helm the chart defaults clientId/clientSecret to Secret references, so only an
    // explicitly emptied one is a problem there.
    let helm_default = |k| v.kind == Kind::Helm && v.get(k).is_none();
    if !helm_default(Key::OidcId) {
        require(
            v,
            r,
            Key::OidcId,
            (MISSING_KEY, Severity::Error),
            "a confidential client needs the Keycloak client id",
            match v.kind {
                Kind::Helm => ": {secretRef: oidc-secrets, secretKey: openmetadata-oidc-client-id}",
                _ => " to the Keycloak client id",
            },
        );
    }
    if !helm_default(Key::OidcSecret) {
        require(
            v,
            r,
            Key::OidcSecret,
            (CONFIDENTIAL_WITHOUT_SECRET, Severity::Error),
            "a confidential client authenticates with its secret, and Keycloak rejects the \
             code exchange without it",
            match v.kind {
                Kind::Helm => {
                    ": {secretRef: oidc-secrets, secretKey: openmetadata-oidc-client-secret}"
                }
                _ => " to the secret from the client's Credentials tab in Keycloak (omsso keycloak fetch reads it)",
            },
        );
    }
    require(
        v,
        r,
        Key::OidcDiscovery,
        (MISSING_KEY, Severity::Error),
        "the server finds Keycloak's endpoints through it",
        " to <keycloak>/realms/<realm>/.well-known/openid-configuration",
    );
}

/// The callback and server URLs, which default to addresses only a local setup reaches.
fn external_urls(v: &AuthView, r: &mut Report) {
    let (callback_default, server_default) = match v.kind {
        Kind::Env => ("http://localhost:8585/callback", "http://localhost:8585"),
        Kind::Helm => (
            "http://openmetadata:8585/callback",
            "http://openmetadata:8585",
        ),
        Kind::Yaml => ("", ""),
    };
    for (key, default, example) in [
        (
            Key::OidcCallback,
            callback_default,
            "https://openmetadata.example.com/callback",
        ),
        (
            Key::OidcServer,
            server_default,
            "https://openmetadata.example.com",
        ),
    ] {
        let why = if default.is_empty() {
            "the server has no URL for the login flow".to_string()
        } else {
            format!("the default {default} only works if browsers reach OpenMetadata there")
        };
        require(
            v,
            r,
            key,
            (MISSING_KEY, Severity::Warning),
            &why,
            &format!(" to OpenMetadata's external URL, e.g. {example}"),
        );
    }
}

/// Keys the schema wants even though Keycloak gives them no meaning.
fn schema_extras(v: &AuthView, r: &mut Report) {
    // The schema wants the key present; Keycloak has no tenant, so "" is right.
    if v.kind == Kind::Yaml && v.get(Key::OidcTenant).is_none() {
        let name = v.name(Key::OidcTenant);
        r.add(
            MISSING_KEY,
            Severity::Warning,
            v.line_of(Key::OidcTenant),
            format!("{name} is missing: OpenMetadata's schema requires it"),
            format!("add {name}: \"\" (Keycloak has no tenant)"),
        );
    }
    if v.kind != Kind::Helm {
        require(
            v,
            r,
            Key::ProviderName,
            (MISSING_KEY, Severity::Warning),
            "the schema requires it and the login button shows it",
            " to a display name, e.g. Keycloak",
        );
    }
}
