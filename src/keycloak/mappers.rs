//! The protocol mappers that put a user's teams and roles into tokens, in the shapes
//! OpenMetadata reads them (server source, `SecurityUtil.findTeamsFromClaims` and
//! `getClaimAsList`, `JwtFilter`):
//! - teams: the claim `authenticationConfiguration.jwtTeamClaimMapping` names, a string or a
//!   list of strings, each matched to a team of type Group **by name**. So the group mapper
//!   writes plain group names (`full.path` off: `/Data Engineering` matches no team).
//! - roles: with `useRolesFromProvider`, the top-level `roles` claim, a list of role names.
//!   Keycloak's built-in role claims (`realm_access.roles`, `resource_access.<client>.roles`)
//!   are nested, so OpenMetadata never sees them; a realm or client role mapper writes `roles`.
//!
//! Both go into the ID token (the confidential flow's server reads the ID token at login, the
//! UI sends it as its bearer token), the access token and userinfo. omsso owns the mappers it
//! names (`omsso teams`, `omsso roles`) and keeps every other mapper of the client.

use reqwest::Method;
use serde_json::{json, Map, Value};

use super::urls::Admin;
use super::{KeycloakError, Session};
use crate::change::FieldChange;
use crate::settings::RoleSource;

/// The claim OpenMetadata reads roles from.
pub const ROLES_CLAIM: &str = "roles";
pub const TEAMS_MAPPER: &str = "omsso teams";
pub const ROLES_MAPPER: &str = "omsso roles";
pub const GROUP_MAPPER_TYPE: &str = "oidc-group-membership-mapper";
pub const REALM_ROLE_MAPPER_TYPE: &str = "oidc-usermodel-realm-role-mapper";
pub const CLIENT_ROLE_MAPPER_TYPE: &str = "oidc-usermodel-client-role-mapper";
const CLIENT_ROLE_CLIENT: &str = "usermodel.clientRoleMapping.clientId";
/// The token kinds a mapper writes into; OpenMetadata reads the ID token.
const IN_TOKENS: [&str; 4] = [
    "id.token.claim",
    "access.token.claim",
    "userinfo.token.claim",
    "introspection.token.claim",
];

/// The mappers the settings ask for: the team claim, the roles claim, or both.
pub fn desired(team_claim: Option<&str>, roles: Option<RoleSource>, client_id: &str) -> Vec<Value> {
    let mut out = Vec::new();
    if let Some(claim) = team_claim {
        let mut config = tokens_config(claim);
        config.insert("full.path".into(), json!("false"));
        out.push(mapper(TEAMS_MAPPER, GROUP_MAPPER_TYPE, config));
    }
    if let Some(source) = roles {
        let mut config = tokens_config(ROLES_CLAIM);
        config.insert("multivalued".into(), json!("true"));
        config.insert("jsonType.label".into(), json!("String"));
        let kind = match source {
            RoleSource::Realm => REALM_ROLE_MAPPER_TYPE,
            RoleSource::Client => {
                config.insert(CLIENT_ROLE_CLIENT.into(), json!(client_id));
                CLIENT_ROLE_MAPPER_TYPE
            }
        };
        out.push(mapper(ROLES_MAPPER, kind, config));
    }
    out
}

fn tokens_config(claim: &str) -> Map<String, Value> {
    let mut config = Map::new();
    config.insert("claim.name".into(), json!(claim));
    for t in IN_TOKENS {
        config.insert(t.into(), json!("true"));
    }
    config
}

fn mapper(name: &str, kind: &str, config: Map<String, Value>) -> Value {
    json!({
        "name": name,
        "protocol": "openid-connect",
        "protocolMapper": kind,
        "config": config,
    })
}

/// What ensure does to the client's mappers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MapperPlan {
    /// Mappers to create.
    pub add: Vec<Value>,
    /// Mappers to replace: the existing one and the new representation (its id and other
    /// config keys kept).
    pub update: Vec<(Value, Value)>,
}

