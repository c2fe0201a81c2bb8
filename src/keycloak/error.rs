//! Everything that can go wrong talking to Keycloak, in the user's words. Messages name the URL,
//! realm, user or client involved, never a password, secret or token: Keycloak's own error
//! texts are safe to quote (they never echo credentials), request bodies are never quoted.

use crate::exit::{Diagnose, Exit};
use crate::http::HttpError;
use crate::settings::table::{ADMIN_REALM, KEYCLOAK_URL};
use crate::settings::SettingsError;

/// A `realm-management` client role (or the master realm role `create-realm`) that an admin
/// API call needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    ViewClients,
    ManageClients,
    CreateRealm,
    ViewRealm,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::ViewClients => "view-clients",
            Role::ManageClients => "manage-clients",
            Role::CreateRealm => "create-realm",
            Role::ViewRealm => "view-realm",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeycloakError {
    /// A setting the Keycloak commands need is missing or wrong.
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// No answer at all: the CA file, the connection, TLS, time, a redirect, an oversize body.
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error("no Keycloak answers at {base}: {detail}")]
    NotKeycloak { base: String, detail: String },
    /// A URL with the `/auth` prefix of Keycloak before 17, on a Keycloak that serves without
    /// it (keycloak/keycloak issue 10615).
    #[error(
        "no Keycloak answers at {base}, but one does at {without}: Keycloak 17 and later serve \
         without the /auth prefix"
    )]
    AuthPrefix { base: String, without: String },
    #[error("Keycloak rejected the login of {principal} in realm `{realm}`: {reason}")]
    LoginRejected {
        /// "user `x`" or "client `y`".
        principal: String,
        realm: String,
        reason: String,
        password_grant: bool,
    },
    #[error(
        "{principal} (logged in to realm `{login_realm}`) lacks the `{role}` role needed to \
         {action} in realm `{realm}` (Keycloak answered 403 Forbidden)"
    )]
    Forbidden {
        principal: String,
        login_realm: String,
        realm: String,
        action: String,
        role: Role,
    },
    #[error("realm `{realm}` does not exist on {base}")]
    RealmNotFound { realm: String, base: String },
    #[error("client `{client_id}` does not exist in realm `{realm}`")]
    ClientNotFound { realm: String, client_id: String },
    /// `rotate` on a public client: it has no secret to regenerate.
    #[error("client `{client_id}` in realm `{realm}` is public: it has no secret to regenerate")]
    PublicClient { client_id: String, realm: String },
    #[error("Keycloak refused to {action}: {description}")]
    Rejected { action: String, description: String },
    #[error("{method} {url} failed: HTTP {status}: {description}")]
    Status {
        method: String,
        url: String,
        status: u16,
        description: String,
    },
    #[error("{method} {url}: unexpected answer from Keycloak: {detail}")]
    BadResponse {
        method: String,
        url: String,
        detail: String,
    },
    #[error("Keycloak did not keep what omsso wrote to {}", fields.join(", "))]
    NotKept { fields: Vec<String> },
    /// The POST that regenerates the secret was sent, but its answer never arrived whole.
    #[error(
        "the secret of client `{client_id}` in realm `{realm}` may have been regenerated, but \
         Keycloak's answer was lost: {reason}"
    )]
    RotateUnknown {
        client_id: String,
        realm: String,
        reason: String,
    },
    #[error("refusing to regenerate the client secret without confirmation")]
    NotConfirmed,
    #[error("the secret was not regenerated")]
    Declined,
}

impl Diagnose for KeycloakError {
    fn exit(&self) -> Exit {
        use KeycloakError::*;
        match self {
            Settings(e) => e.exit(),
            Http(e) => e.exit(),
            // The input (settings, credentials, roles, realm or client names) must change
            // before a retry can succeed, and nothing was changed.
            LoginRejected { .. }
            | Forbidden { .. }
            | RealmNotFound { .. }
            | ClientNotFound { .. }
            | PublicClient { .. }
            | NotConfirmed
            | AuthPrefix { .. }
            | Declined => Exit::Usage,
            NotKeycloak { .. }
            | Rejected { .. }
            | Status { .. }
            | BadResponse { .. }
            | NotKept { .. }
            | RotateUnknown { .. } => Exit::Runtime,
        }
    }

