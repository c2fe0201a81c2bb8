//! The client's default client scopes. OpenMetadata asks for `openid email profile`; `openid`
//! is a request scope with no client scope behind it, and since Keycloak 25 the `basic` scope
//! carries the `sub` claim. So the client needs `profile`, `email` and `basic` as *default*
//! scopes. They are added one by one by name, never by sending `defaultClientScopes` (which
//! replaces the realm's defaults wholesale).

use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::error::Role;
use super::lookup::expect_failed;
use super::reply::KeycloakReply;
use super::session::Op;
use super::urls::{Admin, ScopeList};
use super::{KeycloakError, Session};

pub const REQUIRED: [&str; 3] = ["profile", "email", "basic"];

/// A client scope as the admin API lists it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ScopeRef {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub protocol: Option<String>,
}

impl ScopeRef {
    /// Realm-wide lists mix in SAML scopes, which an OpenID Connect client never gets.
    fn oidc(&self) -> bool {
        self.protocol
            .as_deref()
            .is_none_or(|p| p == "openid-connect")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScopePlan {
    /// The client's default scopes now (for a client still to be created: the realm's
    /// defaults for new clients), by name, sorted.
    pub current: Vec<String>,
    /// Required scopes to add as default scopes.
    pub add: Vec<ScopeRef>,
    /// Those of `add` that are now optional scopes of the client (they move to default).
    pub from_optional: Vec<String>,
    /// Required scopes the realm does not have at all (Keycloak < 25 has no `basic`).
    pub unavailable: Vec<String>,
}

impl ScopePlan {
    /// The default scopes once applied, sorted.
    pub fn after(&self) -> Vec<String> {
        let mut all = self.current.clone();
        all.extend(self.add.iter().map(|s| s.name.clone()));
        all.sort();
        all.dedup();
        all
    }
}

/// Compares the default scopes of client `uuid` (or, with `None`, the realm's defaults for
/// new clients) with the required ones.
pub async fn plan(
    session: &Session,
    realm: &str,
    uuid: Option<&str>,
) -> Result<ScopePlan, KeycloakError> {
    let current = current_defaults(session, realm, uuid).await?;
    let mut plan = ScopePlan {
        current: sorted_names(&current),
        ..ScopePlan::default()
    };
    let missing: Vec<&str> = REQUIRED
        .into_iter()
        .filter(|n| !plan.current.iter().any(|c| c == n))
        .collect();
    if missing.is_empty() {
        return Ok(plan);
    }
    let in_realm = list(
        session,
        realm,
        Admin::RealmClientScopes { realm },
        "read the realm's client scopes",
        Role::ManageClients,
    )
    .await?;
    for name in missing {
        match in_realm.iter().find(|s| s.name == name && s.oidc()) {
            Some(s) => plan.add.push(s.clone()),
            None => plan.unavailable.push(name.to_string()),
        }
    }
    if let (Some(uuid), false) = (uuid, plan.add.is_empty()) {
        plan.from_optional = optional_among(session, realm, uuid, &plan.add).await?;
    }
    Ok(plan)
}

/// The OpenID Connect default scopes of client `uuid`, or those the realm gives a new client.
async fn current_defaults(
    session: &Session,
    realm: &str,
    uuid: Option<&str>,
) -> Result<Vec<ScopeRef>, KeycloakError> {
    let (resource, action) = match uuid {
        Some(uuid) => (
            Admin::ClientScopes {
                realm,
                uuid,
                list: ScopeList::Default,
                scope: None,
            },
            "read the client's default scopes",
        ),
        None => (
            Admin::RealmDefaultScopes { realm },
            "read the realm's default client scopes",
        ),
    };
    let current = list(session, realm, resource, action, Role::ManageClients).await?;
    Ok(current.into_iter().filter(ScopeRef::oidc).collect())
}

/// The names of the scopes in `add` that client `uuid` holds as optional scopes.
async fn optional_among(
    session: &Session,
    realm: &str,
    uuid: &str,
    add: &[ScopeRef],
) -> Result<Vec<String>, KeycloakError> {
    let resource = Admin::ClientScopes {
        realm,
        uuid,
        list: ScopeList::Optional,
        scope: None,
    };
    let optional = list(
        session,
        realm,
        resource,
        "read the client's optional scopes",
        Role::ManageClients,
    )
    .await?;
    Ok(add
        .iter()
        .filter(|a| optional.iter().any(|o| o.id == a.id))
        .map(|a| a.name.clone())
        .collect())
}

/// Adds the planned scopes to client `uuid` as default scopes. A scope that is an optional
/// scope of the client is removed from there first: a scope is linked to a client once.
pub async fn apply(
    session: &Session,
    realm: &str,
    uuid: &str,
    client_id: &str,
    plan: &ScopePlan,
) -> Result<(), KeycloakError> {
    for scope in &plan.add {
        let link = |list| Admin::ClientScopes {
            realm,
            uuid,
            list,
            scope: Some(&scope.id),
        };
        if plan.from_optional.contains(&scope.name) {
            let action = format!(
                "remove optional scope `{}` from client `{client_id}` in realm `{realm}`",
                scope.name
            );
            let resource = link(ScopeList::Optional);
            write(session, realm, Method::DELETE, resource, None, &action).await?;
        }
        let action = format!(
            "add default scope `{}` to client `{client_id}` in realm `{realm}`",
            scope.name
        );
        write(
            session,
            realm,
            Method::PUT,
            link(ScopeList::Default),
            None,
            &action,
        )
        .await?;
    }
    Ok(())
}

/// One write to a client's configuration (scopes, mappers), with or without a body; a
/// refusal is read as what the admin login lacks (`manage-clients`).
pub(super) async fn write(
    session: &Session,
    realm: &str,
    method: Method,
    resource: Admin<'_>,
    body: Option<&serde_json::Value>,
    action: &str,
) -> Result<(), KeycloakError> {
    let op = Op {
        realm,
        role: Role::ManageClients,
        action,
    };
    let reply = session.admin(method, resource, body, op).await?;
    if reply.status.is_success() {
        return Ok(());
    }
    Err(expect_failed(session, &reply, realm, action))
}

/// The names of a client's default client scopes (read-only: `verify`).
pub(crate) async fn default_names(
    session: &Session,
    realm: &str,
    uuid: &str,
) -> Result<Vec<String>, KeycloakError> {
    let resource = Admin::ClientScopes {
        realm,
        uuid,
        list: ScopeList::Default,
        scope: None,
    };
    let scopes = list(
        session,
        realm,
        resource,
        "read the client's default scopes",
        Role::ViewClients,
    )
    .await?;
    Ok(scopes.into_iter().map(|s| s.name).collect())
}

async fn list(
    session: &Session,
    realm: &str,
    resource: Admin<'_>,
    action: &str,
    role: Role,
) -> Result<Vec<ScopeRef>, KeycloakError> {
    let action = format!("{action} in realm `{realm}`");
    let op = Op {
        realm,
        role,
        action: &action,
    };
    let reply = session.admin(Method::GET, resource, None, op).await?;
    if !reply.status.is_success() {
        return Err(expect_failed(session, &reply, realm, &action));
    }
    reply.json()
}

fn sorted_names(scopes: &[ScopeRef]) -> Vec<String> {
    let mut names: Vec<String> = scopes.iter().map(|s| s.name.clone()).collect();
    names.sort();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_is_the_sorted_union() {
        let p = ScopePlan {
            current: vec!["acr".into(), "profile".into()],
            add: vec![ScopeRef {
                id: "1".into(),
                name: "basic".into(),
                protocol: None,
            }],
            ..ScopePlan::default()
        };
        assert_eq!(p.after(), ["acr", "basic", "profile"]);
    }
}
