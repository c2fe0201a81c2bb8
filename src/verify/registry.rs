//! Every live check, described once (the file checks are in [`crate::lint::registry`]). The
//! live code reports a check by one of these constants, so no name is printed without a row
//! here; [`markdown`] turns both registries into docs/CHECKS.md.

pub use crate::lint::registry::CheckInfo;
use crate::lint::registry::{Clients, Scope};
use crate::lint::Severity;

const fn live(
    name: &'static str,
    client: Clients,
    admin_login: bool,
    severity: Severity,
    what: &'static str,
    skipped: &'static str,
) -> CheckInfo {
    CheckInfo {
        name,
        scope: Scope::Live {
            client,
            admin_login,
        },
        severity,
        what,
        skipped,
    }
}

use Clients::{Both, Confidential, Public};
use Severity::{Error, Warning};

/// Skipped while the realm's discovery document cannot be read from this machine.
const NO_DISCOVERY: &str = "no discovery document could be read from here";
const OM_UNREACHABLE: &str =
    "no OpenMetadata URL is known, or OpenMetadata is not reachable from here";

// Keycloak, as the file names it.
pub const DISCOVERY_REACHABLE: CheckInfo = live(
    "discovery-reachable",
    Both,
    false,
    Error,
    "the realm's discovery document answers at the discovery URI (or the authority's)",
    "",
);
pub const ISSUER_MATCHES_AUTHORITY: CheckInfo = live(
    "issuer-matches-authority",
    Both,
    false,
    Error,
    "the discovery `issuer` equals the authority byte for byte",
    NO_DISCOVERY,
);
pub const PUBLIC_KEY_URLS: CheckInfo = live(
    "public-key-urls",
    Both,
    false,
    Error,
    "publicKeyUrls lists both the realm's certs URL and OpenMetadata's own JWKS",
    "",
);
pub const JWKS_IS_REALM: CheckInfo = live(
    "jwks-is-realm",
    Both,
    false,
    Error,
    "the realm certs URL in publicKeyUrls has the path of the realm's jwks_uri (printed only \
     when it does not)",
    "publicKeyUrls has no realm certs URL, or no discovery document was read",
);
pub const JWKS_SIGNING_KEY: CheckInfo = live(
    "jwks-signing-key",
    Both,
    false,
    Error,
    "the realm certs URL answers with an RS256 signing key",
    "publicKeyUrls has no realm certs URL",
);
// OpenMetadata's own SSO validation, mirrored.
pub const JWKS_URI_LISTED: CheckInfo = live(
    "jwks-uri-listed",
    Both,
    false,
    Error,
    "publicKeyUrls includes the discovery's jwks_uri verbatim, as OpenMetadata requires",
    "publicKeyUrls is empty, or no discovery document was read",
);
pub const PUBLIC_KEY_URLS_ANSWER: CheckInfo = live(
    "public-key-urls-answer",
    Both,
    false,
    Error,
    "every Keycloak URL in publicKeyUrls answers a JWKS, fetched as the server's Java client \
     fetches it (no redirect from http to https)",
    "publicKeyUrls lists no Keycloak URL",
);
pub const OWN_JWKS_ANSWERS: CheckInfo = live(
    "own-jwks-answers",
    Both,
    false,
    Error,
    "OpenMetadata's own /api/v1/system/config/jwks answers its JWKS",
    "publicKeyUrls lacks it, or OpenMetadata is not reachable from here",
);
pub const SCOPES_SUPPORTED: CheckInfo = live(
    "scopes-supported",
    Both,
    false,
    Error,
    "the realm supports the scopes OpenMetadata asks for",
    NO_DISCOVERY,
);
pub const JWS_ALGORITHM_SUPPORTED: CheckInfo = live(
    "jws-algorithm-supported",
    Both,
    false,
    Error,
    "the realm signs ID tokens with an algorithm OpenMetadata accepts",
    NO_DISCOVERY,
);
pub const RESPONSE_TYPE_SUPPORTED: CheckInfo = live(
    "response-type-supported",
    Both,
    false,
    Error,
    "the realm supports the response type of the client's flow",
    NO_DISCOVERY,
);
// The client, read with the admin API.
pub const CLIENT_EXISTS: CheckInfo = live(
    "client-exists",
    Both,
    true,
    Error,
    "the realm has the client the file names, and it is enabled",
    "no admin login",
);
pub const CLIENT_CONFIDENTIAL: CheckInfo = live(
    "client-confidential",
    Confidential,
    true,
    Error,
    "the client is confidential with the standard flow on, as the file's client type says",
    "no admin login, or the client does not exist",
);
pub const CLIENT_FLOW: CheckInfo = live(
    "client-flow",
    Public,
    true,
    Error,
    "the public client is public with the flow its response type needs",
    "no admin login, or the client does not exist",
);
pub const SILENT_CALLBACK_REGISTERED: CheckInfo = live(
    "silent-callback-registered",
    Public,
    true,
    Error,
    "the client registers /silent-callback, which the implicit flow renews tokens at",
    "no admin login, the client does not exist, or the flow is not implicit",
);
pub const REDIRECT_URI_REGISTERED: CheckInfo = live(
    "redirect-uri-registered",
    Both,
    true,
    Error,
    "the client's Valid Redirect URIs include the file's callback URL",
    "no admin login, or the client does not exist",
);
pub const DEFAULT_SCOPES: CheckInfo = live(
    "default-scopes",
    Both,
    true,
    Error,
    "the client's default scopes put email and profile into tokens",
    "no admin login, or the client does not exist",
);
pub const TOKEN_SIGNING_ALGORITHM: CheckInfo = live(
    "token-signing-algorithm",
    Both,
    true,
    Error,
    "Keycloak signs the client's ID and access tokens with RS256, the one algorithm \
     OpenMetadata verifies them with (the client's override, else the realm's default \
     signature algorithm; the discovery list only says what the realm could use)",
    "no admin login, or the client does not exist",
);
pub const CLAIM_MAPPERS: CheckInfo = live(
    "claim-mappers",
    Both,
    true,
    Error,
    "with jwtTeamClaimMapping or useRolesFromProvider, a mapper of the client writes that claim \
     (group names; the `roles` list) into the ID token",
    "no admin login, or the client does not exist; shown only when the file maps teams or roles",
);
// The secret, used as OpenMetadata uses it.
pub const SECRET_AUTHENTICATES: CheckInfo = live(
    "secret-authenticates",
    Confidential,
    false,
    Error,
    "the configured secret gets a token (client-credentials grant at the token endpoint)",
    NO_DISCOVERY,
);
pub const TOKEN_ISSUER: CheckInfo = live(
    "token-issuer",
    Confidential,
    false,
    Error,
    "the token's `iss` equals the authority",
    "no token was issued (no discovery document, or the token endpoint is out of reach)",
);
pub const URLS_CONSISTENT: CheckInfo = live(
    "urls-consistent",
    Confidential,
    false,
    Error,
    "the OIDC callback URL is the server URL + /callback",
    "",
);
// OpenMetadata, when it is reachable.
pub const SERVER_VERSION: CheckInfo = live(
    "server-version",
    Both,
    false,
    Warning,
    "the running OpenMetadata is on the release line the files were rendered for",
    OM_UNREACHABLE,
);
pub const SERVER_CONFIG: CheckInfo = live(
    "server-config",
    Both,
    false,
    Error,
    "the running OpenMetadata serves the auth configuration of the file",
    OM_UNREACHABLE,
);
// OpenMetadata's back door (issue 19): the keys it signs its own tokens with, and the
// quickstart's basic-auth admin.
pub const OWN_KEY_NOT_QUICKSTART: CheckInfo = live(
    "own-key-not-quickstart",
    Both,
    false,
    Error,
    "OpenMetadata's own JWKS (/api/v1/system/config/jwks) does not serve the quickstart key, \
     recognised by the key itself (RFC 7638 thumbprint: the key the tokens OpenMetadata \
     publishes verify with), not by its key id",
    OM_UNREACHABLE,
);
pub const OWN_KEY_RENDERED: CheckInfo = live(
    "own-key-rendered",
    Both,
    false,
    Error,
    "OpenMetadata's own JWKS serves the key the file configures (jwtTokenConfiguration: its key \
     id, and the key in its public key file when that file can be read here)",
    "the file sets no jwtTokenConfiguration, or OpenMetadata is not reachable from here",
);
pub const DEFAULT_ADMIN_GONE: CheckInfo = live(
    "default-admin-gone",
    Both,
    false,
    Error,
    "the basic-auth default admin (the user `admin` the server created at its first start, \
     email at the quickstart principal domain) no longer exists (GET \
     /api/v1/users/name/admin, with OpenMetadata's admin token)",
    "no OpenMetadata admin token was given, or OpenMetadata is not reachable from here",
);
// A real login.
pub const LOGIN: CheckInfo = live(
    "login",
    Both,
    false,
    Error,
    "a test user logs in through Keycloak's login page and OpenMetadata's callback, and the ID \
     token carries what OpenMetadata needs",
    "no test user is given (the check is then not printed)",
);
pub const LOGIN_TEAMS_ROLES: CheckInfo = live(
    "login-teams-roles",
    Both,
    false,
    Warning,
    "the test user's token names the teams and roles OpenMetadata would give them, each one \
     OpenMetadata has (looked up when OpenMetadata and an admin token are at hand)",
    "no test user is given, or the file maps neither teams nor roles",
);

