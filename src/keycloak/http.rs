//! The one HTTP client omsso uses for Keycloak: one connection pool, timeouts, the trusted CA,
//! request counting, and retries. Only requests that are safe to repeat are retried (idempotent
//! methods and token requests), and only on failures a repeat can fix: a connection that could
//! not be made or broke, and 502/503/504 from a proxy or a Keycloak that is starting.

use std::cell::OnceCell;
use std::error::Error as StdError;
use std::path::Path;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use reqwest::{Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::KeycloakError;

/// Attempts per request, the first included.
const MAX_ATTEMPTS: u32 = 4;
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
/// No single wait is longer than this, whatever a `Retry-After` header asks for.
const MAX_BACKOFF: Duration = Duration::from_secs(2);

/// What a request is for; token requests are counted apart from admin API requests so a
/// report of "writes sent" is not muddied by logins. It also says what credentials the
/// request carries, which decides where a redirect may take it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// Public reads (discovery, JWKS, realm info): no credentials.
    Api,
    /// Admin API calls: a bearer token.
    Admin,
    /// Token requests: a password, a client secret or a refresh token in the form.
    Token,
    /// A public read of something that may simply not be there (OpenMetadata from a machine
    /// that cannot reach it): no credentials, sent once, never retried, so an absent server
    /// costs no backoff.
    Probe,
}

impl Purpose {
    /// What the request carries that must not go to another host, for messages.
    fn credentials(self) -> Option<&'static str> {
        match self {
            Purpose::Api | Purpose::Probe => None,
            Purpose::Admin => Some("an admin bearer token"),
            Purpose::Token => Some("credentials (a password, client secret or refresh token)"),
        }
    }
}

/// Requests sent, by method (every attempt counts, retries included). Token requests are
/// counted in `token` only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RequestCounts {
    #[serde(rename = "GET")]
    pub get: usize,
    #[serde(rename = "POST")]
    pub post: usize,
    #[serde(rename = "PUT")]
    pub put: usize,
    #[serde(rename = "DELETE")]
    pub delete: usize,
    #[serde(skip)]
    pub token: usize,
}

impl std::fmt::Display for RequestCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "GET {}, POST {}, PUT {}, DELETE {} (+ {} token request{})",
            self.get,
            self.post,
            self.put,
            self.delete,
            self.token,
            if self.token == 1 { "" } else { "s" }
        )
    }
}

#[derive(Debug, Default)]
struct Counters {
    get: AtomicUsize,
    post: AtomicUsize,
    put: AtomicUsize,
    delete: AtomicUsize,
    token: AtomicUsize,
}

