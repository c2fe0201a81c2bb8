//! The semantic checks, written once against [`AuthView`] for all three formats. Each finding
//! has a stable id (the constants below); the reasons come from
//! reference/openmetadata/NOTES.md: the doc bugs of §1–3, the URLs of §4, the user problems
//! of §6.

use super::finding::{Report, Severity};
use super::view::{AuthView, Field, Key, Val};
use super::Kind;

pub const PLACEHOLDER: &str = "placeholder";
pub const KEY_IN_VALUE: &str = "key-in-value";
pub const PROVIDER_INVALID: &str = "provider-invalid";
pub const PROVIDER_NOT_CUSTOM_OIDC: &str = "provider-not-custom-oidc";
pub const SSO_NOT_CONFIGURED: &str = "sso-not-configured";
pub const NOT_KEYCLOAK: &str = "not-keycloak";
pub const MISSING_KEY: &str = "missing-key";
pub const CLIENT_TYPE_INVALID: &str = "client-type-invalid";
pub const PUBLIC_WITH_OIDC: &str = "public-with-oidc";
pub const CONFIDENTIAL_WITHOUT_SECRET: &str = "confidential-without-secret";
pub const HELM_OIDC_NOT_ENABLED: &str = "helm-oidc-not-enabled";
pub const PUBLIC_KEYS_MISSING: &str = "public-keys-missing";
pub const PUBLIC_KEYS_NOT_LIST: &str = "public-keys-not-list";
pub const PUBLIC_KEYS_NO_OM_JWKS: &str = "public-keys-no-om-jwks";
pub const PUBLIC_KEYS_NO_REALM_CERTS: &str = "public-keys-no-realm-certs";
pub const AUTHORITY_NOT_ISSUER: &str = "authority-not-issuer";
pub const DISCOVERY_URI_INVALID: &str = "discovery-uri-invalid";
pub const REALM_PATH_MIXED: &str = "realm-path-mixed";
pub const REALM_MISMATCH: &str = "realm-mismatch";
pub const MASTER_REALM: &str = "master-realm";
pub const URL_INVALID: &str = "url-invalid";
pub const LOCALHOST_FROM_CONTAINER: &str = "localhost-from-container";
pub const CALLBACK_AUTH_CALLBACK: &str = "callback-auth-callback";
pub const CALLBACK_PATH: &str = "callback-path";
pub const CALLBACK_SERVER_MISMATCH: &str = "callback-server-mismatch";
pub const CUSTOM_PARAMS_EMPTY: &str = "custom-params-empty";
pub const PRINCIPAL_DOMAIN_EXAMPLE: &str = "principal-domain-example";

/// OpenMetadata's own JWKS path, with its leading slash.
const OM_JWKS_PATH: &str = crate::openmetadata::server::OWN_JWKS_URL_PATH;
const CERTS_PATH: &str = "/protocol/openid-connect/certs";
const DISCOVERY_PATH: &str = "/.well-known/openid-configuration";

/// Every `provider` value OpenMetadata accepts (authProvider enum).
const PROVIDERS: &[&str] = &[
    "basic",
    "azure",
    "google",
    "okta",
    "auth0",
    "aws-cognito",
    "custom-oidc",
    "ldap",
    "saml",
    "openmetadata",
];
/// Providers that log in through an OIDC identity provider other than a custom one.
const OTHER_OIDC: &[&str] = &["azure", "google", "okta", "auth0", "aws-cognito"];

pub fn run(v: &AuthView, r: &mut Report) {
    values(v, r);
    if !provider(v, r) {
        return;
    }
    client_type(v, r);
    public_keys(v, r);
    keycloak_urls(v, r);
    callbacks(v, r);
    custom_params(v, r);
    principal_domain(v, r);
}

// ---------------------------------------------------------------------------------------------
// Any value

