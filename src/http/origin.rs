//! Where a request that carries credentials may go, and which requests cross the network in
//! clear text.
//!
//! A handle on the client sends credentials (a password, a client secret, a token, a login's
//! session cookies) only to the origins it was pointed at ([`super::Http::trust`]): the
//! Keycloak or OpenMetadata address from the settings or the checked file, never one that a
//! server's answer names (a discovery document, a login form, a redirect). The same origin
//! means the same scheme too, so an https address never sends them over plain http; only the
//! other way is allowed, up to https on the same host.

use reqwest::Url;

use super::redirect::is_upgrade;

/// The origins a handle sends credentials to.
#[derive(Debug, Clone, Default)]
pub(super) struct Trusted(Vec<Url>);

impl Trusted {
    pub fn add(&mut self, url: &Url) {
        if !self.0.iter().any(|t| t.origin() == url.origin()) {
            self.0.push(url.clone());
        }
    }

    /// Whether credentials may go to `url`: one of the origins, or up to https on its host.
    pub fn admits(&self, url: &Url) -> bool {
        self.0
            .iter()
            .any(|t| t.origin() == url.origin() || is_upgrade(t, url))
    }

    /// "https://kc.example.com or http://keycloak:8080", for messages.
    pub fn shown(&self) -> String {
        if self.0.is_empty() {
            return "no address (none was given for them)".to_string();
        }
        self.0
            .iter()
            .map(|t| t.origin().ascii_serialization())
            .collect::<Vec<_>>()
            .join(" or ")
    }
}

/// `url` without its query and fragment (they can hold one-time codes), one line.
pub(super) fn shown_url(url: &Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    shown.set_fragment(None);
    crate::output::one_line(shown.as_str()).into_owned()
}

/// Whether a request to `url` crosses the network unencrypted: plain http to a host that is
/// not this machine. (Loopback traffic never leaves the machine, which is how the local test
/// Keycloak runs; `0.0.0.0` is not loopback.)
fn is_cleartext(url: &Url) -> bool {
    if url.scheme() != "http" {
        return false;
    }
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => {
            d.eq_ignore_ascii_case("localhost") || d.to_ascii_lowercase().ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => true,
    };
    !loopback
}

/// The warning for sending `what` ("the admin token") to `url` when that crosses the network
/// in clear text; `None` when it does not (or `url` is not a URL). The one wording for every
/// credential omsso sends: the Keycloak admin login, the OpenMetadata admin token, the
/// login password of `verify --login`.
pub fn cleartext_warning(url: &str, what: &str) -> Option<String> {
    let parsed = Url::parse(url).ok()?;
    is_cleartext(&parsed).then(|| {
        format!(
            "{} is plain http: anyone on the network path can read {what}; use https://",
            crate::output::one_line(url)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn credentials_go_only_to_the_origins_given_or_up_to_https() {
        let mut t = Trusted::default();
        assert!(!t.admits(&u("http://kc/x")), "nothing is trusted at first");
        t.add(&u("http://kc:8080/realms/data"));
        t.add(&u("https://sso.example.com/realms/data"));
        assert!(t.admits(&u(
            "http://kc:8080/realms/data/protocol/openid-connect/token"
        )));
        assert!(
            t.admits(&u("https://kc:8080/x")),
            "up to https on the same host and port"
        );
        assert!(t.admits(&u("https://sso.example.com:443/y")));
        // Another host, port or scheme: refused.
        assert!(!t.admits(&u("http://kc:8081/x")));
        assert!(!t.admits(&u("http://localhost:8080/x")));
        assert!(
            !t.admits(&u("http://sso.example.com/x")),
            "down to plain http"
        );
        assert!(!t.admits(&u("https://sso.example.com.evil.example/x")));
        assert_eq!(t.shown(), "http://kc:8080 or https://sso.example.com");
        assert_eq!(
            shown_url(&u("http://kc/a/b?session_code=s#f")),
            "http://kc/a/b"
        );
    }

    #[test]
    fn cleartext_is_plain_http_to_another_machine() {
        for url in [
            "http://kc.example.com",
            "http://192.0.2.1:9",
            "http://0.0.0.0:8080",
        ] {
            assert!(cleartext_warning(url, "the token").is_some(), "{url}");
        }
        for url in [
            "https://kc.example.com",
            "http://127.0.0.1:8180",
            "http://127.0.0.2",
            "http://localhost:8080",
            "http://[::1]:80",
            "not a url",
        ] {
            assert!(cleartext_warning(url, "the token").is_none(), "{url}");
        }
    }
}
