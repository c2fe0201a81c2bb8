//! `login-teams-roles`: which teams and roles OpenMetadata would give the test user, read from
//! the ID token's claims as the server reads them (`SecurityUtil.getClaimAsList`: a list of
//! strings, or one string), and, with OpenMetadata and an admin token at hand, whether it has
//! a team and a role of each name (a team or role it does not have is silently skipped at
//! login).

use serde_json::Value;

use super::{Report, Request};
use crate::keycloak::mappers::ROLES_CLAIM;
use crate::omapi::Client;
use crate::verify::deployed::Deployed;
use crate::verify::registry::LOGIN_TEAMS_ROLES;
use crate::verify::report::Checks;

/// Keycloak's own realm roles: every user has them, and they name no OpenMetadata role.
fn keycloak_builtin_role(role: &str) -> bool {
    role.starts_with("default-roles-") || role == "offline_access" || role == "uma_authorization"
}

/// A claim as OpenMetadata reads a team or role claim: a list of strings, or one string.
fn claim_list(claims: &Value, claim: &str) -> Option<Vec<String>> {
    match claims.get(claim)? {
        Value::String(s) if !s.is_empty() => Some(vec![s.clone()]),
        Value::Array(items) => Some(
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
        ),
        _ => None,
    }
}

/// Which teams and roles OpenMetadata would give the user, from the ID token's claims.
pub(super) async fn check(
    c: &mut Checks,
    d: &Deployed,
    req: &Request,
    claims: &Value,
    report: &mut Report,
    directory: Option<&Client<'_>>,
) {
    let team_claim = d.jwt_team_claim_mapping.as_deref();
    if team_claim.is_none() && !d.use_roles_from_provider {
        return;
    }
    let mut parts = Vec::new();
    let mut missing = Vec::new();
    if let Some(claim) = team_claim {
        let teams = claim_list(claims, claim);
        match &teams {
            Some(t) if !t.is_empty() => parts.push(format!("teams: {}", t.join(", "))),
            _ => missing.push(format!("no `{claim}` claim (teams)")),
        }
        report.teams = Some(teams.unwrap_or_default());
    }
    if d.use_roles_from_provider {
        let roles: Vec<String> = claim_list(claims, ROLES_CLAIM)
            .unwrap_or_default()
            .into_iter()
            .filter(|r| !keycloak_builtin_role(r))
            .collect();
        if roles.is_empty() {
            missing.push(format!(
                "no role in `{ROLES_CLAIM}` (Keycloak's own roles aside)"
            ));
        } else {
            parts.push(format!("roles: {}", roles.join(", ")));
        }
        report.roles = Some(roles);
    }
    let summary = format!("{} -> {}", req.user, parts.join("; "));
    if missing.is_empty() {
        match directory {
            Some(om) => looked_up(c, om, summary, report).await,
            None => c.pass(LOGIN_TEAMS_ROLES, summary),
        }
    } else {
        let got = if parts.is_empty() {
            req.user.clone()
        } else {
            summary
        };
        c.warn(
            LOGIN_TEAMS_ROLES,
            format!("{got}: the ID token has {}", missing.join(" and ")),
            "put the user in a Keycloak group / give them a role, and check claim-mappers \
             (`omsso keycloak ensure` adds the mappers)",
        );
    }
}

/// Each claimed team and role looked up by name in OpenMetadata.
async fn looked_up(c: &mut Checks, om: &Client<'_>, summary: String, report: &mut Report) {
    let teams = report.teams.iter().flatten().map(|t| (true, t));
    let roles = report.roles.iter().flatten().map(|r| (false, r));
    let mut unmatched = Vec::new();
    for (team, name) in teams.chain(roles).collect::<Vec<_>>() {
        match om.has_named(team, name).await {
            Ok(true) => {}
            Ok(false) => unmatched.push(format!("{} `{name}`", if team { "team" } else { "role" })),
            Err(e) => {
                return c.pass(
                    LOGIN_TEAMS_ROLES,
                    format!("{summary} (not looked up in OpenMetadata: {e})"),
                )
            }
        }
    }
    if unmatched.is_empty() {
        return c.pass(
            LOGIN_TEAMS_ROLES,
            format!("{summary}; OpenMetadata has each"),
        );
    }
    c.warn(
        LOGIN_TEAMS_ROLES,
        format!("{summary}; OpenMetadata has no {}", unmatched.join(", no ")),
        "OpenMetadata matches names exactly and skips the rest: create the team (of type Group) \
         or role with that name, or rename the Keycloak group or role",
    );
    report.unmatched = unmatched;
}