/// Placeholders left from the docs and a key repeated inside its own value.
fn values(v: &AuthView, r: &mut Report) {
    let authority = v.name(Key::Authority);
    for f in &v.values {
        let Some(text) = f.text() else { continue };
        let leaf = f.key.rsplit('.').next().unwrap_or(&f.key);
        if let Some(repeat) = repeated_key(text, leaf, v.kind) {
            r.on(
                f,
                KEY_IN_VALUE,
                Severity::Error,
                format!(
                    "the value of {} starts with `{repeat}`: the key is repeated inside the value \
                     (a bug copied from OpenMetadata's docs)",
                    f.key
                ),
                format!("keep only what follows `{repeat}`"),
            );
            r.flaw(f.line);
            continue;
        }
        if let Some(ph) = placeholder(text).filter(|_| f.key != authority) {
            let shown = if f.secret {
                "<redacted>".to_string()
            } else {
                format!("`{ph}`")
            };
            let hint = if ph == text.trim() && ph.contains("://") {
                "remove the braces: they mark a placeholder in the docs, not literal text"
                    .to_string()
            } else {
                "replace the placeholder, braces included, with the real value".to_string()
            };
            r.on(
                f,
                PLACEHOLDER,
                Severity::Error,
                format!("{} still holds the docs' placeholder {shown}", f.key),
                hint,
            );
            r.flaw(f.line);
        }
    }
}

/// `KEY=…` or `key: …` at the start of KEY's own value; in an env file any `SOME_KEY=`.
fn repeated_key(text: &str, leaf: &str, kind: Kind) -> Option<String> {
    let t = text.trim_start();
    for sep in ['=', ':'] {
        let own = format!("{leaf}{sep}");
        if t.starts_with(&own) && !t[own.len()..].starts_with("//") {
            return Some(own);
        }
    }
    if kind == Kind::Env {
        let name_len = t
            .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
            .unwrap_or(t.len());
        if name_len > 1 && t[name_len..].starts_with('=') {
            return Some(t[..=name_len].to_string());
        }
    }
    None
}

