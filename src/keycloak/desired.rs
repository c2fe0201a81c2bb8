//! What the OpenMetadata client should look like ([`Desired`], from the settings), and the
//! managed fields in which a client representation differs from it ([`Desired::diff`]).
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

use serde_json::{json, Value};

use super::KeycloakError;
pub use crate::change::FieldChange;
use crate::settings::{ClientType, HttpUrl, ResponseType, RoleSource, Settings};

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
    /// The claim that names the user's teams (group names), when team mapping is on.
    pub team_claim: Option<String>,
    /// Where the `roles` claim comes from, when roles from Keycloak are on.
    pub roles_from: Option<RoleSource>,
}

impl Desired {
    pub fn from_settings(
        settings: &Settings,
        create_realm: bool,
    ) -> Result<Desired, KeycloakError> {
        let realm = settings.realm()?.to_string();
        settings.check_login_flow()?;
        Ok(Desired {
            realm,
            create_realm,
            client_id: settings.client_id().to_string(),
            om_url: settings.om_url()?.clone(),
            client_type: settings.client_type(),
            response_type: settings.response_type(),
            implicit_flow: settings.implicit_flow(),
            team_claim: settings.team_claim().map(str::to_string),
            roles_from: settings.roles_from(),
        })
    }

    /// The protocol mappers the client needs for teams and roles ([`super::mappers`]).
    pub fn mappers(&self) -> Vec<Value> {
        super::mappers::desired(self.team_claim.as_deref(), self.roles_from, &self.client_id)
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
        let mut changes = Changes::default();
        for (field, want) in self.exact_fields() {
            let have = current.get(field).cloned().unwrap_or(Value::Null);
            changes.compare(field, have, want);
        }
        self.diff_urls(current, &mut changes);
        self.diff_post_logout(current, &mut changes);
        self.diff_pkce(current, &mut changes);
        changes.0
    }

    /// The fields that must hold exactly one value.
    fn exact_fields(&self) -> Vec<(&'static str, Value)> {
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
        exact
    }

    /// The redirect URIs and web origins, managed by containment.
    fn diff_urls(&self, current: &Value, changes: &mut Changes) {
        let have = strings(current.get("redirectUris"));
        let want = with_all(&have, &self.redirect_uris());
        changes.compare("redirectUris", json!(have), json!(want));

        // `+` (the origins of the redirect URIs) and `*` already allow OpenMetadata's origin.
        let have = strings(current.get("webOrigins"));
        let origin = self.web_origin();
        let want = if have.iter().any(|o| o == "+" || o == "*" || *o == origin) {
            have.clone()
        } else {
            with_all(&have, &[origin])
        };
        changes.compare("webOrigins", json!(have), json!(want));
    }

    /// The post-logout redirect URIs: one attribute holding a `##`-joined list.
    fn diff_post_logout(&self, current: &Value, changes: &mut Changes) {
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
            changes.compare(
                &format!("attributes.{POST_LOGOUT_ATTRIBUTE}"),
                stored.map_or(Value::Null, |s| json!(s)),
                json!(want.join(ATTRIBUTE_SEPARATOR)),
            );
        }
    }

    /// The code flow in a browser has no secret to protect the code: require PKCE. Other
    /// shapes leave the attribute as it is (the implicit flow ignores it; OpenMetadata's
    /// server sends S256 itself when the discovery document offers it).
    fn diff_pkce(&self, current: &Value, changes: &mut Changes) {
        if !(self.public() && self.response_type == ResponseType::Code) {
            return;
        }
        let have = current
            .get("attributes")
            .and_then(|a| a.get(PKCE_ATTRIBUTE))
            .cloned()
            .unwrap_or(Value::Null);
        changes.compare(
            &format!("attributes.{PKCE_ATTRIBUTE}"),
            have,
            json!(PKCE_METHOD),
        );
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
pub(super) fn merge(rep: &mut Value, changes: &[FieldChange]) {
    for c in changes {
        match c.field.strip_prefix("attributes.") {
            Some(attr) => rep["attributes"][attr] = c.desired.clone(),
            None => rep[c.field.as_str()] = c.desired.clone(),
        }
    }
}

/// The field changes found so far.
#[derive(Default)]
struct Changes(Vec<FieldChange>);

impl Changes {
    fn compare(&mut self, field: &str, have: Value, want: Value) {
        if have != want {
            self.0.push(FieldChange {
                field: field.to_string(),
                current: have,
                desired: want,
            });
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    pub(in crate::keycloak) fn desired(implicit: bool) -> Desired {
        Desired {
            realm: "data".into(),
            create_realm: false,
            client_id: "open-metadata".into(),
            om_url: "https://om.example.com:8443/".parse().unwrap(),
            client_type: ClientType::Confidential,
            response_type: ResponseType::IdToken,
            implicit_flow: implicit,
            team_claim: None,
            roles_from: None,
        }
    }

    pub(in crate::keycloak) fn public(response_type: ResponseType, implicit: bool) -> Desired {
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