impl Counters {
    fn record(&self, method: &Method, purpose: Purpose) {
        let counter = match (purpose, method.as_str()) {
            (Purpose::Token, _) => &self.token,
            (_, "GET") => &self.get,
            (_, "POST") => &self.post,
            (_, "PUT") => &self.put,
            (_, "DELETE") => &self.delete,
            _ => return,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    fn snapshot(&self) -> RequestCounts {
        RequestCounts {
            get: self.get.load(Ordering::Relaxed),
            post: self.post.load(Ordering::Relaxed),
            put: self.put.load(Ordering::Relaxed),
            delete: self.delete.load(Ordering::Relaxed),
            token: self.token.load(Ordering::Relaxed),
        }
    }
}

/// The largest answer omsso reads. Keycloak's answers omsso asks for are a few KiB (a client,
/// a discovery document, a list of scopes); a server or proxy that sends more is not one to
/// trust with memory.
pub(crate) const MAX_BODY: usize = 4 << 20;

/// A complete HTTP answer (Keycloak's bodies are small, so they are read whole, up to
/// [`MAX_BODY`]).
#[derive(Debug)]
pub(crate) struct Reply {
    pub method: Method,
    pub url: String,
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, KeycloakError> {
        serde_json::from_slice(&self.body)
            .map_err(|e| self.bad(format!("not the JSON expected: {e}")))
    }

    pub fn bad(&self, detail: impl Into<String>) -> KeycloakError {
        KeycloakError::BadResponse {
            method: self.method.to_string(),
            url: self.url.clone(),
            detail: detail.into(),
        }
    }

    /// Keycloak's error text: `errorMessage`, else `error_description`, else `error` (its four
    /// error shapes), else the status reason. One line, bounded length.
    pub fn error_text(&self) -> String {
        self.error_text_without("")
    }

    /// [`Reply::error_text`] with `secret` (what the request sent: a password, a client
    /// secret) masked: a server, or a proxy posing as one, could echo it back. Masked before
    /// the text is cut to length, so no piece of it survives at the cut.
    pub fn error_text_without(&self, secret: &str) -> String {
        let v: serde_json::Value = serde_json::from_slice(&self.body).unwrap_or_default();
        let text = ["errorMessage", "error_description", "error"]
            .iter()
            .find_map(|k| v.get(k).and_then(|s| s.as_str()).filter(|s| !s.is_empty()))
            .map(str::to_string)
            .unwrap_or_else(|| {
                self.status
                    .canonical_reason()
                    .unwrap_or("no description")
                    .to_string()
            });
        let text = if secret.is_empty() {
            text
        } else {
            text.replace(secret, "<redacted>")
        };
        // The server's words, shown to the user: one line, nothing a terminal acts on.
        let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let shown = crate::output::one_line(&words).into_owned();
        match shown.char_indices().nth(200) {
            Some((i, _)) => format!("{}…", &shown[..i]),
            None => shown,
        }
    }

    /// The error for a status the caller did not expect.
    pub fn status_error(&self) -> KeycloakError {
        self.status_error_without("")
    }

    /// [`Reply::status_error`] with `secret` masked in Keycloak's text.
    pub fn status_error_without(&self, secret: &str) -> KeycloakError {
        KeycloakError::Status {
            method: self.method.to_string(),
            url: self.url.clone(),
            status: self.status.as_u16(),
            description: self.error_text_without(secret),
        }
    }
}

pub(crate) struct Http {
    /// For `http://` URLs. Built without the system's root certificates: reading and parsing
    /// that store (hundreds of files on Debian) took about a third of the CPU time of a whole
    /// `omsso run` (docs/BENCHMARKS.md), and plain HTTP never uses it.
    plain: reqwest::Client,
    /// For `https://` URLs: built on first use, then shared by every handle on this pool.
    tls: Rc<OnceCell<reqwest::Client>>,
    tls_setup: Rc<TlsSetup>,
    timeout: Duration,
    counters: Counters,
}

/// What the TLS client trusts, read (and checked) when the session starts.
struct TlsSetup {
    /// `--cacert`, on top of the system's roots.
    extra_roots: Vec<reqwest::Certificate>,
    insecure: bool,
}

/// Settings both clients share. Neither follows redirects by itself: [`Http::attempt`] does,
/// by omsso's rules ([`refused_redirect`]), so credentials never follow one to another host
/// or down to plain HTTP (reqwest's own policy re-sends a 307's body, password included, to
/// wherever it points).
fn builder(timeout: Duration) -> reqwest::ClientBuilder {
    use_ring_for_tls();
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("omsso/", env!("CARGO_PKG_VERSION")))
}

/// reqwest 0.13 takes its TLS primitives from rustls' process-wide provider (its own default
/// would be aws-lc-rs, a second crypto library built from C); omsso uses ring, as reqwest
/// 0.12 did. Installing twice is harmless: the first provider stays.
pub(crate) fn use_ring_for_tls() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// A client builder with the session's TLS setup: the system's roots (through the platform
/// verifier) plus `--cacert`, or no certificate checks at all when asked.
fn tls_builder(timeout: Duration, setup: &TlsSetup) -> reqwest::ClientBuilder {
    builder(timeout)
        .tls_certs_merge(setup.extra_roots.iter().cloned())
        .tls_danger_accept_invalid_certs(setup.insecure)
}

impl Http {
    /// `insecure` turns off certificate checks; the caller warns about it. A `cacert` file
    /// is read and checked here, so a bad one fails before any request.
    pub fn new(
        timeout: Duration,
        cacert: Option<&Path>,
        insecure: bool,
    ) -> Result<Http, KeycloakError> {
        let mut extra_roots = Vec::new();
        if let Some(path) = cacert {
            let pem = crate::input::read(path, crate::input::Accept::File).map_err(|source| {
                KeycloakError::CaCertRead {
                    path: path.to_path_buf(),
                    source,
                }
            })?;
            extra_roots = reqwest::Certificate::from_pem_bundle(&pem).unwrap_or_default();
            if extra_roots.is_empty() {
                return Err(KeycloakError::CaCertInvalid {
                    path: path.to_path_buf(),
                });
            }
        }
        let plain = builder(timeout)
            .tls_certs_only([])
            .build()
            .map_err(|e| KeycloakError::HttpClient(innermost(&e)))?;
        Ok(Http {
            plain,
            tls: Rc::default(),
            tls_setup: Rc::new(TlsSetup {
                extra_roots,
                insecure,
            }),
            timeout,
            counters: Counters::default(),
        })
    }