    /// What to change, in settings keys and Keycloak's screens; the command line's flags for
    /// them are added by `commands::hints`.
    fn hint(&self) -> Option<String> {
        use KeycloakError::*;
        Some(match self {
            Settings(e) => return e.hint(),
            Http(e) => http_hint(e),
            LoginRejected { password_grant, .. } => login_hint(*password_grant),
            Forbidden { .. } => forbidden_hint(self)?,
            RotateUnknown { .. } => "read the current secret with `omsso keycloak fetch`; if                  it changed, the old one no longer works: redeploy the new one"
                .to_string(),
            AuthPrefix { .. } => "drop /auth from keycloak.url and from every Keycloak URL \
                 in the files (re-run omsso render)"
                .to_string(),
            NotKeycloak { .. } => "check keycloak.url: it is Keycloak's base URL, e.g.                  https://sso.example.com (include a path prefix if Keycloak serves under one)"
                .to_string(),
            RealmNotFound { .. } => "check keycloak.realm; `omsso keycloak ensure` creates                  it when asked to"
                .to_string(),
            ClientNotFound { .. } => "run `omsso keycloak ensure` first to create it, or                  check openmetadata.client_id"
                .to_string(),
            PublicClient { .. } => public_client_hint("openmetadata.client_type confidential"),
            Rejected { description, .. } if description.to_lowercase().contains("implicit") => {
                implicit_flow_hint("forbids the implicit flow", "openmetadata.implicit_flow false")
            }
            Rejected { .. } => "Keycloak's message says what it refused; check the realm's                  client policies and omsso's settings"
                .to_string(),
            Status { status: 500.., .. } => {
                "Keycloak failed; its server log has the details".to_string()
            }
            Status { status: 401, .. } => "Keycloak refused omsso's fresh admin token: check                  that the admin user or client still exists and is enabled"
                .to_string(),
            Status { .. } | BadResponse { .. } => not_keycloak_api_hint(KEYCLOAK_URL.key),
            NotKept { fields } if fields.iter().any(|f| f == "implicitFlowEnabled") => {
                implicit_flow_hint("turns the implicit flow off", "openmetadata.implicit_flow false")
            }
            NotKept { .. } => not_kept_hint("a dry run of `omsso keycloak ensure`"),
            NotConfirmed => "confirm at the prompt to regenerate it (the old secret stops                  working at once)"
                .to_string(),
            Declined => "nothing was changed".to_string(),
        })
    }
}

/// `to_confidential` says how to make the client confidential (a setting, or a flag).
pub fn public_client_hint(to_confidential: &str) -> String {
    format!(
        "a public client logs in without a secret; to give it one, make it confidential \
         first ({to_confidential}, then `omsso keycloak ensure`, which has Keycloak generate \
         a new secret)"
    )
}

/// A client policy that refuses the implicit flow (`what` it does); `off` turns it off.
pub fn implicit_flow_hint(what: &str, off: &str) -> String {
    format!(
        "a client policy of this realm {what}: use {off} (the auth-code-only setup) or \
         change the realm's client policies"
    )
}

/// `url` names where Keycloak's URL is set (a setting, or a flag).
pub fn not_keycloak_api_hint(url: &str) -> String {
    format!(
        "check {url} and the Keycloak version (omsso needs 17 or newer, or an older one \
         under /auth)"
    )
}

/// `dry_run` names how to preview an update (a dry run, or its flag).
pub fn not_kept_hint(dry_run: &str) -> String {
    format!(
        "a client policy of the realm may rewrite these fields on every update (Realm \
         settings → Client policies); {dry_run} shows them"
    )
}

fn login_hint(password_grant: bool) -> String {
    if password_grant {
        "check the user name, the password (OMSSO_ADMIN_PASSWORD or admin.password_file) \
         and admin.realm"
            .to_string()
    } else {
        "check admin.client_id, its secret (OMSSO_ADMIN_CLIENT_SECRET or \
         admin.client_secret_file), that the client has service accounts enabled, and \
         admin.realm"
            .to_string()
    }
}