impl MapperPlan {
    /// Compares `want` with the mappers of the client representation `client` (by name).
    pub fn new(want: &[Value], client: &Value) -> MapperPlan {
        let have = client
            .get("protocolMappers")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut plan = MapperPlan::default();
        for w in want {
            match have.iter().find(|h| h.get("name") == w.get("name")) {
                None => plan.add.push(w.clone()),
                Some(h) => {
                    if let Some(merged) = merged_if_changed(h, w) {
                        plan.update.push((h.clone(), merged));
                    }
                }
            }
        }
        plan
    }

    pub fn is_empty(&self) -> bool {
        self.add.is_empty() && self.update.is_empty()
    }

    /// The plan as field changes: `protocolMappers.omsso teams: (unset) → {…}`.
    pub fn changes(&self) -> Vec<FieldChange> {
        let added = self.add.iter().map(|m| (Value::Null, m));
        let updated = self.update.iter().map(|(old, m)| (summary(old), m));
        added
            .chain(updated)
            .map(|(current, m)| FieldChange {
                field: format!("protocolMappers.{}", name_of(m)),
                current,
                desired: summary(m),
            })
            .collect()
    }
}

/// `existing` with the desired type and config keys, when anything differs.
fn merged_if_changed(existing: &Value, want: &Value) -> Option<Value> {
    let mut merged = existing.clone();
    let mut changed = existing.get("protocolMapper") != want.get("protocolMapper");
    merged["protocolMapper"] = want["protocolMapper"].clone();
    merged["protocol"] = want["protocol"].clone();
    if !merged.get("config").is_some_and(Value::is_object) {
        merged["config"] = json!({});
    }
    if let Some(config) = want.get("config").and_then(Value::as_object) {
        for (k, v) in config {
            if merged["config"].get(k) != Some(v) {
                merged["config"][k] = v.clone();
                changed = true;
            }
        }
    }
    changed.then_some(merged)
}

fn name_of(m: &Value) -> &str {
    m.get("name").and_then(Value::as_str).unwrap_or_default()
}

/// What a plan shows of a mapper: its type and the config omsso manages.
fn summary(m: &Value) -> Value {
    json!({
        "type": m.get("protocolMapper"),
        "config": m.get("config"),
    })
}

/// Creates and updates the planned mappers on client `uuid`.
pub async fn apply(
    session: &Session,
    realm: &str,
    uuid: &str,
    client_id: &str,
    plan: &MapperPlan,
) -> Result<Vec<String>, KeycloakError> {
    let mut done = Vec::new();
    for m in &plan.add {
        let action = format!(
            "add protocol mapper `{}` to client `{client_id}` in realm `{realm}`",
            name_of(m)
        );
        let resource = Admin::ClientMappers {
            realm,
            uuid,
            mapper: None,
        };
        super::scopes::write(session, realm, Method::POST, resource, Some(m), &action).await?;
        done.push(name_of(m).to_string());
    }
    for (_, m) in &plan.update {
        let action = format!(
            "update protocol mapper `{}` of client `{client_id}` in realm `{realm}`",
            name_of(m)
        );
        let id = m.get("id").and_then(Value::as_str).unwrap_or_default();
        let resource = Admin::ClientMappers {
            realm,
            uuid,
            mapper: Some(id),
        };
        super::scopes::write(session, realm, Method::PUT, resource, Some(m), &action).await?;
        done.push(name_of(m).to_string());
    }
    Ok(done)
}

