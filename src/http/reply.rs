//! A complete answer, read whole (the bodies omsso asks for are small, up to
//! [`super::MAX_BODY`]), and every text taken from it as omsso may show it: the secrets the
//! request carried masked ([`super::carried`]), on one line, bounded.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use super::carried::Carried;

/// The longest server text omsso shows (a version, a field error), in characters.
const MAX_SHOWN: usize = 1000;
/// The longest error text of a server, in characters: one line of a message.
const MAX_ERROR: usize = 300;

#[derive(Debug)]
pub(crate) struct Reply {
    pub method: Method,
    pub url: String,
    pub status: StatusCode,
    /// The `Location` header, resolved against the URL that answered.
    pub location: Option<String>,
    /// The answer as it came: data for the caller, never shown as it is (see [`Reply::shown`]).
    pub body: Vec<u8>,
    /// What the request carried that must not be shown.
    pub(super) carried: Carried,
}

impl Reply {
    /// The server's error text: `errorMessage`, `error_description`, `message`, `error`
    /// (Keycloak's four error shapes, OAuth's, OpenMetadata's `{code, message}`), else the
    /// `errors` list of a bean validation, else the status reason; as [`Reply::shown`] makes
    /// it, at most [`MAX_ERROR`] characters.
    pub fn error_text(&self) -> String {
        let v: Value = serde_json::from_slice(&self.body).unwrap_or_default();
        let text = ["errorMessage", "error_description", "message", "error"]
            .iter()
            .find_map(|k| v.get(k).and_then(Value::as_str).filter(|s| !s.is_empty()))
            .map(str::to_string)
            .or_else(|| {
                v.get("errors").and_then(Value::as_array).map(|e| {
                    e.iter()
                        .map(|x| x.as_str().map_or(x.to_string(), str::to_string))
                        .collect::<Vec<_>>()
                        .join("; ")
                })
            })
            .unwrap_or_else(|| {
                self.status
                    .canonical_reason()
                    .unwrap_or("no description")
                    .to_string()
            });
        self.fold(&text, MAX_ERROR)
    }

    /// `text`, taken from this answer (a version, a field error, a parser's complaint about
    /// the body), as omsso may show it: every secret the request carried masked, then on one
    /// line (each run of whitespace, line breaks included, folded into one space, and any other
    /// control character written as an escape by [`crate::output::one_line`], so the server
    /// cannot start a line of omsso's own), at most [`MAX_SHOWN`] characters.
    pub fn shown(&self, text: &str) -> String {
        self.fold(text, MAX_SHOWN)
    }

    /// The body as JSON, every string in it (keys too) with the secrets the request carried
    /// masked: for answers whose values are shown (a configuration a diff compares).
    pub fn masked_json(&self) -> serde_json::Result<Value> {
        let v: Value = serde_json::from_slice(&self.body)?;
        Ok(self.mask_value(v))
    }

    fn mask_value(&self, v: Value) -> Value {
        match v {
            Value::String(s) => Value::String(self.carried.mask(&s)),
            Value::Array(a) => Value::Array(a.into_iter().map(|x| self.mask_value(x)).collect()),
            Value::Object(o) => Value::Object(
                o.into_iter()
                    .map(|(k, x)| (self.carried.mask(&k), self.mask_value(x)))
                    .collect(),
            ),
            other => other,
        }
    }

    /// Masked before it is folded (a secret with a line break in it is still found) and before
    /// it is cut to length (no piece of a secret survives at the cut).
    fn fold(&self, text: &str, max: usize) -> String {
        let masked = self.carried.mask(text);
        let words = masked.split_whitespace().collect::<Vec<_>>().join(" ");
        let shown = crate::output::one_line(&words);
        match shown.char_indices().nth(max) {
            Some((i, _)) => format!("{}…", &shown[..i]),
            None => shown.into_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, body: &str) -> Reply {
        Reply {
            method: Method::GET,
            url: "http://kc/x".into(),
            status: StatusCode::from_u16(status).unwrap(),
            location: None,
            body: body.as_bytes().to_vec(),
            carried: Carried::default(),
        }
    }

    #[test]
    fn error_text_reads_keycloaks_and_openmetadatas_error_shapes_in_order() {
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
        let r = reply(
            401,
            r#"{"code":401,"message":"Not Authorized! Invalid token"}"#,
        );
        assert_eq!(r.error_text(), "Not Authorized! Invalid token");
        let r = reply(400, r#"{"errors":["a must not be null", {"b": 1}]}"#);
        assert_eq!(r.error_text(), r#"a must not be null; {"b":1}"#);
        assert_eq!(reply(502, "<html>\n</html>").error_text(), "Bad Gateway");
        let long = format!(r#"{{"error":"{}"}}"#, "x".repeat(500));
        assert_eq!(
            reply(500, &long).error_text().chars().count(),
            MAX_ERROR + 1
        );
    }

    #[test]
    fn server_text_never_starts_a_line_and_never_shows_what_the_request_carried() {
        let mut r = reply(
            401,
            r#"{"message":"bad token tok-123\nerror: fake\r\u001b[2K"}"#,
        );
        let mut request = reqwest::Request::new(Method::GET, "http://om/x".parse().unwrap());
        request.headers_mut().insert(
            reqwest::header::AUTHORIZATION,
            "Bearer tok-123".parse().unwrap(),
        );
        r.carried = Carried::of(&request, &[]);
        assert_eq!(
            r.error_text(),
            "bad token <redacted> error: fake \\u{1b}[2K"
        );
        assert_eq!(r.shown("1.12.7\n\r\u{2028}hint:\tx"), "1.12.7 hint: x");
        let v = r.masked_json().unwrap();
        assert_eq!(v["message"], "bad token <redacted>\nerror: fake\r\u{1b}[2K");
        // Cut after masking: no prefix of the secret is left at the cut.
        let long = format!("{}tok-123", "x".repeat(MAX_ERROR - 3));
        assert!(!r.shown(&long).contains("tok"));
        assert!(!r.fold(&long, MAX_ERROR).contains("tok"));
    }
}
