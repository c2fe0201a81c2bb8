//! Keycloak URLs: the authority is the issuer, the discovery URI its document, and all of
//! them agree on the realm and the path style; URLs the server fetches avoid localhost.

use super::values::placeholder;
use super::DISCOVERY_PATH;
use crate::lint::finding::{Report, Severity};
use crate::lint::registry::*;
use crate::lint::view::{AuthView, Field, Key};
use crate::lint::Kind;

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

pub(super) fn keycloak_urls(v: &AuthView, r: &mut Report) {
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
    if LOCALHOST_FROM_CONTAINER.applies_to(v.kind) {
        fetched_from_container(v, discovery, certs, r);
    }
}

/// The authority is the browser's address for Keycloak; only the URLs the server fetches
/// itself must be reachable from its container (openmetadata.yaml may run outside one). The
/// server tries the publicKeyUrls in turn until one has the key (OpenMetadata's
/// MultiUrlJwkProvider): a local certs URL beside another one costs nothing (omsso lists the
/// issued URL after keycloak.internal_url's, as OpenMetadata's validation wants it).
fn fetched_from_container(
    v: &AuthView,
    discovery: Option<&Field>,
    certs: Vec<&Field>,
    r: &mut Report,
) {
    let reachable_certs = certs.iter().any(|f| local_host(f).is_none());
    let certs = certs.into_iter().filter(|_| !reachable_certs);
    for f in discovery.into_iter().chain(certs) {
        localhost_from_container(v, f, r);
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
    if let Some(host) = local_host(f) {
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
             the Keycloak Service name in Kubernetes, or host.docker.internal; omsso writes it \
             from keycloak.internal_url",
        );
    }
}

/// The host of the URL in `f` when it is this machine's own (`localhost`, a loopback address).
fn local_host(f: &Field) -> Option<String> {
    let host = f
        .text()
        .and_then(|t| url::Url::parse(t.trim()).ok())
        .and_then(|u| u.host_str().map(str::to_string))?;
    matches!(host.as_str(), "localhost" | "127.0.0.1" | "[::1]").then_some(host)
}

pub(super) fn is_http_url(text: &str) -> bool {
    url::Url::parse(text)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

pub(super) fn url_syntax(f: &Field, r: &mut Report) {
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
