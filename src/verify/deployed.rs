//! The OpenMetadata side of the live checks: what an openmetadata.yaml says. Read from the file,
//! not from omsso's inputs, so a file edited after rendering is checked as it is; the file also
//! decides which Keycloak and realm the checks look at (its `authority`).

use secrecy::SecretString;
use serde_json::Value;

use crate::keycloak::client::strings;
use crate::openmetadata::server;

#[derive(Debug, Default)]
pub struct Deployed {
    pub authority: Option<String>,
    pub public_key_urls: Vec<String>,
    pub client_id: Option<String>,
    pub client_type: Option<String>,
    /// What the UI asks Keycloak for with a public client (`id_token` when not set).
    pub response_type: Option<String>,
    pub callback_url: Option<String>,
    pub jwt_principal_claims: Vec<String>,
    /// `username:claim` and `email:claim` entries.
    pub jwt_principal_claims_mapping: Vec<String>,
    pub oidc_secret: Option<SecretString>,
    pub oidc_discovery_uri: Option<String>,
    pub oidc_callback_url: Option<String>,
    pub oidc_server_url: Option<String>,
    pub oidc_scope: Option<String>,
    pub oidc_preferred_jws_algorithm: Option<String>,
    pub oidc_disable_pkce: Option<bool>,
    pub oidc_use_nonce: Option<bool>,
    pub admin_principals: Vec<String>,
    pub principal_domain: Option<String>,
    pub enforce_principal_domain: Option<bool>,
    pub allowed_domains: Vec<String>,
    /// `jwtTokenConfiguration.keyId` and `.rsapublicKeyFilePath`: the key the server signs its
    /// own tokens with.
    pub jwt_key_id: Option<String>,
    pub jwt_public_key_path: Option<String>,
    /// `jwtTeamClaimMapping`: the claim that names the user's teams.
    pub jwt_team_claim_mapping: Option<String>,
    /// `useRolesFromProvider`: roles from the token's `roles` claim.
    pub use_roles_from_provider: bool,
    /// Both blocks as written (`authenticationConfiguration`, `authorizerConfiguration`): the
    /// body `apply` sends, and what `verify` compares with the running server.
    pub blocks: Value,
}

/// The Keycloak a configuration points at: its base URL and realm, read from `authority`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeycloakOf {
    /// `https://sso.example.com` (with `/auth` on Keycloak < 17).
    pub base: String,
    pub realm: String,
}

impl Deployed {
    /// Reads the auth blocks of an openmetadata.yaml.
    pub fn from_yaml(text: &str) -> Result<Deployed, String> {
        let root: Value = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
        let auth = root
            .get("authenticationConfiguration")
            .ok_or("no authenticationConfiguration section")?;
        let authz = root
            .get("authorizerConfiguration")
            .cloned()
            .unwrap_or_default();
        let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let b = |v: &Value, k: &str| v.get(k).and_then(Value::as_bool);
        let oidc = auth.get("oidcConfiguration").cloned().unwrap_or_default();
        let jwt = root
            .get("jwtTokenConfiguration")
            .cloned()
            .unwrap_or_default();
        Ok(Deployed {
            authority: s(auth, "authority"),
            public_key_urls: strings(auth.get("publicKeyUrls")),
            client_id: s(auth, "clientId"),
            client_type: s(auth, "clientType"),
            response_type: s(auth, "responseType"),
            callback_url: s(auth, "callbackUrl"),
            jwt_principal_claims: strings(auth.get("jwtPrincipalClaims")),
            jwt_principal_claims_mapping: strings(auth.get("jwtPrincipalClaimsMapping")),
            oidc_secret: s(&oidc, "secret").map(SecretString::from),
            oidc_discovery_uri: s(&oidc, "discoveryUri"),
            oidc_callback_url: s(&oidc, "callbackUrl"),
            oidc_server_url: s(&oidc, "serverUrl"),
            oidc_scope: s(&oidc, "scope"),
            oidc_preferred_jws_algorithm: s(&oidc, "preferredJwsAlgorithm"),
            oidc_disable_pkce: b(&oidc, "disablePkce"),
            oidc_use_nonce: b(&oidc, "useNonce"),
            admin_principals: strings(authz.get("adminPrincipals")),
            principal_domain: s(&authz, "principalDomain"),
            enforce_principal_domain: b(&authz, "enforcePrincipalDomain"),
            allowed_domains: strings(authz.get("allowedDomains")),
            jwt_key_id: s(&jwt, "keyId"),
            jwt_public_key_path: s(&jwt, "rsapublicKeyFilePath"),
            jwt_team_claim_mapping: s(auth, "jwtTeamClaimMapping").filter(|c| !c.is_empty()),
            use_roles_from_provider: b(&authz, "useRolesFromProvider") == Some(true),
            blocks: serde_json::json!({
                "authenticationConfiguration": auth,
                "authorizerConfiguration": authz,
            }),
        })
    }

    pub fn confidential(&self) -> bool {
        self.client_type.as_deref() != Some("public")
    }

    /// The URL OpenMetadata sends the browser back to after login.
    pub fn callback(&self) -> Option<&str> {
        if self.confidential() {
            self.oidc_callback_url.as_deref()
        } else {
            self.callback_url.as_deref()
        }
    }

