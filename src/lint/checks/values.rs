//! Any value: placeholders left from the docs and a key repeated inside its own value.

use crate::lint::finding::{Report, Severity};
use crate::lint::registry::*;
use crate::lint::view::{AuthView, Key};
use crate::lint::Kind;

/// Placeholders left from the docs and a key repeated inside its own value.
pub(super) fn values(v: &AuthView, r: &mut Report) {
    let authority = v.name(Key::Authority);
    for f in &v.values {
        let Some(text) = f.text() else { continue };
        let leaf = f.key.rsplit('.').next().unwrap_or(&f.key);
        if let Some(repeat) = repeated_key(text, leaf, v.kind) {
            r.on(
                f,
                KEY_IN_VALUE,
                Severity::Error,
                format!(
                    "the value of {} starts with `{repeat}`: the key is repeated inside the value \
                     (a bug copied from OpenMetadata's docs)",
                    f.key
                ),
                format!("keep only what follows `{repeat}`"),
            );
            r.flaw(f.line);
            continue;
        }
        if let Some(ph) = placeholder(text).filter(|_| f.key != authority) {
            let shown = if f.secret {
                "<redacted>".to_string()
            } else {
                format!("`{ph}`")
            };
            let hint = if ph == text.trim() && ph.contains("://") {
                "remove the braces: they mark a placeholder in the docs, not literal text"
                    .to_string()
            } else {
                "replace the placeholder, braces included, with the real value".to_string()
            };
            r.on(
                f,
                PLACEHOLDER,
                Severity::Error,
                format!("{} still holds the docs' placeholder {shown}", f.key),
                hint,
            );
            r.flaw(f.line);
        }
    }
}

/// `KEY=…` or `key: …` at the start of KEY's own value; in an env file any `SOME_KEY=`.
fn repeated_key(text: &str, leaf: &str, kind: Kind) -> Option<String> {
    let t = text.trim_start();
    for sep in ['=', ':'] {
        let own = format!("{leaf}{sep}");
        if t.starts_with(&own) && !t[own.len()..].starts_with("//") {
            return Some(own);
        }
    }
    if kind == Kind::Env {
        let name_len = t
            .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
            .unwrap_or(t.len());
        if name_len > 1 && t[name_len..].starts_with('=') {
            return Some(t[..=name_len].to_string());
        }
    }
    None
}

/// `{your domain}`, `{Client ID}`, `<client-id>`: text the docs meant to be replaced.
/// `${VAR}` references were resolved before, and JSON values (`{}`, `{"a": 1}`) are not
/// placeholders.
pub(super) fn placeholder(text: &str) -> Option<&str> {
    for (open, close) in [('{', '}'), ('<', '>')] {
        let mut from = 0;
        while let Some(i) = text[from..].find(open).map(|i| i + from) {
            let Some(j) = text[i..].find(close).map(|j| j + i) else {
                break;
            };
            let inner = &text[i + 1..j];
            let wordy = !inner.trim().is_empty()
                && !inner.contains(['"', '\'', '{', '<'])
                && (open == '{'
                    || inner
                        .chars()
                        .all(|c| c.is_alphanumeric() || " -_.".contains(c)));
            if wordy {
                return Some(&text[i..=j]);
            }
            from = i + 1;
        }
    }
    None
}
