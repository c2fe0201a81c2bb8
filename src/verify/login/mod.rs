//! `verify --login USER`: a real login through Keycloak's own login form, over HTTP, with the
//! client the file configures, as OpenMetadata runs it: the flow its `responseType` names
//! (confidential: the server's auth code flow with state, nonce and PKCE, the code redeemed
//! with the file's secret; public: the UI's implicit flow or code flow with PKCE), the file's
//! redirect URI, and the ID token judged the way the server judges it ([`id_token`]). The
//! result says who the user is to OpenMetadata ([`crate::openmetadata::principal`]).

mod browser;
mod id_token;
mod page;
mod teams_roles;

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use rand_core::{OsRng, RngCore};
use reqwest::StatusCode;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::Value;
use sha2::Digest;

use browser::{is_redirect_to, Browser, Page};
pub use id_token::jwt_claims;

use super::deployed::Deployed;
use super::discovery::{discovery_of, token_endpoint_elsewhere};
use super::om_rules::is_own_jwks;
use super::report::Checks;
use crate::http::Http;
use crate::keycloak::probe;
use crate::omapi::Client;
use crate::openmetadata::principal::{Principal, Rules};
use crate::openmetadata::server;
use crate::verify::registry::{CheckInfo, LOGIN};

const NAME: CheckInfo = LOGIN;

/// Who to log in as.
pub struct Request {
    pub user: String,
    pub password: SecretString,
}

/// What `--format json` adds about the login.
#[derive(Debug, Serialize)]
pub struct Report {
    pub user: String,
    pub flow: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal: Option<Principal>,
    /// The teams the token names (with `jwtTeamClaimMapping`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub teams: Option<Vec<String>>,
    /// The roles the token names (with `useRolesFromProvider`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
    /// Claimed teams and roles OpenMetadata has none of (`team X`, `role Y`), when looked up.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unmatched: Vec<String>,
}

/// The flow the login runs, from the file.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Flow {
    /// The server's auth code flow, the code redeemed with the secret.
    Confidential,
    /// The UI's auth code flow with PKCE, no secret.
    PublicCode,
    /// The UI's implicit flow: the ID token comes back in the redirect.
    Implicit,
}

impl Flow {
    fn of(d: &Deployed) -> Flow {
        if d.confidential() {
            Flow::Confidential
        } else if d.public_response_type() == server::PUBLIC_RESPONSE_TYPE {
            Flow::Implicit
        } else {
            Flow::PublicCode
        }
    }

    fn label(self) -> &'static str {
        match self {
            Flow::Confidential => "auth code (confidential, PKCE)",
            Flow::PublicCode => "auth code (public, PKCE)",
            Flow::Implicit => "implicit (id_token)",
        }
    }
}

/// Why the login did not get as far as an ID token: a failure of the configuration or the
/// user (FAIL), or something this run cannot do (warn).
enum Stop {
    Fail(String, String),
    Warn(String, String),
}

fn fail(detail: impl Into<String>, hint: impl Into<String>) -> Stop {
    Stop::Fail(detail.into(), hint.into())
}