    /// The public client's `responseType`, OpenMetadata's default when unset.
    pub fn public_response_type(&self) -> &str {
        self.response_type
            .as_deref()
            .unwrap_or(server::PUBLIC_RESPONSE_TYPE)
    }

    /// The scopes the login asks for: `oidcConfiguration.scope`, else OpenMetadata's default.
    pub fn scope(&self) -> &str {
        self.oidc_scope.as_deref().unwrap_or(server::SCOPE)
    }

    /// The ID token algorithm OpenMetadata expects (`preferredJwsAlgorithm`, default RS256).
    pub fn jws_algorithm(&self) -> &str {
        self.oidc_preferred_jws_algorithm
            .as_deref()
            .unwrap_or(server::JWS_ALGORITHM)
    }

    /// The claims the user name is read from, in order (the server's default when unset).
    pub fn principal_claims(&self) -> Vec<String> {
        if self.jwt_principal_claims.is_empty() {
            server::JWT_PRINCIPAL_CLAIMS
                .iter()
                .map(|c| c.to_string())
                .collect()
        } else {
            self.jwt_principal_claims.clone()
        }
    }

    /// Where OpenMetadata itself is, as browsers reach it: `serverUrl`, else the origin of
    /// the callback.
    pub fn om_url(&self) -> Option<String> {
        if let Some(s) = self.oidc_server_url.as_deref().filter(|s| !s.is_empty()) {
            return Some(s.trim_end_matches('/').to_string());
        }
        let callback = self.callback()?;
        let u = url::Url::parse(callback).ok()?;
        Some(u.origin().ascii_serialization())
    }

    /// The Keycloak base URL and realm named by `authority` (`{base}/realms/{realm}`).
    pub fn keycloak(&self) -> Result<KeycloakOf, String> {
        let authority = self
            .authority
            .as_deref()
            .filter(|a| !a.is_empty())
            .ok_or("authenticationConfiguration.authority is missing")?;
        keycloak_of(authority)
    }
}

/// `{base}/realms/{realm}` → base and realm (the realm's percent-encoding undone). A path after
/// the realm (the docs' `…/protocol/openid-connect/auth`) still names them; the issuer check
/// then says what is wrong with it.
pub fn keycloak_of(authority: &str) -> Result<KeycloakOf, String> {
    let bad = || {
        format!(
            "authority `{authority}` is not a Keycloak realm issuer ({{keycloak}}/realms/{{realm}})"
        )
    };
    let parsed = url::Url::parse(authority).map_err(|_| bad())?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(bad());
    }
    let trimmed = authority.trim_end_matches('/');
    let idx = trimmed.rfind("/realms/").ok_or_else(bad)?;
    let rest = &trimmed[idx + "/realms/".len()..];
    let realm = rest.split('/').next().unwrap_or_default();
    if realm.is_empty() {
        return Err(bad());
    }
    Ok(KeycloakOf {
        base: trimmed[..idx].to_string(),
        realm: percent_decode(realm).ok_or_else(bad)?,
    })
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_auth_blocks() {
        let d = Deployed::from_yaml(
            "authorizerConfiguration:\n  adminPrincipals: [alice]\n  principalDomain: ex.test\n\
             authenticationConfiguration:\n  authority: http://kc/realms/r\n  clientId: om\n  \
             publicKeyUrls: [a, b]\n  oidcConfiguration:\n    secret: s\n    \
             serverUrl: http://om:8585/\n",
        )
        .unwrap();
        assert_eq!(d.authority.as_deref(), Some("http://kc/realms/r"));
        assert_eq!(d.public_key_urls, ["a", "b"]);
        assert_eq!(d.admin_principals, ["alice"]);
        assert!(d.confidential());
        assert_eq!(d.scope(), "openid email profile");
        assert_eq!(d.jws_algorithm(), "RS256");
        assert_eq!(d.om_url().as_deref(), Some("http://om:8585"));
        assert_eq!(d.principal_claims(), ["email", "preferred_username", "sub"]);
        assert_eq!(d.principal_domain.as_deref(), Some("ex.test"));
        assert_eq!(d.blocks["authenticationConfiguration"]["clientId"], "om");
        assert!(Deployed::from_yaml("other: 1").is_err());
    }

    #[test]
    fn the_authority_names_keycloak_and_realm() {
        let k = keycloak_of("https://sso.example.com/auth/realms/data%20sec").unwrap();
        assert_eq!(k.base, "https://sso.example.com/auth");
        assert_eq!(k.realm, "data sec");
        let k = keycloak_of("http://127.0.0.1:8180/realms/demo").unwrap();
        assert_eq!(
            (k.base.as_str(), k.realm.as_str()),
            ("http://127.0.0.1:8180", "demo")
        );
        assert_eq!(
            keycloak_of("http://kc/realms/r/protocol/openid-connect/auth")
                .unwrap()
                .realm,
            "r"
        );
        for bad in [
            "http://kc/realms/",
            "kc/realms/r",
            "ftp://kc/realms/r",
            "{Keycloak}/realms/r",
        ] {
            assert!(keycloak_of(bad).is_err(), "{bad}");
        }
    }
}
