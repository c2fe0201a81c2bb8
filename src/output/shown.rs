//! Text from outside omsso (files, handoff bundles, Keycloak's answers, the environment) as it
//! may appear on a terminal. A terminal acts on control characters: an escape sequence can
//! move the cursor, erase a line omsso printed or recolour it, a carriage return can overwrite
//! it, and a line break can fake a line of omsso's own (a `signed_by` row, a `hint:`). The
//! Unicode direction overrides reorder what is shown. So these are written as escapes
//! (`\u{1b}`, `\n`) instead; everything else, including non-ASCII text, stays as it is.
//!
//! Two levels: [`one_line`] for a value put into a line (it escapes line breaks too), and
//! [`terminal_safe`] for a whole block omsso prints, which keeps its own line breaks and is
//! applied to every line omsso writes for people (progress, warnings, errors, text results),
//! so a value that missed [`one_line`] still cannot drive the terminal. JSON output needs
//! neither: its strings are escaped by JSON itself.

use std::borrow::Cow;
use std::fmt::Write as _;

/// `s` with every character a terminal would act on escaped, line breaks included.
pub fn one_line(s: &str) -> Cow<'_, str> {
    escape(s, |_| false)
}

/// `s` with every character a terminal would act on escaped, except line breaks and tabs.
pub fn terminal_safe(s: &str) -> Cow<'_, str> {
    escape(s, |c| c == '\n' || c == '\t')
}

fn escape(s: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(|c| acts_on_terminal(c) && !keep(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            c if !acts_on_terminal(c) || keep(c) => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
        }
    }
    Cow::Owned(out)
}

/// C0 and C1 control characters and DEL, line and paragraph separators, and the bidirectional
/// formatting characters (the "Trojan Source" set).
fn acts_on_terminal(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
                | '\u{2028}' | '\u{2029}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_a_terminal_would_act_on_and_nothing_else() {
        assert_eq!(one_line("plain ü€ text"), "plain ü€ text");
        assert_eq!(
            one_line("a\x1b[2K\rb\nc\u{9b}d\u{202e}e"),
            "a\\u{1b}[2K\\rb\\nc\\u{9b}d\\u{202e}e"
        );
        assert_eq!(terminal_safe("one\n\ttwo\x1b[1A"), "one\n\ttwo\\u{1b}[1A");
    }
}
