//! The keys each format accepts in its auth blocks, and the value types Helm's
//! `values.schema.json` demands. Both OpenMetadata's config schema and the chart's values schema
//! set `additionalProperties: false`, so an unknown key stops the server (Dropwizard rejects
//! unknown config fields) or `helm install` (schema validation).
//!
//! Sources: reference/openmetadata/schema/configuration/authenticationConfiguration.json,
//! schema/security/client/oidcClientConfig.json, plus the keys the newest conf/openmetadata.yaml
//! uses that no schema has yet (NOTES.md §2 "Schema gaps"); helm/values.schema.json (chart
//! 1.13.1).

use super::finding::{Report, Severity};
use super::view;
use super::yaml_tree::{Node, NodeValue, ScalarType};

pub const UNKNOWN_KEY: &str = "unknown-key";
pub const HELM_VALUE_TYPE: &str = "helm-value-type";
pub const HELM_SECRET_INLINE: &str = "helm-secret-inline";

const YAML_AUTH: &[&str] = &[
    "clientType",
    "provider",
    "responseType",
    "providerName",
    "publicKeyUrls",
    "tokenValidationAlgorithm",
    "authority",
    "clientId",
    "callbackUrl",
    "jwtPrincipalClaims",
    "jwtPrincipalClaimsMapping",
    "emailClaim",
    "displayNameClaim",
    "jwtTeamClaimMapping",
    "enableSelfSignup",
    "ldapConfiguration",
    "samlConfiguration",
    "oidcConfiguration",
    "forceSecureSessionCookie",
    "enableAutoRedirect",
    // newest yaml, not yet in a schema
    "sessionExpiry",
    "maxActiveSessionsPerUser",
    "additionalTrustedRedirectUris",
];