/// `{your domain}`, `{Client ID}`, `<client-id>`: text the docs meant to be replaced.
/// `${VAR}` references were resolved before, and JSON values (`{}`, `{"a": 1}`) are not
/// placeholders.
fn placeholder(text: &str) -> Option<&str> {
    for (open, close) in [('{', '}'), ('<', '>')] {
        let mut from = 0;
        while let Some(i) = text[from..].find(open).map(|i| i + from) {
            let Some(j) = text[i..].find(close).map(|j| j + i) else {
                break;
            };
            let inner = &text[i + 1..j];
            let wordy = !inner.trim().is_empty()
                && !inner.contains(['"', '\'', '{', '<'])
                && (open == '{'
                    || inner
                        .chars()
                        .all(|c| c.is_alphanumeric() || " -_.".contains(c)));
            if wordy {
                return Some(&text[i..=j]);
            }
            from = i + 1;
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// provider

/// Returns false when the Keycloak checks do not apply (the file configures another login).
fn provider(v: &AuthView, r: &mut Report) -> bool {
    let name = v.name(Key::Provider);
    let field = v.get(Key::Provider).filter(|f| !f.is_blank());
    let value = match field.map(|f| &f.val) {
        Some(Val::FromEnv) => return true,
        Some(Val::Str(s)) => s.trim().to_string(),
        _ => {
            if v.kind == Kind::Yaml {
                r.add(
                    MISSING_KEY,
                    Severity::Error,
                    v.block_line,
                    format!("{name} is missing; OpenMetadata's schema requires it"),
                    format!("add {name}: custom-oidc"),
                );
                return true;
            }
            // Compose and the chart default to basic (user/password) login.
            "basic".to_string()
        }
    };
    let shown = field.map_or(format!("`{value}` (the default)"), |f| f.shown());
    if value == "custom-oidc" {
        return true;
    }
    if !PROVIDERS.contains(&value.as_str()) || (v.kind == Kind::Helm && value == "openmetadata") {
        let why = if value.eq_ignore_ascii_case("keycloak") {
            "Keycloak is configured as a custom OIDC provider; there is no `keycloak` provider"
        } else {
            "not one of basic, azure, google, okta, auth0, aws-cognito, custom-oidc, ldap, saml"
        };
        let f = field.expect("a value came from the field");
        r.on(
            f,
            PROVIDER_INVALID,
            Severity::Error,
            format!("{name} is {shown}: {why}"),
            format!("write {name}: custom-oidc (and name it in the provider name setting)"),
        );
        return true;
    }
    if OTHER_OIDC.contains(&value.as_str()) {
        r.add(
            NOT_KEYCLOAK,
            Severity::Info,
            v.line_of(Key::Provider),
            format!("{name} is {shown}: this is not a Keycloak login, so the Keycloak checks were skipped"),
            "for Keycloak, use custom-oidc",
        );
        return false;
    }
    if looks_like_keycloak(v) {
        let msg = format!(
            "{name} is {shown} but the file configures Keycloak: OpenMetadata keeps its {value} \
             login page and ignores the SSO settings"
        );
        let hint = format!("set {name} to custom-oidc");
        match field {
            Some(f) => r.on(f, PROVIDER_NOT_CUSTOM_OIDC, Severity::Error, msg, hint),
            None => r.add(
                PROVIDER_NOT_CUSTOM_OIDC,
                Severity::Error,
                v.block_line,
                msg,
                hint,
            ),
        }
        return true;
    }
    let note = match field.and_then(|f| f.env_var.as_deref()) {
        Some(var) => format!(
            "; it comes from ${{{var}}}, so lint the env file or values that set {var} as well"
        ),
        None => String::new(),
    };
    r.add(
        SSO_NOT_CONFIGURED,
        Severity::Info,
        v.line_of(Key::Provider),
        format!("{name} is {shown}: no SSO is configured here, so the Keycloak checks were skipped{note}"),
        "for Keycloak SSO set the provider to custom-oidc (omsso render writes the whole block)",
    );
    false
}

fn looks_like_keycloak(v: &AuthView) -> bool {
    let realm_url = |k| v.text(k).is_some_and(|t| t.contains("/realms/"));
    realm_url(Key::Authority)
        || realm_url(Key::OidcDiscovery)
        || v.text(Key::OidcType)
            .is_some_and(|t| t.to_ascii_lowercase().contains("keycloak"))
        || v.public_keys.as_ref().is_some_and(|l| {
            l.items
                .iter()
                .flatten()
                .any(|i| i.text().is_some_and(|t| t.contains("/realms/")))
        })
}

// ---------------------------------------------------------------------------------------------
// public vs confidential

fn client_type(v: &AuthView, r: &mut Report) {
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
    let require =
        |r: &mut Report, key: Key, check: &'static str, sev: Severity, why: &str, hint: &str| {
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
        };
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
            return;
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
    // In Helm the chart defaults clientId/clientSecret to Secret references, so only an
    // explicitly emptied one is a problem there.
    let helm_default = |k| v.kind == Kind::Helm && v.get(k).is_none();
    if !helm_default(Key::OidcId) {
        require(
            r,
            Key::OidcId,
            MISSING_KEY,
            Severity::Error,
            "a confidential client needs the Keycloak client id",
            match v.kind {
                Kind::Helm => ": {secretRef: oidc-secrets, secretKey: openmetadata-oidc-client-id}",
                _ => " to the Keycloak client id",
            },
        );
    }
    if !helm_default(Key::OidcSecret) {
        require(
            r,
            Key::OidcSecret,
            CONFIDENTIAL_WITHOUT_SECRET,
            Severity::Error,
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
        r,
        Key::OidcDiscovery,
        MISSING_KEY,
        Severity::Error,
        "the server finds Keycloak's endpoints through it",
        " to <keycloak>/realms/<realm>/.well-known/openid-configuration",
    );
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
            r,
            key,
            MISSING_KEY,
            Severity::Warning,
            &why,
            &format!(" to OpenMetadata's external URL, e.g. {example}"),
        );
    }
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
            r,
            Key::ProviderName,
            MISSING_KEY,
            Severity::Warning,
            "the schema requires it and the login button shows it",
            " to a display name, e.g. Keycloak",
        );
    }
}

// ---------------------------------------------------------------------------------------------
// publicKeyUrls