/// Where to grant the missing role; `None` for any other error.
fn forbidden_hint(e: &KeycloakError) -> Option<String> {
    let KeycloakError::Forbidden {
        principal,
        login_realm,
        realm,
        role,
        ..
    } = e
    else {
        return None;
    };
    Some(if *role == Role::CreateRealm {
        format!(
            "grant {principal} the realm role `create-realm` in realm `master`, or create \
             the realm another way and do not ask omsso to"
        )
    } else if login_realm != "master" && login_realm != realm {
        foreign_login_hint(principal, login_realm, realm, *role, ADMIN_REALM.key)
    } else {
        let client = if login_realm == "master" && realm != "master" {
            format!("`{realm}-realm` client role")
        } else {
            "`realm-management` client role".to_string()
        };
        format!(
            "grant {principal} the {client} `{role}` in realm `{login_realm}` (or the realm \
             role `admin` in `master`)"
        )
    })
}

/// A login in one realm that cannot administer another; `admin_realm` names where the login
/// realm is set (a setting, or a flag).
pub fn foreign_login_hint(
    principal: &str,
    login_realm: &str,
    realm: &str,
    role: Role,
    admin_realm: &str,
) -> String {
    format!(
        "a login in realm `{login_realm}` can only administer realm `{login_realm}`: log in \
         to `master` or to `{realm}` ({admin_realm}), as {principal} holding the \
         `realm-management` role `{role}`"
    )
}

/// A transport failure talking to Keycloak, in Keycloak's terms.
fn http_hint(e: &HttpError) -> String {
    match e {
        HttpError::CaCertRead { .. } | HttpError::CaCertInvalid { .. } => {
            "keycloak.cacert must name a readable PEM file with the CA certificate(s) that \
             signed Keycloak's certificate"
                .to_string()
        }
        HttpError::Client(_) => "check keycloak.cacert".to_string(),
        HttpError::Connect { .. } | HttpError::Transport { .. } => "check keycloak.url and \
             that Keycloak is running and reachable from this machine"
            .to_string(),
        HttpError::Timeout { .. } => "Keycloak is slow or a proxy swallows the request: check \
             the URL, or raise keycloak.timeout"
            .to_string(),
        HttpError::Tls { .. } if e.is_ca_used_as_end_entity() => {
            crate::http::ca_as_server_hint("Keycloak's")
        }
        HttpError::Tls { .. } => "if Keycloak's certificate comes from a private CA or is \
             self-signed, set keycloak.cacert (PEM: that CA, or the certificate itself); also \
             check http:// vs https:// in keycloak.url"
            .to_string(),
        HttpError::RedirectRefused { .. } => {
            crate::http::redirect_hint(KEYCLOAK_URL.key, "Keycloak")
        }
        HttpError::Foreign { .. } => e.hint().unwrap_or_default(),
        HttpError::TooLarge { .. } => not_keycloak_api_hint(KEYCLOAK_URL.key),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forbidden(login_realm: &str, realm: &str, role: Role) -> KeycloakError {
        KeycloakError::Forbidden {
            principal: "user `bob`".into(),
            login_realm: login_realm.into(),
            realm: realm.into(),
            action: "manage clients".into(),
            role,
        }
    }

    #[test]
    fn forbidden_names_the_role_and_where_to_grant_it() {
        let e = forbidden("data", "data", Role::ManageClients);
        assert!(e.to_string().contains("`manage-clients`"), "{e}");
        assert!(e.hint().unwrap().contains("`realm-management` client role"));
        let e = forbidden("master", "data", Role::ManageClients);
        assert!(e.hint().unwrap().contains("`data-realm` client role"));
        let e = forbidden("other", "data", Role::ViewClients);
        assert!(e
            .hint()
            .unwrap()
            .contains("can only administer realm `other`"));
        assert_eq!(e.exit(), Exit::Usage);
    }

    #[test]
    fn implicit_flow_rejection_points_at_the_setting() {
        let e = KeycloakError::Rejected {
            action: "create client `om`".into(),
            description: "Implicit/Hybrid flow is prohibited.".into(),
        };
        assert!(e
            .hint()
            .unwrap()
            .contains("openmetadata.implicit_flow false"));
        assert_eq!(e.exit(), Exit::Runtime);
    }
}
