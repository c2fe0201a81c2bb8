//! The client as the admin API shows it: it exists, has the client type and flow the file
//! says, registers the file's callback and puts email and profile into tokens.

use serde_json::Value;

use super::deployed::Deployed;
use super::public_client;
use super::redirects::redirect_registered;
use super::registry::{
    CheckInfo, CLAIM_MAPPERS, CLIENT_CONFIDENTIAL, CLIENT_EXISTS, DEFAULT_SCOPES,
    REDIRECT_URI_REGISTERED, TOKEN_SIGNING_ALGORITHM,
};
use super::report::Checks;
use crate::keycloak::client::strings;
use crate::keycloak::mappers::{writes_claim, ROLES_CLAIM};
use crate::settings::table::{OPENMETADATA_ROLES_FROM, OPENMETADATA_TEAM_CLAIM};

/// The client scopes that put the claims OpenMetadata reads into tokens, and what a token
/// lacks without each.
const REQUIRED_SCOPES: [(&str, &str); 3] = [
    (
        "profile",
        "without `profile` tokens carry no preferred_username or name",
    ),
    (
        "email",
        "without `email` tokens carry no email, so OpenMetadata names users from \
         preferred_username and makes up name@principalDomain addresses",
    ),
    ("basic", "without `basic` tokens carry no `sub`"),
];

/// The one algorithm OpenMetadata verifies Keycloak's tokens with (its JwtFilter reads RSA
/// keys from publicKeyUrls; an HS256 key is never published, an ES256 one is not RSA).
const OM_SIGNING_ALGORITHM: &str = "RS256";

/// What the admin API shows: the client (with its default scopes), the other realms that
/// hold a client of that id when this realm has none, and the realm's settings.
pub(super) struct AdminView {
    pub client: Option<(Value, Vec<String>)>,
    pub elsewhere: Vec<String>,
    pub realm: Option<Value>,
}

/// The checks that read the client from the admin API, in the order they run.
pub(super) fn client_check_names(deployed: &Deployed) -> Vec<CheckInfo> {
    let mut names = vec![CLIENT_EXISTS];
    if deployed.confidential() {
        names.push(CLIENT_CONFIDENTIAL);
    } else {
        names.extend(public_client::names(deployed));
    }
    names.extend([
        REDIRECT_URI_REGISTERED,
        DEFAULT_SCOPES,
        TOKEN_SIGNING_ALGORITHM,
    ]);
    if maps_claims(deployed) {
        names.push(CLAIM_MAPPERS);
    }
    names
}

fn maps_claims(deployed: &Deployed) -> bool {
    deployed.jwt_team_claim_mapping.is_some() || deployed.use_roles_from_provider
}

