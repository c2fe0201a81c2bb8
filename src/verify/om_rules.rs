//! OpenMetadata's own SSO validation, mirrored as named checks: what its server runs on
//! `POST /api/v1/system/security/validate`, on a patch of the security configuration and on
//! Settings > SSO (upstream `CustomOidcValidator` and `OidcDiscoveryValidator`), so a
//! configuration that OpenMetadata would refuse fails here first, with a hint. The
//! client-credentials grant it also runs is `secret-authenticates` in [`super::live`].

use serde_json::Value;

use super::deployed::Deployed;
use super::discovery::Discovery;
use super::registry::{
    CheckInfo, JWKS_URI_LISTED, JWS_ALGORITHM_SUPPORTED, OWN_JWKS_ANSWERS, PUBLIC_KEY_URLS_ANSWER,
    RESPONSE_TYPE_SUPPORTED, SCOPES_SUPPORTED,
};
use super::report::Checks;
use crate::http::{Http, HttpError};
use crate::keycloak::probe;
use crate::keycloak::KeycloakError;
use crate::openmetadata::server;
use crate::settings::table::OPENMETADATA_URL;

/// Whether `url` is OpenMetadata's own JWKS (`{om}/api/v1/system/config/jwks`).
pub fn is_own_jwks(url: &str) -> bool {
    url.trim_end_matches('/')
        .ends_with(server::OWN_JWKS_URL_PATH)
}

pub async fn run(c: &mut Checks, http: &Http, deployed: &Deployed, d: Option<&Discovery>) {
    jwks_uri_listed(c, deployed, d);
    public_key_urls_answer(c, http, deployed).await;
    own_jwks_answers(c, http, deployed).await;
    let Some(d) = d else {
        for name in [
            SCOPES_SUPPORTED,
            JWS_ALGORITHM_SUPPORTED,
            RESPONSE_TYPE_SUPPORTED,
        ] {
            c.skip(
                name,
                "no discovery document could be read from here",
                "fix discovery-reachable first",
            );
        }
        return;
    };
    supported(
        c,
        SCOPES_SUPPORTED,
        d,
        "scopes_supported",
        &deployed.scope().split(' ').collect::<Vec<_>>(),
        "requested scopes",
        "ask only for scopes the realm has (oidcConfiguration.scope; OpenMetadata needs openid \
         email profile), or add the missing client scope to the realm",
    );
    supported(
        c,
        JWS_ALGORITHM_SUPPORTED,
        d,
        "id_token_signing_alg_values_supported",
        &[deployed.jws_algorithm()],
        "the ID token algorithm (preferredJwsAlgorithm)",
        "use an algorithm Keycloak signs ID tokens with (RS256 unless the realm says \
         otherwise), or drop preferredJwsAlgorithm",
    );
    let response_type = if deployed.confidential() {
        server::CONFIDENTIAL_RESPONSE_TYPE
    } else {
        deployed.public_response_type()
    };
    supported(
        c,
        RESPONSE_TYPE_SUPPORTED,
        d,
        "response_types_supported",
        &[response_type],
        "the response type",
        "use id_token (implicit flow) or code (auth code flow with PKCE)",
    );
}

/// Every `wanted` value is in the discovery list `key` (an empty or missing list is not
/// checked, as upstream does).
fn supported(
    c: &mut Checks,
    name: CheckInfo,
    d: &Discovery,
    key: &str,
    wanted: &[&str],
    what: &str,
    hint: &str,
) {
    let offered: Vec<&str> = d
        .doc
        .get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let wanted: Vec<&str> = wanted.iter().copied().filter(|w| !w.is_empty()).collect();
    if offered.is_empty() {
        c.pass(
            name,
            format!("the discovery document lists no {key}; OpenMetadata does not check it"),
        );
        return;
    }
    let missing: Vec<&str> = wanted
        .iter()
        .copied()
        .filter(|w| !offered.contains(w))
        .collect();
    c.expect(
        name,
        if missing.is_empty() {
            Ok(format!(
                "{what} `{}` {} in {key}{}",
                wanted.join(" "),
                if wanted.len() == 1 { "is" } else { "are" },
                d.note()
            ))
        } else {
            Err((
                format!(
                    "{what}: `{}` not in the discovery's {key}, so OpenMetadata's SSO \
                     validation refuses the configuration{}",
                    missing.join("`, `"),
                    d.note()
                ),
                hint.to_string(),
            ))
        },
    );
}

