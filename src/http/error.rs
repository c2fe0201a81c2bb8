//! What can go wrong getting an answer at all, whatever the server: the CA file, the
//! connection, TLS, time, a redirect omsso will not follow, an answer too large to read.
//! What a status or a body means is for the caller (Keycloak, OpenMetadata) to say.

use std::error::Error as StdError;
use std::path::PathBuf;
use std::time::Duration;

use crate::exit::{Diagnose, Exit};
use crate::hint::Hint;

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("cannot read the CA certificate file {}: {source}", path.display())]
    CaCertRead {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} holds no PEM certificate", path.display())]
    CaCertInvalid { path: PathBuf },
    #[error("cannot set up the HTTP client: {0}")]
    Client(String),
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
    /// A request that carries credentials, to an origin the handle was not pointed at.
    #[error("refused to send {carries} to {url}: it is not at {allowed}")]
    Foreign {
        url: String,
        carries: &'static str,
        /// The trusted origins, "https://kc or http://keycloak:8080".
        allowed: String,
    },
    #[error(
        "{method} {url}: unexpected answer: it is larger than {} MiB",
        super::MAX_BODY >> 20
    )]
    TooLarge { method: String, url: String },
}

impl HttpError {
    /// A failure a repeat of the request can fix: no connection, or one that broke.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            HttpError::Connect { .. } | HttpError::Transport { .. }
        )
    }

    /// omsso refused to send the request (or follow its redirect) because of what it
    /// carries: the answer (a discovery document, a login page) or a redirect pointed
    /// elsewhere. A finding about the server, not a network failure.
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            HttpError::Foreign { .. } | HttpError::RedirectRefused { .. }
        )
    }

    /// The reason text of a failed connection, TLS handshake or transfer (for callers that
    /// report an unreachable server in their own words).
    pub fn unreachable_reason(&self) -> Option<&str> {
        match self {
            HttpError::Connect { reason, .. }
            | HttpError::Transport { reason, .. }
            | HttpError::Tls { reason, .. } => Some(reason),
            _ => None,
        }
    }

    /// A TLS failure because the server presents a CA certificate as its own (what
    /// `openssl req -x509` makes by default): trusting it does not help.
    pub fn is_ca_used_as_end_entity(&self) -> bool {
        matches!(self, HttpError::Tls { reason, .. } if reason.contains("CaUsedAsEndEntity"))
    }
}

impl Diagnose for HttpError {
    fn exit(&self) -> Exit {
        match self {
            // The CA file must change before a retry can succeed.
            HttpError::CaCertRead { .. } | HttpError::CaCertInvalid { .. } => Exit::Usage,
            _ => Exit::Runtime,
        }
    }

    fn hint(&self) -> Option<Hint> {
        use HttpError::*;
        Some(Hint::from(match self {
            CaCertRead { .. } | CaCertInvalid { .. } => "the CA certificate file must be a \
                 readable PEM file with the CA certificate(s) that signed the server's \
                 certificate"
                .to_string(),
            Client(_) => "check the CA certificate file".to_string(),
            Connect { .. } | Transport { .. } => {
                "check the URL and that the server is running and reachable from this machine"
                    .to_string()
            }
            Timeout { .. } => "the server is slow or a proxy swallows the request: check the \
                 URL, or raise the timeout"
                .to_string(),
            Tls { .. } if self.is_ca_used_as_end_entity() => ca_as_server_hint("the server's"),
            Tls { .. } => "if the server's certificate comes from a private CA or is \
                 self-signed, trust that CA (a PEM file: that CA, or the certificate itself); \
                 also check http:// vs https:// in the URL"
                .to_string(),
            RedirectRefused { .. } => {
                return Some(redirect_hint(Hint::from("the URL"), "the server"))
            }
            Foreign { .. } => "omsso sends credentials only to the address it was given, over \
                 its scheme: if that server also answers there, give that address; otherwise \
                 whatever named it (an answer, a page, a proxy) may be trying to capture them"
                .to_string(),
            TooLarge { .. } => "check the URL: it should point at the server's API".to_string(),
        }))
    }
}

/// The hint for a server certificate that is a CA certificate; `whose` is "Keycloak's", say.
pub fn ca_as_server_hint(whose: &str) -> String {
    format!(
        "{} certificate is a CA certificate (basicConstraints CA:TRUE, the default of \
         `openssl req -x509`), which TLS clients refuse as a server certificate even when \
         trusted: reissue it with basicConstraints CA:FALSE (openssl … -addext \
         basicConstraints=critical,CA:FALSE)",
        capitalise(whose)
    )
}

/// The hint for a refused redirect: `url` names where the URL is set, `server` who serves.
pub fn redirect_hint(url: impl Into<Hint>, server: &str) -> Hint {
    Hint::from("point ").and(url.into()).text(format!(
        " at the address {server} really serves on, over https, so no redirect is needed; a \
         proxy that sends requests elsewhere may be trying to capture credentials"
    ))
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Turns a transport error into the error a user can act on.
pub(super) fn classify(e: &reqwest::Error, url: &str, timeout: Duration) -> HttpError {
    let url = url.to_string();
    let reason = innermost(e);
    if is_tls(e) {
        HttpError::Tls { url, reason }
    } else if e.is_timeout() {
        HttpError::Timeout { url, timeout }
    } else if e.is_connect() {
        HttpError::Connect { url, reason }
    } else {
        HttpError::Transport { url, reason }
    }
}

/// The message of the deepest cause ("Connection refused (os error 111)", "failed to lookup
/// address information: …", "invalid peer certificate: UnknownIssuer").
pub(super) fn innermost(e: &(dyn StdError + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// Whether rustls failed somewhere in the chain. `io::Error` hides its payload from
/// `source()` (and hyper nests one inside another), so look inside each one too.
fn is_tls(e: &(dyn StdError + 'static)) -> bool {
    if e.is::<rustls::Error>() {
        return true;
    }
    let payload = e
        .downcast_ref::<std::io::Error>()
        .and_then(std::io::Error::get_ref);
    if let Some(inner) = payload {
        if is_tls(inner) {
            return true;
        }
    }
    e.source().is_some_and(is_tls)
}