fn random() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Runs the login and records it as the check `login` (and, when the file maps teams or
/// roles, `login-teams-roles`, looked up in OpenMetadata through `directory` when given).
pub async fn run(
    c: &mut Checks,
    http: &Http,
    deployed: &Deployed,
    req: &Request,
    directory: Option<&Client<'_>>,
) -> Report {
    let flow = Flow::of(deployed);
    // The code exchange carries the client secret: only to the authority the file names.
    http.trust(deployed.authority.as_deref().unwrap_or_default());
    let mut report = Report {
        user: req.user.clone(),
        flow: flow.label(),
        principal: None,
        teams: None,
        roles: None,
        unmatched: Vec::new(),
    };
    match walk(http, deployed, req, flow).await {
        Ok(claims) => {
            principal(c, deployed, req, &claims, &mut report);
            teams_roles::check(c, deployed, req, &claims, &mut report, directory).await;
        }
        Err(Stop::Fail(detail, hint)) => c.fail(NAME, detail, hint),
        Err(Stop::Warn(detail, hint)) => c.warn(NAME, detail, hint),
    }
    report
}

fn principal(c: &mut Checks, d: &Deployed, req: &Request, claims: &Value, report: &mut Report) {
    let principal_claims = d.principal_claims();
    let rules = Rules {
        claims: &principal_claims,
        mapping: &d.jwt_principal_claims_mapping,
        admin_principals: &d.admin_principals,
        principal_domain: d.principal_domain.as_deref(),
        enforce_principal_domain: d.enforce_principal_domain.unwrap_or(false),
        allowed_domains: &d.allowed_domains,
    };
    match rules.principal(claims) {
        Ok(p) => {
            let admin = if p.admin {
                "admin: yes, via adminPrincipals".to_string()
            } else {
                "admin: no, not in adminPrincipals".to_string()
            };
            let domain = if rules.enforce_principal_domain {
                format!("domain check: on, {}", p.email)
            } else {
                "domain check: off".to_string()
            };
            let email = if p.email_in_token {
                String::new()
            } else {
                format!(
                    "; the token has no email, so OpenMetadata records {}",
                    p.email
                )
            };
            c.pass(
                NAME,
                format!(
                    "{} signs in to OpenMetadata as {} ({admin}; {domain}{email})",
                    req.user, p.name
                ),
            );
            report.principal = Some(p);
        }
        Err(refusal) => c.fail(
            NAME,
            format!(
                "Keycloak signs {} in, but OpenMetadata refuses the token: {refusal}",
                req.user
            ),
            "fix jwtPrincipalClaims / jwtPrincipalClaimsMapping or the authorizer's domain \
             settings, or give the user the missing attribute in Keycloak",
        ),
    }
}

/// The whole walk: authorization request, login form, redirect, code exchange, token checks.
/// Returns the ID token's claims.
async fn walk(http: &Http, d: &Deployed, req: &Request, flow: Flow) -> Result<Value, Stop> {
    let discovery = discovery(http, d).await?;
    let client_id = d.client_id.clone().unwrap_or_default();
    let redirect_uri = d
        .callback()
        .map(str::to_string)
        .ok_or_else(|| fail("the file names no callback URL", "re-run omsso render"))?;
    let once = OneTime::new(d, flow);
    let url = authorization_url(&discovery, d, flow, &client_id, &redirect_uri, &once)?;
    let authority = d.authority.as_deref().unwrap_or_default();
    let back = sign_in(http, authority, &url, req, &redirect_uri).await?;
    let params = redirect_params(&back, flow == Flow::Implicit);
    let param = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    if let Some(error) = param("error") {
        return Err(fail(
            format!(
                "Keycloak refused the login: {} ({error})",
                param("error_description").unwrap_or_default()
            ),
            "the client must allow the flow OpenMetadata uses (see client-flow)",
        ));
    }
    if param("state").as_deref() != Some(once.state.as_str()) {
        return Err(fail(
            "the redirect does not carry the login's state",
            "Keycloak or a proxy rewrote the redirect",
        ));
    }
    let id_token = match flow {
        Flow::Implicit => param("id_token")
            .ok_or_else(|| fail("the redirect carries no id_token", "check responseType"))?,
        _ => {
            let code = param("code")
                .ok_or_else(|| fail("the redirect carries no code", "check responseType"))?;
            let token_endpoint = endpoint(&discovery, "token_endpoint")?;
            let pkce = once.pkce.as_deref();
            exchange(http, d, flow, &token_endpoint, &code, &redirect_uri, pkce).await?
        }
    };
    let nonce = once.nonce.as_deref();
    validate(http, d, &discovery, &id_token, &client_id, nonce).await
}

/// The realm's discovery document, from the authority as browsers see it.
async fn discovery(http: &Http, d: &Deployed) -> Result<Value, Stop> {
    let discovery_url = discovery_of(d.authority.as_deref().unwrap_or_default());
    match probe::get(http, &discovery_url).await {
        Ok(r) if r.status.is_success() => Ok(serde_json::from_slice(&r.body).unwrap_or_default()),
        Ok(r) => Err(fail(
            format!("{discovery_url} answered {}", r.status.as_u16()),
            "fix discovery-reachable first",
        )),
        Err(e) => Err(Stop::Warn(
            format!("cannot reach {discovery_url} from this machine: {e}"),
            "run the login where browsers reach Keycloak".to_string(),
        )),
    }
}

fn endpoint(discovery: &Value, k: &str) -> Result<String, Stop> {
    discovery
        .get(k)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| {
            fail(
                format!("the discovery document names no {k}"),
                "check authority",
            )
        })
}

