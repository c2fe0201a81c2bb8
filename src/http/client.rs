//! [`Http`]: the clients (plain and TLS), sending with retries, and reading an answer whole.
//! Only requests that are safe to repeat are retried (idempotent methods and token requests),
//! and only on failures a repeat can fix: a connection that could not be made or broke, and
//! 502/503/504 from a proxy or a server that is starting. Every request that carries
//! credentials goes only to the handle's trusted origins ([`super::origin`]), on every hop.

use std::cell::{OnceCell, RefCell};
use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::cookie::Jar;
use reqwest::{Method, RequestBuilder, StatusCode, Url};

use super::carried::Carried;
use super::counts::{Counters, RequestCounts};
use super::error::{classify, innermost};
use super::origin::{shown_url, Trusted};
use super::redirect::Hop;
use super::{HttpError, Purpose, Reply, MAX_BODY};

/// Attempts per request, the first included.
const MAX_ATTEMPTS: u32 = 4;
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
/// No single wait is longer than this, whatever a `Retry-After` header asks for.
const MAX_BACKOFF: Duration = Duration::from_secs(2);

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
    /// Where this handle sends credentials ([`Http::trust`]); nowhere at first.
    trusted: RefCell<Trusted>,
    /// A browser's cookie jar (RFC 6265: domain, path, Secure, expiry, by the `cookie_store`
    /// crate), in both clients of a handle made by [`Http::browser`].
    cookies: Option<Arc<Jar>>,
    /// A redirect to where this says is the answer, not followed ([`Http::browser`]).
    ends_at: Option<Rc<EndsAt>>,
}

/// Recognises the redirect that is a walk's answer ([`Http::browser`]).
type EndsAt = dyn Fn(&Url) -> bool;

/// What the TLS client trusts, read (and checked) when the session starts.
struct TlsSetup {
    /// The CA file's certificates, on top of the system's roots.
    extra_roots: Vec<reqwest::Certificate>,
    insecure: bool,
}

/// reqwest 0.13 takes its TLS primitives from rustls' process-wide provider (its own default
/// would be aws-lc-rs, a second crypto library built from C); omsso uses ring, as reqwest
/// 0.12 did. Installing twice is harmless: the first provider stays.
fn use_ring_for_tls() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Settings every client shares. None follows redirects by itself: [`Http::attempt`] does,
/// by omsso's rules ([`super::redirect`]), so credentials never follow one to another host
/// or down to plain HTTP (reqwest's own policy re-sends a 307's body, password included, to
/// wherever it points).
fn builder(timeout: Duration, cookies: Option<&Arc<Jar>>) -> reqwest::ClientBuilder {
    use_ring_for_tls();
    let builder = reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("omsso/", env!("CARGO_PKG_VERSION")));
    match cookies {
        Some(jar) => builder.cookie_provider(Arc::clone(jar)),
        None => builder,
    }
}

/// A client builder with the session's TLS setup: the system's roots (through the platform
/// verifier) plus the CA file, or no certificate checks at all when asked.
fn tls_builder(
    timeout: Duration,
    setup: &TlsSetup,
    cookies: Option<&Arc<Jar>>,
) -> reqwest::ClientBuilder {
    builder(timeout, cookies)
        .tls_certs_merge(setup.extra_roots.iter().cloned())
        .tls_danger_accept_invalid_certs(setup.insecure)
}

/// The client for `http://` URLs, without any certificate store (why: `Http`'s `plain`).
fn plain_client(
    timeout: Duration,
    cookies: Option<&Arc<Jar>>,
) -> Result<reqwest::Client, HttpError> {
    builder(timeout, cookies)
        .tls_certs_only([])
        .build()
        .map_err(|e| HttpError::Client(innermost(&e)))
}

/// The certificates of the PEM file at `path`, checked: a bad file fails before any request.
fn read_ca_file(path: &Path) -> Result<Vec<reqwest::Certificate>, HttpError> {
    let pem = crate::input::read(path, crate::input::Accept::File).map_err(|source| {
        HttpError::CaCertRead {
            path: path.to_path_buf(),
            source,
        }
    })?;
    let roots = reqwest::Certificate::from_pem_bundle(&pem).unwrap_or_default();
    if roots.is_empty() {
        return Err(HttpError::CaCertInvalid {
            path: path.to_path_buf(),
        });
    }
    Ok(roots)
}

