//! Keycloak's Admin REST API, for the one job omsso has there: make the realm's OpenMetadata
//! client match the desired state (plan, then apply), and read its credentials.
//!
//! - [`session`]: where Keycloak serves, admin login, token refresh, 401 retry.
//! - [`reply`]: what an unexpected answer from Keycloak means (over [`crate::http`], the
//!   HTTP client every server's requests go through).
//! - [`desired`]: the client's desired state and how a representation differs from it.
//! - [`client`]: the plan (create or update) and applying it.
//! - [`lookup`]: finding the client; what an unexpected admin API answer means.
//! - [`scopes`]: the client's default client scopes.
//! - [`mappers`]: the protocol mappers that put teams and roles into tokens.
//! - [`discovery`]: the realm's OIDC discovery document.
//! - [`secret`]: credentials (read the secret, or rotate it).
//! - [`urls`]: every Keycloak URL omsso requests or writes (realm names percent-encoded).
//! - [`realm_name`]: which realm names Keycloak can serve.

pub mod client;
mod desired;
pub mod discovery;
pub mod error;
mod lookup;
pub mod mappers;
pub(crate) mod probe;
pub mod realm_name;
mod reply;
pub mod scopes;
pub mod secret;
mod session;
pub mod urls;

pub use crate::http::RequestCounts;
pub use client::{apply, plan, Action, Desired, Plan};
pub use error::KeycloakError;
pub use secret::fetch_credentials;
pub use session::Session;

/// A warning when logging in at `url` sends the admin password (or client secret) over the
/// network in clear text (the one rule for every credential: [`crate::http::cleartext_warning`]).
pub fn cleartext_warning(url: &crate::settings::HttpUrl) -> Option<String> {
    crate::http::cleartext_warning(
        url.as_str(),
        "the admin password (or client secret) and the tokens",
    )
    .map(|w| {
        format!(
            "{w} (with {} FILE for a private CA)",
            crate::settings::table::KEYCLOAK_CACERT.flag_name()
        )
    })
}

/// Why skipping TLS certificate checks is dangerous (the pipeline warns with it).
pub const INSECURE_RISK: &str = "TLS certificates are NOT verified; anyone on the network path \
     can impersonate Keycloak and read the admin password and client secret.";
