//! Who a login is, and who is an admin: the admin principals, the principal domain and the
//! claims the user name is read from (upstream `SecurityUtil.findUserNameFromClaims` and
//! `DefaultAuthorizer`, mirrored in `crate::openmetadata::principal`). A mistake here leaves
//! OpenMetadata running with nobody able to administer it, which no login error reports.

use crate::lint::finding::{Report, Severity};
use crate::lint::registry::*;
use crate::lint::view::{
    AuthView, Field, ListField, Val, ADMINS_NAMES, CLAIMS_NAMES, DOMAIN_NAMES,
};
use crate::lint::Kind;
use crate::openmetadata::server::JWT_PRINCIPAL_CLAIMS;

pub(super) fn principals(v: &AuthView, r: &mut Report) {
    admins(v, r);
    domain(v, r);
    claims(v, r);
}

/// The non-empty texts of a list the file writes; `None` when it is not written, comes from
/// the environment, or is empty in an env file (compose then passes its own default).
fn written(v: &AuthView, list: Option<&ListField>) -> Option<Vec<String>> {
    let list = list?;
    let items = list.items.as_ref()?;
    if v.kind == Kind::Env && list.field.is_blank() {
        return None;
    }
    Some(
        items
            .iter()
            .filter_map(Field::text)
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect(),
    )
}

fn admins(v: &AuthView, r: &mut Report) {
    let name = v.principal_name(ADMINS_NAMES, true);
    let hint = format!(
        "list the user names of your admins in {name}: the part of their email before @ \
         (john.doe for john.doe@example.com), in lower case"
    );
    let Some(list) = &v.principals.admins else {
        // Compose and the chart default to [admin]; openmetadata.yaml must write the key.
        if let (Kind::Yaml, Some(line)) = (v.kind, v.principals.authorizer_line) {
            r.add(
                ADMIN_PRINCIPALS_EMPTY,
                Severity::Error,
                Some(line),
                format!(
                    "{name} is missing: OpenMetadata's schema requires it, and nobody is an admin"
                ),
                hint,
            );
        }
        return;
    };
    let Some(names) = written(v, Some(list)) else {
        return;
    };
    if names.is_empty() {
        r.on(
            &list.field,
            ADMIN_PRINCIPALS_EMPTY,
            Severity::Error,
            format!(
                "{name} names no user: once SSO replaces the basic login nobody is an admin, and \
                 nobody can make anyone one"
            ),
            hint,
        );
        return;
    }
    let items: Vec<&Field> = list
        .items
        .iter()
        .flatten()
        .filter(|f| f.text().is_some_and(|t| !t.trim().is_empty()))
        .collect();
    let bad: Vec<(&Field, &str, String)> = items
        .iter()
        .filter_map(|f| unmatchable(f.text()?.trim()).map(|(why, fix)| (*f, why, fix)))
        .collect();
    let nobody = bad.len() == items.len();
    for (f, why, fix) in bad {
        let text = f.text().unwrap_or_default().trim();
        r.on(
            f,
            ADMIN_PRINCIPAL_UNMATCHABLE,
            if nobody {
                Severity::Error
            } else {
                Severity::Warning
            },
            format!(
                "{name} lists `{text}`, which no SSO login can equal: {why}{}",
                if nobody {
                    ", so nobody is an admin"
                } else {
                    ""
                }
            ),
            format!("write `{fix}` instead"),
        );
    }
}

/// Why no login's user name can equal `principal`, and what to write instead. OpenMetadata
/// names a user by the part of the claim before `@`, in lower case.
fn unmatchable(principal: &str) -> Option<(&'static str, String)> {
    if let Some((user, _)) = principal.split_once(':') {
        return Some((
            "`name:password` is the basic-auth docs' form, and OpenMetadata compares the whole \
             text with the user name",
            user.trim().to_lowercase(),
        ));
    }
    if let Some((user, _)) = principal.split_once('@') {
        return Some((
            "OpenMetadata compares admin principals with the user name, the part of the email \
             before @",
            user.to_lowercase(),
        ));
    }
    if principal.chars().any(char::is_uppercase) {
        return Some((
            "OpenMetadata lower-cases user names",
            principal.to_lowercase(),
        ));
    }
    None
}