impl Http {
    /// `insecure` turns off certificate checks; the caller warns about it. A `cacert` file
    /// is read and checked here, so a bad one fails before any request.
    pub fn new(
        timeout: Duration,
        cacert: Option<&Path>,
        insecure: bool,
    ) -> Result<Http, HttpError> {
        let extra_roots = match cacert {
            Some(path) => read_ca_file(path)?,
            None => Vec::new(),
        };
        Ok(Http {
            plain: plain_client(timeout, None)?,
            tls: Rc::default(),
            tls_setup: Rc::new(TlsSetup {
                extra_roots,
                insecure,
            }),
            timeout,
            counters: Counters::default(),
            trusted: RefCell::default(),
            cookies: None,
            ends_at: None,
        })
    }

    /// Lets requests that carry credentials go to the origin of `url` (over its scheme, or
    /// up to https on its host): the address of the server they are meant for, as the
    /// settings or the checked file give it, never one a server's answer names. A URL that
    /// does not parse adds nothing.
    pub fn trust(&self, url: &str) {
        if let Ok(url) = Url::parse(url) {
            self.trusted.borrow_mut().add(&url);
        }
    }

    /// The client for `url`: the TLS one (built now if this is the first https request) or
    /// the plain one.
    fn client_for(&self, url: &str) -> Result<&reqwest::Client, HttpError> {
        if !is_https(url) {
            return Ok(&self.plain);
        }
        if let Some(client) = self.tls.get() {
            return Ok(client);
        }
        let client = tls_builder(self.timeout, &self.tls_setup, self.cookies.as_ref())
            .build()
            .map_err(|e| HttpError::Client(innermost(&e)))?;
        Ok(self.tls.get_or_init(|| client))
    }

    pub fn counts(&self) -> RequestCounts {
        self.counters.snapshot()
    }

    /// A handle for one login walked as a browser walks it (`verify --login`, requests with
    /// [`Purpose::Login`]): this pool's timeout and TLS setup, a cookie jar of its own, and
    /// credentials for `origin` alone. Redirects follow omsso's rules like every other
    /// request's, except one that `ends_at` recognises (the redirect back to the
    /// application, which this machine need not reach): that one is the answer.
    pub fn browser(
        &self,
        origin: &str,
        ends_at: impl Fn(&Url) -> bool + 'static,
    ) -> Result<Http, HttpError> {
        let jar = Arc::new(Jar::default());
        let browser = Http {
            plain: plain_client(self.timeout, Some(&jar))?,
            tls: Rc::default(),
            tls_setup: Rc::clone(&self.tls_setup),
            timeout: self.timeout,
            counters: Counters::default(),
            trusted: RefCell::default(),
            cookies: Some(jar),
            ends_at: Some(Rc::new(ends_at)),
        };
        browser.trust(origin);
        Ok(browser)
    }

    /// Another handle on the same connection pool (and TLS setup), counting its own requests.
    pub fn sharing_pool(&self) -> Http {
        Http {
            plain: self.plain.clone(),
            tls: Rc::clone(&self.tls),
            tls_setup: Rc::clone(&self.tls_setup),
            timeout: self.timeout,
            counters: Counters::default(),
            trusted: self.trusted.clone(),
            cookies: self.cookies.clone(),
            ends_at: self.ends_at.clone(),
        }
    }

