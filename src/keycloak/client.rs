//! The OpenMetadata client's desired state, the plan that takes the realm from what it holds
//! to that state (create, or a field-by-field update), and applying the plan.
//!
//! Only the fields OpenMetadata's Keycloak guide asks for are managed; every other field keeps
//! what the user set, because updates send only the managed fields (Keycloak merges a PUT over
//! the stored client). List fields are managed by containment: omsso adds the entries it
//! needs and keeps the others.
//!
//! Two shapes, after `openmetadata.client_type`:
//! - confidential: client authentication with a secret, the standard flow (the OpenMetadata
//!   server exchanges the code), service accounts (OpenMetadata's SSO validation runs a
//!   client-credentials grant), the implicit flow as `openmetadata.implicit_flow` says;
//! - public: no client authentication, no secret, no service account; the flow flags follow
//!   `openmetadata.response_type`: `id_token` needs the implicit flow, `code` the standard
//!   flow with PKCE (S256) required, the implicit flow off unless set explicitly.

use reqwest::Method;
use serde::Serialize;
use serde_json::{json, Value};

use super::error::Role;
use super::reply::KeycloakReply;
use super::scopes::{self, ScopePlan};
use super::session::Op;
use super::urls::Admin;
use super::{check_realm, KeycloakError, Session};
pub use crate::change::FieldChange;
use crate::settings::{ClientType, HttpUrl, ResponseType, Settings};

const POST_LOGOUT_ATTRIBUTE: &str = "post.logout.redirect.uris";
/// The client attribute that makes Keycloak require PKCE with this method.
const PKCE_ATTRIBUTE: &str = "pkce.code.challenge.method";
const PKCE_METHOD: &str = "S256";
/// Keycloak joins the entries of a multi-valued attribute with this.
const ATTRIBUTE_SEPARATOR: &str = "##";

/// What the OpenMetadata client should look like.
#[derive(Debug, Clone)]
pub struct Desired {
    pub realm: String,
    /// Create the realm when it does not exist (`--create-realm`).
    pub create_realm: bool,
    pub client_id: String,
    pub om_url: HttpUrl,
    pub client_type: ClientType,
    /// What the UI asks for; used only for a public client.
    pub response_type: ResponseType,
    pub implicit_flow: bool,
}

impl Desired {
    pub fn from_settings(
        settings: &Settings,
        create_realm: bool,
    ) -> Result<Desired, KeycloakError> {
        let realm = settings.realm()?.to_string();
        check_realm(&realm)?;
        settings.check_login_flow()?;
        Ok(Desired {
            realm,
            create_realm,
            client_id: settings.client_id().to_string(),
            om_url: settings.om_url()?.clone(),
            client_type: settings.client_type(),
            response_type: settings.response_type(),
            implicit_flow: settings.implicit_flow(),
        })
    }

    fn public(&self) -> bool {
        self.client_type == ClientType::Public
    }

    /// `{om}/callback` (OpenMetadata's callback) and, with the implicit flow or a public
    /// client, the UI's `{om}/silent-callback`, where it renews tokens in a hidden frame.
    pub fn redirect_uris(&self) -> Vec<String> {
        let mut uris = vec![self.om_url.join("callback")];
        if self.implicit_flow || self.public() {
            uris.push(self.om_url.join("silent-callback"));
        }
        uris
    }

    /// The OpenMetadata origin, for CORS (`webOrigins`).
    pub fn web_origin(&self) -> String {
        self.om_url.parsed().origin().ascii_serialization()
    }

    /// Any OpenMetadata page may be the target after logout.
    pub fn post_logout_redirect(&self) -> String {
        self.om_url.join("*")
    }

