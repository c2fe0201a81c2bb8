//! Keycloak's Admin REST API, for the one job omsso has there: make the realm's OpenMetadata
//! client match the desired state (plan, then apply), and read its credentials.
//!
//! - [`session`]: where Keycloak serves, admin login, token refresh, 401 retry.
//! - [`http`]: the HTTP client (timeouts, CA, retries, request counts); also what `verify`
//!   uses for the URLs a configuration names and for OpenMetadata's API.
//! - [`client`]: desired state, plan (diff), apply.
//! - [`scopes`]: the client's default client scopes.
//! - [`discovery`]: the realm's OIDC discovery document.
//! - [`secret`]: credentials (read the secret, or rotate it).
//! - [`urls`]: every Keycloak URL omsso requests or writes (realm names percent-encoded).
//! - [`realm_name`]: which realm names Keycloak can serve.

pub mod client;
pub mod discovery;
mod error;
pub(crate) mod http;
pub(crate) mod probe;
pub mod realm_name;
pub mod scopes;
pub mod secret;
mod session;
pub mod urls;

pub use client::{apply, plan, Action, Desired, Plan};
pub use error::KeycloakError;
pub use http::RequestCounts;
pub use realm_name::check_realm;
pub use secret::fetch_credentials;
pub use session::Session;

/// Printed whenever `--insecure` is in effect.
pub const INSECURE_WARNING: &str = "--insecure: TLS certificates are NOT verified; anyone on the \
     network path can impersonate Keycloak and read the admin password and client secret. Use \
     --cacert FILE instead.";
