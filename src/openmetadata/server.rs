//! What the OpenMetadata server itself expects, the same in every release line omsso supports:
//! the values of a Keycloak setup, its own endpoints, and the environment variables its
//! `conf/openmetadata.yaml` reads each auth key from (`key: ${ENV_NAME:-default}`).

use super::lines::Block;

/// `authenticationConfiguration.provider` for Keycloak (there is no `keycloak` provider).
pub const PROVIDER: &str = "custom-oidc";
/// `oidcConfiguration.type`.
pub const OIDC_TYPE: &str = "Keycloak";
/// The scopes OpenMetadata's Keycloak guide requires.
pub const SCOPE: &str = "openid email profile";
pub const CLIENT_AUTHENTICATION_METHOD: &str = "client_secret_post";
pub const AUTHORIZER_CLASS: &str = "org.openmetadata.service.security.DefaultAuthorizer";
pub const REQUEST_FILTER: &str = "org.openmetadata.service.security.JwtFilter";
/// The server's default `jwtPrincipalClaims` (required by every released model).
pub const JWT_PRINCIPAL_CLAIMS: &[&str] = &["email", "preferred_username", "sub"];
/// The server's own JWKS (for the tokens it issues: bots, sessions); `publicKeyUrls` must
/// always hold it, at an address the server reaches itself on.
pub const OWN_JWKS_PATH: &str = "api/v1/system/config/jwks";
/// The same path as it ends a URL.
pub const OWN_JWKS_URL_PATH: &str = "/api/v1/system/config/jwks";
/// Where the server reaches itself unless told otherwise: its default port on the loopback
/// interface, which is the server's own default `publicKeyUrls` and works the same on bare
/// metal, in the compose container and in a Kubernetes pod (whatever the Helm release is called).
pub const DEFAULT_SELF_URL: &str = "http://localhost:8585";
/// The server endpoint that finishes the auth code flow (never `/auth/callback`, the UI route).
pub const CALLBACK_PATH: &str = "callback";
/// The Secret keys the chart's documentation refers to.
pub const HELM_CLIENT_ID_KEY: &str = "openmetadata-oidc-client-id";
pub const HELM_CLIENT_SECRET_KEY: &str = "openmetadata-oidc-client-secret";

/// Auth key → the environment variable the server's config reads it from (upstream
/// conf/openmetadata.yaml; the names are the same in the quickstart compose file and the
/// chart's templates). Only keys omsso writes or lints are listed.
pub const ENV_NAMES: &[(Block, &str, &str)] = &[
    (Block::Authorizer, "className", "AUTHORIZER_CLASS_NAME"),
    (
        Block::Authorizer,
        "containerRequestFilter",
        "AUTHORIZER_REQUEST_FILTER",
    ),
    (
        Block::Authorizer,
        "adminPrincipals",
        "AUTHORIZER_ADMIN_PRINCIPALS",
    ),
    (
        Block::Authorizer,
        "principalDomain",
        "AUTHORIZER_PRINCIPAL_DOMAIN",
    ),
    (
        Block::Authorizer,
        "enforcePrincipalDomain",
        "AUTHORIZER_ENFORCE_PRINCIPAL_DOMAIN",
    ),
    (
        Block::Authorizer,
        "enableSecureSocketConnection",
        "AUTHORIZER_ENABLE_SECURE_SOCKET",
    ),
    (
        Block::Authorizer,
        "allowedDomains",
        "AUTHORIZER_ALLOWED_DOMAINS",
    ),
    (
        Block::Authorizer,
        "allowedEmailRegistrationDomains",
        "AUTHORIZER_ALLOWED_REGISTRATION_DOMAIN",
    ),
    (
        Block::Authorizer,
        "useRolesFromProvider",
        "AUTHORIZER_USE_ROLES_FROM_PROVIDER",
    ),
    (
        Block::Authorizer,
        "defaultOAuthRole",
        "AUTHORIZER_DEFAULT_OAUTH_ROLE",
    ),
    (Block::Authentication, "provider", "AUTHENTICATION_PROVIDER"),
    (
        Block::Authentication,
        "providerName",
        "CUSTOM_OIDC_AUTHENTICATION_PROVIDER_NAME",
    ),
    (
        Block::Authentication,
        "clientType",
        "AUTHENTICATION_CLIENT_TYPE",
    ),
    (
        Block::Authentication,
        "responseType",
        "AUTHENTICATION_RESPONSE_TYPE",
    ),
    (
        Block::Authentication,
        "publicKeyUrls",
        "AUTHENTICATION_PUBLIC_KEYS",
    ),
    (
        Block::Authentication,
        "tokenValidationAlgorithm",
        "AUTHENTICATION_TOKEN_VALIDATION_ALGORITHM",
    ),
    (
        Block::Authentication,
        "authority",
        "AUTHENTICATION_AUTHORITY",
    ),
    (
        Block::Authentication,
        "clientId",
        "AUTHENTICATION_CLIENT_ID",
    ),
    (
        Block::Authentication,
        "callbackUrl",
        "AUTHENTICATION_CALLBACK_URL",
    ),
    (
        Block::Authentication,
        "jwtPrincipalClaims",
        "AUTHENTICATION_JWT_PRINCIPAL_CLAIMS",
    ),
    (
        Block::Authentication,
        "jwtPrincipalClaimsMapping",
        "AUTHENTICATION_JWT_PRINCIPAL_CLAIMS_MAPPING",
    ),
    (
        Block::Authentication,
        "enableSelfSignup",
        "AUTHENTICATION_ENABLE_SELF_SIGNUP",
    ),
    (
        Block::Authentication,
        "enableAutoRedirect",
        "AUTHENTICATION_ENABLE_AUTO_REDIRECT",
    ),
    (
        Block::Authentication,
        "forceSecureSessionCookie",
        "FORCE_SECURE_SESSION_COOKIE",
    ),
    (
        Block::Authentication,
        "sessionExpiry",
        "AUTHENTICATION_SESSION_EXPIRY",
    ),
    (
        Block::Authentication,
        "maxActiveSessionsPerUser",
        "AUTHENTICATION_MAX_ACTIVE_SESSIONS_PER_USER",
    ),
    (
        Block::Authentication,
        "additionalTrustedRedirectUris",
        "AUTHENTICATION_ADDITIONAL_TRUSTED_REDIRECT_URIS",
    ),
    (Block::Oidc, "id", "OIDC_CLIENT_ID"),
    (Block::Oidc, "type", "OIDC_TYPE"),
    (Block::Oidc, "secret", "OIDC_CLIENT_SECRET"),
    (Block::Oidc, "scope", "OIDC_SCOPE"),
    (Block::Oidc, "discoveryUri", "OIDC_DISCOVERY_URI"),
    (Block::Oidc, "useNonce", "OIDC_USE_NONCE"),
    (Block::Oidc, "preferredJwsAlgorithm", "OIDC_PREFERRED_JWS"),
    (Block::Oidc, "responseType", "OIDC_RESPONSE_TYPE"),
    (Block::Oidc, "disablePkce", "OIDC_DISABLE_PKCE"),
    (Block::Oidc, "callbackUrl", "OIDC_CALLBACK"),
    (Block::Oidc, "serverUrl", "OIDC_SERVER_URL"),
    (
        Block::Oidc,
        "clientAuthenticationMethod",
        "OIDC_CLIENT_AUTH_METHOD",
    ),
    (Block::Oidc, "tenant", "OIDC_TENANT"),
    (Block::Oidc, "maxClockSkew", "OIDC_MAX_CLOCK_SKEW"),
    (
        Block::Oidc,
        "tokenValidity",
        "OIDC_OM_REFRESH_TOKEN_VALIDITY",
    ),
    (Block::Oidc, "customParams", "OIDC_CUSTOM_PARAMS"),
    (Block::Oidc, "maxAge", "OIDC_MAX_AGE"),
    (Block::Oidc, "prompt", "OIDC_PROMPT_TYPE"),
    (Block::Oidc, "sessionExpiry", "OIDC_SESSION_EXPIRY"),
];

