//! Everything that can go wrong talking to Keycloak, in the user's words. Messages name the URL,
//! realm, user or client involved, never a password, secret or token: Keycloak's own error
//! texts are safe to quote (they never echo credentials), request bodies are never quoted.

use crate::exit::{Diagnose, Exit};
use crate::hint::{Hint, Opt, Ref};
use crate::http::HttpError;
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

    /// What to change: settings and options by reference, Keycloak's screens by name.
    fn hint(&self) -> Option<Hint> {
        use KeycloakError::*;
        Some(match self {
            Settings(e) => return e.hint(),
            Http(e) => http_hint(e),
            LoginRejected { password_grant, .. } => login_hint(*password_grant),
            Forbidden { .. } => forbidden_hint(self)?,
            RotateUnknown { .. } => Hint::new(
                "read the current secret with `omsso keycloak fetch` ({} or {} FILE); if it \
                 changed, the old one no longer works: redeploy the new one",
                [Opt::ShowSecret.into(), Opt::Write.into()],
            ),
            AuthPrefix { .. } => Hint::new(
                "drop /auth from {} and from every Keycloak URL in the files (re-run omsso \
                 render)",
                [URL],
            ),
            NotKeycloak { .. } => Hint::new(
                "check {}: it is Keycloak's base URL, e.g. https://sso.example.com (include a \
                 path prefix if Keycloak serves under one)",
                [URL],
            ),
            RealmNotFound { .. } => Hint::new(
                "check {}; `omsso keycloak ensure {}` creates it",
                [Ref::Setting("keycloak.realm"), Opt::CreateRealm.into()],
            ),
            ClientNotFound { .. } => Hint::new(
                "run `omsso keycloak ensure` first to create it, or check {}",
                [Ref::Setting("openmetadata.client_id")],
            ),
            PublicClient { .. } => public_client_hint(),
            Rejected { description, .. } if description.to_lowercase().contains("implicit") => {
                implicit_flow_hint("forbids the implicit flow")
            }
            Rejected { .. } => "Keycloak's message says what it refused; check the realm's \
                 client policies and omsso's settings"
                .into(),
            Status { status: 500.., .. } => {
                "Keycloak failed; its server log has the details".into()
            }
            Status { status: 401, .. } => "Keycloak refused omsso's fresh admin token: check \
                 that the admin user or client still exists and is enabled"
                .into(),
            Status { .. } | BadResponse { .. } => not_keycloak_api_hint(),
            NotKept { fields } if fields.iter().any(|f| f == "implicitFlowEnabled") => {
                implicit_flow_hint("turns the implicit flow off")
            }
            NotKept { .. } => Hint::new(
                "a client policy of the realm may rewrite these fields on every update (Realm \
                 settings → Client policies); `omsso keycloak ensure {}` shows them",
                [Opt::DryRun.into()],
            ),
            NotConfirmed => Hint::new(
                "pass {} to regenerate it without a prompt (the old secret stops working at \
                 once)",
                [Opt::Yes.into()],
            ),
            Declined => "nothing was changed".into(),
        })
    }
}

/// Where Keycloak's URL is set.
const URL: Ref = Ref::Setting("keycloak.url");

/// Making a public client confidential, which gives it a secret.
pub fn public_client_hint() -> Hint {
    Hint::new(
        "a public client logs in without a secret; to give it one, make it confidential \
         first ({} confidential, then `omsso keycloak ensure`, which has Keycloak generate \
         a new secret)",
        [Ref::Setting("openmetadata.client_type")],
    )
}

/// A client policy that refuses the implicit flow (`what` it does).
fn implicit_flow_hint(what: &str) -> Hint {
    Hint::from(format!("a client policy of this realm {what}: use "))
        .then(Ref::Setting("openmetadata.implicit_flow"))
        .text(" false (the auth-code-only setup) or change the realm's client policies")
}

fn not_keycloak_api_hint() -> Hint {
    Hint::new(
        "check {} and the Keycloak version (omsso needs 17 or newer, or an older one under \
         /auth)",
        [URL],
    )
}

fn login_hint(password_grant: bool) -> Hint {
    if password_grant {
        Hint::new(
            "check the user name, the password (OMSSO_ADMIN_PASSWORD or {}) and {}",
            [
                Ref::Setting("admin.password_file"),
                Ref::Setting("admin.realm"),
            ],
        )
    } else {
        Hint::new(
            "check {}, its secret (OMSSO_ADMIN_CLIENT_SECRET or {}), that the client has \
             service accounts enabled, and {}",
            [
                Ref::Setting("admin.client_id"),
                Ref::Setting("admin.client_secret_file"),
                Ref::Setting("admin.realm"),
            ],
        )
    }
}

/// Where to grant the missing role; `None` for any other error.
fn forbidden_hint(e: &KeycloakError) -> Option<Hint> {
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
        Hint::from(format!(
            "grant {principal} the realm role `create-realm` in realm `master`, or create \
             the realm another way and drop "
        ))
        .then(Opt::CreateRealm)
    } else if login_realm != "master" && login_realm != realm {
        Hint::from(format!(
            "a login in realm `{login_realm}` can only administer realm `{login_realm}`: log \
             in to `master` or to `{realm}` ("
        ))
        .then(Ref::Setting("admin.realm"))
        .text(format!(
            "), as {principal} holding the `realm-management` role `{role}`"
        ))
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
        .into()
    })
}

/// A transport failure talking to Keycloak, in Keycloak's terms.
fn http_hint(e: &HttpError) -> Hint {
    const CACERT: Ref = Ref::Setting("keycloak.cacert");
    match e {
        HttpError::CaCertRead { .. } | HttpError::CaCertInvalid { .. } => Hint::new(
            "{} needs a readable PEM file with the CA certificate(s) that signed Keycloak's \
             certificate",
            [CACERT],
        ),
        HttpError::Client(_) => Hint::new("check {}", [CACERT]),
        HttpError::Connect { .. } | HttpError::Transport { .. } => Hint::new(
            "check {} and that Keycloak is running and reachable from this machine",
            [URL],
        ),
        HttpError::Timeout { .. } => Hint::new(
            "Keycloak is slow or a proxy swallows the request: check the URL, or raise {}",
            [Ref::Setting("keycloak.timeout")],
        ),
        HttpError::Tls { .. } if e.is_ca_used_as_end_entity() => {
            crate::http::ca_as_server_hint("Keycloak's").into()
        }
        HttpError::Tls { .. } => Hint::new(
            "if Keycloak's certificate comes from a private CA or is self-signed, pass {} FILE \
             (PEM: that CA, or the certificate itself); also check http:// vs https:// in {}",
            [CACERT, URL],
        ),
        HttpError::RedirectRefused { .. } => crate::http::redirect_hint(URL, "Keycloak"),
        HttpError::Foreign { .. } => e.hint().unwrap_or_default(),
        HttpError::TooLarge { .. } => not_keycloak_api_hint(),
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
        assert!(e
            .hint()
            .unwrap()
            .to_string()
            .contains("`realm-management` client role"));
        let e = forbidden("master", "data", Role::ManageClients);
        assert!(e
            .hint()
            .unwrap()
            .to_string()
            .contains("`data-realm` client role"));
        let e = forbidden("other", "data", Role::ViewClients);
        assert!(e
            .hint()
            .unwrap()
            .to_string()
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
            .to_string()
            .contains("openmetadata.implicit_flow false"));
        assert_eq!(e.exit(), Exit::Runtime);
    }
}