    /// The managed fields that differ between `current` (a client representation) and the
    /// desired state, in a stable order. Against `{}` it lists every managed field.
    pub fn diff(&self, current: &Value) -> Vec<FieldChange> {
        let mut changes = Vec::new();
        let mut compare = |field: &str, have: Value, want: Value| {
            if have != want {
                changes.push(FieldChange {
                    field: field.to_string(),
                    current: have,
                    desired: want,
                });
            }
        };
        let public = self.public();
        let mut exact = vec![
            ("enabled", json!(true)),
            ("bearerOnly", json!(false)),
            ("publicClient", json!(public)),
        ];
        // A public client authenticates with nothing: Keycloak ignores its authenticator.
        if !public {
            exact.push(("clientAuthenticatorType", json!("client-secret")));
        }
        exact.extend([
            ("standardFlowEnabled", json!(true)),
            ("implicitFlowEnabled", json!(self.implicit_flow)),
            // OpenMetadata's SSO validation runs a client-credentials grant with a
            // confidential client's secret; a public client has no service account.
            ("serviceAccountsEnabled", json!(!public)),
            ("rootUrl", json!(self.om_url.as_str())),
        ]);
        for (field, want) in exact {
            compare(
                field,
                current.get(field).cloned().unwrap_or(Value::Null),
                want,
            );
        }

        let have = strings(current.get("redirectUris"));
        let want = with_all(&have, &self.redirect_uris());
        compare("redirectUris", json!(have), json!(want));

        // `+` (the origins of the redirect URIs) and `*` already allow OpenMetadata's origin.
        let have = strings(current.get("webOrigins"));
        let origin = self.web_origin();
        let want = if have.iter().any(|o| o == "+" || o == "*" || *o == origin) {
            have.clone()
        } else {
            with_all(&have, &[origin])
        };
        compare("webOrigins", json!(have), json!(want));

        let stored = current
            .get("attributes")
            .and_then(|a| a.get(POST_LOGOUT_ATTRIBUTE))
            .and_then(Value::as_str);
        let have: Vec<String> = stored
            .unwrap_or_default()
            .split(ATTRIBUTE_SEPARATOR)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let want = with_all(&have, &[self.post_logout_redirect()]);
        if want != have {
            compare(
                &format!("attributes.{POST_LOGOUT_ATTRIBUTE}"),
                stored.map_or(Value::Null, |s| json!(s)),
                json!(want.join(ATTRIBUTE_SEPARATOR)),
            );
        }

        // The code flow in a browser has no secret to protect the code: require PKCE. Other
        // shapes leave the attribute as it is (the implicit flow ignores it; OpenMetadata's
        // server sends S256 itself when the discovery document offers it).
        if public && self.response_type == ResponseType::Code {
            let have = current
                .get("attributes")
                .and_then(|a| a.get(PKCE_ATTRIBUTE))
                .cloned()
                .unwrap_or(Value::Null);
            compare(
                &format!("attributes.{PKCE_ATTRIBUTE}"),
                have,
                json!(PKCE_METHOD),
            );
        }
        changes
    }

    /// The body of the create request. It carries no `defaultClientScopes` (nor optional
    /// ones): naming any makes Keycloak drop all realm defaults, `basic` included, and tokens
    /// then lack `sub`. Missing scopes are added by name afterwards.
    pub fn create_representation(&self) -> Value {
        let mut rep = json!({
            "clientId": self.client_id,
            "name": "OpenMetadata",
            "protocol": "openid-connect",
        });
        merge(&mut rep, &self.diff(&json!({})));
        rep
    }
}

/// `have` plus each entry of `need` it lacks, in order.
fn with_all(have: &[String], need: &[String]) -> Vec<String> {
    let mut out = have.to_vec();
    for n in need {
        if !out.contains(n) {
            out.push(n.clone());
        }
    }
    out
}

/// The strings of a JSON list; empty when it is absent or not a list.
pub(crate) fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Writes the desired values of `changes` into a client representation.
fn merge(rep: &mut Value, changes: &[FieldChange]) {
    for c in changes {
        match c.field.strip_prefix("attributes.") {
            Some(attr) => rep["attributes"][attr] = c.desired.clone(),
            None => rep[c.field.as_str()] = c.desired.clone(),
        }
    }
}

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
}

