//! What OpenMetadata's quickstart docker compose file passes to the server. A variable in our
//! env file that the compose file does not list under `openmetadata-server.environment` never
//! reaches the server (NOTES §1, §6.1), so `render` warns about it.
//!
//! The list is knowledge kept here (the compose file is not shipped with omsso); a test checks
//! it against the reference copy.

/// The compose file the list describes.
pub const QUICKSTART: &str = "OpenMetadata's 1.9.0 quickstart docker-compose.yml";

/// The auth variables (`AUTHORIZER_*`, `AUTHENTICATION_*`, `OIDC_*`, `CUSTOM_OIDC_*`, and
/// `jwtTokenConfiguration`'s `RSA_*` and `JWT_*`) that the quickstart compose file passes to
/// `openmetadata-server`.
pub const PASSED_TO_SERVER: &[&str] = &[
    "AUTHORIZER_CLASS_NAME",
    "AUTHORIZER_REQUEST_FILTER",
    "AUTHORIZER_ADMIN_PRINCIPALS",
    "AUTHORIZER_ALLOWED_REGISTRATION_DOMAIN",
    "AUTHORIZER_INGESTION_PRINCIPALS",
    "AUTHORIZER_PRINCIPAL_DOMAIN",
    "AUTHORIZER_ALLOWED_DOMAINS",
    "AUTHORIZER_ENFORCE_PRINCIPAL_DOMAIN",
    "AUTHORIZER_ENABLE_SECURE_SOCKET",
    "AUTHORIZER_ENABLE_SMTP",
    "AUTHENTICATION_PROVIDER",
    "AUTHENTICATION_RESPONSE_TYPE",
    "CUSTOM_OIDC_AUTHENTICATION_PROVIDER_NAME",
    "AUTHENTICATION_PUBLIC_KEYS",
    "AUTHENTICATION_AUTHORITY",
    "AUTHENTICATION_CLIENT_ID",
    "AUTHENTICATION_CALLBACK_URL",
    "AUTHENTICATION_JWT_PRINCIPAL_CLAIMS",
    "AUTHENTICATION_JWT_PRINCIPAL_CLAIMS_MAPPING",
    "AUTHENTICATION_ENABLE_SELF_SIGNUP",
    "AUTHENTICATION_CLIENT_TYPE",
    "OIDC_CLIENT_ID",
    "OIDC_TYPE",
    "OIDC_CLIENT_SECRET",
    "OIDC_SCOPE",
    "OIDC_DISCOVERY_URI",
    "OIDC_USE_NONCE",
    "OIDC_PREFERRED_JWS",
    "OIDC_RESPONSE_TYPE",
    "OIDC_DISABLE_PKCE",
    "OIDC_CALLBACK",
    "OIDC_SERVER_URL",
    "OIDC_CLIENT_AUTH_METHOD",
    "OIDC_TENANT",
    "OIDC_MAX_CLOCK_SKEW",
    "OIDC_CUSTOM_PARAMS",
    "OIDC_MAX_AGE",
    "OIDC_PROMPT_TYPE",
    "OIDC_SESSION_EXPIRY",
    "RSA_PUBLIC_KEY_FILE_PATH",
    "RSA_PRIVATE_KEY_FILE_PATH",
    "JWT_ISSUER",
    "JWT_KEY_ID",
];

/// Variables the quickstart compose file substitutes into a longer value: its
/// `${OIDC_CUSTOM_PARAMS:-{}}` ends the default at the first `}`, so a value the env file sets
/// arrives with a stray `}` after it (`{}` becomes `{}}`, measured with docker-compose 1.29;
/// OpenMetadata issue 24193). Unset, the variable gets the intended `{}`.
pub const STRAY_SUFFIX: &[(&str, &str)] = &[("OIDC_CUSTOM_PARAMS", "}")];

/// What the server's environment holds for `var` when the env file sets it to `value`.
pub fn as_passed(var: &str, value: &str) -> String {
    match STRAY_SUFFIX.iter().find(|(v, _)| *v == var) {
        Some((_, suffix)) => format!("{value}{suffix}"),
        None => value.to_string(),
    }
}

/// The variables an env file sets (`KEY=…` lines) that the quickstart compose file does not
/// pass to the server, in file order.
pub fn not_passed(env_file: &str) -> Vec<String> {
    env_file
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim()))
        .filter(|k| !k.is_empty() && !PASSED_TO_SERVER.contains(k))
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_variables_the_compose_file_drops() {
        let env = "# c\nOIDC_CLIENT_ID='x'\nAUTHORIZER_ADMIN_EMAILS='[a@b]'\n\n";
        assert_eq!(not_passed(env), ["AUTHORIZER_ADMIN_EMAILS"]);
    }
}
