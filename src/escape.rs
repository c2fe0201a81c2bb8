//! How a value is written into each output format, so that the program reading the file gets
//! exactly the value omsso meant. Three readers matter:
//!
//! * **YAML parsers** (OpenMetadata's, Helm's, kubectl's): every string is written as a
//!   double-quoted scalar ([`yaml_quoted`]), which can carry any character.
//! * **OpenMetadata's config loader**: it pastes environment variables into `openmetadata.yaml`
//!   (`secret: ${OIDC_CLIENT_SECRET:-""}`), substitutes `${…}` recursively, and only then
//!   parses the text as YAML. So a value that reaches OpenMetadata through an environment
//!   variable must itself be a YAML fragment that reads back as the value ([`om_fragment`]),
//!   and a literal `${` anywhere in what the loader reads must be escaped as `$${`
//!   ([`escape_substitution`]).
//! * **docker compose's env-file parser** ([`env_quoted`]): compose v1 (python-dotenv) and v2
//!   (compose-go) differ. Single quotes are literal in v2, and v1 only decodes `\\` and `\'`
//!   in them (and expands `${…}` even there); double quotes decode `\\` and `\"` in both but
//!   expand `$` differently. A value is written in whichever quoting both read the same way;
//!   values no quoting can carry through both are refused, never mangled.

use std::fmt::Write as _;

/// Why a value cannot be written to an env file unchanged. Never holds the value itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvRefusal {
    ControlCharacter(char),
    Interpolation,
    DollarWithQuoteOrBackslash,
    TrailingBackslash,
}

impl std::error::Error for EnvRefusal {}

impl std::fmt::Display for EnvRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EnvRefusal::ControlCharacter(c) => write!(
                f,
                "the value contains the control character U+{:04X}, which an environment \
                 variable in an env file cannot carry",
                *c as u32
            ),
            EnvRefusal::Interpolation => f.write_str(
                "the value contains `${`, which docker-compose 1.x expands even inside quotes",
            ),
            EnvRefusal::DollarWithQuoteOrBackslash => f.write_str(
                "the value contains `$` together with `'` or a backslash; no env-file quoting \
                 delivers that unchanged through both docker compose v1 and v2",
            ),
            EnvRefusal::TrailingBackslash => f.write_str(
                "the value ends in a backslash and holds `#` or `$`: docker compose v1 reads a \
                 backslash before the closing quote as escaping it (and swallows the lines \
                 that follow), and unquoted it would cut the value at `#` or expand `$`",
            ),
        }
    }
}

/// A YAML double-quoted scalar. Escapes what YAML 1.1 and 1.2 parsers require (quote,
/// backslash, control and non-printable characters, line and paragraph separators, BOM);
/// everything else, including non-ASCII text, is written as it is.
pub fn yaml_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_yaml_escape(c) => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn needs_yaml_escape(c: char) -> bool {
    let u = c as u32;
    u < 0x20 || (0x7F..=0x9F).contains(&u) || matches!(u, 0x2028 | 0x2029 | 0xFEFF)
}

/// Escapes `${` for text that OpenMetadata's config loader substitutes as one whole (an
/// environment variable's value is substituted on its own). The loader (Dropwizard's
/// `EnvironmentVariableSubstitutor`: commons-text's `StringSubstitutor`) takes a `$` before
/// `${` as an escape and drops it, but only when a `}` closes the variable later in the text;
/// an unclosed `${` is left as written, so escaping it would leave a stray `$`
/// (docs/OPENMETADATA-RELEASES.md). So `${` is written `$${` only when a `}` follows it.
pub fn escape_substitution(s: &str) -> String {
    escape_closed_substitution(s, "${")
}

/// [`escape_substitution`] for YAML in which every `${` lies inside a double-quoted scalar
/// (what [`yaml_quoted`] writes) and which the loader reads as part of a larger text
/// (openmetadata.yaml), where a `}` further down the file closes a `${` this text leaves open:
/// an unclosed `${` is written `\x24{`, which the loader does not see and YAML reads as `${`.
pub fn escape_substitution_quoted(yaml: &str) -> String {
    escape_closed_substitution(yaml, "\\x24{")
}

fn escape_closed_substitution(s: &str, unclosed: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        rest = &rest[i + 2..];
        out.push_str(if rest.contains('}') { "$${" } else { unclosed });
    }
    out.push_str(rest);
    out
}

/// A value as OpenMetadata must find it in an environment variable: a YAML fragment that its
/// loader reads back as exactly this value. Strings that YAML 1.1 reads as themselves stay
/// plain (`open-metadata`); others are double-quoted. Lists and maps become flow collections
/// (`[a, b]`, `{}`), which is how OpenMetadata's own defaults write them.
pub fn om_fragment(value: &Fragment) -> String {
    let text = match value {
        Fragment::Str(s) => om_scalar(s, false),
        Fragment::Raw(s) => s.clone(),
        Fragment::Seq(items) => {
            let items: Vec<String> = items.iter().map(|s| om_scalar(s, true)).collect();
            format!("[{}]", items.join(", "))
        }
        Fragment::Map(entries) => {
            let entries: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}: {}", om_scalar(k, true), om_scalar(v, true)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
    };
    escape_substitution(&text)
}