fn public_keys(v: &AuthView, r: &mut Report) {
    let name = v.public_keys_name();
    let Some(list) = &v.public_keys else {
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
    if !texts
        .iter()
        .any(|t| t.trim_end_matches('/').ends_with(OM_JWKS_PATH))
    {
        r.on(
            &list.field,
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
            &list.field,
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

// ---------------------------------------------------------------------------------------------
// Keycloak URLs: authority, discovery, realm certs

/// A URL of the form `<base>[/auth]/realms/<realm><tail>`.
struct RealmUrl<'a> {
    field: &'a Field,
    auth_prefix: bool,
    realm: &'a str,
    tail: &'a str,
}

fn realm_url(field: &Field) -> Option<RealmUrl<'_>> {
    let text = field.text()?.trim();
    let i = text.find("/realms/")?;
    let after = &text[i + "/realms/".len()..];
    // A `{your-realm-name}` placeholder is one realm name, slashes or not.
    let end = if after.starts_with('{') {
        after.find('}').map_or(after.len(), |i| i + 1)
    } else {
        after
            .find(|c: char| matches!(c, '/' | '?' | '#' | '}' | '"' | '\'') || c.is_whitespace())
            .unwrap_or(after.len())
    };
    Some(RealmUrl {
        field,
        auth_prefix: text[..i].ends_with("/auth"),
        realm: &after[..end],
        tail: &after[end..],
    })
}

fn keycloak_urls(v: &AuthView, r: &mut Report) {
    let authority = v.get(Key::Authority).filter(|f| f.text().is_some());
    let discovery = v.get(Key::OidcDiscovery).filter(|f| !f.is_blank());
    if let Some(a) = authority {
        authority_is_issuer(v, a, r);
    }
    if let Some(d) = discovery {
        discovery_shape(v, d, r);
    }
    let certs: Vec<&Field> = v
        .public_keys
        .iter()
        .flat_map(|l| l.items.iter().flatten())
        .filter(|f| f.text().is_some_and(|t| t.contains("/realms/")))
        .collect();
    for f in v.public_keys.iter().flat_map(|l| l.items.iter().flatten()) {
        url_syntax(f, r);
    }

    // Every Keycloak URL must agree with the authority (or, without one, the first URL) on
    // the /auth prefix and on the realm.
    let urls: Vec<RealmUrl> = authority
        .into_iter()
        .chain(discovery)
        .chain(certs.iter().copied())
        .filter_map(realm_url)
        .collect();
    let Some(reference) = urls.first() else {
        return;
    };
    for u in &urls[1..] {
        if u.auth_prefix != reference.auth_prefix {
            let style = |p: bool| if p { "/auth/realms/" } else { "/realms/" };
            r.on(
                u.field,
                REALM_PATH_MIXED,
                Severity::Error,
                format!(
                    "{} uses {} but {} uses {}: a Keycloak serves only one of them",
                    u.field.key,
                    style(u.auth_prefix),
                    reference.field.key,
                    style(reference.auth_prefix)
                ),
                "use /realms/ for Keycloak 17 and later (Quarkus), /auth/realms/ only for older \
                 ones or one started with --http-relative-path=/auth; check what yours serves",
            );
        }
        if u.realm != reference.realm {
            r.on(
                u.field,
                REALM_MISMATCH,
                Severity::Error,
                format!(
                    "{} points at realm `{}` but {} at realm `{}`",
                    u.field.key, u.realm, reference.field.key, reference.realm
                ),
                "use the one realm that holds the OpenMetadata client everywhere",
            );
        }
    }
    if reference.realm == "master" {
        r.on(
            reference.field,
            MASTER_REALM,
            Severity::Warning,
            format!("{} uses the `master` realm", reference.field.key),
            "create a realm for your users and the OpenMetadata client; master is for \
             administering Keycloak",
        );
    }
    // The authority is the browser's address for Keycloak; only the URLs the server fetches
    // itself must be reachable from its container.
    if v.kind != Kind::Yaml {
        for f in discovery.into_iter().chain(certs) {
            localhost_from_container(v, f, r);
        }
    }
}

/// The authority must equal the realm's discovery `issuer` byte for byte. A placeholder left
/// in it is reported here, as the reason it cannot be the issuer, rather than by the generic
/// placeholder check.
fn authority_is_issuer(v: &AuthView, a: &Field, r: &mut Report) {
    let name = v.name(Key::Authority);
    let text = a.text().unwrap_or_default().trim();
    let ph = placeholder(text);
    let mut problems = Vec::new();
    if let Some(ph) = ph {
        problems.push(format!("still holds the docs' placeholder `{ph}`"));
    }
    match realm_url(a) {
        Some(u) if u.tail == "/protocol/openid-connect/auth" => problems.push(format!(
            "ends in {}, Keycloak's authorization endpoint, not the realm's issuer",
            u.tail
        )),
        Some(u) if u.tail.starts_with('/') => problems.push(format!(
            "has `{}` after the realm, where the issuer ends",
            u.tail
        )),
        _ if ph.is_some() || r.is_flawed(a) => {}
        Some(u) => {
            if !u.tail.is_empty() || !is_http_url(text) {
                problems.push(format!("is {}, not an http(s) URL", a.shown()));
            }
        }
        None => problems.push(format!(
            "is {}, not a Keycloak realm issuer (…/realms/<realm>)",
            a.shown()
        )),
    }
    if problems.is_empty() {
        return;
    }
    let hint = if ph.is_some_and(|p| p == text && p.contains("://")) {
        "remove the braces: they mark a placeholder in the docs, not literal text"
    } else {
        "set it to the realm's issuer, <keycloak>/realms/<realm>, exactly as the `issuer` of \
         its .well-known/openid-configuration"
    };
    r.on(
        a,
        AUTHORITY_NOT_ISSUER,
        Severity::Error,
        format!("{name} {}", problems.join(" and ")),
        hint,
    );
    r.flaw(a.line);
}

fn discovery_shape(v: &AuthView, d: &Field, r: &mut Report) {
    let name = v.name(Key::OidcDiscovery);
    let hint = format!("set it to <keycloak>/realms/<realm>{DISCOVERY_PATH}");
    match realm_url(d) {
        Some(u) if u.tail == DISCOVERY_PATH => url_syntax(d, r),
        Some(_) if r.is_flawed(d) => {}
        Some(u) => r.on(
            d,
            DISCOVERY_URI_INVALID,
            Severity::Error,
            format!(
                "{name} has `{}` after the realm instead of {DISCOVERY_PATH}",
                u.tail
            ),
            hint,
        ),
        None if r.is_flawed(d) => {}
        None => r.on(
            d,
            DISCOVERY_URI_INVALID,
            Severity::Error,
            format!(
                "{name} is {}: not a Keycloak realm's discovery URL",
                d.shown()
            ),
            hint,
        ),
    }
}

/// The OpenMetadata server fetches the discovery document and the realm keys itself; in a
/// container `localhost` is the container (NOTES §6 item 8).
fn localhost_from_container(v: &AuthView, f: &Field, r: &mut Report) {
    let Some(host) = f
        .text()
        .and_then(|t| url::Url::parse(t.trim()).ok())
        .and_then(|u| u.host_str().map(str::to_string))
    else {
        return;
    };
    if matches!(host.as_str(), "localhost" | "127.0.0.1" | "[::1]") {
        let place = if v.kind == Kind::Helm {
            "pod"
        } else {
            "container"
        };
        r.on(
            f,
            LOCALHOST_FROM_CONTAINER,
            Severity::Warning,
            format!(
                "{} points at {host}, but the OpenMetadata server fetches it from inside its \
                 {place}, where {host} is the {place} itself",
                f.key
            ),
            "use the Keycloak address the server reaches, e.g. http://keycloak:8080 in compose, \
             the Keycloak Service name in Kubernetes, or host.docker.internal",
        );
    }
}

fn is_http_url(text: &str) -> bool {
    url::Url::parse(text)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

fn url_syntax(f: &Field, r: &mut Report) {
    let Some(text) = f.text() else { return };
    if text.trim().is_empty() || r.is_flawed(f) || is_http_url(text.trim()) {
        return;
    }
    r.on(
        f,
        URL_INVALID,
        Severity::Error,
        format!("{} holds {}, which is not an http(s) URL", f.key, f.shown()),
        "write the full URL, starting with http:// or https://",
    );
    r.flaw(f.line);
}

// ---------------------------------------------------------------------------------------------
// callbacks

fn callbacks(v: &AuthView, r: &mut Report) {
    for key in [Key::CallbackUrl, Key::OidcCallback, Key::OidcServer] {
        if let Some(f) = v.get(key).filter(|f| !f.is_blank()) {
            url_syntax(f, r);
        }
    }
    for key in [Key::CallbackUrl, Key::OidcCallback] {
        let Some(f) = v.get(key).filter(|f| !f.is_blank() && !r.is_flawed(f)) else {
            continue;
        };
        let Some(url) = f.text().and_then(|t| url::Url::parse(t.trim()).ok()) else {
            continue;
        };
        let path = url.path().trim_end_matches('/');
        if path.ends_with("/auth/callback") {
            r.on(
                f,
                CALLBACK_AUTH_CALLBACK,
                Severity::Error,
                format!(
                    "{} ends in /auth/callback: that is OpenMetadata's UI route, not the \
                     server's /callback endpoint that exchanges the code",
                    f.key
                ),
                "use <openmetadata-url>/callback here and in the Keycloak client's Valid \
                 Redirect URIs; never register /auth/callback",
            );
        } else if !path.ends_with("/callback") {
            r.on(
                f,
                CALLBACK_PATH,
                Severity::Warning,
                format!("{} does not end in /callback", f.key),
                "OpenMetadata handles the login at <openmetadata-url>/callback",
            );
        }
    }
    let origin = |k| {
        v.get(k)
            .filter(|f| !r.is_flawed(f))
            .and_then(Field::text)
            .and_then(|t| url::Url::parse(t.trim()).ok())
            .map(|u| u.origin().ascii_serialization())
    };
    if let (Some(cb), Some(server)) = (origin(Key::OidcCallback), origin(Key::OidcServer)) {
        if cb != server {
            let f = v.get(Key::OidcCallback).expect("has an origin");
            r.on(
                f,
                CALLBACK_SERVER_MISMATCH,
                Severity::Warning,
                format!(
                    "{} is on {cb} but {} is {server}: both should be OpenMetadata's external URL",
                    f.key,
                    v.name(Key::OidcServer)
                ),
                "set the callback to <server-url>/callback",
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// the rest

/// `customParams: ""` breaks the server's config parsing (NOTES §6 item 6).
fn custom_params(v: &AuthView, r: &mut Report) {
    if v.kind == Kind::Env {
        // Compose's `${OIDC_CUSTOM_PARAMS:-{}}` turns an empty value into `{}`.
        return;
    }
    if let Some(f) = v.get(Key::CustomParams) {
        if f.text() == Some("") {
            r.on(
                f,
                CUSTOM_PARAMS_EMPTY,
                Severity::Error,
                format!(
                    "{} is \"\": OpenMetadata fails with \"Cannot coerce empty String (\\\"\\\") \
                     to … LinkedHashMap\" (the migration init container too)",
                    f.key
                ),
                if v.kind == Kind::Helm {
                    "write customParams: '{}'"
                } else {
                    "write customParams: {} or leave it out"
                },
            );
        }
    }
}

/// The docs' example domain left in place (NOTES §1–3: "Update with your Domain").
fn principal_domain(v: &AuthView, r: &mut Report) {
    let found = v.values.iter().find(|f| {
        (f.key.ends_with("principalDomain") || f.key == "AUTHORIZER_PRINCIPAL_DOMAIN")
            && f.text() == Some("open-metadata.org")
    });
    if let Some(f) = found {
        r.on(
            f,
            PRINCIPAL_DOMAIN_EXAMPLE,
            Severity::Info,
            format!("{} is the docs' example `open-metadata.org`", f.key),
            "set your organisation's email domain (example.com for john.doe@example.com)",
        );
    }
}
