//! Which redirects a request may follow. reqwest's own policy is off ([`super::Http`] follows
//! redirects itself): it re-sends a 307's body, password included, to wherever it points.

use reqwest::{Method, StatusCode, Url};

use super::{HttpError, Purpose};

/// Redirects followed at most (reqwest's default limit).
const MAX_REDIRECTS: usize = 10;

/// Where a request is on its way through redirects.
pub(super) struct Hop {
    pub target: Url,
    pub method: Method,
    /// Whether this hop still sends what the caller's `prepare` adds (credentials, a body).
    pub prepared: bool,
    count: usize,
}

impl Hop {
    pub fn start(url: &str, method: &Method) -> Result<Hop, HttpError> {
        let target = Url::parse(url).map_err(|e| HttpError::Transport {
            url: url.to_string(),
            reason: e.to_string(),
        })?;
        Ok(Hop {
            target,
            method: method.clone(),
            prepared: true,
            count: 0,
        })
    }

    /// Moves on to `next`, which a `status` answer pointed at, or says why the request must
    /// stop here.
    pub fn follow(
        &mut self,
        status: StatusCode,
        next: Url,
        purpose: Purpose,
    ) -> Result<(), HttpError> {
        self.count += 1;
        if !self.same_request(status, &next) {
            self.method = Method::GET;
            self.prepared = false;
        }
        let carries = self.carries(purpose);
        let refusal = if self.count > MAX_REDIRECTS {
            Some(format!("more than {MAX_REDIRECTS} redirects"))
        } else if purpose == Purpose::ServerFetch && self.target.scheme() != next.scheme() {
            Some(format!(
                "OpenMetadata's JWK fetch (Java's URL connection) follows no redirect from {} \
                 to {}, so the server gets no keys here",
                self.target.scheme(),
                next.scheme()
            ))
        } else {
            refused_redirect(&self.target, &next, carries)
        };
        if let Some(reason) = refusal {
            return Err(HttpError::RedirectRefused {
                from: self.target.to_string(),
                to: shown_destination(&next),
                reason,
            });
        }
        tracing::debug!(
            "{} redirects to {}; following it",
            self.target,
            crate::output::one_line(next.as_str())
        );
        self.target = next;
        Ok(())
    }

    /// What this hop carries that must not go elsewhere: what `prepare` adds while the hop
    /// still sends it, or a login's cookies on every hop.
    pub fn carries(&self, purpose: Purpose) -> Option<&'static str> {
        purpose
            .credentials()
            .filter(|_| self.prepared || purpose.on_every_hop())
    }

    /// Whether the redirect repeats the request as it was. 303, and 301/302 after anything
    /// but GET and HEAD, turn it into a bare GET (what browsers and reqwest do): neither
    /// credentials nor the body follow. Except a 301/302 up to https on the same host, the way
    /// proxies send plain-HTTP clients to TLS: that request is sent again as it was, now
    /// encrypted.
    fn same_request(&self, status: StatusCode, next: &Url) -> bool {
        let bare = matches!(self.method, Method::GET | Method::HEAD);
        match status.as_u16() {
            307 | 308 => true,
            301 | 302 => bare || is_upgrade(&self.target, next),
            _ => bare,
        }
    }
}

/// Only where a refused redirect leads: the rest of the `Location` is the server's to choose,
/// and could carry what it wants printed (a password it was sent).
fn shown_destination(next: &Url) -> String {
    match next.origin() {
        origin @ url::Origin::Tuple(..) => format!("{}/…", origin.ascii_serialization()),
        url::Origin::Opaque(_) => format!("a `{}:` URL", next.scheme()),
    }
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
pub(crate) fn refused_redirect(from: &Url, to: &Url, carries: Option<&str>) -> Option<String> {
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

/// `http://host[:port]` to `https://host` on its default port or the same port.
pub(super) fn is_upgrade(from: &Url, to: &Url) -> bool {
    from.scheme() == "http"
        && to.scheme() == "https"
        && from.host_str() == to.host_str()
        && (to.port().is_none() || to.port() == from.port())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_never_take_credentials_elsewhere_nor_down_to_http() {
        let u = |s: &str| Url::parse(s).unwrap();
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
}
