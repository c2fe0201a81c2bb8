//! The render model: every variable the templates see, derived from the credentials and the
//! settings once, so the templates only place values and never compute them.
//!
//! Which keys differ between OpenMetadata versions (NOTES §0, §2) is decided here too:
//! * 1.6 – 1.12: the Keycloak docs' key set. A confidential client also sets
//!   `authenticationConfiguration.callbackUrl` to `{om}/callback`, as those docs do.
//! * 1.13 (the newest server yaml): `authorizerConfiguration.adminEmails` appears (preferred
//!   over the deprecated `adminPrincipals`, which is still written), and a confidential
//!   client leaves the top-level `callbackUrl` empty ("Confidential clients leave this blank
//!   and set oidcConfiguration.callbackUrl instead").

use std::collections::BTreeMap;

use serde::Serialize;

use super::{RenderError, RenderInput};
use crate::settings::{ClientType, OmVersion};

pub const PROVIDER: &str = "custom-oidc";
pub const OIDC_TYPE: &str = "Keycloak";
pub const SCOPE: &str = "openid email profile";
pub const CLIENT_AUTHENTICATION_METHOD: &str = "client_secret_post";
pub const AUTHORIZER_CLASS: &str = "org.openmetadata.service.security.DefaultAuthorizer";
pub const REQUEST_FILTER: &str = "org.openmetadata.service.security.JwtFilter";
/// OpenMetadata's own JWKS (for the tokens it issues); `publicKeyUrls` must always hold it.
pub const OM_JWKS_PATH: &str = "api/v1/system/config/jwks";
/// The server endpoint that finishes the auth code flow (never `/auth/callback`, the UI route).
pub const CALLBACK_PATH: &str = "callback";
/// The Secret keys the chart's values refer to by default.
pub const HELM_CLIENT_ID_KEY: &str = "openmetadata-oidc-client-id";
pub const HELM_CLIENT_SECRET_KEY: &str = "openmetadata-oidc-client-secret";

/// The keys that exist in one OpenMetadata release line, for `{% if keys.… %}` in templates.
#[derive(Debug, Serialize)]
pub struct VersionKeys {
    /// `authorizerConfiguration.adminEmails` / `AUTHORIZER_ADMIN_EMAILS` (1.13+).
    pub admin_emails: bool,
    /// Confidential clients leave `authenticationConfiguration.callbackUrl` empty (1.13+).
    pub confidential_callback_blank: bool,
}

