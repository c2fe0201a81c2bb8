//! A complete answer, read whole (the bodies omsso asks for are small, up to
//! [`super::MAX_BODY`]), and the server's own error text in it.

use reqwest::{Method, StatusCode};

#[derive(Debug)]
pub(crate) struct Reply {
    pub method: Method,
    pub url: String,
    pub status: StatusCode,
    /// The `Location` header, resolved against the URL that answered.
    pub location: Option<String>,
    pub body: Vec<u8>,
}

impl Reply {
    /// The server's error text: `errorMessage`, else `error_description`, else `error`
    /// (Keycloak's four error shapes, OAuth's too), else the status reason. One line, bounded
    /// length.
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
}
