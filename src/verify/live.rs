//! `omsso verify` (live): the configuration OpenMetadata will run with, checked against the
//! running Keycloak that its `authority` names. Each check is named, passes or fails on its own,
//! and carries a fix hint, so one run lists every problem instead of stopping at the first.
//!
//! Checks that need no admin login (discovery, JWKS, the secret, the token's issuer,
//! OpenMetadata's own SSO validation in [`super::om_rules`]) always run; the client checks need
//! the admin API and are a visible `skip` without it. When the server-side Keycloak address
//! (`keycloak.internal_url`) is out of reach from here, the checks that can run against the
//! public address (`authority`) still do, and say so.

use serde_json::Value;

use super::client::{client_check_names, client_checks, AdminView};
use super::deployed::{Deployed, KeycloakOf};
use super::discovery::{discovery_of, token_endpoint_elsewhere, Discovery};
use super::om_rules;
use super::registry::{
    CheckInfo, CLIENT_CONFIDENTIAL, CLIENT_EXISTS, DISCOVERY_REACHABLE, ISSUER_MATCHES_AUTHORITY,
    JWKS_IS_REALM, JWKS_SIGNING_KEY, PUBLIC_KEY_URLS, SECRET_AUTHENTICATES, TOKEN_ISSUER,
    URLS_CONSISTENT,
};
use super::report::{Check, Checks, Status};
use crate::http::Http;
use crate::keycloak::probe;
use crate::keycloak::{KeycloakError, Session};
use crate::openmetadata::server;

/// How the checks reach the world.
pub struct Net<'a> {
    pub http: &'a Http,
    /// The admin API, when an admin login was given.
    pub admin: Option<&'a Session>,
}

/// Runs every Keycloak-side check. Only a failure of the admin API is an error; everything
/// the checks find is in the returned list.
pub async fn run(
    net: &Net<'_>,
    kc: &KeycloakOf,
    deployed: &Deployed,
) -> Result<Vec<Check>, KeycloakError> {
    let mut c = Checks::default();
    let authority = deployed.authority.clone().unwrap_or_default();
    let public_url = discovery_of(&authority);
    let server_url = deployed
        .oidc_discovery_uri
        .clone()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| public_url.clone());
    // Credentials (the client secret) go only where the file points: the authority, and the
    // discovery address the server reads. Never to an endpoint only the document names.
    net.http.trust(&authority);
    net.http.trust(&server_url);

    // Discovery as the OpenMetadata server fetches it; the admin-side client checks at the
    // same time.
    let client_id = deployed.client_id.clone().unwrap_or_default();
    let (reply, client) = tokio::join!(
        probe::get(net.http, &server_url),
        admin_client(net.admin, &kc.realm, &client_id),
    );
    let discovery = match discovery_check(&mut c, &server_url, reply) {
        Fetched::Doc(doc) => Some(Discovery {
            doc,
            url: server_url.clone(),
            via_public: false,
        }),
        Fetched::Unreachable if server_url != public_url => {
            public_discovery(net.http, &public_url).await
        }
        _ => None,
    };
    issuer_check(&mut c, &authority, discovery.as_ref());
    public_key_checks(&mut c, net.http, deployed, discovery.as_ref()).await;
    om_rules::run(&mut c, net.http, deployed, discovery.as_ref()).await;
    match (net.admin, client?) {
        (None, _) => {
            for name in client_check_names(deployed) {
                c.skip_no_admin(name);
            }
        }
        (Some(session), client) => {
            let view = admin_view(session, &kc.realm, &client_id, client).await;
            client_checks(&mut c, &kc.realm, deployed, view)
        }
    }
    secret_checks(&mut c, net.http, deployed, &authority, discovery.as_ref()).await;
    url_checks(&mut c, deployed);
    Ok(c.0)
}

async fn admin_client(
    admin: Option<&Session>,
    realm: &str,
    client_id: &str,
) -> Result<Option<(Value, Vec<String>)>, KeycloakError> {
    match admin {
        Some(session) => probe::client_and_scopes(session, realm, client_id).await,
        None => Ok(None),
    }
}

/// What else the client checks need from the admin API: where the client is when this realm
/// lacks it, and the realm's signature algorithm (unread when this admin may not view it).
async fn admin_view(
    session: &Session,
    realm: &str,
    client_id: &str,
    client: Option<(Value, Vec<String>)>,
) -> AdminView {
    let elsewhere = match client {
        None => probe::realms_with_client(session, realm, client_id).await,
        Some(_) => Vec::new(),
    };
    AdminView {
        client,
        elsewhere,
        realm: probe::realm_settings(session, realm).await.ok(),
    }
}

enum Fetched {
    Doc(Value),
    /// Answered, but not with a discovery document (a failure already recorded).
    Bad,
    /// Could not be reached from this machine.
    Unreachable,
}