impl VersionKeys {
    pub fn of(v: OmVersion) -> VersionKeys {
        let newest_keys = v >= OmVersion::new(13);
        VersionKeys {
            admin_emails: newest_keys,
            confidential_callback_blank: newest_keys,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Model {
    pub om_version: String,
    pub client_type: &'static str,
    pub confidential: bool,
    /// `authenticationConfiguration.responseType` (written for public clients only).
    pub response_type: &'static str,
    pub keys: VersionKeys,
    pub om_url: String,
    pub provider: &'static str,
    pub provider_name: String,
    /// The realm's discovery `issuer`, byte for byte.
    pub authority: String,
    pub client_id: String,
    /// Realm certs (as the OpenMetadata server reaches Keycloak) and OpenMetadata's own JWKS.
    pub public_key_urls: Vec<String>,
    /// `authenticationConfiguration.callbackUrl`.
    pub callback_url: String,
    pub oidc: Oidc,
    pub authorizer: Authorizer,
    pub helm: Helm,
}

#[derive(Debug, Serialize)]
pub struct Oidc {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub scope: &'static str,
    /// Discovery document as the OpenMetadata server reaches Keycloak.
    pub discovery_uri: String,
    pub callback_url: String,
    pub server_url: String,
    pub client_authentication_method: &'static str,
    /// Required by the schema; only Azure uses it.
    pub tenant: &'static str,
    /// Always a map: an empty string here breaks OpenMetadata's start-up (NOTES §6.6).
    pub custom_params: BTreeMap<String, String>,
}

#[derive(Debug, Serialize)]
pub struct Authorizer {
    pub class_name: &'static str,
    pub request_filter: &'static str,
    pub admin_principals: Vec<String>,
    pub principal_domain: String,
    /// `principal@domain` for each admin principal (1.13+, see [`VersionKeys`]).
    pub admin_emails: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Helm {
    pub secret_name: String,
    pub namespace: Option<String>,
    pub client_id_key: &'static str,
    pub client_secret_key: &'static str,
}

impl Model {
    pub fn build(input: &RenderInput) -> Result<Model, RenderError> {
        let c = &input.credentials;
        let confidential = input.client_type == ClientType::Confidential;
        let keys = VersionKeys::of(input.version);
        let om = &input.om_url;
        let callback = om.join(CALLBACK_PATH);

        let server_side = ServerSide::new(&c.issuer, input.keycloak_internal_url.as_ref())?;
        let public_key_urls = vec![
            server_side.map("jwks_uri", &c.jwks_uri)?,
            om.join(OM_JWKS_PATH),
        ];
        let discovery_uri = server_side.map("discovery_uri", &c.discovery_uri)?;

        let domain = &input.principal_domain;
        let admin_emails = input
            .admin_principals
            .iter()
            .map(|p| {
                if p.contains('@') {
                    p.clone()
                } else {
                    format!("{p}@{domain}")
                }
            })
            .collect();

        Ok(Model {
            om_version: input.version.to_string(),
            client_type: input.client_type.as_str(),
            response_type: input.response_type.as_str(),
            confidential,
            om_url: om.as_str().to_string(),
            provider: PROVIDER,
            provider_name: input.provider_name.clone(),
            authority: c.issuer.clone(),
            client_id: c.client_id.clone(),
            public_key_urls,
            callback_url: if confidential && keys.confidential_callback_blank {
                String::new()
            } else {
                callback.clone()
            },
            keys,
            oidc: Oidc {
                kind: OIDC_TYPE,
                scope: SCOPE,
                discovery_uri,
                callback_url: callback,
                server_url: om.as_str().to_string(),
                client_authentication_method: CLIENT_AUTHENTICATION_METHOD,
                tenant: "",
                custom_params: BTreeMap::new(),
            },
            authorizer: Authorizer {
                class_name: AUTHORIZER_CLASS,
                request_filter: REQUEST_FILTER,
                admin_principals: input.admin_principals.clone(),
                principal_domain: domain.clone(),
                admin_emails,
            },
            helm: Helm {
                secret_name: input.helm_secret_name.clone(),
                namespace: input.helm_namespace.clone(),
                client_id_key: HELM_CLIENT_ID_KEY,
                client_secret_key: HELM_CLIENT_SECRET_KEY,
            },
        })
    }
}

/// Maps Keycloak URLs from the public address (which decides the issuer) to the address the
/// OpenMetadata server uses, when one is configured. The public base is read from the issuer
/// (`{base}/realms/{realm}`), so this also works offline and keeps Keycloak's own path style
/// (`/auth/realms/…` on Keycloak < 17).
struct ServerSide<'a> {
    public_base: &'a str,
    internal: Option<&'a crate::settings::HttpUrl>,
}

impl<'a> ServerSide<'a> {
    fn new(
        issuer: &'a str,
        internal: Option<&'a crate::settings::HttpUrl>,
    ) -> Result<Self, RenderError> {
        let idx = issuer
            .rfind("/realms/")
            .ok_or_else(|| RenderError::IssuerShape {
                issuer: issuer.to_string(),
            })?;
        Ok(ServerSide {
            public_base: &issuer[..idx],
            internal,
        })
    }

    fn map(&self, what: &'static str, url: &str) -> Result<String, RenderError> {
        let Some(internal) = self.internal else {
            return Ok(url.to_string());
        };
        match url.strip_prefix(self.public_base) {
            Some(rest) if rest.starts_with('/') => Ok(format!("{}{rest}", internal.as_str())),
            _ => Err(RenderError::NotUnderIssuer {
                what,
                url: url.to_string(),
                base: self.public_base.to_string(),
            }),
        }
    }
}