fn domain(v: &AuthView, r: &mut Report) {
    let name = v.principal_name(DOMAIN_NAMES, true);
    let hint = format!(
        "set {name} to your organisation's email domain: example.com for john.doe@example.com"
    );
    let Some(f) = &v.principals.domain else {
        if let (Kind::Yaml, Some(line)) = (v.kind, v.principals.authorizer_line) {
            r.add(
                PRINCIPAL_DOMAIN_INVALID,
                Severity::Error,
                Some(line),
                format!("{name} is missing: OpenMetadata's schema requires it"),
                hint,
            );
        }
        return;
    };
    let text = match &f.val {
        // Empty in an env file: compose passes its default; null in Helm: the chart's.
        Val::Str(s) if s.trim().is_empty() && v.kind == Kind::Env => return,
        Val::Null if v.kind != Kind::Yaml => return,
        Val::Str(s) => s.trim(),
        Val::Null => "",
        _ => return,
    };
    let why = if text.is_empty() {
        "a user whose token carries no email gets the address `name@`, which OpenMetadata \
         refuses (\"email must match ^\\S+@\\S+\\.\\S+$\"), and so do the admins it creates at \
         start-up"
    } else if text.contains([',', ' ', ';']) {
        "it names several domains, but OpenMetadata takes the whole text as one, and the \
         addresses it makes (name@<domain>) are invalid"
    } else if text.contains('@') {
        "it is an address, not a domain"
    } else if !text.contains('.') {
        "it has no dot, so the addresses OpenMetadata makes (name@<domain>) fail its email check"
    } else {
        return;
    };
    r.on(
        f,
        PRINCIPAL_DOMAIN_INVALID,
        Severity::Error,
        format!(
            "{name} is {}: {why}",
            if text.is_empty() {
                "empty".to_string()
            } else {
                f.shown()
            }
        ),
        hint,
    );
}

fn claims(v: &AuthView, r: &mut Report) {
    let mapped = written(v, v.principals.mapping.as_ref()).is_some_and(|m| !m.is_empty());
    let Some(list) = v.principals.claims.as_ref().filter(|_| !mapped) else {
        return;
    };
    let Some(claims) = written(v, Some(list)) else {
        return;
    };
    if claims == JWT_PRINCIPAL_CLAIMS {
        return;
    }
    let name = v.principal_name(CLAIMS_NAMES, false);
    let shown = format!("[{}]", claims.join(", "));
    let admins = written(v, v.principals.admins.as_ref()).unwrap_or_default();
    let (severity, why) = match claims.first().map(String::as_str) {
        None => (
            Severity::Error,
            "OpenMetadata finds no user name in any token (\"Invalid JWT token, none of the \
             following claims are present\")"
                .to_string(),
        ),
        Some("sub") if admins.is_empty() || !admins.iter().all(|a| is_uuid(a)) => (
            Severity::Error,
            "Keycloak's `sub` is the user's id (a UUID), so every user is named by it and no \
             admin principal can match"
                .to_string(),
        ),
        _ => (
            Severity::Warning,
            format!(
                "OpenMetadata's docs warn against changing the order {}: a user is matched by \
                 the first claim present, so a changed order renames existing users (with \
                 preferred_username first, one whose email differs gets a made-up \
                 name@principalDomain address)",
                JWT_PRINCIPAL_CLAIMS.join(", ")
            ),
        ),
    };
    r.on(
        &list.field,
        PRINCIPAL_CLAIMS_ORDER,
        severity,
        format!("{name} is {shown}: {why}"),
        format!(
            "write {name}: [{}] (OpenMetadata's default), or map the claims explicitly with \
             jwtPrincipalClaimsMapping",
            JWT_PRINCIPAL_CLAIMS.join(", ")
        ),
    );
}

fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && parts
            .iter()
            .all(|p| p.chars().all(|c| c.is_ascii_hexdigit()))
}
