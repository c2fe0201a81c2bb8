//! The render model: every variable the templates see, derived from the credentials, the
//! settings and the release knowledge in `crate::openmetadata` once, so the templates only
//! place values and never compute them or decide what a release line has.

use std::collections::BTreeMap;

use serde::Serialize;

use super::jwt::{JwtModel, COMPOSE_OVERRIDE};
use super::{RenderError, RenderInput};
use crate::openmetadata::{server, Block, Chart, ChartBlock, Line};
use crate::settings::table::{
    OPENMETADATA_ADDITIONAL_TRUSTED_REDIRECT_URIS, OPENMETADATA_MAX_ACTIVE_SESSIONS_PER_USER,
    OPENMETADATA_SESSION_EXPIRY, OPENMETADATA_TEAM_CLAIM,
};
use crate::settings::ClientType;

/// What the chart has, for `{% if has.… %}` (what the release line has is decided here: a
/// value a line lacks is `None`).
#[derive(Debug, Serialize)]
pub struct Has {
    /// The chart has `oidcConfiguration.sessionExpiry` (chart 1.8+); else it goes through
    /// `extraEnvs`.
    pub chart_oidc_session_expiry: bool,
}

#[derive(Debug, Serialize)]
pub struct Model {
    pub om_version: String,
    /// The newest release of the line omsso was checked against, e.g. `2.0.7`.
    pub checked_release: String,
    pub client_type: &'static str,
    pub confidential: bool,
    pub has: Has,
    pub om_url: String,
    pub provider: &'static str,
    pub provider_name: String,
    /// The realm's discovery `issuer`, byte for byte.
    pub authority: String,
    pub client_id: String,
    /// The realm's JWKS as the server reaches Keycloak, the discovery `jwks_uri` when that
    /// differs (OpenMetadata 1.10+ validation requires it listed verbatim), and OpenMetadata's
    /// own JWKS as the server reaches itself.
    pub public_key_urls: Vec<String>,
    /// `authenticationConfiguration.callbackUrl`: the UI route that finishes a public login;
    /// the released models require it for confidential clients too (same value, as in the
    /// docs of every released line).
    pub callback_url: String,
    /// `authenticationConfiguration.responseType` for a public client; `None` for a
    /// confidential one, whose flow `oidcConfiguration` drives.
    pub response_type: Option<&'static str>,
    pub jwt_principal_claims: &'static [&'static str],
    pub enable_self_signup: bool,
    /// Top-level session settings (2.0+), `None` when not set.
    pub session_expiry: Option<u64>,
    pub max_active_sessions_per_user: Option<u32>,
    pub additional_trusted_redirect_uris: Option<Vec<String>>,
    /// `jwtTeamClaimMapping` (1.11+), `None` when team mapping is off.
    pub jwt_team_claim_mapping: Option<String>,
    pub oidc: Oidc,
    pub authorizer: Authorizer,
    pub helm: Helm,
    /// OpenMetadata's own JWT key pair; `None` when omsso gives it none.
    pub jwt: Option<JwtModel>,
    pub compose_override: &'static str,
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
    /// Required by the released models since 1.10; only Azure uses it.
    pub tenant: &'static str,
    /// Always a map: an empty string here breaks OpenMetadata's start-up (NOTES §6.6).
    pub custom_params: BTreeMap<String, String>,
    /// `oidcConfiguration.sessionExpiry` (1.8 – 1.13), `None` when not set.
    pub session_expiry: Option<u64>,
}

#[derive(Debug, Serialize)]
pub struct Authorizer {
    pub class_name: &'static str,
    pub request_filter: &'static str,
    pub admin_principals: Vec<String>,
    pub principal_domain: String,
    /// Required by every released model; OpenMetadata's defaults.
    pub enforce_principal_domain: bool,
    pub enable_secure_socket_connection: bool,
    /// Roles from the token's `roles` claim; written only when on.
    pub use_roles_from_provider: bool,
}

