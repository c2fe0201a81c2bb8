//! A docker env file (`--env-file`) read the way docker compose reads it: `KEY=value` lines,
//! `#` comment lines, an optional `export ` prefix, single- or double-quoted values, and for
//! unquoted values surrounding blanks trimmed and a ` # comment` stripped.
//! (Checked against Debian's docker-compose 1.29, whose python-dotenv parser agrees with
//! compose v2 on all of these.)

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvEntry {
    pub key: String,
    /// The value compose passes on: quotes removed, escapes decoded, comment stripped.
    pub value: String,
    pub line: usize,
    pub quoted: bool,
    /// An unquoted value followed by ` # …`: compose strips it, `docker run --env-file` keeps it.
    pub inline_comment: bool,
    /// An unquoted value that ends in a quote it never opened.
    pub stray_quote: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvProblem {
    /// Not `KEY=value` at all.
    NotAssignment,
    /// `KEY: value`: YAML style, which compose's env-file parser rejects.
    YamlStyle,
    /// A quoted value whose closing quote is missing on that line.
    UnclosedQuote,
    /// Text after a closing quote that is not a comment.
    TextAfterQuote,
}

#[derive(Debug, Default)]
pub struct EnvFile {
    pub entries: Vec<EnvEntry>,
    /// (line, key when one could be read, problem)
    pub problems: Vec<(usize, Option<String>, EnvProblem)>,
}

impl EnvFile {
    /// The entry compose uses for `key`: the last one wins.
    pub fn get(&self, key: &str) -> Option<&EnvEntry> {
        self.entries.iter().rev().find(|e| e.key == key)
    }
}

pub fn parse(text: &str) -> EnvFile {
    let mut file = EnvFile::default();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let body = raw.trim();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let body = body.strip_prefix("export ").map_or(body, str::trim_start);
        let key_len = body
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
            .unwrap_or(body.len());
        let key = &body[..key_len];
        let after_key = body[key_len..].trim_start();
        if key.is_empty() || key.starts_with(|c: char| c.is_ascii_digit()) {
            file.problems.push((line, None, EnvProblem::NotAssignment));
            continue;
        }
        let Some(raw_value) = after_key.strip_prefix('=') else {
            let problem = if after_key.starts_with(':') {
                EnvProblem::YamlStyle
            } else {
                EnvProblem::NotAssignment
            };
            file.problems.push((line, Some(key.to_string()), problem));
            continue;
        };
        match read_value(raw_value.trim_start()) {
            Ok(v) => file.entries.push(EnvEntry {
                key: key.to_string(),
                value: v.value,
                line,
                quoted: v.quoted,
                inline_comment: v.inline_comment,
                stray_quote: v.stray_quote,
            }),
            Err(problem) => file.problems.push((line, Some(key.to_string()), problem)),
        }
    }
    file
}

struct Value {
    value: String,
    quoted: bool,
    inline_comment: bool,
    stray_quote: bool,
}

fn read_value(s: &str) -> Result<Value, EnvProblem> {
    let Some(q) = s.chars().next().filter(|c| matches!(c, '"' | '\'')) else {
        let (value, comment) = match s.find(" #").or_else(|| s.find("\t#")) {
            Some(i) => (s[..i].trim_end(), true),
            None => (s.trim_end(), false),
        };
        let stray_quote = value
            .chars()
            .last()
            .is_some_and(|c| matches!(c, '"' | '\'') && value.matches(c).count() % 2 == 1);
        return Ok(Value {
            value: value.to_string(),
            quoted: false,
            inline_comment: comment,
            stray_quote,
        });
    };
    let mut out = String::new();
    let mut chars = s[1..].char_indices();
    let close = loop {
        match chars.next() {
            None => return Err(EnvProblem::UnclosedQuote),
            Some((i, c)) if c == q => break i + 1,
            // Double quotes decode backslash escapes; single quotes keep text as written.
            Some((_, '\\')) if q == '"' => match chars.next() {
                Some((_, 'n')) => out.push('\n'),
                Some((_, 't')) => out.push('\t'),
                Some((_, c)) => out.push(c),
                None => return Err(EnvProblem::UnclosedQuote),
            },
            Some((_, c)) => out.push(c),
        }
    };
    let rest = s[1 + close..].trim_start();
    if !(rest.is_empty() || rest.starts_with('#')) {
        return Err(EnvProblem::TextAfterQuote);
    }
    Ok(Value {
        value: out,
        quoted: true,
        inline_comment: false,
        stray_quote: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_values_like_compose() {
        let f = parse(
            "# c\nA= lead\nB=val # comment\nC=\"q\" # c\nD=x#y\nexport E='a b'\nF=\"x\\\"y\"\nG=x/cb\"\n",
        );
        let v = |k| f.get(k).unwrap().value.as_str();
        assert_eq!(v("A"), "lead");
        assert_eq!(v("B"), "val");
        assert!(f.get("B").unwrap().inline_comment);
        assert_eq!(v("C"), "q");
        assert_eq!(v("D"), "x#y");
        assert_eq!(v("E"), "a b");
        assert_eq!(v("F"), "x\"y");
        assert!(f.get("G").unwrap().stray_quote);
        assert_eq!(f.get("G").unwrap().line, 8);
        assert!(f.problems.is_empty());
    }

    #[test]
    fn problems() {
        let f = parse("A: b\nB=\"open\nC=\"x\" y\njunk line\n");
        let kinds: Vec<_> = f.problems.iter().map(|p| (p.0, p.2)).collect();
        assert_eq!(
            kinds,
            vec![
                (1, EnvProblem::YamlStyle),
                (2, EnvProblem::UnclosedQuote),
                (3, EnvProblem::TextAfterQuote),
                (4, EnvProblem::NotAssignment)
            ]
        );
    }
}