/// "publicKeyUrls must include the JWKS URI from discovery": the server checks the
/// `jwks_uri` of the discovery it fetches itself, verbatim, when the list is not empty.
fn jwks_uri_listed(c: &mut Checks, deployed: &Deployed, d: Option<&Discovery>) {
    const NAME: CheckInfo = JWKS_URI_LISTED;
    if deployed.public_key_urls.is_empty() {
        c.skip(
            NAME,
            "publicKeyUrls is empty (OpenMetadata fills it for confidential clients)",
            "see public-key-urls",
        );
        return;
    }
    let Some(jwks_uri) = d.and_then(|d| d.get("jwks_uri")) else {
        c.skip(
            NAME,
            "no discovery document could be read from here",
            "fix discovery-reachable first",
        );
        return;
    };
    let d = d.expect("read above");
    let listed = deployed.public_key_urls.iter().any(|u| u == jwks_uri);
    match (listed, d.via_public) {
        (true, _) => c.pass(
            NAME,
            format!(
                "publicKeyUrls lists the discovery's jwks_uri {jwks_uri}{}",
                d.note()
            ),
        ),
        // The server's own discovery fetch may name another address: not decided here.
        (false, true) => c.warn(
            NAME,
            format!(
                "publicKeyUrls does not list {jwks_uri}, the jwks_uri of the public discovery; \
                 the server's own discovery ({}) could not be read from here",
                deployed.oidc_discovery_uri.as_deref().unwrap_or_default()
            ),
            "OpenMetadata 1.10+ refuses the configuration unless publicKeyUrls holds the \
             jwks_uri its discovery fetch returns: run verify where the server runs",
        ),
        (false, false) => c.fail(
            NAME,
            format!(
                "publicKeyUrls does not list the discovery's jwks_uri {jwks_uri}: OpenMetadata's \
                 SSO validation refuses the configuration (\"publicKeyUrls must include the \
                 JWKS URI from discovery\")"
            ),
            "add that exact URL to publicKeyUrls (omsso render lists it)",
        ),
    }
}

/// What fetching one public key URL gave.
enum Jwks {
    Keys,
    NoKeys(String),
    Unreachable(String),
}

async fn fetch_jwks(http: &Http, url: &str, once: bool) -> Jwks {
    let reply = if once {
        probe::get_once(http, url).await
    } else {
        probe::get_as_server(http, url).await
    };
    match reply {
        // What the server's own fetch would refuse is no key for it, wherever it leads.
        Err(KeycloakError::Http(e @ HttpError::RedirectRefused { .. })) => {
            Jwks::NoKeys(format!("does not answer the server: {e}"))
        }
        Ok(r) if r.status.is_success() => {
            let doc: Value = serde_json::from_slice(&r.body).unwrap_or_default();
            if doc.get("keys").is_some_and(Value::is_array) {
                Jwks::Keys
            } else {
                Jwks::NoKeys("answered, but not with a JWKS".to_string())
            }
        }
        Ok(r) => Jwks::NoKeys(format!("answered {}", r.status.as_u16())),
        Err(e) => Jwks::Unreachable(e.to_string()),
    }
}