#[derive(Debug, Serialize)]
pub struct Helm {
    pub secret_name: String,
    pub namespace: Option<String>,
    pub client_id_key: &'static str,
    pub client_secret_key: &'static str,
    /// The chart version the values are written for.
    pub chart_version: String,
    /// Charts 1.6.1 – 1.6.3 quote `customParams`, so the server would get the string "{}";
    /// `customParams: null` removes the value and the server gets no custom parameters.
    pub custom_params_null: bool,
    /// The server image tag the values pin, when the chart's own image is another line's
    /// release (2.0 on chart 1.13.1 would otherwise deploy a 1.13.1 server).
    pub image_tag: Option<String>,
}

/// The least `authenticationConfiguration.sessionExpiry` the 2.0 model accepts.
const MIN_SESSION_EXPIRY: u64 = 3600;

impl Model {
    pub fn build(input: &RenderInput) -> Result<Model, RenderError> {
        let c = &input.credentials;
        let line = input.version.line();
        let confidential = input.client_type == ClientType::Confidential;
        let om = &input.om_url;
        let chart = Chart::resolve(input.version, input.chart_version);
        let server_side = ServerSide::new(&c.issuer, input.keycloak_internal_url.as_ref())?;
        let session = SessionExpiry::place(line, input)?;
        check_release_settings(input, line)?;
        Ok(Model {
            om_version: input.version.to_string(),
            checked_release: line.newest_release(),
            client_type: input.client_type.as_str(),
            confidential,
            has: Has {
                chart_oidc_session_expiry: chart.has(ChartBlock::Oidc, "sessionExpiry"),
            },
            om_url: om.as_str().to_string(),
            provider: server::PROVIDER,
            provider_name: input.provider_name.clone(),
            authority: c.issuer.clone(),
            client_id: c.client_id.clone(),
            public_key_urls: public_key_urls(input, &server_side)?,
            callback_url: om.join(server::CALLBACK_PATH),
            response_type: (!confidential).then_some(input.response_type.as_str()),
            jwt_principal_claims: server::JWT_PRINCIPAL_CLAIMS,
            enable_self_signup: true,
            session_expiry: input
                .session_expiry
                .filter(|_| session == SessionExpiry::TopLevel),
            max_active_sessions_per_user: input.max_active_sessions_per_user,
            additional_trusted_redirect_uris: (!input.additional_trusted_redirect_uris.is_empty())
                .then(|| input.additional_trusted_redirect_uris.clone()),
            jwt_team_claim_mapping: input.team_claim.clone(),
            oidc: Oidc::build(input, &server_side, session)?,
            authorizer: Authorizer::build(input),
            helm: Helm::build(input, &chart),
            jwt: input.jwt.as_ref().map(JwtModel::build).transpose()?,
            compose_override: COMPOSE_OVERRIDE,
        })
    }
}

/// The JWKS the server trusts: the realm's (as the server reaches it, then as issued, when
/// that differs) and its own (bot tokens).
fn public_key_urls(
    input: &RenderInput,
    server_side: &ServerSide,
) -> Result<Vec<String>, RenderError> {
    let c = &input.credentials;
    let realm_jwks = server_side.map("jwks_uri", &c.jwks_uri)?;
    let own_jwks = match &input.om_internal_url {
        Some(u) => u.join(server::OWN_JWKS_PATH),
        None => format!("{}/{}", server::DEFAULT_SELF_URL, server::OWN_JWKS_PATH),
    };
    let mut urls = vec![realm_jwks];
    if !urls.contains(&c.jwks_uri) {
        urls.push(c.jwks_uri.clone());
    }
    urls.push(own_jwks);
    Ok(urls)
}