/// The shapes of values that travel to OpenMetadata through one environment variable.
#[derive(Debug)]
pub enum Fragment {
    Str(String),
    /// Already YAML (booleans and numbers).
    Raw(String),
    Seq(Vec<String>),
    Map(Vec<(String, String)>),
}

fn om_scalar(s: &str, in_flow: bool) -> String {
    if is_plain_safe(s, in_flow) {
        s.to_string()
    } else {
        yaml_quoted(s)
    }
}

/// Whether `s` can be written as a YAML plain scalar that every YAML 1.1/1.2 parser reads back
/// as this same string. Conservative on purpose: quoting a string that did not need it is
/// harmless, leaving one plain that did is not.
pub fn is_plain_safe(s: &str, in_flow: bool) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    // Indicators that change the meaning at the start, plus characters that start YAML 1.1
    // special values (`~` null, `=` value key, `<<` merge, `.inf`, signed numbers).
    if "-?:,[]{}#&*!|>'\"%@`=~<.+".contains(first) || first.is_whitespace() {
        return false;
    }
    if s.ends_with(char::is_whitespace) || s.ends_with(':') {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.contains('\t') {
        return false;
    }
    if s.chars().any(|c| needs_yaml_escape(c) || c == '\n') {
        return false;
    }
    // In a flow collection SnakeYAML (OpenMetadata's parser) also takes a plain `?` for the
    // mapping-key indicator and refuses the file (`[https://a/cb, https://b/cb?x=1]`).
    if in_flow && s.contains([',', '[', ']', '{', '}', '?']) {
        return false;
    }
    // YAML 1.1 resolves bool/null words and numbers, hex, octal, sexagesimal and timestamps;
    // all of those use only these characters, so a string with another one stays a string.
    const NUMBER_LIKE: &str = "0123456789abcdefABCDEFxXoOtTzZ+-._: ";
    const WORDS: [&str; 9] = ["y", "yes", "n", "no", "on", "off", "true", "false", "null"];
    s.chars().any(|c| !NUMBER_LIKE.contains(c)) && !WORDS.contains(&s.to_lowercase().as_str())
}

/// The right-hand side of `KEY=…` in an env file for docker compose, delivering `s` to the
/// container byte for byte with compose v1 and v2, or why that is impossible.
pub fn env_quoted(s: &str) -> Result<String, EnvRefusal> {
    if let Some(c) = s.chars().find(|c| c.is_control()) {
        return Err(EnvRefusal::ControlCharacter(c));
    }
    if s.contains("${") {
        return Err(EnvRefusal::Interpolation);
    }
    // Single quotes: literal in compose v2; v1 decodes only `\\` and `\'`, and both end the
    // value at a quote that follows a backslash, so those three cases must not occur.
    if !s.contains('\'') && !s.contains("\\\\") && !s.ends_with('\\') {
        return Ok(format!("'{s}'"));
    }
    // A final backslash cannot be quoted for compose v1 at all: its parser (python-dotenv)
    // takes `\"` and `\'` as an escaped quote even after an escaped backslash (`"a\\"`), so
    // the value runs on into the following lines. Unquoted, both versions take the value as
    // written up to the end of the line, as long as nothing in it is special there: a `#`
    // (a comment), a `$` (expanded), or a quote or blank at its start.
    if s.ends_with('\\') {
        let special = s.contains(['#', '$']) || s.starts_with(['\'', '"', ' ']);
        return if special {
            Err(EnvRefusal::TrailingBackslash)
        } else {
            Ok(s.to_string())
        };
    }
    // Double quotes: both decode `\\` and `\"`; both expand `$`, each in its own way.
    if !s.contains('$') {
        return Ok(format!(
            "\"{}\"",
            s.replace('\\', "\\\\").replace('"', "\\\"")
        ));
    }
    Err(EnvRefusal::DollarWithQuoteOrBackslash)
}