const YAML_OIDC: &[&str] = &[
    "type",
    "id",
    "secret",
    "scope",
    "discoveryUri",
    "useNonce",
    "preferredJwsAlgorithm",
    "responseType",
    "disablePkce",
    "maxClockSkew",
    "clientAuthenticationMethod",
    "tokenValidity",
    "customParams",
    "tenant",
    "serverUrl",
    "callbackUrl",
    "maxAge",
    "prompt",
    "sessionExpiry",
    // newest yaml, not yet in a schema
    "endSessionWithProvider",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ty {
    Str,
    /// `string | null` (customParams)
    StrOrNull,
    Bool,
    Array,
    Object,
    /// clientId / clientSecret: `{secretRef, secretKey}`
    SecretRef,
}

const HELM_AUTH: &[(&str, Ty)] = &[
    ("authority", Ty::Str),
    ("callbackUrl", Ty::Str),
    ("clientId", Ty::Str),
    ("clientType", Ty::Str),
    ("enableSelfSignup", Ty::Bool),
    ("jwtPrincipalClaims", Ty::Array),
    ("jwtPrincipalClaimsMapping", Ty::Array),
    ("enabled", Ty::Bool),
    ("provider", Ty::Str),
    ("publicKeys", Ty::Array),
    ("responseType", Ty::Str),
    ("oidcConfiguration", Ty::Object),
    ("ldapConfiguration", Ty::Object),
    ("saml", Ty::Object),
];

const HELM_OIDC: &[(&str, Ty)] = &[
    ("enabled", Ty::Bool),
    ("oidcType", Ty::Str),
    ("clientId", Ty::SecretRef),
    ("clientSecret", Ty::SecretRef),
    ("scope", Ty::Str),
    ("discoveryUri", Ty::Str),
    ("useNonce", Ty::Bool),
    ("preferredJwsAlgorithm", Ty::Str),
    ("responseType", Ty::Str),
    ("promptType", Ty::Str),
    ("disablePkce", Ty::Bool),
    ("callbackUrl", Ty::Str),
    ("serverUrl", Ty::Str),
    ("clientAuthenticationMethod", Ty::Str),
    ("tenant", Ty::Str),
    ("maxClockSkew", Ty::Str),
    ("customParams", Ty::StrOrNull),
    ("maxAge", Ty::Str),
    ("tokenValidity", Ty::Str),
    ("sessionExpiry", Ty::Str),
];

const HELM_AUTHORIZER: &[(&str, Ty)] = &[
    ("allowedEmailRegistrationDomains", Ty::Array),
    ("className", Ty::Str),
    ("enabled", Ty::Bool),
    ("containerRequestFilter", Ty::Str),
    ("enableSecureSocketConnection", Ty::Bool),
    ("enforcePrincipalDomain", Ty::Bool),
    ("initialAdmins", Ty::Array),
    ("allowedDomains", Ty::Array),
    ("principalDomain", Ty::Str),
    ("useRolesFromProvider", Ty::Bool),
];

/// What to write instead of a key the format does not know: the other format's name, or the
/// env var to pass through the chart's `extraEnvs`.
fn instead(helm: bool, key: &str) -> Option<&'static str> {
    let pairs: &[(&str, &str)] = if helm {
        &[
            ("publicKeyUrls", "publicKeys (the Helm name)"),
            ("adminPrincipals", "initialAdmins (the Helm name)"),
            ("type", "oidcType (the Helm name)"),
            ("id", "clientId: {secretRef, secretKey} (the Helm form)"),
            (
                "secret",
                "clientSecret: {secretRef, secretKey} (the Helm form)",
            ),
            ("prompt", "promptType (the Helm name)"),
            (
                "providerName",
                "extraEnvs: CUSTOM_OIDC_AUTHENTICATION_PROVIDER_NAME",
            ),
            (
                "enableAutoRedirect",
                "extraEnvs: AUTHENTICATION_ENABLE_AUTO_REDIRECT",
            ),
            ("emailClaim", "extraEnvs: AUTHENTICATION_EMAIL_CLAIM"),
            (
                "displayNameClaim",
                "extraEnvs: AUTHENTICATION_DISPLAY_NAME_CLAIM",
            ),
            (
                "tokenValidationAlgorithm",
                "extraEnvs: AUTHENTICATION_TOKEN_VALIDATION_ALGORITHM",
            ),
            (
                "forceSecureSessionCookie",
                "extraEnvs: FORCE_SECURE_SESSION_COOKIE",
            ),
            ("adminEmails", "extraEnvs: AUTHORIZER_ADMIN_EMAILS"),
            (
                "endSessionWithProvider",
                "extraEnvs: OIDC_END_SESSION_WITH_PROVIDER",
            ),
        ]
    } else {
        &[
            ("publicKeys", "publicKeyUrls (publicKeys is the Helm name)"),
            ("oidcType", "type (oidcType is the Helm name)"),
            ("clientSecret", "secret (clientSecret is the Helm name)"),
            ("promptType", "prompt (promptType is the Helm name)"),
            ("enabled", "nothing: `enabled` exists only in Helm values"),
        ]
    };
    pairs.iter().find(|p| p.0 == key).map(|p| p.1)
}

fn unknown(r: &mut Report, helm: bool, block: &str, e: &super::yaml_tree::Entry, allowed: &str) {
    let hint = match instead(helm, &e.key) {
        Some(other) => format!("write {other}"),
        None => format!("check the spelling; {block} accepts: {allowed}"),
    };
    let who = if helm {
        "the chart's values.schema.json rejects it (helm install fails)"
    } else {
        "OpenMetadata's config schema does not allow it (the server refuses to start)"
    };
    r.add(
        UNKNOWN_KEY,
        Severity::Error,
        Some(e.key_line),
        format!("`{}` is not a key of {block}: {who}", e.key),
        hint,
    );
}

/// Unknown keys in openmetadata.yaml's `authenticationConfiguration` and its
/// `oidcConfiguration`.
pub fn yaml_unknown_keys(auth: &Node, prefix: &str, r: &mut Report) {
    for e in auth.entries() {
        if !YAML_AUTH.contains(&e.key.as_str()) {
            unknown(r, false, prefix, e, &YAML_AUTH.join(", "));
        }
    }
    if let Some(oidc) = auth.get("oidcConfiguration") {
        let block = format!("{prefix}.oidcConfiguration");
        for e in oidc.entries() {
            if !YAML_OIDC.contains(&e.key.as_str()) {
                unknown(r, false, &block, e, &YAML_OIDC.join(", "));
            }
        }
    }
}