impl Plan {
    pub fn action(&self) -> Action {
        match &self.client {
            ClientPlan::Create { .. } => Action::Create,
            ClientPlan::Update { changes, .. }
                if !changes.is_empty() || !self.scopes.add.is_empty() || self.create_realm =>
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
    let (uuid, known_scopes) = match &plan.client {
        ClientPlan::Create { representation } => match create(session, d, representation).await? {
            Some(uuid) => {
                applied.client_created = true;
                (uuid, None)
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
                (uuid, None)
            }
        },
        ClientPlan::Update { uuid, changes } => {
            update(session, d, uuid, changes).await?;
            applied.updated = changes.iter().map(|c| c.field.clone()).collect();
            (uuid.clone(), Some(&plan.scopes))
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

/// The client representation for `client_id` (exact match), `None` when absent.
pub(crate) async fn find(
    session: &Session,
    realm: &str,
    client_id: &str,
    role: Role,
) -> Result<Option<Value>, KeycloakError> {
    let action = format!("read the clients of realm `{realm}`");
    let op = Op {
        realm,
        role,
        action: &action,
    };
    let resource = Admin::ClientsNamed { realm, client_id };
    let reply = session.admin(Method::GET, resource, None, op).await?;
    if !reply.status.is_success() {
        return Err(expect_failed(session, &reply, realm, &action));
    }
    let list: Vec<Value> = reply.json()?;
    Ok(list
        .into_iter()
        .find(|c| c.get("clientId").and_then(Value::as_str) == Some(client_id)))
}

pub(crate) fn id_of(client: &Value) -> Result<String, KeycloakError> {
    client
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| KeycloakError::BadResponse {
            method: "GET".into(),
            url: "clients".into(),
            detail: "a client representation without `id`".into(),
        })
}

/// The error for an admin API answer that was not the success the caller expected.
pub(crate) fn expect_failed(
    session: &Session,
    reply: &crate::http::Reply,
    realm: &str,
    action: &str,
) -> KeycloakError {
    match reply.status.as_u16() {
        // A client policy (e.g. one rejecting the implicit flow) or invalid values.
        400 => KeycloakError::Rejected {
            action: action.to_string(),
            description: reply.error_text(),
        },
        404 if reply.error_text().to_lowercase().contains("realm") => {
            KeycloakError::RealmNotFound {
                realm: realm.to_string(),
                base: session.base().to_string(),
            }
        }
        _ => reply.status_error(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn desired(implicit: bool) -> Desired {
        Desired {
            realm: "data".into(),
            create_realm: false,
            client_id: "open-metadata".into(),
            om_url: "https://om.example.com:8443/".parse().unwrap(),
            client_type: ClientType::Confidential,
            response_type: ResponseType::IdToken,
            implicit_flow: implicit,
        }
    }

    fn public(response_type: ResponseType, implicit: bool) -> Desired {
        Desired {
            client_type: ClientType::Public,
            response_type,
            ..desired(implicit)
        }
    }

    #[test]
    fn a_public_client_has_no_secret_use_and_the_flags_of_its_response_type() {
        let rep = public(ResponseType::IdToken, true).create_representation();
        assert_eq!(rep["publicClient"], true);
        assert_eq!(rep["serviceAccountsEnabled"], false);
        assert!(rep.get("clientAuthenticatorType").is_none());
        assert_eq!(rep["implicitFlowEnabled"], true);
        assert_eq!(rep["standardFlowEnabled"], true);
        assert!(rep["attributes"].get(PKCE_ATTRIBUTE).is_none());
        let rep = public(ResponseType::Code, false).create_representation();
        assert_eq!(rep["implicitFlowEnabled"], false);
        assert_eq!(rep["standardFlowEnabled"], true);
        assert_eq!(rep["attributes"][PKCE_ATTRIBUTE], "S256");
        // The UI renews tokens in a hidden frame whatever the flow.
        assert_eq!(
            rep["redirectUris"],
            json!([
                "https://om.example.com:8443/callback",
                "https://om.example.com:8443/silent-callback"
            ])
        );
    }

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

    #[test]
    fn create_representation_holds_every_managed_field_and_no_scopes() {
        let rep = desired(true).create_representation();
        assert_eq!(rep["clientId"], "open-metadata");
        assert_eq!(rep["publicClient"], false);
        assert_eq!(rep["clientAuthenticatorType"], "client-secret");
        assert_eq!(rep["standardFlowEnabled"], true);
        assert_eq!(rep["implicitFlowEnabled"], true);
        assert_eq!(rep["serviceAccountsEnabled"], true);
        assert_eq!(rep["rootUrl"], "https://om.example.com:8443");
        assert_eq!(
            rep["redirectUris"],
            json!([
                "https://om.example.com:8443/callback",
                "https://om.example.com:8443/silent-callback"
            ])
        );
        assert_eq!(rep["webOrigins"], json!(["https://om.example.com:8443"]));
        assert_eq!(
            rep["attributes"][POST_LOGOUT_ATTRIBUTE],
            "https://om.example.com:8443/*"
        );
        assert!(rep.get("defaultClientScopes").is_none());
        assert!(rep.get("optionalClientScopes").is_none());
        let rep = desired(false).create_representation();
        assert_eq!(rep["implicitFlowEnabled"], false);
        assert_eq!(
            rep["redirectUris"],
            json!(["https://om.example.com:8443/callback"])
        );
    }

    #[test]
    fn a_matching_client_has_no_diff_and_extras_survive() {
        let d = desired(true);
        let mut current = d.create_representation();
        current["redirectUris"]
            .as_array_mut()
            .unwrap()
            .insert(0, json!("https://other/*"));
        current["webOrigins"] = json!(["+"]);
        current["attributes"][POST_LOGOUT_ATTRIBUTE] = json!("+##https://om.example.com:8443/*");
        current["description"] = json!("mine");
        assert_eq!(d.diff(&current), vec![]);
    }

    #[test]
    fn drift_lists_exactly_the_changed_fields_and_keeps_user_entries() {
        let d = desired(true);
        let mut current = d.create_representation();
        current["implicitFlowEnabled"] = json!(false);
        current["redirectUris"] = json!(["https://other/*"]);
        current["attributes"] = json!({ "foo": "bar" });
        let changes = d.diff(&current);
        let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "implicitFlowEnabled",
                "redirectUris",
                "attributes.post.logout.redirect.uris"
            ]
        );
        assert_eq!(
            changes[1].desired,
            json!([
                "https://other/*",
                "https://om.example.com:8443/callback",
                "https://om.example.com:8443/silent-callback"
            ])
        );
        let mut body = json!({});
        merge(&mut body, &changes);
        assert_eq!(
            body["attributes"],
            json!({ "post.logout.redirect.uris": "https://om.example.com:8443/*" })
        );
        assert_eq!(changes[0].to_string(), "implicitFlowEnabled: false → true");
    }
}