/// An env-file line's value for a value OpenMetadata reads: its fragment, quoted for compose.
/// Control characters are fine here: the fragment carries them as YAML escapes (`\n`).
pub fn env_value(value: &Fragment) -> Result<String, EnvRefusal> {
    env_quoted(&om_fragment(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml_str(doc: &str) -> String {
        match serde_yaml::from_str::<serde_yaml::Value>(doc).unwrap() {
            serde_yaml::Value::String(s) => s,
            other => panic!("{doc:?} read back as {other:?}"),
        }
    }

    const NASTY: &[&str] = &[
        "",
        " lead",
        "trail ",
        "p$ss \"w0rd\" 'q' #1: {x} \\back ü€",
        "a: b",
        "a #b",
        "#x",
        "- x",
        "[x]",
        "{}",
        "yes",
        "No",
        "null",
        "~",
        "0123",
        "1e3",
        "0xdeadbeef",
        "12:30",
        "2024-01-02",
        ".inf",
        "line\nbreak",
        "tab\there",
        "nul\u{0}x",
        "\u{85}next line",
        "bom\u{FEFF}",
        "ls\u{2028}x",
        "*alias",
        "&anchor",
        "!tag",
        "%dir",
        "@at",
        "`tick",
        "=",
        "<<",
    ];

    #[test]
    fn yaml_quoted_reads_back_as_the_same_string() {
        for s in NASTY {
            assert_eq!(&yaml_str(&yaml_quoted(s)), s, "{s:?}");
        }
    }

    #[test]
    fn om_fragments_read_back_as_the_same_string() {
        for s in NASTY
            .iter()
            .chain(&["open-metadata", "KeyCloak", "8f3Kq2Zx", "a\\b $x"])
        {
            let f = om_fragment(&Fragment::Str(s.to_string()));
            assert_eq!(&yaml_str(&f.replace("$${", "${")), s, "{s:?} as {f:?}");
        }
    }

    #[test]
    fn ordinary_values_stay_plain() {
        for s in [
            "open-metadata",
            "KeyCloak",
            "http://kc:8080/realms/r/protocol/openid-connect/certs",
            "openid email profile",
            "Xk2pL9qW0zT7vR4mN8bC1dF6gH3jS5aY",
            "example.com",
        ] {
            assert_eq!(om_fragment(&Fragment::Str(s.to_string())), s);
        }
        for s in ["yes", "0123", "ffff", "1e3", "", "a: b", "${x}"] {
            assert_ne!(om_fragment(&Fragment::Str(s.to_string())), s, "{s:?}");
        }
    }

    #[test]
    fn flow_collections_read_back() {
        let f = om_fragment(&Fragment::Seq(
            ["http://a/x", "a,b", "[c]"].map(String::from).to_vec(),
        ));
        let v: Vec<String> = serde_yaml::from_str(&f).unwrap();
        assert_eq!(v, ["http://a/x", "a,b", "[c]"]);
        assert_eq!(om_fragment(&Fragment::Map(vec![])), "{}");
        assert_eq!(om_fragment(&Fragment::Seq(vec!["admin".into()])), "[admin]");
        assert_eq!(
            om_fragment(&Fragment::Seq(vec!["https://b/cb?x=1&y=2".into()])),
            "[\"https://b/cb?x=1&y=2\"]"
        );
    }

    #[test]
    fn substitution_is_escaped() {
        assert_eq!(escape_substitution("a${b}$${c}"), "a$${b}$$${c}");
        // Unclosed: the loader leaves it as written (an escape would stay).
        assert_eq!(escape_substitution("a${b}c${d"), "a$${b}c${d");
        assert_eq!(escape_substitution_quoted("\"a${b\""), "\"a\\x24{b\"");
        assert_eq!(
            escape_substitution_quoted("[\"a${b\", \"c}\"]"),
            "[\"a$${b\", \"c}\"]"
        );
        // `$` and braces are ordinary characters for YAML; only the loader's `${` needs care.
        assert_eq!(om_fragment(&Fragment::Str("${HOME}".into())), "$${HOME}");
    }

    #[test]
    fn env_quoting_picks_a_form_both_compose_versions_read_alike() {
        assert_eq!(env_quoted("a$b \"q\" #x").unwrap(), "'a$b \"q\" #x'");
        assert_eq!(env_quoted("it's").unwrap(), "\"it's\"");
        assert_eq!(env_quoted("a\\\\b").unwrap(), "\"a\\\\\\\\b\"");
        // Unquoted: compose v1 would take `\"` in `"end\\"` for an escaped quote.
        assert_eq!(env_quoted("end\\").unwrap(), "end\\");
        assert_eq!(env_quoted("it's \"a\" b\\").unwrap(), "it's \"a\" b\\");
        assert_eq!(env_quoted("p#ss\\"), Err(EnvRefusal::TrailingBackslash));
        assert_eq!(env_quoted("'q\\"), Err(EnvRefusal::TrailingBackslash));
        assert_eq!(env_quoted("a\\b $x").unwrap(), "'a\\b $x'");
        assert_eq!(
            env_quoted("it's $x"),
            Err(EnvRefusal::DollarWithQuoteOrBackslash)
        );
        assert_eq!(env_quoted("${HOME}"), Err(EnvRefusal::Interpolation));
        assert_eq!(env_quoted("a\nb"), Err(EnvRefusal::ControlCharacter('\n')));
    }

    #[test]
    fn env_values_carry_what_the_fragment_can() {
        assert_eq!(
            env_value(&Fragment::Str("line\nbreak".into())).unwrap(),
            "'\"line\\nbreak\"'"
        );
        assert_eq!(
            env_value(&Fragment::Str("open-metadata".into())).unwrap(),
            "'open-metadata'"
        );
        // `$` with a value that needs quoting and holds a backslash: the fragment has `\\`.
        assert!(env_value(&Fragment::Str("a: \\ $".into())).is_err());
        assert!(env_value(&Fragment::Str("it's: \\x".into())).is_ok());
    }
}