    /// The client for `url`: the TLS one (built now if this is the first https request) or
    /// the plain one.
    fn client_for(&self, url: &str) -> Result<&reqwest::Client, KeycloakError> {
        if !is_https(url) {
            return Ok(&self.plain);
        }
        if let Some(client) = self.tls.get() {
            return Ok(client);
        }
        let client = tls_builder(self.timeout, &self.tls_setup)
            .build()
            .map_err(|e| KeycloakError::HttpClient(innermost(&e)))?;
        Ok(self.tls.get_or_init(|| client))
    }

    pub fn counts(&self) -> RequestCounts {
        self.counters.snapshot()
    }

    /// A client that follows no redirect, with this pool's timeout and TLS setup: `verify
    /// --login` walks Keycloak's login pages as a browser does, and must see each redirect
    /// (the last one goes to OpenMetadata, which this machine need not reach).
    pub fn browser(&self) -> Result<reqwest::Client, KeycloakError> {
        tls_builder(self.timeout, &self.tls_setup)
            .build()
            .map_err(|e| KeycloakError::HttpClient(innermost(&e)))
    }

    /// The error a failed request to `url` stands for (connection, TLS, timeout).
    pub fn transport_error(&self, e: &reqwest::Error, url: &str) -> KeycloakError {
        classify(e, url, self.timeout)
    }

    /// Another handle on the same connection pool (and TLS setup), counting its own requests.
    pub fn sharing_pool(&self) -> Http {
        Http {
            plain: self.plain.clone(),
            tls: Rc::clone(&self.tls),
            tls_setup: Rc::clone(&self.tls_setup),
            timeout: self.timeout,
            counters: Counters::default(),
        }
    }

