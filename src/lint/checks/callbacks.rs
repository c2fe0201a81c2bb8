//! The callback and server URLs, customParams and the principal domain.

use super::urls::url_syntax;
use crate::lint::finding::{Report, Severity};
use crate::lint::registry::*;
use crate::lint::view::{AuthView, Field, Key, Val};
use crate::lint::Kind;
use crate::openmetadata::{Chart, Release};

pub(super) fn callbacks(v: &AuthView, r: &mut Report) {
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

/// customParams must reach the server as a map (or nothing). In openmetadata.yaml `""` is a
/// string it cannot read (NOTES §6 item 6). Helm charts 1.6.0 – 1.6.3 pass the value through
/// `quote`, so anything but null arrives as a string (openmetadata-helm-charts issues 229 and
/// 245); later charts b64-encode it, which fails on null. Env files are left to compose, whose
/// `${OIDC_CUSTOM_PARAMS:-{}}` is judged by env-value-yaml.
pub(super) fn custom_params(v: &AuthView, release: &Release, r: &mut Report) {
    let Some(f) = v.get(Key::CustomParams) else {
        return;
    };
    match v.kind {
        Kind::Yaml if f.text() == Some("") => r.on(
            f,
            CUSTOM_PARAMS_EMPTY,
            Severity::Error,
            format!(
                "{} is \"\": OpenMetadata fails with \"Cannot coerce empty String (\\\"\\\") \
                 to … LinkedHashMap\" (the migration step too)",
                f.key
            ),
            "write customParams: {} or leave it out",
        ),
        Kind::Helm => helm_custom_params(f, &release.chart, r),
        _ => {}
    }
}

fn helm_custom_params(f: &Field, chart: &Chart, r: &mut Report) {
    let version = chart.version;
    match (&f.val, chart.quotes_custom_params()) {
        (Val::Null, false) => r.on(
            f,
            CUSTOM_PARAMS_CHART,
            Severity::Error,
            format!(
                "{} is null, but chart {version} b64-encodes customParams: `helm template` fails \
                 (\"b64enc: invalid value; expected string\")",
                f.key
            ),
            "write customParams: '{}', or leave it out (the chart's default)",
        ),
        (Val::Null, true) | (_, false) => {}
        (val, true) => r.on(
            f,
            CUSTOM_PARAMS_CHART,
            Severity::Error,
            format!(
                "{} is {}, but chart {version} passes customParams through `quote`: the server \
                 gets the string {} where it needs a map and refuses to start (\"Cannot coerce \
                 … LinkedHashMap\"; fixed in chart 1.6.4)",
                f.key,
                f.shown(),
                match val {
                    Val::Str(s) => format!("\"{s}\""),
                    _ => "of the value".to_string(),
                }
            ),
            "write customParams: null (then nothing reaches the server, which uses no custom \
             parameters), or use chart 1.6.4 or later",
        ),
    }
}

/// The docs' example domain left in place (NOTES §1–3: "Update with your Domain").
pub(super) fn principal_domain(v: &AuthView, r: &mut Report) {
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