/// How a client's own mappers put `claim` into the ID token: `Ok` with the mapper's name, or
/// why not. `team` asks for group names (the group mapper with `full.path` off); otherwise a
/// realm or client role mapper, multivalued.
pub fn writes_claim(client: &Value, claim: &str, team: bool) -> Result<String, String> {
    let mappers = client
        .get("protocolMappers")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let conf = |m: &Value, k: &str| {
        m.get("config")
            .and_then(|c| c.get(k))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let kinds: &[&str] = if team {
        &[GROUP_MAPPER_TYPE]
    } else {
        &[REALM_ROLE_MAPPER_TYPE, CLIENT_ROLE_MAPPER_TYPE]
    };
    let candidates: Vec<&Value> = mappers
        .iter()
        .filter(|m| {
            kinds
                .iter()
                .any(|k| m.get("protocolMapper") == Some(&json!(k)))
                && conf(m, "claim.name").as_deref() == Some(claim)
        })
        .collect();
    let Some(m) = candidates.first() else {
        return Err(format!(
            "no mapper of the client writes the `{claim}` claim"
        ));
    };
    let name = name_of(m);
    if conf(m, "id.token.claim").as_deref() != Some("true") {
        return Err(format!(
            "mapper `{name}` leaves `{claim}` out of the ID token, which OpenMetadata reads"
        ));
    }
    if team && conf(m, "full.path").as_deref() != Some("false") {
        return Err(format!(
            "mapper `{name}` writes full group paths (`/Data Engineering`), which match no \
             OpenMetadata team name"
        ));
    }
    if !team && conf(m, "multivalued").as_deref() != Some("true") {
        return Err(format!(
            "mapper `{name}` writes one role only (multivalued off)"
        ));
    }
    Ok(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client_with(mappers: Vec<Value>) -> Value {
        json!({ "clientId": "open-metadata", "protocolMappers": mappers })
    }

    #[test]
    fn settings_choose_the_mappers_and_their_claims() {
        assert!(desired(None, None, "om").is_empty());
        let both = desired(Some("groups"), Some(RoleSource::Client), "om");
        assert_eq!(both[0]["protocolMapper"], GROUP_MAPPER_TYPE);
        assert_eq!(both[0]["config"]["claim.name"], "groups");
        assert_eq!(both[0]["config"]["full.path"], "false");
        assert_eq!(both[1]["protocolMapper"], CLIENT_ROLE_MAPPER_TYPE);
        assert_eq!(both[1]["config"]["claim.name"], "roles");
        assert_eq!(both[1]["config"][CLIENT_ROLE_CLIENT], "om");
        let realm = desired(None, Some(RoleSource::Realm), "om");
        assert_eq!(realm[0]["protocolMapper"], REALM_ROLE_MAPPER_TYPE);
        assert!(realm[0]["config"].get(CLIENT_ROLE_CLIENT).is_none());
    }

    #[test]
    fn the_plan_adds_what_is_missing_updates_what_drifted_and_keeps_the_rest() {
        let want = desired(Some("groups"), Some(RoleSource::Realm), "om");
        let plan = MapperPlan::new(&want, &client_with(vec![]));
        assert_eq!(plan.add.len(), 2);
        assert!(plan.update.is_empty());

        // As Keycloak holds them after an apply: ids added, nothing to do.
        let mut held: Vec<Value> = want.clone();
        for (i, m) in held.iter_mut().enumerate() {
            m["id"] = json!(format!("id{i}"));
        }
        held.push(json!({"name": "mine", "protocolMapper": "x", "config": {}}));
        assert!(MapperPlan::new(&want, &client_with(held.clone())).is_empty());

        // Someone switched full paths on and added a key of their own: only the managed key
        // changes back.
        held[0]["config"]["full.path"] = json!("true");
        held[0]["config"]["extra"] = json!("kept");
        let plan = MapperPlan::new(&want, &client_with(held.clone()));
        assert_eq!(plan.update.len(), 1);
        let (_, m) = &plan.update[0];
        assert_eq!(m["id"], "id0");
        assert_eq!(m["config"]["full.path"], "false");
        assert_eq!(m["config"]["extra"], "kept");
        let changes = plan.changes();
        assert_eq!(changes[0].field, "protocolMappers.omsso teams");
        assert_eq!(changes[0].current["config"]["full.path"], "true");
    }

    #[test]
    fn a_claim_is_written_only_in_the_shape_openmetadata_reads() {
        let want = desired(Some("groups"), Some(RoleSource::Realm), "om");
        let client = client_with(want.clone());
        assert_eq!(writes_claim(&client, "groups", true).unwrap(), TEAMS_MAPPER);
        assert_eq!(writes_claim(&client, "roles", false).unwrap(), ROLES_MAPPER);
        assert!(writes_claim(&client, "department", true)
            .unwrap_err()
            .contains("no mapper"));
        let mut paths = want.clone();
        paths[0]["config"]["full.path"] = json!("true");
        assert!(writes_claim(&client_with(paths), "groups", true)
            .unwrap_err()
            .contains("full group paths"));
        let mut access_only = want;
        access_only[1]["config"]["id.token.claim"] = json!("false");
        assert!(writes_claim(&client_with(access_only), "roles", false)
            .unwrap_err()
            .contains("ID token"));
    }
}
