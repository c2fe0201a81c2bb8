//! The one HTTP client omsso uses, for Keycloak and for OpenMetadata alike: one connection
//! pool, timeouts, the trusted CA, request counting, retries, redirects by omsso's rules and a
//! cap on what an answer may weigh. It knows nothing of either server: what a status or a body
//! means is the caller's business.
//!
//! - [`client`]: [`Http`], sending a request (with retries) and reading its answer.
//! - [`redirect`]: which redirects a request may follow.
//! - [`origin`]: where a request that carries credentials may go; which ones cross the network
//!   in clear text.
//! - [`reply`]: a complete answer, and every text taken from it as omsso may show it.
//! - [`carried`]: what a request carried (a token, a password, a client secret), masked in
//!   every text built from its answer.
//! - [`counts`]: requests sent, by method.
//! - [`requests_doc`]: docs/SECURITY.md's table of what each class of request carries to whom.
//! - [`error`]: transport failures (connection, TLS, timeout, refused redirect, credentials
//!   refused to a foreign origin, oversize).

mod carried;
mod client;
mod counts;
mod error;
mod origin;
mod redirect;
mod reply;
#[cfg(test)]
mod requests_doc;

pub(crate) use client::Http;
pub use counts::RequestCounts;
pub use error::{ca_as_server_hint, redirect_hint, HttpError};
pub use origin::cleartext_warning;
pub(crate) use reply::Reply;

/// The largest answer omsso reads. The answers omsso asks for are a few KiB (a client, a
/// discovery document, a list of scopes, a security configuration); a server or proxy that
/// sends more is not one to trust with memory.
pub(crate) const MAX_BODY: usize = 4 << 20;

/// What a request is for; token requests are counted apart from API requests so a report of
/// "writes sent" is not muddied by logins. It also says what credentials the request carries,
/// which decides where it may go: only to the handle's trusted origins ([`Http::trust`]),
/// and where a redirect may take it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// Public reads (discovery, JWKS, realm info): no credentials.
    Api,
    /// Admin API calls: a bearer token.
    Admin,
    /// Token requests: a password, a client secret or a refresh token in the form.
    Token,
    /// A login walked as a browser walks it (`verify --login`, on a handle made by
    /// [`Http::browser`]): the user's password in the form, the login's session cookies on
    /// every request, so every hop (redirects too) stays on the trusted origins.
    Login,
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
            Purpose::Login => Some("the login's password and session cookies"),
        }
    }

    /// Whether the credentials ride on every hop, not only on the request as prepared: a
    /// redirect that turns the request into a bare GET still carries the cookies.
    fn on_every_hop(self) -> bool {
        self == Purpose::Login
    }
}