fn discovery_check(
    c: &mut Checks,
    url: &str,
    reply: Result<crate::http::Reply, KeycloakError>,
) -> Fetched {
    let doc = match reply {
        Ok(r) if r.status.is_success() => match serde_json::from_slice::<Value>(&r.body) {
            Ok(doc) if doc.get("issuer").is_some() => doc,
            _ => {
                c.fail(
                    DISCOVERY_REACHABLE,
                    format!("{url} did not answer with a discovery document"),
                    "discoveryUri must be the realm's /.well-known/openid-configuration",
                );
                return Fetched::Bad;
            }
        },
        Ok(r) => {
            let (detail, hint) = not_served(url, &r, "discoveryUri");
            c.fail(DISCOVERY_REACHABLE, detail, hint);
            return Fetched::Bad;
        }
        Err(e) => {
            c.warn(
                DISCOVERY_REACHABLE,
                format!("cannot reach {url} from this machine: {e}"),
                "the OpenMetadata server must reach it; run verify where it runs, or fix \
                 keycloak.internal_url",
            );
            return Fetched::Unreachable;
        }
    };
    c.pass(DISCOVERY_REACHABLE, format!("{url} answers"));
    Fetched::Doc(doc)
}

/// A Keycloak URL that answered with an error: the detail, and a hint from the cause. Keycloak
/// 17 and later serve realms at /realms/ (no /auth); a realm that is not there says so.
fn not_served(url: &str, r: &crate::http::Reply, setting: &str) -> (String, String) {
    let status = r.status.as_u16();
    let path = url::Url::parse(url)
        .map(|u| u.path().to_string())
        .unwrap_or_default();
    if status == 404 && path.contains("/auth/realms/") {
        return (
            format!(
                "{url} answered 404: Keycloak 17 and later serve realms at /realms/, without /auth"
            ),
            "drop /auth from every Keycloak URL (…/realms/<realm>/…) and re-run omsso render \
             with the Keycloak URL without /auth; keep /auth only for a Keycloak started with \
             --http-relative-path=/auth"
                .to_string(),
        );
    }
    if status == 404
        && r.error_text()
            .to_lowercase()
            .contains("realm does not exist")
    {
        let realm = path
            .split("/realms/")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_default();
        return (
            format!("{url} answered 404: Keycloak has no realm `{realm}`"),
            format!(
                "check the realm name in {setting} and the other Keycloak URLs (names are \
                 case-sensitive)"
            ),
        );
    }
    (
        format!("{url} answered {status}"),
        format!("check the Keycloak URL and realm name in {setting}"),
    )
}

/// The public discovery document, for the checks the server-side one could not serve.
async fn public_discovery(http: &Http, url: &str) -> Option<Discovery> {
    let reply = probe::get(http, url).await.ok()?;
    if !reply.status.is_success() {
        return None;
    }
    let doc: Value = serde_json::from_slice(&reply.body).ok()?;
    doc.get("issuer")?;
    Some(Discovery {
        doc,
        url: url.to_string(),
        via_public: true,
    })
}

fn issuer_check(c: &mut Checks, authority: &str, discovery: Option<&Discovery>) {
    let Some(d) = discovery else {
        c.skip(
            ISSUER_MATCHES_AUTHORITY,
            "no discovery document could be read from here",
            "fix discovery-reachable first",
        );
        return;
    };
    let issuer = d.get("issuer").unwrap_or_default();
    c.expect(
        ISSUER_MATCHES_AUTHORITY,
        if issuer == authority {
            Ok(format!("issuer `{issuer}` equals authority{}", d.note()))
        } else {
            Err((
                format!(
                    "discovery issuer `{issuer}` differs from authority `{authority}`{}",
                    d.note()
                ),
                "set authority to the issuer byte for byte (re-run omsso render); if Keycloak \
                 derives the issuer from the request host, set its --hostname"
                    .to_string(),
            ))
        },
    );
}