    /// Sends a request built by `prepare` (called again for each attempt) and reads the whole
    /// answer. Any HTTP status is a `Reply`; only transport failures are errors.
    pub async fn send(
        &self,
        method: Method,
        url: &str,
        purpose: Purpose,
        prepare: impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<Reply, KeycloakError> {
        // A token request creates nothing a repeat would duplicate (at most one more
        // short-lived session), so it is as safe to repeat as an idempotent one.
        let repeatable =
            purpose != Purpose::Probe && (method.is_idempotent() || purpose == Purpose::Token);
        let mut attempt = 1;
        loop {
            self.counters.record(&method, purpose);
            let started = Instant::now();
            let result = self.attempt(&method, url, purpose, &prepare).await;
            let elapsed = started.elapsed().as_millis();
            let wait = match &result {
                Ok(reply) => {
                    tracing::debug!("{method} {url} → {} ({elapsed} ms)", reply.status.as_u16());
                    retry_status(reply.status).then(|| backoff(attempt, reply.retry_after))
                }
                Err(e) => {
                    tracing::debug!("{method} {url} → {e} ({elapsed} ms)");
                    matches!(
                        e,
                        KeycloakError::Connect { .. } | KeycloakError::Transport { .. }
                    )
                    .then(|| backoff(attempt, None))
                }
            };
            match wait {
                Some(wait) if repeatable && attempt < MAX_ATTEMPTS => {
                    tracing::info!(
                        "{method} {url}: retrying in {} ms (attempt {}/{MAX_ATTEMPTS})",
                        wait.as_millis(),
                        attempt + 1
                    );
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                _ => return result.map(|r| r.reply),
            }
        }
    }

    async fn attempt(
        &self,
        method: &Method,
        url: &str,
        purpose: Purpose,
        prepare: &impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<Attempt, KeycloakError> {
        let mut target = reqwest::Url::parse(url).map_err(|e| KeycloakError::Transport {
            url: url.to_string(),
            reason: e.to_string(),
        })?;
        let mut method = method.clone();
        // Whether this hop still sends what `prepare` adds (credentials, a body).
        let mut prepared = true;
        let mut hops = 0;
        let resp = loop {
            let fail = |e: reqwest::Error| classify(&e, target.as_str(), self.timeout);
            let client = self.client_for(target.as_str())?;
            let request = client.request(method.clone(), target.clone());
            let request = if prepared { prepare(request) } else { request };
            let resp = request.send().await.map_err(fail)?;
            let status = resp.status();
            let location = resp
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|l| target.join(l).ok());
            let Some(next) = location.filter(|_| status.is_redirection()) else {
                break resp;
            };
            hops += 1;
            // 303, and 301/302 after anything but GET and HEAD, turn the request into a bare
            // GET (what browsers and reqwest do): neither credentials nor the body follow.
            // Except a 301/302 up to https on the same host, the way proxies send plain-HTTP
            // clients to TLS: that request is sent again as it was, now encrypted.
            let same_request = match status.as_u16() {
                307 | 308 => true,
                301 | 302 => {
                    matches!(method, Method::GET | Method::HEAD) || is_upgrade(&target, &next)
                }
                _ => matches!(method, Method::GET | Method::HEAD),
            };
            if !same_request {
                method = Method::GET;
                prepared = false;
            }
            let carries = purpose.credentials().filter(|_| prepared);
            let refusal = if hops > MAX_REDIRECTS {
                Some(format!("more than {MAX_REDIRECTS} redirects"))
            } else {
                refused_redirect(&target, &next, carries)
            };
            if let Some(reason) = refusal {
                // Only where it leads: the rest of the `Location` is the server's to choose,
                // and could carry what it wants printed (a password it was sent).
                let to = match next.origin() {
                    origin @ url::Origin::Tuple(..) => {
                        format!("{}/…", origin.ascii_serialization())
                    }
                    url::Origin::Opaque(_) => format!("a `{}:` URL", next.scheme()),
                };
                return Err(KeycloakError::RedirectRefused {
                    from: target.to_string(),
                    to,
                    reason,
                });
            }
            tracing::debug!(
                "{target} redirects to {}; following it",
                crate::output::one_line(next.as_str())
            );
            target = next;
        };
        let fail = |e: reqwest::Error| classify(&e, target.as_str(), self.timeout);
        let status = resp.status();
        let header = |name| {
            resp.headers()
                .get(name)
                .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
                .map(str::to_string)
        };
        let location = header(reqwest::header::LOCATION);
        let retry_after = header(reqwest::header::RETRY_AFTER)
            .and_then(|s| s.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = read_body(resp).await.map_err(|e| match e {
            BodyError::Transport(e) => fail(e),
            BodyError::TooLarge => KeycloakError::BadResponse {
                method: method.to_string(),
                url: target.to_string(),
                detail: format!("the answer is larger than {} MiB", MAX_BODY >> 20),
            },
        })?;
        Ok(Attempt {
            retry_after,
            reply: Reply {
                method: method.clone(),
                url: url.to_string(),
                status,
                location,
                body,
            },
        })
    }
}

enum BodyError {
    Transport(reqwest::Error),
    TooLarge,
}

/// The whole body, refused beyond [`MAX_BODY`] (checked as it arrives, not only against a
/// `Content-Length` the server may not send).
async fn read_body(mut resp: reqwest::Response) -> Result<Vec<u8>, BodyError> {
    if resp.content_length().is_some_and(|n| n > MAX_BODY as u64) {
        return Err(BodyError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(BodyError::Transport)? {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Why omsso must not follow a redirect from `from` to `to`, or `None` when it may.
/// `carries` names the credentials the request would take along, if any.
///
/// - Never down from https to plain http (nor to another scheme): what the answer says
///   (a discovery document, a token) could then be forged by anyone on the path, and what
///   the request carries read by them.
/// - With credentials, only to the same origin, or to https on the same host (a proxy that
///   upgrades `http://kc` to `https://kc`): a password, a client secret or a bearer token
///   goes nowhere the user did not point omsso at.
pub(crate) fn refused_redirect(
    from: &reqwest::Url,
    to: &reqwest::Url,
    carries: Option<&str>,
) -> Option<String> {
    if !matches!(to.scheme(), "http" | "https") {
        return Some(format!("it leads to a `{}:` URL", to.scheme()));
    }
    if from.scheme() == "https" && to.scheme() != "https" {
        return Some("it leads from https down to plain http".to_string());
    }
    let what = carries?;
    if from.origin() == to.origin() || is_upgrade(from, to) {
        return None;
    }
    Some(format!(
        "the request carries {what}, and the redirect leads to another host or port"
    ))
}

struct Attempt {
    reply: Reply,
    retry_after: Option<Duration>,
}

impl std::ops::Deref for Attempt {
    type Target = Reply;
    fn deref(&self) -> &Reply {
        &self.reply
    }
}

/// `http://host[:port]` to `https://host` on its default port or the same port.
fn is_upgrade(from: &reqwest::Url, to: &reqwest::Url) -> bool {
    from.scheme() == "http"
        && to.scheme() == "https"
        && from.host_str() == to.host_str()
        && (to.port().is_none() || to.port() == from.port())
}

/// Redirects followed at most (reqwest's default limit).
const MAX_REDIRECTS: usize = 10;

fn is_https(url: &str) -> bool {
    url.get(..8)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"))
}

fn retry_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 502..=504)
}

/// 250 ms, 500 ms, 1 s, … capped at [`MAX_BACKOFF`]; a server's `Retry-After` (seconds) is
/// honoured up to the same cap.
fn backoff(attempt: u32, retry_after: Option<Duration>) -> Duration {
    let exp = FIRST_BACKOFF.saturating_mul(1 << (attempt - 1).min(8));
    retry_after.unwrap_or(exp).min(MAX_BACKOFF)
}

/// Turns a transport error into the error a user can act on.
fn classify(e: &reqwest::Error, url: &str, timeout: Duration) -> KeycloakError {
    let url = url.to_string();
    let reason = innermost(e);
    if is_tls(e) {
        KeycloakError::Tls { url, reason }
    } else if e.is_timeout() {
        KeycloakError::Timeout { url, timeout }
    } else if e.is_connect() {
        KeycloakError::Connect { url, reason }
    } else {
        KeycloakError::Transport { url, reason }
    }
}

/// The message of the deepest cause ("Connection refused (os error 111)", "failed to lookup
/// address information: …", "invalid peer certificate: UnknownIssuer").
fn innermost(e: &(dyn StdError + 'static)) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff(1, None), Duration::from_millis(250));
        assert_eq!(backoff(2, None), Duration::from_millis(500));
        assert_eq!(backoff(3, None), Duration::from_secs(1));
        assert_eq!(backoff(9, None), MAX_BACKOFF);
        assert_eq!(backoff(1, Some(Duration::from_secs(60))), MAX_BACKOFF);
        assert_eq!(
            backoff(1, Some(Duration::from_secs(1))),
            Duration::from_secs(1)
        );
    }

    fn reply(status: u16, body: &str) -> Reply {
        Reply {
            method: Method::GET,
            url: "http://kc/x".into(),
            status: StatusCode::from_u16(status).unwrap(),
            location: None,
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn error_text_reads_keycloaks_error_shapes_in_order() {
        let r = reply(
            409,
            r#"{"errorMessage":"Client x already exists","error":"e"}"#,
        );
        assert_eq!(r.error_text(), "Client x already exists");
        let r = reply(
            400,
            r#"{"error":"invalid_grant","error_description":"Invalid user credentials"}"#,
        );
        assert_eq!(r.error_text(), "Invalid user credentials");
        assert_eq!(
            reply(404, r#"{"error":"Realm not found."}"#).error_text(),
            "Realm not found."
        );
        assert_eq!(reply(502, "<html>\n</html>").error_text(), "Bad Gateway");
        let long = format!(r#"{{"error":"{}"}}"#, "x".repeat(500));
        assert!(reply(500, &long).error_text().chars().count() <= 201);
    }

    #[test]
    fn redirects_never_take_credentials_elsewhere_nor_down_to_http() {
        let u = |s: &str| reqwest::Url::parse(s).unwrap();
        let refused = |from: &str, to: &str, creds: bool| {
            refused_redirect(&u(from), &u(to), creds.then_some("a token")).is_some()
        };
        // Down to plain http: never, with or without credentials.
        assert!(refused("https://kc/a", "http://kc/a", false));
        assert!(refused("https://kc/a", "file:///etc/passwd", false));
        // Another host: only without credentials.
        assert!(refused("http://kc/a", "http://other/a", true));
        assert!(!refused("http://kc/a", "http://other/a", false));
        assert!(refused("https://kc/a", "https://kc.evil.example/a", true));
        assert!(refused("https://kc/a", "https://kc:8443/a", true));
        // The same origin, or up to https on the same host: fine.
        assert!(!refused("https://kc/a", "https://kc/b", true));
        assert!(!refused("http://kc:8080/a", "https://kc/a", true));
        assert!(!refused("http://kc:8443/a", "https://kc:8443/a", true));
        assert!(refused("http://kc/a", "https://kc:9443/a", true));
    }

    #[test]
    fn only_gateway_and_unavailable_statuses_are_retried() {
        for s in [502, 503, 504] {
            assert!(retry_status(StatusCode::from_u16(s).unwrap()));
        }
        for s in [200, 400, 401, 404, 409, 500] {
            assert!(!retry_status(StatusCode::from_u16(s).unwrap()));
        }
    }
}
