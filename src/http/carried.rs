//! What a request carried that must never be shown: the token or password of its
//! `Authorization` header, the OAuth secrets of its form (a password, a client secret, a
//! refresh token, an authorization code and its PKCE verifier), and whatever the caller named
//! ([`super::Http::send_carrying`]: a JSON body that holds a secret). A server, or a proxy
//! posing as one, can echo any of them back in its error text; so every text built from its
//! answer ([`super::Reply`]) is masked with them before it leaves this module's layer.

use base64::Engine;
use secrecy::{ExposeSecret, SecretString};

/// How a masked secret reads.
pub(crate) const MASKED: &str = "<redacted>";

/// The form fields of OAuth 2.0 requests (RFC 6749, 7636, 7523, 8693) whose values are secret.
const FORM_SECRETS: &[&str] = &[
    "password",
    "client_secret",
    "refresh_token",
    "code",
    "code_verifier",
    "client_assertion",
    "assertion",
    "subject_token",
    "actor_token",
    "token",
];

/// The secrets one request carried, each as sent and as a form or a URL would encode it,
/// longest first (so no piece of a longer one survives a shorter one's mask).
#[derive(Default)]
pub(crate) struct Carried(Vec<SecretString>);

impl std::fmt::Debug for Carried {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Carried({} masked)", self.0.len())
    }
}

impl Carried {
    /// What `request` carries, plus `named` (secrets the caller put where this module cannot
    /// tell them from data: a JSON body).
    pub fn of(request: &reqwest::Request, named: &[&str]) -> Carried {
        let mut found: Vec<String> = named.iter().map(|s| s.to_string()).collect();
        if let Some(value) = request.headers().get(reqwest::header::AUTHORIZATION) {
            found.extend(authorization_secrets(value.as_bytes()));
        }
        let form = request
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .is_some_and(|t| {
                t.as_bytes()
                    .starts_with(b"application/x-www-form-urlencoded")
            });
        if let Some(body) = request.body().and_then(reqwest::Body::as_bytes) {
            if form {
                found.extend(
                    url::form_urlencoded::parse(body)
                        .filter(|(k, _)| FORM_SECRETS.contains(&k.as_ref()))
                        .map(|(_, v)| v.into_owned()),
                );
            }
        }
        Carried::from_values(found)
    }

    fn from_values(values: Vec<String>) -> Carried {
        let mut all: Vec<String> = Vec::new();
        for v in values.into_iter().filter(|v| !v.is_empty()) {
            let encoded: String = url::form_urlencoded::byte_serialize(v.as_bytes()).collect();
            let escaped = serde_json::to_string(&v).unwrap_or_default();
            let escaped = escaped.trim_matches('"').to_string();
            for form in [encoded, escaped, v] {
                if !all.contains(&form) {
                    all.push(form);
                }
            }
        }
        all.sort_by_key(|s| std::cmp::Reverse(s.len()));
        Carried(all.into_iter().map(SecretString::from).collect())
    }

    /// `text` with every carried secret replaced by [`MASKED`].
    pub fn mask(&self, text: &str) -> String {
        let mut out = text.to_string();
        for secret in &self.0 {
            let s = secret.expose_secret();
            if out.contains(s) {
                out = out.replace(s, MASKED);
            }
        }
        out
    }
}

/// The secret parts of an `Authorization` header: a bearer token (or any other scheme's
/// credentials), and for Basic both the encoded pair and the password in it.
fn authorization_secrets(value: &[u8]) -> Vec<String> {
    let value = String::from_utf8_lossy(value);
    let (scheme, credentials) = value.split_once(' ').unwrap_or(("", &value));
    let credentials = credentials.trim();
    let mut out = vec![credentials.to_string()];
    if scheme.eq_ignore_ascii_case("basic") {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(credentials)
            .ok()
            .and_then(|d| String::from_utf8(d).ok());
        if let Some((_, password)) = decoded.as_deref().and_then(|d| d.split_once(':')) {
            out.push(password.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A request as reqwest builds it (no client needed: the TLS provider is not installed in
    /// unit tests).
    fn request(header: Option<&str>, form: Option<&str>) -> reqwest::Request {
        let url = reqwest::Url::parse("http://kc/token").unwrap();
        let mut r = reqwest::Request::new(reqwest::Method::POST, url);
        if let Some(h) = header {
            r.headers_mut()
                .insert(reqwest::header::AUTHORIZATION, h.parse().unwrap());
        }
        if let Some(f) = form {
            r.headers_mut().insert(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded".parse().unwrap(),
            );
            *r.body_mut() = Some(f.to_string().into());
        }
        r
    }

    #[test]
    fn the_authorization_header_and_the_oauth_secrets_of_a_form_are_masked() {
        let form = "grant_type=password&username=alice&password=pw%2B1+%26x&client_secret=cs";
        let c = Carried::of(&request(None, Some(form)), &[]);
        assert_eq!(
            c.mask("alice: pw+1 &x, pw%2B1+%26x, cs, password"),
            "alice: <redacted>, <redacted>, <redacted>, password"
        );
        let r = request(Some("Bearer tok.en"), None);
        assert_eq!(Carried::of(&r, &[]).mask("bad tok.en!"), "bad <redacted>!");
        let c = Carried::of(&request(Some("Basic b206czNjcmV0"), None), &[]);
        assert_eq!(c.mask("s3cret b206czNjcmV0"), "<redacted> <redacted>");
        // Named by the caller (a JSON body), also as JSON escapes it.
        let c = Carried::of(&request(None, None), &["a\"b"]);
        assert_eq!(
            c.mask(r#"got a"b and a\"b"#),
            "got <redacted> and <redacted>"
        );
        // An empty secret masks nothing.
        let c = Carried::of(&request(None, Some("grant_type=x&password=")), &[]);
        assert_eq!(c.mask("grant x"), "grant x");
    }

    #[test]
    fn a_longer_secret_is_masked_before_a_shorter_one_inside_it() {
        let c = Carried::from_values(vec!["abc".into(), "xxabcxx".into()]);
        assert_eq!(c.mask("[xxabcxx] [abc]"), "[<redacted>] [<redacted>]");
    }
}
