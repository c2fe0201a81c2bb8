//! The one HTTP client omsso uses, for Keycloak and for OpenMetadata alike: one connection
//! pool, timeouts, the trusted CA, request counting, retries, redirects by omsso's rules and a
//! cap on what an answer may weigh. It knows nothing of either server: what a status or a body
//! means is the caller's business.
//!
//! - [`client`]: [`Http`], sending a request (with retries) and reading its answer.
//! - [`redirect`]: which redirects a request may follow.
//! - [`reply`]: a complete answer, and the server's error text in it.
//! - [`counts`]: requests sent, by method.
//! - [`error`]: transport failures (connection, TLS, timeout, refused redirect, oversize).

mod client;
mod counts;
mod error;
mod redirect;
mod reply;

pub(crate) use client::Http;
pub use counts::RequestCounts;
pub use error::{ca_as_server_hint, redirect_hint, HttpError};
pub(crate) use reply::Reply;

/// The largest answer omsso reads. The answers omsso asks for are a few KiB (a client, a
/// discovery document, a list of scopes, a security configuration); a server or proxy that
/// sends more is not one to trust with memory.
pub(crate) const MAX_BODY: usize = 4 << 20;

/// What a request is for; token requests are counted apart from API requests so a report of
/// "writes sent" is not muddied by logins. It also says what credentials the request carries,
/// which decides where a redirect may take it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// Public reads (discovery, JWKS, realm info): no credentials.
    Api,
    /// Admin API calls: a bearer token.
    Admin,
    /// Token requests: a password, a client secret or a refresh token in the form.
    Token,
    /// A public read of something that may simply not be there (a server this machine may
    /// not reach): no credentials, sent once, never retried, so an absent server costs no
    /// backoff.
    Probe,
    /// A public read that the OpenMetadata server makes itself (the realm keys in
    /// publicKeyUrls): judged as its Java JWK fetch (`URL.openConnection`) judges it, which
    /// follows no redirect from one scheme to another (http to https), so neither does this.
    ServerFetch,
}

impl Purpose {
    /// What the request carries that must not go to another host, for messages.
    fn credentials(self) -> Option<&'static str> {
        match self {
            Purpose::Api | Purpose::Probe | Purpose::ServerFetch => None,
            Purpose::Admin => Some("an admin bearer token"),
            Purpose::Token => Some("credentials (a password, client secret or refresh token)"),
        }
    }
}
