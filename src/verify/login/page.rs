//! Keycloak's login pages, read the way a browser reads them: the login form's action, the
//! message it shows when it refuses, the title of a page that asks for more. (The cookies it
//! sets are the browser's cookie jar's: [`crate::http::Http::browser`].)

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
}
