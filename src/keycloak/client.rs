//! The plan that takes the realm's OpenMetadata client from what it holds to the desired state
//! ([`super::desired`]): create it, or update the managed fields that differ; and applying the
//! plan (the realm, the client, then its default client scopes).

use reqwest::Method;
use serde::Serialize;
use serde_json::{json, Value};

use super::desired::merge;
pub(crate) use super::desired::strings;
pub use super::desired::Desired;
use super::error::Role;
use super::lookup::{expect_failed, find, id_of};
use super::mappers::{self, MapperPlan};
use super::reply::KeycloakReply;
use super::scopes::{self, ScopePlan};
use super::session::Op;
use super::urls::Admin;
use super::{KeycloakError, Session};
pub use crate::change::FieldChange;

#[derive(Debug, Clone)]
pub enum ClientPlan {
    Create {
        representation: Value,
    },
    Update {
        uuid: String,
        changes: Vec<FieldChange>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Update,
    None,
}

/// What `apply` would do, computed from what Keycloak holds now.
#[derive(Debug, Clone)]
pub struct Plan {
    pub desired: Desired,
    pub create_realm: bool,
    pub client: ClientPlan,
    pub scopes: ScopePlan,
    /// The protocol mappers for teams and roles.
    pub mappers: MapperPlan,
}

impl Plan {
    pub fn action(&self) -> Action {
        match &self.client {
            ClientPlan::Create { .. } => Action::Create,
            ClientPlan::Update { changes, .. }
                if !changes.is_empty()
                    || !self.scopes.add.is_empty()
                    || !self.mappers.is_empty()
                    || self.create_realm =>
            {
                Action::Update
            }
            ClientPlan::Update { .. } => Action::None,
        }
    }

    pub fn up_to_date(&self) -> bool {
        self.action() == Action::None
    }

    /// Every field that changes, the client's default scopes included (by name, sorted).
    pub fn changes(&self) -> Vec<FieldChange> {
        let mut out = match &self.client {
            ClientPlan::Create { .. } => self.desired.diff(&json!({})),
            ClientPlan::Update { changes, .. } => changes.clone(),
        };
        let creating = matches!(self.client, ClientPlan::Create { .. });
        if creating || !self.scopes.add.is_empty() {
            out.push(FieldChange {
                field: "defaultClientScopes".to_string(),
                current: if creating {
                    Value::Null
                } else {
                    json!(self.scopes.current)
                },
                desired: json!(self.scopes.after()),
            });
        }
        out.extend(self.mappers.changes());
        out
    }

    /// What a change of the client type does beyond its fields (measured on Keycloak 26.7.3):
    /// a client made public loses its secret, and one made confidential gets a new one.
    pub fn notes(&self) -> Vec<String> {
        let ClientPlan::Update { changes, .. } = &self.client else {
            return Vec::new();
        };
        let Some(switch) = changes.iter().find(|c| c.field == "publicClient") else {
            return Vec::new();
        };
        vec![if switch.desired == json!(true) {
            "a client made public loses its secret in Keycloak: OpenMetadata needs the \
             public-client configuration (omsso render), and the old secret stops working"
                .to_string()
        } else {
            "a client made confidential gets a new secret from Keycloak: read it with \
             `omsso keycloak fetch` (or `omsso run`) and deploy it"
                .to_string()
        }]
    }
}

/// Reads the realm and compares. When the realm is missing this is an error unless the
/// desired state allows creating it. Reads are refused (403) as lacking `manage-clients`:
/// the principal needs it to apply the plan anyway.
pub async fn plan(session: &Session, desired: &Desired) -> Result<Plan, KeycloakError> {
    let realm = desired.realm.as_str();
    let role = Role::ManageClients;
    let (create_realm, current) = match find(session, realm, &desired.client_id, role).await {
        Ok(current) => (false, current),
        Err(KeycloakError::RealmNotFound { .. }) if desired.create_realm => (true, None),
        Err(e) => return Err(e),
    };
    let client = match &current {
        None => ClientPlan::Create {
            representation: desired.create_representation(),
        },
        Some(rep) => ClientPlan::Update {
            uuid: id_of(rep)?,
            changes: desired.diff(rep),
        },
    };
    let mappers = MapperPlan::new(&desired.mappers(), current.as_ref().unwrap_or(&Value::Null));
    let scopes = match (&client, create_realm) {
        // A new realm gets Keycloak's built-in defaults, which hold all required scopes
        // (checked again once the client exists).
        (_, true) => ScopePlan {
            current: scopes::REQUIRED.iter().map(|s| s.to_string()).collect(),
            ..ScopePlan::default()
        },
        (ClientPlan::Create { .. }, false) => scopes::plan(session, realm, None).await?,
        (ClientPlan::Update { uuid, .. }, false) => {
            scopes::plan(session, realm, Some(uuid)).await?
        }
    };
    Ok(Plan {
        desired: desired.clone(),
        create_realm,
        client,
        scopes,
        mappers,
    })
}

/// What `apply` did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Applied {
    pub realm_created: bool,
    pub client_created: bool,
    /// Fields updated on an existing client.
    pub updated: Vec<String>,
    /// Default client scopes added, by name.
    pub scopes_added: Vec<String>,
    /// Protocol mappers added or updated, by name.
    pub mappers_changed: Vec<String>,
    /// The client's Keycloak id.
    pub uuid: String,
}