/// Settings that only some release lines have: given for another line, they are refused.
fn check_release_settings(input: &RenderInput, line: &Line) -> Result<(), RenderError> {
    let only_in = |setting: &'static str, key: &str, set: bool| -> Result<(), RenderError> {
        if set && !line.has(Block::Authentication, key) {
            return Err(RenderError::NotInRelease {
                setting,
                version: input.version.to_string(),
                since: Line::first_with(Block::Authentication, key).map(Line::name),
            });
        }
        Ok(())
    };
    only_in(
        OPENMETADATA_MAX_ACTIVE_SESSIONS_PER_USER.key,
        "maxActiveSessionsPerUser",
        input.max_active_sessions_per_user.is_some(),
    )?;
    only_in(
        OPENMETADATA_ADDITIONAL_TRUSTED_REDIRECT_URIS.key,
        "additionalTrustedRedirectUris",
        !input.additional_trusted_redirect_uris.is_empty(),
    )?;
    only_in(
        OPENMETADATA_TEAM_CLAIM.key,
        "jwtTeamClaimMapping",
        input.team_claim.is_some(),
    )
}

impl Oidc {
    fn build(
        input: &RenderInput,
        server_side: &ServerSide,
        session: SessionExpiry,
    ) -> Result<Oidc, RenderError> {
        let om = &input.om_url;
        Ok(Oidc {
            kind: server::OIDC_TYPE,
            scope: server::SCOPE,
            discovery_uri: server_side.map("discovery_uri", &input.credentials.discovery_uri)?,
            callback_url: om.join(server::CALLBACK_PATH),
            server_url: om.as_str().to_string(),
            client_authentication_method: server::CLIENT_AUTHENTICATION_METHOD,
            tenant: "",
            custom_params: BTreeMap::new(),
            session_expiry: input
                .session_expiry
                .filter(|_| session == SessionExpiry::Oidc),
        })
    }
}

impl Authorizer {
    fn build(input: &RenderInput) -> Authorizer {
        Authorizer {
            class_name: server::AUTHORIZER_CLASS,
            request_filter: server::REQUEST_FILTER,
            admin_principals: input.admin_principals.clone(),
            principal_domain: input.principal_domain.clone(),
            enforce_principal_domain: false,
            enable_secure_socket_connection: false,
            use_roles_from_provider: input.use_roles_from_provider,
        }
    }
}

impl Helm {
    fn build(input: &RenderInput, chart: &Chart) -> Helm {
        Helm {
            secret_name: input.helm_secret_name.clone(),
            namespace: input.helm_namespace.clone(),
            client_id_key: server::HELM_CLIENT_ID_KEY,
            client_secret_key: server::HELM_CLIENT_SECRET_KEY,
            chart_version: chart.version.to_string(),
            custom_params_null: chart.quotes_custom_params(),
            image_tag: chart.image_tag_for(input.version),
        }
    }
}

/// Where `openmetadata.session_expiry` goes in this release line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SessionExpiry {
    NotSet,
    /// `authenticationConfiguration.sessionExpiry` (2.0+, every provider).
    TopLevel,
    /// `oidcConfiguration.sessionExpiry` (1.8 – 1.13, confidential clients).
    Oidc,
}

impl SessionExpiry {
    fn place(line: &Line, input: &RenderInput) -> Result<SessionExpiry, RenderError> {
        let Some(seconds) = input.session_expiry else {
            return Ok(SessionExpiry::NotSet);
        };
        let version = input.version.to_string();
        if line.has(Block::Authentication, "sessionExpiry") {
            if seconds < MIN_SESSION_EXPIRY {
                return Err(RenderError::SessionExpiryTooShort {
                    seconds,
                    min: MIN_SESSION_EXPIRY,
                    version,
                });
            }
            return Ok(SessionExpiry::TopLevel);
        }
        if !line.has(Block::Oidc, "sessionExpiry") {
            return Err(RenderError::NotInRelease {
                setting: OPENMETADATA_SESSION_EXPIRY.key,
                version,
                since: Line::first_with(Block::Oidc, "sessionExpiry").map(Line::name),
            });
        }
        if input.client_type == ClientType::Public {
            return Err(RenderError::PublicSessionExpiry { version });
        }
        Ok(SessionExpiry::Oidc)
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
