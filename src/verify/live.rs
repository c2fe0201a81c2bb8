//! `omsso verify` (live): the configuration OpenMetadata will run with, checked against the
//! running Keycloak. Each check is named, passes or fails on its own, and carries a fix hint,
//! so one run lists every problem instead of stopping at the first.

use secrecy::SecretString;
use serde::Serialize;
use serde_json::Value;

use crate::keycloak::client::strings;
use crate::keycloak::{probe, urls, KeycloakError, Session};

/// The OpenMetadata side of the deal: what an openmetadata.yaml says. Read from the file, not
/// from omsso's inputs, so a file edited after rendering is checked as it is.
#[derive(Debug, Default)]
pub struct Deployed {
    pub authority: Option<String>,
    pub public_key_urls: Vec<String>,
    pub client_id: Option<String>,
    pub client_type: Option<String>,
    /// What the UI asks Keycloak for with a public client (`id_token` when not set).
    pub response_type: Option<String>,
    pub callback_url: Option<String>,
    pub oidc_secret: Option<SecretString>,
    pub oidc_discovery_uri: Option<String>,
    pub oidc_callback_url: Option<String>,
    pub oidc_server_url: Option<String>,
}

impl Deployed {
    /// Reads the `authenticationConfiguration` block of an openmetadata.yaml.
    pub fn from_yaml(text: &str) -> Result<Deployed, String> {
        let root: Value = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
        let auth = root
            .get("authenticationConfiguration")
            .ok_or("no authenticationConfiguration section")?;
        let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let oidc = auth.get("oidcConfiguration").cloned().unwrap_or_default();
        Ok(Deployed {
            authority: s(auth, "authority"),
            public_key_urls: strings(auth.get("publicKeyUrls")),
            client_id: s(auth, "clientId"),
            client_type: s(auth, "clientType"),
            response_type: s(auth, "responseType"),
            callback_url: s(auth, "callbackUrl"),
            oidc_secret: s(&oidc, "secret").map(SecretString::from),
            oidc_discovery_uri: s(&oidc, "discoveryUri"),
            oidc_callback_url: s(&oidc, "callbackUrl"),
            oidc_server_url: s(&oidc, "serverUrl"),
        })
    }

    fn confidential(&self) -> bool {
        self.client_type.as_deref() != Some("public")
    }