/// Every live check, in the order a run reports them.
pub const LIVE_CHECKS: &[CheckInfo] = &[
    DISCOVERY_REACHABLE,
    ISSUER_MATCHES_AUTHORITY,
    PUBLIC_KEY_URLS,
    JWKS_IS_REALM,
    JWKS_SIGNING_KEY,
    JWKS_URI_LISTED,
    PUBLIC_KEY_URLS_ANSWER,
    OWN_JWKS_ANSWERS,
    SCOPES_SUPPORTED,
    JWS_ALGORITHM_SUPPORTED,
    RESPONSE_TYPE_SUPPORTED,
    CLIENT_EXISTS,
    CLIENT_CONFIDENTIAL,
    CLIENT_FLOW,
    SILENT_CALLBACK_REGISTERED,
    REDIRECT_URI_REGISTERED,
    DEFAULT_SCOPES,
    TOKEN_SIGNING_ALGORITHM,
    CLAIM_MAPPERS,
    SECRET_AUTHENTICATES,
    TOKEN_ISSUER,
    URLS_CONSISTENT,
    SERVER_VERSION,
    SERVER_CONFIG,
    OWN_KEY_NOT_QUICKSTART,
    OWN_KEY_RENDERED,
    DEFAULT_ADMIN_GONE,
    LOGIN,
    LOGIN_TEAMS_ROLES,
];

/// Whether `name` is a check the registries know (the reports assert it in debug builds).
pub fn is_live(name: &str) -> bool {
    LIVE_CHECKS.iter().any(|c| c.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::registry::FILE_CHECKS;

    #[test]
    fn every_check_name_is_unique() {
        let mut names: Vec<&str> = LIVE_CHECKS
            .iter()
            .chain(FILE_CHECKS)
            .map(|c| c.name)
            .collect();
        let all = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all, "a check name is registered twice");
    }
}