async fn public_key_checks(
    c: &mut Checks,
    http: &Http,
    deployed: &Deployed,
    discovery: Option<&Discovery>,
) {
    let urls = &deployed.public_key_urls;
    let om_jwks = urls.iter().find(|u| om_rules::is_own_jwks(u));
    let realm_certs = urls
        .iter()
        .find(|u| u.ends_with("/protocol/openid-connect/certs"));
    c.expect(
        PUBLIC_KEY_URLS,
        match (om_jwks, realm_certs) {
            (Some(_), Some(_)) => Ok("both the realm certs URL and OpenMetadata's jwks URL are \
                                      listed"
                .to_string()),
            _ => Err((
                format!(
                    "publicKeyUrls lacks {}",
                    match (om_jwks, realm_certs) {
                        (None, None) => "both the realm certs URL and OpenMetadata's jwks URL",
                        (None, _) => "OpenMetadata's {om}/api/v1/system/config/jwks",
                        _ => "the realm's /protocol/openid-connect/certs URL",
                    }
                ),
                "list both, or logins fail with \"No key found with kid\" (re-run omsso render)"
                    .to_string(),
            )),
        },
    );
    let Some(certs) = realm_certs else { return };
    if let Some(jwks_uri) = discovery.and_then(|d| d.get("jwks_uri")) {
        // The host may differ (internal vs public URL); the realm path must not.
        let path = |u: &str| url::Url::parse(u).map(|u| u.path().to_string()).ok();
        if path(certs) != path(jwks_uri) {
            c.fail(
                JWKS_IS_REALM,
                format!("publicKeyUrls has {certs}, but the realm's jwks_uri is {jwks_uri}"),
                "point it at this realm's certs URL",
            );
        }
    }
    signing_key_check(c, http, certs).await;
}

/// jwks-signing-key: the realm certs URL, fetched as the server fetches it, holds an RS256
/// signing key.
async fn signing_key_check(c: &mut Checks, http: &Http, certs: &str) {
    match probe::get_as_server(http, certs).await {
        Err(KeycloakError::Http(e @ crate::http::HttpError::RedirectRefused { .. })) => c.fail(
            JWKS_SIGNING_KEY,
            format!("{certs} does not answer the server: {e}"),
            "write the URL the redirect leads to (https://…) in publicKeyUrls: the server \
             fetches it as written",
        ),
        Ok(r) if r.status.is_success() => {
            let doc: Value = serde_json::from_slice(&r.body).unwrap_or_default();
            let has_rs256 = doc
                .get("keys")
                .and_then(Value::as_array)
                .is_some_and(|keys| {
                    keys.iter().any(|k| {
                        k.get("alg").and_then(Value::as_str) == Some("RS256")
                            && k.get("use").and_then(Value::as_str) != Some("enc")
                    })
                });
            c.expect(
                JWKS_SIGNING_KEY,
                if has_rs256 {
                    Ok(format!("{certs} holds an RS256 signing key"))
                } else {
                    Err((
                        format!("{certs} holds no RS256 signing key"),
                        "add an RSA key provider (RS256) to the realm's keys".to_string(),
                    ))
                },
            );
        }
        Ok(r) => {
            let (detail, hint) = not_served(certs, &r, "the certs URL");
            c.fail(JWKS_SIGNING_KEY, detail, hint)
        }
        Err(e) => c.warn(
            JWKS_SIGNING_KEY,
            format!("cannot reach {certs} from this machine: {e}"),
            "the OpenMetadata server must reach it; run verify where it runs",
        ),
    }
}

/// The confidential client's secret, tried the way OpenMetadata's own SSO validation does: a
/// client-credentials grant with the configured scope (again without it when Keycloak refuses
/// the scope), at the token endpoint of the discovery document.
async fn secret_checks(
    c: &mut Checks,
    http: &Http,
    deployed: &Deployed,
    authority: &str,
    discovery: Option<&Discovery>,
) {
    if !deployed.confidential() {
        return;
    }
    let Some(secret) = &deployed.oidc_secret else {
        c.fail(
            SECRET_AUTHENTICATES,
            "oidcConfiguration.secret is missing",
            "re-run omsso render with the client's credentials",
        );
        return;
    };
    let Some(d) = discovery else {
        for name in [SECRET_AUTHENTICATES, TOKEN_ISSUER] {
            c.skip(
                name,
                "no discovery document could be read from here, so no token endpoint",
                "fix discovery-reachable first",
            );
        }
        return;
    };
    let Some(token_endpoint) = d.get("token_endpoint") else {
        c.fail(
            SECRET_AUTHENTICATES,
            "the discovery document names no token_endpoint",
            "check that discoveryUri is Keycloak's",
        );
        return;
    };
    if let Some(token) = authenticate(c, http, deployed, secret, token_endpoint, d).await {
        token_issuer(c, &token, authority);
    }
}