/// Every Keycloak entry of `publicKeyUrls` answers a JWKS (OpenMetadata fetches each one).
async fn public_key_urls_answer(c: &mut Checks, http: &Http, deployed: &Deployed) {
    const NAME: CheckInfo = PUBLIC_KEY_URLS_ANSWER;
    let urls: Vec<&String> = deployed
        .public_key_urls
        .iter()
        .filter(|u| !is_own_jwks(u))
        .collect();
    if urls.is_empty() {
        c.skip(
            NAME,
            "publicKeyUrls lists no Keycloak URL",
            "see public-key-urls",
        );
        return;
    }
    let (mut bad, mut unreachable) = (Vec::new(), Vec::new());
    for url in &urls {
        match fetch_jwks(http, url, false).await {
            Jwks::Keys => {}
            Jwks::NoKeys(why) => bad.push(format!("{url} {why}")),
            Jwks::Unreachable(why) => unreachable.push(format!("{url}: {why}")),
        }
    }
    if !bad.is_empty() {
        c.fail(
            NAME,
            bad.join("; "),
            if bad.iter().any(|b| b.contains("follows no redirect")) {
                "write the URL the redirect leads to (https://…) in publicKeyUrls: the server \
                 fetches it as written"
            } else {
                "every publicKeyUrls entry must answer a JWKS (OpenMetadata's SSO validation \
                 fetches each): fix or drop the entry"
            },
        );
    } else if !unreachable.is_empty() {
        c.warn(
            NAME,
            format!("cannot reach from this machine: {}", unreachable.join("; ")),
            "the OpenMetadata server must reach them; run verify where it runs",
        );
    } else {
        c.pass(
            NAME,
            format!(
                "{} Keycloak URL{} in publicKeyUrls answer{} a JWKS",
                urls.len(),
                if urls.len() == 1 { "" } else { "s" },
                if urls.len() == 1 { "s" } else { "" }
            ),
        );
    }
}

/// OpenMetadata's own JWKS answers. It is listed as the server reaches itself (by default
/// `http://localhost:8585`), so from here it is tried there and then at the public address;
/// an OpenMetadata out of reach is a visible skip.
async fn own_jwks_answers(c: &mut Checks, http: &Http, deployed: &Deployed) {
    const NAME: CheckInfo = OWN_JWKS_ANSWERS;
    let Some(listed) = deployed.public_key_urls.iter().find(|u| is_own_jwks(u)) else {
        c.skip(NAME, "publicKeyUrls lacks it", "see public-key-urls");
        return;
    };
    let mut tried = vec![listed.clone()];
    if let Some(om) = deployed.om_url() {
        let public = format!("{om}{}", server::OWN_JWKS_URL_PATH);
        if public != *listed {
            tried.push(public);
        }
    }
    let mut unreachable = None;
    for url in &tried {
        match fetch_jwks(http, url, true).await {
            Jwks::Keys => {
                let via = if url == listed {
                    String::new()
                } else {
                    format!(" (through the public address; the server itself uses {listed})")
                };
                c.pass(NAME, format!("{url} answers a JWKS{via}"));
                return;
            }
            Jwks::NoKeys(why) => {
                c.fail(
                    NAME,
                    format!("{url} {why}"),
                    "OpenMetadata's own /api/v1/system/config/jwks must answer its JWKS \
                     (tokens it issues fail with \"No key found with kid\"); check the address",
                );
                return;
            }
            Jwks::Unreachable(why) => unreachable = Some(why),
        }
    }
    c.skip(
        NAME,
        format!(
            "OpenMetadata is not reachable from here (tried {}): {}",
            tried.join(", "),
            unreachable.unwrap_or_default()
        ),
        format!(
            "run verify where OpenMetadata is reachable (set {} to its address)",
            OPENMETADATA_URL.flag_name()
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_openmetadatas_own_jwks() {
        assert!(is_own_jwks(
            "http://localhost:8585/api/v1/system/config/jwks"
        ));
        assert!(is_own_jwks(
            "https://om.example.com/api/v1/system/config/jwks/"
        ));
        assert!(!is_own_jwks(
            "http://kc/realms/r/protocol/openid-connect/certs"
        ));
    }

    #[test]
    fn unsupported_values_fail_by_name() {
        let d = Discovery {
            doc: serde_json::json!({"scopes_supported": ["openid", "email", "profile"]}),
            url: "u".into(),
            via_public: false,
        };
        let mut c = Checks::default();
        supported(
            &mut c,
            SCOPES_SUPPORTED,
            &d,
            "scopes_supported",
            &["openid", "groups"],
            "requested scopes",
            "h",
        );
        assert_eq!(c.0[0].status, super::super::report::Status::Fail);
        assert!(c.0[0].detail.contains("`groups`"), "{}", c.0[0].detail);
        let mut c = Checks::default();
        supported(&mut c, SCOPES_SUPPORTED, &d, "other", &["a"], "w", "h");
        assert_eq!(c.0[0].status, super::super::report::Status::Pass);
    }
}