    /// Sends a request built by `prepare` (called again for each attempt) and reads the whole
    /// answer. Any HTTP status is a `Reply`; only transport failures are errors. What the
    /// request carries in its `Authorization` header or as an OAuth secret in its form is
    /// masked in every text taken from the answer ([`super::carried`]).
    pub async fn send(
        &self,
        method: Method,
        url: &str,
        purpose: Purpose,
        prepare: impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<Reply, HttpError> {
        self.send_carrying(method, url, purpose, &[], prepare).await
    }

    /// [`Http::send`] for a request that also carries `secrets` where they cannot be told from
    /// data (a JSON body that holds a client secret): they are masked in the answer's texts too.
    pub async fn send_carrying(
        &self,
        method: Method,
        url: &str,
        purpose: Purpose,
        secrets: &[&str],
        prepare: impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<Reply, HttpError> {
        // A token request creates nothing a repeat would duplicate (at most one more
        // short-lived session), so it is as safe to repeat as an idempotent one.
        let repeatable =
            purpose != Purpose::Probe && (method.is_idempotent() || purpose == Purpose::Token);
        let mut attempt = 1;
        loop {
            self.counters.record(&method, purpose);
            let started = Instant::now();
            let result = self.attempt(&method, url, purpose, secrets, &prepare).await;
            let wait = retry_wait(&method, url, &result, started.elapsed(), attempt);
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

    /// One attempt: the request, the redirects omsso follows, and the final answer read whole.
    async fn attempt(
        &self,
        method: &Method,
        url: &str,
        purpose: Purpose,
        secrets: &[&str],
        prepare: &impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<Attempt, HttpError> {
        let mut hop = Hop::start(url, method)?;
        // What the first hop carries; later hops carry it or less.
        let mut carried = None;
        loop {
            self.check_destination(&hop, purpose)?;
            let resp = self.send_hop(&hop, secrets, prepare, &mut carried).await?;
            let status = resp.status();
            match redirect_target(&resp, &hop) {
                Some(next) if !self.ends_at.as_ref().is_some_and(|ends| ends(&next)) => {
                    hop.follow(status, next, purpose)?
                }
                _ => {
                    let carried = carried.unwrap_or_default();
                    return self.read_answer(resp, &hop, url, carried).await;
                }
            }
        }
    }

    /// Refuses a hop that carries credentials to an origin this handle does not trust.
    fn check_destination(&self, hop: &Hop, purpose: Purpose) -> Result<(), HttpError> {
        let Some(carries) = hop.carries(purpose) else {
            return Ok(());
        };
        let trusted = self.trusted.borrow();
        if trusted.admits(&hop.target) {
            return Ok(());
        }
        Err(HttpError::Foreign {
            url: shown_url(&hop.target),
            carries,
            allowed: trusted.shown(),
        })
    }

    /// Sends the request of this hop (with what `prepare` adds while the hop still carries it),
    /// noting in `carried` what the first one carries.
    async fn send_hop(
        &self,
        hop: &Hop,
        secrets: &[&str],
        prepare: &impl Fn(RequestBuilder) -> RequestBuilder,
        carried: &mut Option<Carried>,
    ) -> Result<reqwest::Response, HttpError> {
        let client = self.client_for(hop.target.as_str())?;
        let request = client.request(hop.method.clone(), hop.target.clone());
        let request = if hop.prepared {
            prepare(request)
        } else {
            request
        };
        let fail = |e: reqwest::Error| classify(&e, hop.target.as_str(), self.timeout);
        let request = request.build().map_err(fail)?;
        if carried.is_none() {
            *carried = Some(Carried::of(&request, secrets));
        }
        client.execute(request).await.map_err(fail)
    }

    /// The final answer of `hop`, read whole (up to [`MAX_BODY`]); `url` is the one asked for.
    async fn read_answer(
        &self,
        resp: reqwest::Response,
        hop: &Hop,
        url: &str,
        carried: Carried,
    ) -> Result<Attempt, HttpError> {
        let status = resp.status();
        let header = |name| {
            resp.headers()
                .get(name)
                .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
                .map(str::to_string)
        };
        let location = header(reqwest::header::LOCATION)
            .map(|l| hop.target.join(&l).map(String::from).unwrap_or(l));
        let retry_after = header(reqwest::header::RETRY_AFTER)
            .and_then(|s| s.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = read_body(resp).await.map_err(|e| match e {
            BodyError::Transport(e) => classify(&e, hop.target.as_str(), self.timeout),
            BodyError::TooLarge => HttpError::TooLarge {
                method: hop.method.to_string(),
                url: hop.target.to_string(),
            },
        })?;
        Ok(Attempt {
            retry_after,
            reply: Reply {
                method: hop.method.clone(),
                url: url.to_string(),
                status,
                location,
                body,
                carried,
            },
        })
    }
}

/// Where a redirect answer points (resolved against the hop's URL), if it is one.
fn redirect_target(resp: &reqwest::Response, hop: &Hop) -> Option<reqwest::Url> {
    if !resp.status().is_redirection() {
        return None;
    }
    resp.headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|l| hop.target.join(l).ok())
}

/// How long to wait before repeating an attempt that ended in `result`, or `None` when a
/// repeat cannot help (logged either way).
fn retry_wait(
    method: &Method,
    url: &str,
    result: &Result<Attempt, HttpError>,
    elapsed: Duration,
    attempt: u32,
) -> Option<Duration> {
    let elapsed = elapsed.as_millis();
    match result {
        Ok(reply) => {
            tracing::debug!("{method} {url} → {} ({elapsed} ms)", reply.status.as_u16());
            retry_status(reply.status).then(|| backoff(attempt, reply.retry_after))
        }
        Err(e) => {
            tracing::debug!("{method} {url} → {e} ({elapsed} ms)");
            e.is_transient().then(|| backoff(attempt, None))
        }
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
