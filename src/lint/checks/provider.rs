//! The provider: custom-oidc for Keycloak; another login skips the Keycloak checks.

use crate::lint::finding::{Report, Severity};
use crate::lint::registry::*;
use crate::lint::view::{AuthView, Field, Key, Val};
use crate::lint::Kind;

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

/// The provider setting as the file writes it (or its default).
struct Provider<'a> {
    /// The key's name in this format.
    name: String,
    field: Option<&'a Field>,
    value: String,
    /// The value as messages quote it.
    shown: String,
}

/// Returns false when the Keycloak checks do not apply (the file configures another login).
pub(super) fn provider(v: &AuthView, r: &mut Report) -> bool {
    let name = v.name(Key::Provider);
    let field = v.get(Key::Provider).filter(|f| !f.is_blank());
    let value = match field.map(|f| &f.val) {
        Some(Val::FromEnv) => return true,
        Some(Val::Str(s)) => s.trim().to_string(),
        _ if v.kind == Kind::Yaml => {
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
        _ => "basic".to_string(),
    };
    let shown = field.map_or(format!("`{value}` (the default)"), |f| f.shown());
    let p = Provider {
        name,
        field,
        value,
        shown,
    };
    let value = p.value.as_str();
    if value == "custom-oidc" {
        true
    } else if !PROVIDERS.contains(&value) || (v.kind == Kind::Helm && value == "openmetadata") {
        invalid(&p, r);
        true
    } else if OTHER_OIDC.contains(&value) {
        other_oidc(v, &p, r);
        false
    } else if looks_like_keycloak(v) {
        not_custom_oidc(v, &p, r);
        true
    } else {
        no_sso(v, &p, r);
        false
    }
}

fn invalid(p: &Provider, r: &mut Report) {
    let Provider { name, shown, .. } = p;
    let why = if p.value.eq_ignore_ascii_case("keycloak") {
        "Keycloak is configured as a custom OIDC provider; there is no `keycloak` provider"
    } else {
        "not one of basic, azure, google, okta, auth0, aws-cognito, custom-oidc, ldap, saml"
    };
    r.on(
        p.field.expect("a value came from the field"),
        PROVIDER_INVALID,
        Severity::Error,
        format!("{name} is {shown}: {why}"),
        format!("write {name}: custom-oidc (and name it in the provider name setting)"),
    );
}

fn other_oidc(v: &AuthView, p: &Provider, r: &mut Report) {
    let Provider { name, shown, .. } = p;
    r.add(
        NOT_KEYCLOAK,
        Severity::Info,
        v.line_of(Key::Provider),
        format!(
            "{name} is {shown}: this is not a Keycloak login, so the Keycloak checks were skipped"
        ),
        "for Keycloak, use custom-oidc",
    );
}

fn not_custom_oidc(v: &AuthView, p: &Provider, r: &mut Report) {
    let Provider {
        name, shown, value, ..
    } = p;
    let msg = format!(
        "{name} is {shown} but the file configures Keycloak: OpenMetadata keeps its {value} \
         login page and ignores the SSO settings"
    );
    let hint = format!("set {name} to custom-oidc");
    match p.field {
        Some(f) => r.on(f, PROVIDER_NOT_CUSTOM_OIDC, Severity::Error, msg, hint),
        None => r.add(
            PROVIDER_NOT_CUSTOM_OIDC,
            Severity::Error,
            v.block_line,
            msg,
            hint,
        ),
    }
}

fn no_sso(v: &AuthView, p: &Provider, r: &mut Report) {
    let Provider { name, shown, .. } = p;
    let note = match p.field.and_then(|f| f.env_var.as_deref()) {
        Some(var) => format!(
            "; it comes from ${{{var}}}, so lint the env file or values that set {var} as well"
        ),
        None => String::new(),
    };
    r.add(
        SSO_NOT_CONFIGURED,
        Severity::Info,
        v.line_of(Key::Provider),
        format!(
            "{name} is {shown}: no SSO is configured here, so the Keycloak checks were \
             skipped{note}"
        ),
        "for Keycloak SSO set the provider to custom-oidc (omsso render writes the whole block)",
    );
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
