//! Everything that can go wrong talking to Keycloak, in the user's words. Messages name the URL,
//! realm, user or client involved, never a password, secret or token: Keycloak's own error
//! texts are safe to quote (they never echo credentials), request bodies are never quoted.

use std::path::PathBuf;
use std::time::Duration;

use crate::exit::{Diagnose, Exit};
use crate::settings::SettingsError;

/// A `realm-management` client role (or the master realm role `create-realm`) that an admin
/// API call needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    ViewClients,
    ManageClients,
    CreateRealm,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::ViewClients => "view-clients",
            Role::ManageClients => "manage-clients",
            Role::CreateRealm => "create-realm",
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
    #[error("cannot read the CA certificate file {}: {source}", path.display())]
    CaCertRead {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} holds no PEM certificate", path.display())]
    CaCertInvalid { path: PathBuf },
    #[error("cannot set up the HTTP client: {0}")]
    HttpClient(String),
    #[error("cannot connect to {url}: {reason}")]
    Connect { url: String, reason: String },
    #[error("request to {url} failed: {reason}")]
    Transport { url: String, reason: String },
    #[error("{url} did not answer within {} s", timeout.as_secs())]
    Timeout { url: String, timeout: Duration },
    #[error("TLS handshake with {url} failed: {reason}")]
    Tls { url: String, reason: String },
    #[error("refused to follow the redirect from {from} to {to}: {reason}")]
    RedirectRefused {
        from: String,
        to: String,
        reason: String,
    },
    #[error("no Keycloak answers at {base}: {detail}")]
    NotKeycloak { base: String, detail: String },
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
    #[error("the OpenMetadata client must not live in the `master` realm")]
    MasterRealm,
    #[error("`{realm}` cannot be a Keycloak realm name: {reason}")]
    RealmName { realm: String, reason: String },
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
            // The input (settings, credentials, roles, realm or client names) must change
            // before a retry can succeed, and nothing was changed.
            CaCertRead { .. }
            | CaCertInvalid { .. }
            | LoginRejected { .. }
            | Forbidden { .. }
            | RealmNotFound { .. }
            | ClientNotFound { .. }
            | MasterRealm
            | RealmName { .. }
            | PublicClient { .. }
            | NotConfirmed
            | Declined => Exit::Usage,
            HttpClient(_)
            | Connect { .. }
            | Transport { .. }
            | Timeout { .. }
            | Tls { .. }
            | NotKeycloak { .. }
            | RedirectRefused { .. }
            | Rejected { .. }
            | Status { .. }
            | BadResponse { .. }
            | NotKept { .. }
            | RotateUnknown { .. } => Exit::Runtime,
        }
    }

    fn hint(&self) -> Option<String> {
        use KeycloakError::*;
        Some(match self {
            Settings(e) => return e.hint(),
            CaCertRead { .. } | CaCertInvalid { .. } => {
                "--cacert needs a readable PEM file with the CA certificate(s) that signed \
                 Keycloak's certificate"
                    .to_string()
            }
            HttpClient(_) => "check --cacert".to_string(),
            Connect { .. } | Transport { .. } => "check --keycloak-url and that Keycloak is \
                 running and reachable from this machine"
                .to_string(),
            Timeout { .. } => "Keycloak is slow or a proxy swallows the request: check the \
                 URL, or raise --timeout"
                .to_string(),
            // What `openssl req -x509` makes by default: trusting it does not help.
            RotateUnknown { .. } => "read the current secret with `omsso keycloak fetch` \
                 (--show-secret or --write FILE); if it changed, the old one no longer works: \
                 redeploy the new one"
                .to_string(),
            Tls { reason, .. } if reason.contains("CaUsedAsEndEntity") => {
                "Keycloak's certificate is a CA certificate (basicConstraints CA:TRUE, the \
                 default of `openssl req -x509`), which TLS clients refuse as a server \
                 certificate even when trusted: reissue it with basicConstraints CA:FALSE \
                 (openssl … -addext basicConstraints=critical,CA:FALSE)"
                    .to_string()
            }
            Tls { .. } => "if Keycloak's certificate comes from a private CA or is \
                 self-signed, pass --cacert FILE (PEM: that CA, or the certificate itself); \
                 also check http:// vs https:// in --keycloak-url"
                .to_string(),
            RedirectRefused { .. } => "point --keycloak-url (keycloak.url) at the address \
                 Keycloak really serves on, over https, so no redirect is needed; a proxy that \
                 sends requests elsewhere may be trying to capture credentials"
                .to_string(),
            NotKeycloak { .. } => "check --keycloak-url: it is Keycloak's base URL, e.g. \
                 https://sso.example.com (include a path prefix if Keycloak serves under one)"
                .to_string(),
            LoginRejected {
                password_grant: true,
                ..
            } => "check the user name, the password (OMSSO_ADMIN_PASSWORD or \
                 --admin-password-file) and --admin-realm"
                .to_string(),
            LoginRejected { .. } => "check --admin-client-id, its secret \
                 (OMSSO_ADMIN_CLIENT_SECRET or --admin-client-secret-file), that the client \
                 has service accounts enabled, and --admin-realm"
                .to_string(),
            Forbidden {
                role: Role::CreateRealm,
                principal,
                ..
            } => format!(
                "grant {principal} the realm role `create-realm` in realm `master`, or create \
                 the realm another way and drop --create-realm"
            ),
            Forbidden {
                principal,
                login_realm,
                realm,
                role,
                ..
            } if login_realm != "master" && login_realm != realm => format!(
                "a login in realm `{login_realm}` can only administer realm `{login_realm}`: \
                 log in to `master` or to `{realm}` (--admin-realm), as {principal} holding \
                 the `realm-management` role `{role}`"
            ),
            Forbidden {
                principal,
                login_realm,
                realm,
                role,
                ..
            } => {
                let client = if login_realm == "master" && realm != "master" {
                    format!("`{realm}-realm` client role")
                } else {
                    "`realm-management` client role".to_string()
                };
                format!(
                    "grant {principal} the {client} `{role}` in realm `{login_realm}` (or the \
                     realm role `admin` in `master`)"
                )
            }
            RealmNotFound { .. } => "check --realm; `omsso keycloak ensure --create-realm` \
                 creates it"
                .to_string(),
            ClientNotFound { .. } => "run `omsso keycloak ensure` first to create it, or \
                 check --client-id"
                .to_string(),
            MasterRealm => "Keycloak's `master` realm is for administering Keycloak itself \
                 (OpenMetadata's guide: \"we can't use the realm master for new clients\"); \
                 choose another realm with --realm, or add --create-realm to create it"
                .to_string(),
            RealmName { .. } => "check --realm (keycloak.realm): Keycloak refuses the \
                 characters : / ? # @ ! $ & ( ) * + , ; = [ ] \\ in realm names, and cannot \
                 serve a realm named `.` or `..`"
                .to_string(),
            PublicClient { .. } => "a public client logs in without a secret; to give it one, \
                 make it confidential first (--client-type confidential, then `omsso keycloak \
                 ensure`, which has Keycloak generate a new secret)"
                .to_string(),
            Rejected { description, .. } if description.to_lowercase().contains("implicit") => {
                "a client policy of this realm forbids the implicit flow: use \
                 --implicit-flow false (the auth-code-only setup) or change the realm's \
                 client policies"
                    .to_string()
            }
            Rejected { .. } => "Keycloak's message says what it refused; check the realm's \
                 client policies and omsso's settings"
                .to_string(),
            Status { status: 500.., .. } => {
                "Keycloak failed; its server log has the details".to_string()
            }
            Status { status: 401, .. } => "Keycloak refused omsso's fresh admin token: check \
                 that the admin user or client still exists and is enabled"
                .to_string(),
            Status { .. } | BadResponse { .. } => {
                "check --keycloak-url and the Keycloak version (omsso needs 17 or newer, or \
                 an older one under /auth)"
                    .to_string()
            }
            NotKept { fields } if fields.iter().any(|f| f == "implicitFlowEnabled") => {
                "a client policy of this realm turns the implicit flow off: use \
                 --implicit-flow false (the auth-code-only setup) or change the realm's \
                 client policies"
                    .to_string()
            }
            NotKept { .. } => "a client policy of the realm may rewrite these fields on every \
                 update (Realm settings → Client policies); `ensure --dry-run` shows them"
                .to_string(),
            NotConfirmed => "pass --yes to regenerate it without a prompt (the old secret \
                 stops working at once)"
                .to_string(),
            Declined => "nothing was changed".to_string(),
        })
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
        assert!(e.hint().unwrap().contains("--implicit-flow false"));
        assert_eq!(e.exit(), Exit::Runtime);
    }
}