/// secret-authenticates: the configured secret gets a token at the token endpoint (as
/// OpenMetadata's SSO validation does). Returns the token response when it did.
async fn authenticate(
    c: &mut Checks,
    http: &Http,
    deployed: &Deployed,
    secret: &secrecy::SecretString,
    token_endpoint: &str,
    d: &Discovery,
) -> Option<Value> {
    let id = deployed.client_id.as_deref().unwrap_or_default();
    let scope = deployed.scope();
    let mut reply = probe::client_credentials(http, token_endpoint, id, secret, Some(scope)).await;
    if matches!(&reply, Ok(r) if r.status.as_u16() == 400 && r.error_text().contains("scope")) {
        reply = probe::client_credentials(http, token_endpoint, id, secret, None).await;
    }
    let reply = match reply {
        Ok(r) => r,
        Err(e) => {
            if let Some((detail, hint)) = token_endpoint_elsewhere(&e) {
                c.fail(SECRET_AUTHENTICATES, detail, hint);
                c.skip(
                    TOKEN_ISSUER,
                    "no token: the token endpoint is not at the authority",
                    "fix secret-authenticates first",
                );
                return None;
            }
            c.warn(
                SECRET_AUTHENTICATES,
                format!("cannot reach {token_endpoint}: {e}"),
                "run verify where the OpenMetadata server runs",
            );
            c.skip(
                TOKEN_ISSUER,
                "no token: the token endpoint is out of reach",
                "run verify where the OpenMetadata server runs",
            );
            return None;
        }
    };
    if !reply.status.is_success() {
        let text = reply.error_text();
        let hint = secret_refused_hint(c, id, &text);
        c.fail(
            SECRET_AUTHENTICATES,
            format!(
                "Keycloak refused the configured secret for `{id}` ({}: {text})",
                reply.status.as_u16(),
            ),
            hint,
        );
        return None;
    }
    c.pass(
        SECRET_AUTHENTICATES,
        format!(
            "the configured secret authenticates `{id}` (client-credentials grant, scope \
             `{scope}`){}",
            d.note()
        ),
    );
    Some(serde_json::from_slice(&reply.body).unwrap_or_default())
}

/// Why Keycloak refused the client-credentials grant, from its answer and what the client
/// checks found: a public client has no secret, a client that is not in the realm has none
/// there, a client without service accounts refuses the grant whatever the secret; only then
/// was the secret rotated or mistyped.
fn secret_refused_hint(c: &Checks, id: &str, text: &str) -> String {
    let failed = |check: CheckInfo| {
        c.0.iter()
            .any(|k| k.name == check.name && k.status == Status::Fail)
    };
    let text = text.to_lowercase();
    if text.contains("public client") || failed(CLIENT_CONFIDENTIAL) {
        format!(
            "client `{id}` is public in Keycloak, so no secret authenticates it: turn Client \
             authentication on (`omsso keycloak ensure` does), then fetch its secret and re-render"
        )
    } else if failed(CLIENT_EXISTS) {
        format!("the realm the file names has no client `{id}`: see client-exists")
    } else if text.contains("service account") {
        "the secret is right, but the client's service accounts are off and OpenMetadata's \
         SSO validation uses this grant: turn Service accounts roles on (`omsso keycloak \
         ensure` does)"
            .to_string()
    } else {
        format!(
            "the secret was rotated or mistyped, or the realm the file names has no client \
             `{id}`: run `omsso keycloak fetch` for that realm and re-render"
        )
    }
}

/// token-issuer: the token's `iss` is the authority OpenMetadata compares it with.
fn token_issuer(c: &mut Checks, token: &Value, authority: &str) {
    let iss = token
        .get("access_token")
        .and_then(Value::as_str)
        .and_then(|t| super::login::jwt_claims(t).ok())
        .and_then(|claims| {
            claims
                .get("iss")
                .and_then(Value::as_str)
                .map(str::to_string)
        });
    c.expect(
        TOKEN_ISSUER,
        match iss {
            Some(iss) if iss == authority => Ok(format!("tokens carry iss `{iss}`")),
            Some(iss) => Err((
                format!("tokens carry iss `{iss}`, but authority is `{authority}`"),
                "OpenMetadata rejects such tokens: make authority the issuer Keycloak puts in \
                 tokens (set Keycloak's --hostname so it does not depend on the request)"
                    .to_string(),
            )),
            None => Err((
                "the token has no readable `iss` claim".to_string(),
                "check the realm's token settings".to_string(),
            )),
        },
    );
}

fn url_checks(c: &mut Checks, deployed: &Deployed) {
    if !deployed.confidential() {
        return;
    }
    let (Some(callback), Some(server)) = (&deployed.oidc_callback_url, &deployed.oidc_server_url)
    else {
        c.fail(
            URLS_CONSISTENT,
            "oidcConfiguration lacks callbackUrl or serverUrl",
            "re-run omsso render",
        );
        return;
    };
    let expected = format!("{}/{}", server.trim_end_matches('/'), server::CALLBACK_PATH);
    c.expect(
        URLS_CONSISTENT,
        if *callback == expected {
            Ok(format!("callback {callback} is served by {server}"))
        } else if callback.ends_with("/auth/callback") {
            Err((
                format!("callback {callback} is the UI route, not the server's"),
                format!("use {expected}: the server's /callback does the code exchange"),
            ))
        } else {
            Err((
                format!("callback {callback} is not {expected}"),
                "callbackUrl must be serverUrl + /callback".to_string(),
            ))
        },
    );
}