/// The one-time values of one login: state, nonce and PKCE verifier, as the flow uses them.
struct OneTime {
    state: String,
    nonce: Option<String>,
    pkce: Option<String>,
}

impl OneTime {
    fn new(d: &Deployed, flow: Flow) -> OneTime {
        let use_nonce = flow == Flow::Implicit || d.oidc_use_nonce.unwrap_or(true);
        OneTime {
            state: random(),
            nonce: use_nonce.then(random),
            pkce: (flow != Flow::Implicit && !d.oidc_disable_pkce.unwrap_or(false)).then(random),
        }
    }
}

/// The authorization request OpenMetadata's login button sends.
fn authorization_url(
    discovery: &Value,
    d: &Deployed,
    flow: Flow,
    client_id: &str,
    redirect_uri: &str,
    once: &OneTime,
) -> Result<url::Url, Stop> {
    let auth_endpoint = endpoint(discovery, "authorization_endpoint")?;
    let mut url = url::Url::parse(&auth_endpoint)
        .map_err(|e| fail(format!("authorization_endpoint: {e}"), "check Keycloak"))?;
    let mut q = url.query_pairs_mut();
    q.append_pair("client_id", client_id)
        .append_pair(
            "response_type",
            if flow == Flow::Implicit {
                server::PUBLIC_RESPONSE_TYPE
            } else {
                server::CONFIDENTIAL_RESPONSE_TYPE
            },
        )
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("scope", d.scope())
        .append_pair("state", &once.state);
    if let Some(n) = &once.nonce {
        q.append_pair("nonce", n);
    }
    if let Some(verifier) = &once.pkce {
        let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(sha2::Sha256::digest(verifier.as_bytes()));
        q.append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256");
    }
    drop(q);
    Ok(url)
}

/// Opens the authorization URL and fills Keycloak's login form; returns the redirect back to
/// OpenMetadata.
async fn sign_in(
    http: &Http,
    authority: &str,
    url: &url::Url,
    req: &Request,
    redirect_uri: &str,
) -> Result<String, Stop> {
    let browser = Browser::new(http, authority, redirect_uri)?;
    let Page {
        status,
        location,
        html,
        feedback,
    } = browser.get(url.as_str()).await?;
    match (status, location) {
        (_, Some(loc)) if is_redirect_to(&loc, redirect_uri) => Ok(loc),
        (StatusCode::OK, _) => {
            let action = page::form_action(&html, "kc-form-login").ok_or_else(|| {
                fail(
                    "Keycloak did not show its login form",
                    "check the realm's browser flow",
                )
            })?;
            browser.submit(&action, req, redirect_uri).await
        }
        (s, _) => Err(fail(
            format!(
                "Keycloak refused the login request ({}): {}",
                s.as_u16(),
                feedback.unwrap_or_else(|| "no message".to_string())
            ),
            "check clientId and that the redirect URI is registered (redirect-uri-registered)",
        )),
    }
}

/// The parameters of the redirect: the query (code flow) or the fragment (implicit flow);
/// errors come in either.
fn redirect_params(location: &str, fragment: bool) -> Vec<(String, String)> {
    let Ok(u) = url::Url::parse(location) else {
        return Vec::new();
    };
    let mut out: Vec<(String, String)> = u.query_pairs().into_owned().collect();
    if fragment {
        if let Some(f) = u.fragment() {
            out.extend(url::form_urlencoded::parse(f.as_bytes()).into_owned());
        }
    }
    out
}

