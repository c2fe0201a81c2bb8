//! Keycloak's login pages, read the way a browser reads them: the cookies it sets, the login
//! form's action, the message it shows when it refuses, the title of a page that asks for more.

use std::collections::BTreeMap;

/// The cookies of one login walk (all for the same Keycloak; every request of the walk is
/// under the realm's path, so paths and domains need no checking).
#[derive(Debug, Default)]
pub struct Cookies(BTreeMap<String, String>);

impl Cookies {
    /// Takes the `Set-Cookie` headers of an answer (a cookie set empty or expired is dropped).
    pub fn absorb(&mut self, headers: &reqwest::header::HeaderMap) {
        for h in headers.get_all(reqwest::header::SET_COOKIE) {
            let Ok(text) = h.to_str() else { continue };
            let mut parts = text.split(';');
            let Some((name, value)) = parts.next().and_then(|p| p.split_once('=')) else {
                continue;
            };
            let expired = parts.any(|p| {
                let p = p.trim().to_ascii_lowercase();
                p == "max-age=0" || p.starts_with("expires=thu, 01 jan 1970")
            });
            let (name, value) = (name.trim().to_string(), value.trim().to_string());
            if expired || value.is_empty() {
                self.0.remove(&name);
            } else {
                self.0.insert(name, value);
            }
        }
    }

    /// The `Cookie` header to send, if any cookie is set.
    pub fn header(&self) -> Option<String> {
        (!self.0.is_empty()).then(|| {
            self.0
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ")
        })
    }
}

/// The `action` of the `<form id="…">` in `html`, entities decoded.
pub fn form_action(html: &str, form_id: &str) -> Option<String> {
    let start = html.find(&format!("id=\"{form_id}\""))?;
    let tag_start = html[..start].rfind("<form")?;
    let tag_end = start + html[start..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let a = tag.find("action=\"")? + "action=\"".len();
    let end = tag[a..].find('"')?;
    Some(decode(&tag[a..a + end]))
}

/// The message Keycloak shows above or under its form (`kc-feedback-text`), if any.
pub fn feedback(html: &str) -> Option<String> {
    let at = html.find("kc-feedback-text")?;
    let open = at + html[at..].find('>')? + 1;
    let close = open + html[open..].find('<')?;
    let text = decode(&one_line(&html[open..close]));
    (!text.is_empty()).then_some(text)
}

/// The page's title (`kc-page-title`), e.g. "Update Account Information".
pub fn title(html: &str) -> Option<String> {
    let at = html.find("id=\"kc-page-title\"")?;
    let open = at + html[at..].find('>')? + 1;
    let close = open + html[open..].find('<')?;
    let text = decode(&one_line(&html[open..close]));
    (!text.is_empty()).then_some(text)
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The HTML entities Keycloak's templates produce in attribute values and messages.
fn decode(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_keycloaks_login_page() {
        let html = r#"<h1 class="x" id="kc-page-title">        Sign in to your account
</h1><form id="kc-form-login" class="f" onsubmit="x" action="http://kc/realms/d/login-actions/authenticate?session_code=a&amp;execution=b" method="post">
<span class="pf-m-error kc-feedback-text">
    Invalid username or password.
</span>"#;
        assert_eq!(
            form_action(html, "kc-form-login").as_deref(),
            Some("http://kc/realms/d/login-actions/authenticate?session_code=a&execution=b")
        );
        assert_eq!(
            feedback(html).as_deref(),
            Some("Invalid username or password.")
        );
        assert_eq!(title(html).as_deref(), Some("Sign in to your account"));
        assert_eq!(form_action(html, "other"), None);
    }

    #[test]
    fn keeps_cookies_and_drops_expired_ones() {
        let mut headers = reqwest::header::HeaderMap::new();
        for v in [
            "AUTH_SESSION_ID=abc; Path=/realms/d/; HttpOnly",
            "KC_RESTART=xyz; Path=/realms/d/",
            "OLD=; Max-Age=0; Path=/",
        ] {
            headers.append(reqwest::header::SET_COOKIE, v.parse().unwrap());
        }
        let mut jar = Cookies::default();
        jar.absorb(&headers);
        assert_eq!(
            jar.header().as_deref(),
            Some("AUTH_SESSION_ID=abc; KC_RESTART=xyz")
        );
        let mut gone = reqwest::header::HeaderMap::new();
        gone.append(
            reqwest::header::SET_COOKIE,
            "KC_RESTART=; Max-Age=0".parse().unwrap(),
        );
        jar.absorb(&gone);
        assert_eq!(jar.header().as_deref(), Some("AUTH_SESSION_ID=abc"));
    }
}
