//! The client as the admin API shows it: it exists, has the client type and flow the file
//! says, registers the file's callback and puts email and profile into tokens.

use serde_json::Value;

use super::deployed::Deployed;
use super::public_client;
use super::redirects::redirect_registered;
use super::registry::{
    CheckInfo, CLAIM_MAPPERS, CLIENT_CONFIDENTIAL, CLIENT_EXISTS, DEFAULT_SCOPES,
    REDIRECT_URI_REGISTERED,
};
use super::report::Checks;
use crate::keycloak::client::strings;
use crate::keycloak::mappers::{writes_claim, ROLES_CLAIM};

/// The client scopes that put the claims OpenMetadata reads into tokens.
const REQUIRED_SCOPES: [&str; 3] = ["profile", "email", "basic"];

/// The checks that read the client from the admin API, in the order they run.
pub(super) fn client_check_names(deployed: &Deployed) -> Vec<CheckInfo> {
    let mut names = vec![CLIENT_EXISTS];
    if deployed.confidential() {
        names.push(CLIENT_CONFIDENTIAL);
    } else {
        names.extend(public_client::names(deployed));
    }
    names.extend([REDIRECT_URI_REGISTERED, DEFAULT_SCOPES]);
    if maps_claims(deployed) {
        names.push(CLAIM_MAPPERS);
    }
    names
}

fn maps_claims(deployed: &Deployed) -> bool {
    deployed.jwt_team_claim_mapping.is_some() || deployed.use_roles_from_provider
}

pub(super) fn client_checks(
    c: &mut Checks,
    realm: &str,
    deployed: &Deployed,
    client: Option<(Value, Vec<String>)>,
) {
    let id = deployed.client_id.as_deref().unwrap_or_default();
    let Some((client, scopes)) = client else {
        c.fail(
            CLIENT_EXISTS,
            format!("realm `{realm}` has no client `{id}`"),
            "run `omsso keycloak ensure`",
        );
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
    let missing: Vec<&str> = REQUIRED_SCOPES
        .into_iter()
        .filter(|s| !scopes.iter().any(|have| have == s))
        .collect();
    c.expect(
        DEFAULT_SCOPES,
        if missing.is_empty() {
            Ok("default client scopes include profile, email and basic".to_string())
        } else {
            Err((
                format!("default client scopes lack {}", missing.join(", ")),
                "run `omsso keycloak ensure` (without `basic` tokens carry no `sub`)".to_string(),
            ))
        },
    );
    if maps_claims(deployed) {
        claim_mappers(c, id, &client, deployed);
    }
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
                    "openmetadata.team_claim"
                } else {
                    "openmetadata.roles_from"
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
                DEFAULT_SCOPES
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
