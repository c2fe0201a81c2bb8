//! `HttpUrl`: the one URL type settings accept. Validated once, where it is parsed (flag, env
//! var or file), so the error can name the place it came from.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer};
use url::Url;

/// An absolute http(s) URL with a host, no query, no fragment and no user info (a password in
/// a URL would end up in logs and process listings). Stored without a trailing slash, so
/// `join` can append paths the same way whether the user wrote one or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpUrl(String);

impl HttpUrl {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `base` + `/` + `path` (path given without a leading slash).
    pub fn join(&self, path: &str) -> String {
        format!("{}/{}", self.0, path.trim_start_matches('/'))
    }

    pub fn parsed(&self) -> Url {
        Url::parse(&self.0).expect("validated when constructed")
    }
}

impl fmt::Display for HttpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for HttpUrl {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // `sso.example.com` or `sso.example.com:8443` (which would parse with the host as its
        // scheme): say what is missing rather than "relative URL without a base".
        if !s.contains("://") && s.contains('@') {
            // Not echoed: `user:password@host` holds a credential.
            return Err("a URL must start with https:// (or http://)".to_string());
        }
        if !s.contains("://") && !s.trim().is_empty() {
            return Err(format!(
                "`{s}` has no scheme: write https://{} (or http:// for a server without TLS)",
                s.trim()
            ));
        }
        let url = Url::parse(s.trim()).map_err(|e| format!("`{s}` is not a URL ({e})"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!("`{s}` must start with http:// or https://"));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(format!("`{s}` has no host"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            // Do not echo the URL: it holds a credential.
            return Err("a URL must not carry a user name or password".to_string());
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(format!("`{s}` must not have a query (?…) or fragment (#…)"));
        }
        Ok(HttpUrl(url.as_str().trim_end_matches('/').to_string()))
    }
}

impl<'de> Deserialize<'de> for HttpUrl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_trailing_slash_and_joins() {
        let u: HttpUrl = "http://kc:8080/".parse().unwrap();
        assert_eq!(u.as_str(), "http://kc:8080");
        assert_eq!(u.join("/realms/x"), "http://kc:8080/realms/x");
        let u: HttpUrl = "https://sso.example.com/auth".parse().unwrap();
        assert_eq!(u.join("realms/x"), "https://sso.example.com/auth/realms/x");
    }

    #[test]
    fn rejects_what_is_not_a_base_url() {
        for bad in [
            "ftp://x",
            "localhost:8080",
            "http://u:p@h",
            "http://h/?a=1",
            "http://h/#f",
        ] {
            assert!(bad.parse::<HttpUrl>().is_err(), "{bad}");
        }
        let err = "http://u:hunter2@h".parse::<HttpUrl>().unwrap_err();
        assert!(!err.contains("hunter2"));
        let err = "u:hunter2@h".parse::<HttpUrl>().unwrap_err();
        assert!(!err.contains("hunter2"), "{err}");
    }

    /// Issue 21: a bare host got "relative URL without a base" and no word of the scheme.
    #[test]
    fn a_url_without_a_scheme_is_told_to_add_https() {
        for bare in ["sso.example.com", "sso.example.com:8443/auth"] {
            let err = bare.parse::<HttpUrl>().unwrap_err();
            assert!(err.contains(&format!("write https://{bare}")), "{err}");
        }
    }
}