/// Keys (and their variables) that upstream's main branch has but no release up to the newest
/// line does (NOTES §00): writing them stops a released server (unknown config field), and
/// their variables are read by no released server.
pub const MAIN_ONLY: &[(Block, &str, &str)] = &[
    (Block::Authorizer, "adminEmails", "AUTHORIZER_ADMIN_EMAILS"),
    (
        Block::Authorizer,
        "allowedEmailDomains",
        "AUTHORIZER_ALLOWED_EMAIL_DOMAINS",
    ),
    (Block::Authorizer, "botDomain", "AUTHORIZER_BOT_DOMAIN"),
    (
        Block::Authentication,
        "emailClaim",
        "AUTHENTICATION_EMAIL_CLAIM",
    ),
    (
        Block::Authentication,
        "displayNameClaim",
        "AUTHENTICATION_DISPLAY_NAME_CLAIM",
    ),
    (
        Block::Oidc,
        "endSessionWithProvider",
        "OIDC_END_SESSION_WITH_PROVIDER",
    ),
];

/// The environment variable `block.key` is read from.
pub fn env_name(block: Block, key: &str) -> Option<&'static str> {
    ENV_NAMES
        .iter()
        .find(|(b, k, _)| *b == block && *k == key)
        .map(|(_, _, e)| *e)
}

/// The auth key an environment variable sets.
pub fn key_of_env(env: &str) -> Option<(Block, &'static str)> {
    ENV_NAMES
        .iter()
        .chain(MAIN_ONLY)
        .find(|(_, _, e)| *e == env)
        .map(|(b, k, _)| (*b, *k))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_names_are_unique_both_ways() {
        let all: Vec<_> = ENV_NAMES.iter().chain(MAIN_ONLY).collect();
        for (i, (b, k, e)) in all.iter().enumerate() {
            for (b2, k2, e2) in &all[i + 1..] {
                assert!(!(b == b2 && k == k2), "{k} twice");
                assert_ne!(e, e2);
            }
        }
        assert_eq!(env_name(Block::Oidc, "prompt"), Some("OIDC_PROMPT_TYPE"));
        assert_eq!(
            key_of_env("OIDC_CALLBACK"),
            Some((Block::Oidc, "callbackUrl"))
        );
    }
}