pub(super) fn client_checks(c: &mut Checks, realm: &str, deployed: &Deployed, view: AdminView) {
    let id = deployed.client_id.as_deref().unwrap_or_default();
    let Some((client, scopes)) = view.client else {
        missing_client(c, realm, id, &view.elsewhere);
        return;
    };
    c.pass(
        CLIENT_EXISTS,
        format!("client `{id}` exists in realm `{realm}`"),
    );
    let public = client.get("publicClient").and_then(Value::as_bool) == Some(true);
    if deployed.confidential() {
        c.expect(
            CLIENT_CONFIDENTIAL,
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
        public_client::checks(c, id, &client, deployed);
    }
    let callback = deployed.callback().unwrap_or_default();
    c.expect(
        REDIRECT_URI_REGISTERED,
        if redirect_registered(&client, callback) {
            Ok(format!("{callback} is a valid redirect URI"))
        } else {
            Err((
                format!(
                    "callback {callback} is not among the client's redirect URIs ({})",
                    strings(client.get("redirectUris")).join(", ")
                ),
                "run `omsso keycloak ensure`, or add it under Valid Redirect URIs".to_string(),
            ))
        },
    );
    let missing: Vec<(&str, &str)> = REQUIRED_SCOPES
        .into_iter()
        .filter(|(s, _)| !scopes.iter().any(|have| have == s))
        .collect();
    c.expect(
        DEFAULT_SCOPES,
        if missing.is_empty() {
            Ok("default client scopes include profile, email and basic".to_string())
        } else {
            let names: Vec<&str> = missing.iter().map(|(s, _)| *s).collect();
            let why: Vec<&str> = missing.iter().map(|(_, why)| *why).collect();
            Err((
                format!("default client scopes lack {}", names.join(", ")),
                format!(
                    "add {} to the client's default client scopes (`omsso keycloak ensure` \
                     does): {}",
                    names.join(", "),
                    why.join("; ")
                ),
            ))
        },
    );
    signing_algorithm(c, id, &client, view.realm.as_ref());
    if maps_claims(deployed) {
        claim_mappers(c, id, &client, deployed);
    }
}

/// client-exists failed: when another realm holds the client, the file names the wrong realm,
/// and `keycloak ensure` would only create a second client.
fn missing_client(c: &mut Checks, realm: &str, id: &str, elsewhere: &[String]) {
    if elsewhere.is_empty() {
        c.fail(
            CLIENT_EXISTS,
            format!("realm `{realm}` has no client `{id}`"),
            format!("run `omsso keycloak ensure` to create it in realm `{realm}`"),
        );
        return;
    }
    const SHOWN: usize = 3;
    let mut others = elsewhere[..elsewhere.len().min(SHOWN)].join("`, `");
    if elsewhere.len() > SHOWN {
        others.push_str(&format!("` and {} more", elsewhere.len() - SHOWN));
    } else {
        others.push('`');
    }
    c.fail(
        CLIENT_EXISTS,
        format!("realm `{realm}` has no client `{id}`; it is in realm `{others}"),
        "the file names the wrong realm: re-render for the realm that holds the client (its \
         URLs then name it) instead of creating a second client with `omsso keycloak ensure`",
    );
}

/// token-signing-algorithm: the algorithm Keycloak actually signs with, from the client's
/// override or the realm's default.
fn signing_algorithm(c: &mut Checks, id: &str, client: &Value, realm: Option<&Value>) {
    let realm_alg = realm
        .and_then(|r| r.get("defaultSignatureAlgorithm"))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .unwrap_or(OM_SIGNING_ALGORITHM);
    let attr = |key: &str| {
        client
            .get("attributes")
            .and_then(|a| a.get(key))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let mut wrong = Vec::new();
    for (token, key) in [
        ("ID", "id.token.signed.response.alg"),
        ("access", "access.token.signed.response.alg"),
    ] {
        let (alg, source) = match attr(key) {
            Some(alg) => (alg, format!("client `{id}`'s {key}")),
            None => (
                realm_alg,
                "the realm's default signature algorithm".to_string(),
            ),
        };
        if alg != OM_SIGNING_ALGORITHM {
            wrong.push(format!("{token} tokens are signed with {alg} ({source})"));
        }
    }
    c.expect(
        TOKEN_SIGNING_ALGORITHM,
        if wrong.is_empty() {
            Ok(format!(
                "ID and access tokens are signed with {OM_SIGNING_ALGORITHM}{}",
                if realm.is_some() {
                    ""
                } else {
                    " (the realm's default was not readable with this login: RS256 assumed)"
                }
            ))
        } else {
            Err((
                format!(
                    "{}, but OpenMetadata verifies tokens with {OM_SIGNING_ALGORITHM} keys only \
                     (logins fail with \"No key found with kid\" or a key of the wrong type)",
                    wrong.join("; ")
                ),
                format!(
                    "set it to {OM_SIGNING_ALGORITHM}: Realm settings > Tokens > Default \
                     signature algorithm, and the client's Advanced > Fine grain OpenID Connect \
                     configuration (empty = the realm's)"
                ),
            ))
        },
    );
}

/// The claims the file reads teams and roles from, each written by a mapper of the client in
/// the shape OpenMetadata reads ([`crate::keycloak::mappers`]).
fn claim_mappers(c: &mut Checks, id: &str, client: &Value, deployed: &Deployed) {
    let mut wanted = Vec::new();
    if let Some(claim) = &deployed.jwt_team_claim_mapping {
        wanted.push((claim.as_str(), true));
    }
    if deployed.use_roles_from_provider {
        wanted.push((ROLES_CLAIM, false));
    }
    let mut found = Vec::new();
    for (claim, team) in wanted {
        match writes_claim(client, claim, team) {
            Ok(mapper) => found.push(format!("`{claim}` by mapper `{mapper}`")),
            Err(why) => {
                let settings = if team {
                    OPENMETADATA_TEAM_CLAIM.key
                } else {
                    OPENMETADATA_ROLES_FROM.key
                };
                return c.fail(
                    CLAIM_MAPPERS,
                    format!("client `{id}`: {why}"),
                    format!("set {settings} and run `omsso keycloak ensure`"),
                );
            }
        }
    }
    c.pass(
        CLAIM_MAPPERS,
        format!("ID tokens of client `{id}` carry {}", found.join(" and ")),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_an_admin_login_the_client_checks_are_named_and_skipped() {
        let confidential = Deployed::default();
        assert_eq!(
            client_check_names(&confidential),
            [
                CLIENT_EXISTS,
                CLIENT_CONFIDENTIAL,
                REDIRECT_URI_REGISTERED,
                DEFAULT_SCOPES,
                TOKEN_SIGNING_ALGORITHM
            ]
        );
        let public = Deployed {
            client_type: Some("public".into()),
            ..Deployed::default()
        };
        let names = client_check_names(&public);
        assert!(!names.contains(&CLIENT_CONFIDENTIAL), "{names:?}");
        assert!(names.len() > 4, "{names:?}");
    }
}