/// Unknown keys and wrong value types in Helm's `authentication` (with its
/// `oidcConfiguration`) and `authorizer` blocks.
pub fn helm_keys(
    auth: Option<(&Node, String)>,
    authorizer: Option<(&Node, String)>,
    r: &mut Report,
) {
    if let Some((node, path)) = auth {
        check_block(node, &path, HELM_AUTH, r);
        if let Some(oidc) = node.get("oidcConfiguration") {
            check_block(oidc, &format!("{path}.oidcConfiguration"), HELM_OIDC, r);
        }
    }
    if let Some((node, path)) = authorizer {
        check_block(node, &path, HELM_AUTHORIZER, r);
    }
}

fn check_block(node: &Node, block: &str, table: &[(&str, Ty)], r: &mut Report) {
    let allowed: Vec<&str> = table.iter().map(|t| t.0).collect();
    for e in node.entries() {
        match table.iter().find(|t| t.0 == e.key) {
            None => unknown(r, true, block, e, &allowed.join(", ")),
            Some((_, ty)) => check_type(&format!("{block}.{}", e.key), e, *ty, r),
        }
    }
}

fn check_type(name: &str, e: &super::yaml_tree::Entry, ty: Ty, r: &mut Report) {
    let v = &e.value;
    let st = v.scalar_type();
    // Null removes the key in Helm (the chart default applies), so it is never a type error.
    if st == Some(ScalarType::Null) {
        return;
    }
    let shown = || {
        if view::is_secret_name(&e.key) {
            "<redacted>".to_string()
        } else {
            v.scalar()
                .map_or("a mapping or list".to_string(), |s| format!("`{s}`"))
        }
    };
    let (ok, want, fix) = match ty {
        Ty::Str | Ty::StrOrNull => (
            st == Some(ScalarType::Str),
            "a string",
            "quote the value".to_string(),
        ),
        Ty::Bool => (
            st == Some(ScalarType::Bool),
            "a boolean",
            "write true or false without quotes".to_string(),
        ),
        Ty::Array => (
            matches!(v.value, NodeValue::Seq(_)),
            "a list",
            "write it as a YAML list (- item per line)".to_string(),
        ),
        Ty::Object => (
            matches!(v.value, NodeValue::Map(_)),
            "a mapping",
            "indent its keys under it".to_string(),
        ),
        Ty::SecretRef => {
            let ok = v.get("secretRef").and_then(Node::scalar).is_some()
                && v.get("secretKey").and_then(Node::scalar).is_some();
            if !ok {
                r.add(
                    HELM_SECRET_INLINE,
                    Severity::Error,
                    Some(e.key_line),
                    format!(
                        "{name} is {} instead of {{secretRef, secretKey}}: the chart reads it \
                         from a Kubernetes Secret, and a value written here would sit in the \
                         values file",
                        if matches!(v.value, NodeValue::Map(_)) {
                            "a mapping without secretRef and secretKey".to_string()
                        } else {
                            "a plain value".to_string()
                        }
                    ),
                    format!(
                        "write {}: {{secretRef: oidc-secrets, secretKey: {}}} and put the value \
                         in that Secret (kubectl create secret generic oidc-secrets …)",
                        e.key,
                        if e.key == "clientId" {
                            "openmetadata-oidc-client-id"
                        } else {
                            "openmetadata-oidc-client-secret"
                        }
                    ),
                );
            }
            return;
        }
    };
    if !ok {
        let extra = if ty == Ty::StrOrNull {
            " (a JSON object as a string, e.g. '{}')"
        } else {
            ""
        };
        r.add(
            HELM_VALUE_TYPE,
            Severity::Error,
            Some(e.key_line),
            format!(
                "{name} is {} but the chart's values.schema.json wants {want}{extra}",
                shown()
            ),
            if ty == Ty::StrOrNull {
                "write customParams: '{}'".to_string()
            } else {
                fix
            },
        );
    }
}