/// Redeems the code at the token endpoint, as the server (with the secret) or the UI (with
/// the PKCE verifier only) does; returns the ID token.
async fn exchange(
    http: &Http,
    d: &Deployed,
    flow: Flow,
    token_endpoint: &str,
    code: &str,
    redirect_uri: &str,
    verifier: Option<&str>,
) -> Result<String, Stop> {
    let client_id = d.client_id.clone().unwrap_or_default();
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", redirect_uri),
        ("client_id", client_id.as_str()),
    ];
    let secret;
    if flow == Flow::Confidential {
        secret = d
            .oidc_secret
            .as_ref()
            .ok_or_else(|| fail("oidcConfiguration.secret is missing", "re-run omsso render"))?
            .expose_secret()
            .to_string();
        // client_secret_post, OpenMetadata's default (Keycloak accepts basic as well).
        form.push(("client_secret", secret.as_str()));
    }
    if let Some(v) = verifier {
        form.push(("code_verifier", v));
    }
    let reply = probe::token_form(http, token_endpoint, &form)
        .await
        .map_err(|e| match token_endpoint_elsewhere(&e) {
            Some((detail, hint)) => Stop::Fail(detail, hint),
            None => Stop::Warn(
                format!("cannot reach {token_endpoint}: {e}"),
                "run the login where the OpenMetadata server runs".to_string(),
            ),
        })?;
    if !reply.status.is_success() {
        return Err(fail(
            format!(
                "Keycloak refused to redeem the code ({}: {})",
                reply.status.as_u16(),
                reply.error_text()
            ),
            "the secret in the file must be the client's current one (secret-authenticates)",
        ));
    }
    let body: Value = serde_json::from_slice(&reply.body).unwrap_or_default();
    body.get("id_token")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| {
            fail(
                "the token answer holds no id_token",
                "the scope must include openid",
            )
        })
}

/// Judges the ID token as OpenMetadata does; returns its claims.
async fn validate(
    http: &Http,
    d: &Deployed,
    discovery: &Value,
    token: &str,
    client_id: &str,
    nonce: Option<&str>,
) -> Result<Value, Stop> {
    let bad = |e: String| {
        fail(
            format!("OpenMetadata would refuse the ID token: {e}"),
            "see the other checks",
        )
    };
    let jwt = id_token::Jwt::parse(token).map_err(bad)?;
    let expected = d.jws_algorithm();
    if jwt.alg() != expected {
        return Err(bad(format!(
            "it is signed with {}, but OpenMetadata expects {expected}",
            jwt.alg()
        )));
    }
    // The key from publicKeyUrls, as the server looks it up; the discovery's jwks_uri when
    // none of them can be read from here (the JWKS checks say so).
    let mut sources: Vec<String> = d
        .public_key_urls
        .iter()
        .filter(|u| !is_own_jwks(u))
        .cloned()
        .collect();
    if let Some(j) = discovery.get("jwks_uri").and_then(Value::as_str) {
        sources.push(j.to_string());
    }
    let mut key = None;
    for url in &sources {
        if let Ok(r) = probe::get(http, url).await {
            let jwks: Value = serde_json::from_slice(&r.body).unwrap_or_default();
            if let Some(k) = id_token::find_key(&jwks, jwt.kid()) {
                key = Some(k.clone());
                break;
            }
        }
    }
    let key = key.ok_or_else(|| {
        bad(format!(
            "no key with kid `{}` in publicKeyUrls (\"No key found with kid\")",
            jwt.kid().unwrap_or_default()
        ))
    })?;
    jwt.verify(&key).map_err(bad)?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let authority = d.authority.as_deref().unwrap_or_default();
    id_token::check_claims(&jwt.claims, authority, client_id, nonce, now).map_err(bad)?;
    Ok(jwt.claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_redirect_back_is_recognised_with_its_parameters() {
        let cb = "http://om:8585/callback";
        assert!(is_redirect_to("http://om:8585/callback?code=x&state=s", cb));
        assert!(is_redirect_to("http://om:8585/callback#id_token=t", cb));
        assert!(!is_redirect_to("http://om:8585/callbackx?code=x", cb));
        assert!(!is_redirect_to("http://kc/realms/r/login-actions/x", cb));
        let p = redirect_params("http://om/callback#state=s&id_token=t.u.v", true);
        assert!(p.contains(&("id_token".to_string(), "t.u.v".to_string())));
        let p = redirect_params(
            "http://om/callback?error=unauthorized_client&error_description=Implicit+flow+is+disabled",
            false,
        );
        assert!(p.contains(&(
            "error_description".to_string(),
            "Implicit flow is disabled".to_string()
        )));
    }

    #[test]
    fn the_flow_follows_client_type_and_response_type() {
        let public = |rt: Option<&str>| Deployed {
            client_type: Some("public".into()),
            response_type: rt.map(str::to_string),
            ..Deployed::default()
        };
        assert!(Flow::of(&Deployed::default()) == Flow::Confidential);
        assert!(Flow::of(&public(None)) == Flow::Implicit);
        assert!(Flow::of(&public(Some("code"))) == Flow::PublicCode);
    }
}