    /// The URL OpenMetadata sends the browser back to after login.
    fn callback(&self) -> Option<&str> {
        if self.confidential() {
            self.oidc_callback_url.as_deref()
        } else {
            self.callback_url.as_deref()
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    /// Could not be decided from here (e.g. an internal URL this machine cannot reach).
    Warn,
}

#[derive(Debug, Serialize)]
pub struct Check {
    /// Stable id, e.g. `issuer-matches-authority`.
    pub name: &'static str,
    pub status: Status,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

#[derive(Default)]
struct Checks(Vec<Check>);

impl Checks {
    fn pass(&mut self, name: &'static str, detail: impl Into<String>) {
        self.push(name, Status::Pass, detail, None::<String>);
    }

    fn fail(&mut self, name: &'static str, detail: impl Into<String>, hint: impl Into<String>) {
        self.push(name, Status::Fail, detail, Some(hint));
    }

    fn warn(&mut self, name: &'static str, detail: impl Into<String>, hint: impl Into<String>) {
        self.push(name, Status::Warn, detail, Some(hint));
    }

    fn push(
        &mut self,
        name: &'static str,
        status: Status,
        detail: impl Into<String>,
        hint: Option<impl Into<String>>,
    ) {
        self.0.push(Check {
            name,
            status,
            detail: detail.into(),
            hint: hint.map(Into::into),
        });
    }

    /// Records `ok` as a pass, anything else as a failure.
    fn expect(&mut self, name: &'static str, ok: Result<String, (String, String)>) {
        match ok {
            Ok(detail) => self.pass(name, detail),
            Err((detail, hint)) => self.fail(name, detail, hint),
        }
    }
}

/// OpenMetadata's own JWKS path, with its leading slash.
const OM_JWKS_SUFFIX: &str = crate::openmetadata::server::OWN_JWKS_URL_PATH;
const REQUIRED_SCOPES: [&str; 3] = ["profile", "email", "basic"];

/// Runs every live check. Only a failure to reach the admin API is an error; everything the
/// checks find is in the returned list.
pub async fn run(
    session: &Session,
    realm: &str,
    deployed: &Deployed,
) -> Result<Vec<Check>, KeycloakError> {
    let mut c = Checks::default();
    let authority = deployed.authority.clone().unwrap_or_default();
    let discovery_url = deployed
        .oidc_discovery_uri
        .clone()
        .unwrap_or_else(|| urls::discovery_of_issuer(&authority));

    // Discovery as the OpenMetadata server fetches it; the admin-side client checks at the
    // same time.
    let client_id = deployed.client_id.clone().unwrap_or_default();
    let (discovery, client) = tokio::join!(
        probe::get(session, &discovery_url),
        probe::client_and_scopes(session, realm, &client_id),
    );
    let discovery = discovery_checks(&mut c, &discovery_url, &authority, discovery);
    public_key_checks(&mut c, session, deployed, discovery.as_ref()).await;
    client_checks(&mut c, realm, deployed, client?);
    if let Some(d) = &discovery {
        secret_checks(&mut c, session, deployed, &authority, d).await;
    }
    url_checks(&mut c, deployed);
    Ok(c.0)
}

fn discovery_checks(
    c: &mut Checks,
    url: &str,
    authority: &str,
    reply: Result<probe::Reply, KeycloakError>,
) -> Option<Value> {
    let doc = match reply {
        Ok(r) if r.status.is_success() => match serde_json::from_slice::<Value>(&r.body) {
            Ok(doc) => doc,
            Err(_) => {
                c.fail(
                    "discovery-reachable",
                    format!("{url} did not answer with a discovery document"),
                    "discoveryUri must be the realm's /.well-known/openid-configuration",
                );
                return None;
            }
        },
        Ok(r) => {
            c.fail(
                "discovery-reachable",
                format!("{url} answered {}", r.status.as_u16()),
                "check the realm name and Keycloak URL in discoveryUri",
            );
            return None;
        }
        Err(e) => {
            c.warn(
                "discovery-reachable",
                format!("cannot reach {url} from this machine: {e}"),
                "the OpenMetadata server must reach it; run verify where it runs, or fix \
                 keycloak.internal_url",
            );
            return None;
        }
    };
    c.pass("discovery-reachable", format!("{url} answers"));
    let issuer = doc
        .get("issuer")
        .and_then(Value::as_str)
        .unwrap_or_default();
    c.expect(
        "issuer-matches-authority",
        if issuer == authority {
            Ok(format!("issuer `{issuer}` equals authority"))
        } else {
            Err((
                format!("discovery issuer `{issuer}` differs from authority `{authority}`"),
                "set authority to the issuer byte for byte (re-run omsso render); if Keycloak \
                 derives the issuer from the request host, set its --hostname"
                    .to_string(),
            ))
        },
    );
    Some(doc)
}

async fn public_key_checks(
    c: &mut Checks,
    session: &Session,
    deployed: &Deployed,
    discovery: Option<&Value>,
) {
    let urls = &deployed.public_key_urls;
    let om_jwks = urls.iter().find(|u| u.ends_with(OM_JWKS_SUFFIX));
    let realm_certs = urls
        .iter()
        .find(|u| u.ends_with("/protocol/openid-connect/certs"));
    c.expect(
        "public-key-urls",
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
    if let Some(jwks_uri) = discovery
        .and_then(|d| d.get("jwks_uri"))
        .and_then(Value::as_str)
    {
        // The host may differ (internal vs public URL); the realm path must not.
        let path = |u: &str| url::Url::parse(u).map(|u| u.path().to_string()).ok();
        if path(certs) != path(jwks_uri) {
            c.fail(
                "jwks-is-realm",
                format!("publicKeyUrls has {certs}, but the realm's jwks_uri is {jwks_uri}"),
                "point it at this realm's certs URL",
            );
        }
    }
    match probe::get(session, certs).await {
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
                "jwks-signing-key",
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
        Ok(r) => c.fail(
            "jwks-signing-key",
            format!("{certs} answered {}", r.status.as_u16()),
            "check the realm name in the certs URL",
        ),
        Err(e) => c.warn(
            "jwks-signing-key",
            format!("cannot reach {certs} from this machine: {e}"),
            "the OpenMetadata server must reach it; run verify where it runs",
        ),
    }
}

fn client_checks(
    c: &mut Checks,
    realm: &str,
    deployed: &Deployed,
    client: Option<(Value, Vec<String>)>,
) {
    let id = deployed.client_id.as_deref().unwrap_or_default();
    let Some((client, scopes)) = client else {
        c.fail(
            "client-exists",
            format!("realm `{realm}` has no client `{id}`"),
            "run `omsso keycloak ensure`",
        );
        return;
    };
    c.pass(
        "client-exists",
        format!("client `{id}` exists in realm `{realm}`"),
    );
    let public = client.get("publicClient").and_then(Value::as_bool) == Some(true);
    if deployed.confidential() {
        c.expect(
            "client-confidential",
            if public {
                Err((
                    format!("client `{id}` is public, but OpenMetadata is set up as confidential"),
                    "run `omsso keycloak ensure` (Client authentication ON)".to_string(),
                ))
            } else {
                Ok(format!("client `{id}` is confidential"))
            },
        );
    } else {
        c.expect("client-flow", browser_flow(id, &client, deployed));
    }
    let registered = strings(client.get("redirectUris"));
    let root = client.get("rootUrl").and_then(Value::as_str).unwrap_or("");
    let callback = deployed.callback().unwrap_or_default();
    c.expect(
        "redirect-uri-registered",
        if registered
            .iter()
            .any(|p| redirect_matches(p, root, callback))
        {
            Ok(format!("{callback} is a valid redirect URI"))
        } else {
            Err((
                format!(
                    "callback {callback} is not among the client's redirect URIs ({})",
                    registered.join(", ")
                ),
                "run `omsso keycloak ensure`, or add it under Valid Redirect URIs".to_string(),
            ))
        },
    );
    let missing: Vec<&str> = REQUIRED_SCOPES
        .into_iter()
        .filter(|s| !scopes.iter().any(|have| have == s))
        .collect();
    c.expect(
        "default-scopes",
        if missing.is_empty() {
            Ok("default client scopes include profile, email and basic".to_string())
        } else {
            Err((
                format!("default client scopes lack {}", missing.join(", ")),
                "run `omsso keycloak ensure` (without `basic` tokens carry no `sub`)".to_string(),
            ))
        },
    );
}

/// A public OpenMetadata client logs in from the browser: Keycloak must allow the flow its
/// `responseType` asks for, and the code flow needs a client without authentication (the
/// browser holds no secret).
fn browser_flow(id: &str, client: &Value, deployed: &Deployed) -> Result<String, (String, String)> {
    let flag = |k: &str| client.get(k).and_then(Value::as_bool) == Some(true);
    let hint = "run `omsso keycloak ensure` with the same --client-type and --response-type";
    match deployed.response_type.as_deref().unwrap_or("id_token") {
        "id_token" if flag("implicitFlowEnabled") => Ok(format!(
            "client `{id}` allows the implicit flow the UI uses (responseType id_token)"
        )),
        "id_token" => Err((
            format!("responseType is id_token, but client `{id}` has the implicit flow off"),
            hint.to_string(),
        )),
        "code" if flag("standardFlowEnabled") && flag("publicClient") => {
            let pkce = client
                .get("attributes")
                .and_then(|a| a.get("pkce.code.challenge.method"))
                .and_then(Value::as_str)
                .filter(|m| !m.is_empty());
            Ok(format!(
                "client `{id}` is public with the standard flow the UI uses (responseType code, \
                 PKCE {})",
                pkce.map_or("not required".to_string(), |m| format!("{m} required"))
            ))
        }
        "code" if !flag("standardFlowEnabled") => Err((
            format!("responseType is code, but client `{id}` has the standard flow off"),
            hint.to_string(),
        )),
        "code" => Err((
            format!(
                "responseType is code, but client `{id}` is confidential: the browser has no \
                 secret to redeem the code with"
            ),
            hint.to_string(),
        )),
        other => Err((
            format!("responseType `{other}` is neither id_token nor code"),
            "use id_token (implicit flow) or code (auth code with PKCE)".to_string(),
        )),
    }
}

/// Keycloak's rule: exact match, or a prefix match when the pattern ends in `*`; relative
/// patterns are relative to the client's root URL.
fn redirect_matches(pattern: &str, root: &str, uri: &str) -> bool {
    let full = if pattern.starts_with('/') {
        format!("{}{pattern}", root.trim_end_matches('/'))
    } else {
        pattern.to_string()
    };
    match full.strip_suffix('*') {
        Some(prefix) => uri.starts_with(prefix),
        None => full == uri,
    }
}

async fn secret_checks(
    c: &mut Checks,
    session: &Session,
    deployed: &Deployed,
    authority: &str,
    discovery: &Value,
) {
    if !deployed.confidential() {
        return;
    }
    let Some(secret) = &deployed.oidc_secret else {
        c.fail(
            "secret-authenticates",
            "oidcConfiguration.secret is missing",
            "re-run omsso render with the client's credentials",
        );
        return;
    };
    let Some(token_endpoint) = discovery.get("token_endpoint").and_then(Value::as_str) else {
        c.fail(
            "secret-authenticates",
            "the discovery document names no token_endpoint",
            "check that discoveryUri is Keycloak's",
        );
        return;
    };
    let id = deployed.client_id.as_deref().unwrap_or_default();
    let reply = match probe::client_credentials(session, token_endpoint, id, secret).await {
        Ok(r) => r,
        Err(e) => {
            c.warn(
                "secret-authenticates",
                format!("cannot reach {token_endpoint}: {e}"),
                "run verify where the OpenMetadata server runs",
            );
            return;
        }
    };
    if !reply.status.is_success() {
        c.fail(
            "secret-authenticates",
            format!(
                "Keycloak refused the configured secret for `{id}` ({}: {})",
                reply.status.as_u16(),
                reply.error_text_without(secrecy::ExposeSecret::expose_secret(secret))
            ),
            "the secret was rotated or mistyped: run `omsso keycloak fetch` and re-render",
        );
        return;
    }
    c.pass(
        "secret-authenticates",
        format!("the configured secret authenticates `{id}`"),
    );
    let token: Value = serde_json::from_slice(&reply.body).unwrap_or_default();
    let iss = token
        .get("access_token")
        .and_then(Value::as_str)
        .and_then(jwt_issuer);
    c.expect(
        "token-issuer",
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

/// The `iss` claim of a JWT (read, not verified: verification is the server's job, here only
/// the value matters).
fn jwt_issuer(jwt: &str) -> Option<String> {
    use base64::Engine;
    let payload = jwt.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    claims.get("iss")?.as_str().map(str::to_string)
}

fn url_checks(c: &mut Checks, deployed: &Deployed) {
    if !deployed.confidential() {
        return;
    }
    let (Some(callback), Some(server)) = (&deployed.oidc_callback_url, &deployed.oidc_server_url)
    else {
        c.fail(
            "urls-consistent",
            "oidcConfiguration lacks callbackUrl or serverUrl",
            "re-run omsso render",
        );
        return;
    };
    let expected = format!("{}/callback", server.trim_end_matches('/'));
    c.expect(
        "urls-consistent",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_patterns_follow_keycloak() {
        assert!(redirect_matches(
            "http://om/callback",
            "",
            "http://om/callback"
        ));
        assert!(redirect_matches("http://om/*", "", "http://om/callback"));
        assert!(redirect_matches(
            "/callback",
            "http://om/",
            "http://om/callback"
        ));
        assert!(!redirect_matches(
            "http://om/callback",
            "",
            "http://om/callback2"
        ));
        assert!(!redirect_matches(
            "http://other/*",
            "",
            "http://om/callback"
        ));
    }

    #[test]
    fn reads_the_issuer_claim() {
        use base64::Engine;
        let enc = |v: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
        let jwt = format!(
            "{}.{}.sig",
            enc("{}"),
            enc(r#"{"iss":"http://kc/realms/r"}"#)
        );
        assert_eq!(jwt_issuer(&jwt).as_deref(), Some("http://kc/realms/r"));
        assert_eq!(jwt_issuer("garbage"), None);
    }

    #[test]
    fn a_public_client_needs_the_flow_of_its_response_type() {
        let deployed = |rt: Option<&str>| Deployed {
            client_type: Some("public".into()),
            response_type: rt.map(str::to_string),
            ..Deployed::default()
        };
        let client = serde_json::json!({
            "publicClient": true, "standardFlowEnabled": true, "implicitFlowEnabled": false,
            "attributes": { "pkce.code.challenge.method": "S256" }
        });
        assert!(browser_flow("om", &client, &deployed(None)).is_err());
        let ok = browser_flow("om", &client, &deployed(Some("code"))).unwrap();
        assert!(ok.contains("PKCE S256 required"), "{ok}");
        let mut confidential = client.clone();
        confidential["publicClient"] = false.into();
        confidential["implicitFlowEnabled"] = true.into();
        let (detail, _) = browser_flow("om", &confidential, &deployed(Some("code"))).unwrap_err();
        assert!(detail.contains("confidential"), "{detail}");
        // The implicit flow works with a confidential client too (OpenMetadata's old guide).
        assert!(browser_flow("om", &confidential, &deployed(Some("id_token"))).is_ok());
    }

    #[test]
    fn reads_the_auth_block() {
        let d = Deployed::from_yaml(
            "authenticationConfiguration:\n  authority: http://kc/realms/r\n  clientId: om\n  \
             publicKeyUrls: [a, b]\n  oidcConfiguration:\n    secret: s\n",
        )
        .unwrap();
        assert_eq!(d.authority.as_deref(), Some("http://kc/realms/r"));
        assert_eq!(d.public_key_urls, ["a", "b"]);
        assert!(d.confidential());
        assert!(Deployed::from_yaml("other: 1").is_err());
    }
}