/// Carries out `plan`. A client created by someone else since the plan was made (409) is
/// re-read and updated instead.
pub async fn apply(session: &Session, plan: &Plan) -> Result<Applied, KeycloakError> {
    let d = &plan.desired;
    let realm = d.realm.as_str();
    let mut applied = Applied::default();
    if plan.create_realm {
        applied.realm_created = create_realm(session, realm).await?;
    }
    let fresh_mappers;
    let (uuid, known_scopes, mapper_plan) = match &plan.client {
        ClientPlan::Create { representation } => match create(session, d, representation).await? {
            Some(uuid) => {
                applied.client_created = true;
                (uuid, None, &plan.mappers)
            }
            None => {
                let current = find(session, realm, &d.client_id, Role::ManageClients)
                    .await?
                    .ok_or_else(|| KeycloakError::ClientNotFound {
                        realm: realm.to_string(),
                        client_id: d.client_id.clone(),
                    })?;
                let uuid = id_of(&current)?;
                let changes = d.diff(&current);
                update(session, d, &uuid, &changes).await?;
                applied.updated = changes.into_iter().map(|c| c.field).collect();
                fresh_mappers = MapperPlan::new(&d.mappers(), &current);
                (uuid, None, &fresh_mappers)
            }
        },
        ClientPlan::Update { uuid, changes } => {
            update(session, d, uuid, changes).await?;
            applied.updated = changes.iter().map(|c| c.field.clone()).collect();
            (uuid.clone(), Some(&plan.scopes), &plan.mappers)
        }
    };
    // A client that was just created has the realm's defaults, which may lack some.
    let fresh;
    let scope_plan = match known_scopes {
        Some(s) => s,
        None => {
            fresh = scopes::plan(session, realm, Some(&uuid)).await?;
            &fresh
        }
    };
    scopes::apply(session, realm, &uuid, &d.client_id, scope_plan).await?;
    applied.scopes_added = scope_plan.add.iter().map(|s| s.name.clone()).collect();
    applied.mappers_changed =
        mappers::apply(session, realm, &uuid, &d.client_id, mapper_plan).await?;
    applied.uuid = uuid;
    Ok(applied)
}

/// Creates the realm; `false` if it appeared meanwhile (409).
async fn create_realm(session: &Session, realm: &str) -> Result<bool, KeycloakError> {
    let action = format!("create realm `{realm}`");
    let op = Op {
        realm: "master",
        role: Role::CreateRealm,
        action: &action,
    };
    let body = json!({ "realm": realm, "enabled": true });
    let reply = session
        .admin(Method::POST, Admin::Realms, Some(&body), op)
        .await?;
    match reply.status.as_u16() {
        201 => Ok(true),
        409 => Ok(false),
        _ => Err(expect_failed(session, &reply, realm, &action)),
    }
}

/// Creates the client and returns its id, or `None` when it exists already (409).
async fn create(
    session: &Session,
    d: &Desired,
    representation: &Value,
) -> Result<Option<String>, KeycloakError> {
    let realm = d.realm.as_str();
    let action = format!("create client `{}` in realm `{realm}`", d.client_id);
    let op = Op {
        realm,
        role: Role::ManageClients,
        action: &action,
    };
    let reply = session
        .admin(
            Method::POST,
            Admin::Clients { realm },
            Some(representation),
            op,
        )
        .await?;
    match reply.status.as_u16() {
        // Keycloak answers with an empty body; the id is the last segment of Location.
        201 => match reply.location.as_deref().and_then(|l| l.rsplit('/').next()) {
            Some(uuid) if !uuid.is_empty() => Ok(Some(uuid.to_string())),
            _ => find(session, realm, &d.client_id, Role::ManageClients)
                .await?
                .map(|c| id_of(&c))
                .transpose()?
                .ok_or_else(|| reply.bad("created, but the new client cannot be found"))
                .map(Some),
        },
        409 => Ok(None),
        _ => Err(expect_failed(session, &reply, realm, &action)),
    }
}

/// Sends only the managed fields that differ; Keycloak keeps every field a PUT leaves out.
async fn update(
    session: &Session,
    d: &Desired,
    uuid: &str,
    changes: &[FieldChange],
) -> Result<(), KeycloakError> {
    if changes.is_empty() {
        return Ok(());
    }
    let realm = d.realm.as_str();
    let action = format!("update client `{}` in realm `{realm}`", d.client_id);
    let op = Op {
        realm,
        role: Role::ManageClients,
        action: &action,
    };
    let mut body = json!({ "clientId": d.client_id });
    merge(&mut body, changes);
    let reply = session
        .admin(Method::PUT, Admin::Client { realm, uuid }, Some(&body), op)
        .await?;
    if reply.status.is_success() {
        return Ok(());
    }
    Err(expect_failed(session, &reply, realm, &action))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keycloak::desired::tests::{desired, public};
    use crate::settings::ResponseType;

    #[test]
    fn switching_the_client_type_is_a_field_diff_with_a_note() {
        let confidential = desired(true);
        let current = confidential.create_representation();
        let to_public = public(ResponseType::Code, false);
        let changes = to_public.diff(&current);
        let shown: Vec<String> = changes.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "publicClient: false → true",
                "implicitFlowEnabled: true → false",
                "serviceAccountsEnabled: true → false",
                "attributes.pkce.code.challenge.method: (unset) → \"S256\"",
            ]
        );
        let plan = |desired: Desired, changes| Plan {
            desired,
            create_realm: false,
            client: ClientPlan::Update {
                uuid: "u".into(),
                changes,
            },
            scopes: ScopePlan::default(),
            mappers: MapperPlan::default(),
        };
        assert!(plan(to_public.clone(), changes).notes()[0].contains("loses its secret"));
        // And back: the PKCE requirement stays (harmless for the server's code flow).
        let mut now_public = current.clone();
        merge(&mut now_public, &to_public.diff(&current));
        let back = confidential.diff(&now_public);
        let fields: Vec<&str> = back.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "publicClient",
                "implicitFlowEnabled",
                "serviceAccountsEnabled"
            ]
        );
        assert!(plan(confidential, back).notes()[0].contains("new secret"));
    }
}
