//! A YAML document as SOPS sees it: mappings with string keys in file order, sequences, and
//! typed scalars (string, integer, float, boolean). Values are visited in document order
//! with their path of keys (a sequence adds nothing to the path, as in SOPS), which is what
//! both the encryption's additional data and the MAC are made of.
//!
//! Comments are not part of the tree: SOPS never puts them into the MAC, and omsso writes
//! none into a SOPS file (the rendered Secret's comments talk about the plaintext file).
//!
//! Values may be secrets, so nothing here has a `Debug` that shows them.

use crate::escape;

/// A scalar value with the type SOPS gives it.
#[derive(Clone, PartialEq)]
pub enum Scalar {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// A timestamp SOPS encrypted with `type:time`, kept as its text.
    Time(String),
}

impl std::fmt::Debug for Scalar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Scalar::{}(…)", self.typed_bytes().0)
    }
}

impl Scalar {
    /// The `type:` tag and the bytes SOPS encrypts and puts into the MAC for this value
    /// (`ToBytes` and the cipher agree: integers in decimal, floats in their shortest form
    /// without exponent, booleans as `True`/`False`).
    pub fn typed_bytes(&self) -> (&'static str, String) {
        match self {
            Scalar::Str(s) => ("str", s.clone()),
            Scalar::Int(i) => ("int", i.to_string()),
            // Rust's `{}` for f64 is the shortest round-trip form without exponent, as Go's
            // strconv.FormatFloat(v, 'f', -1, 64).
            Scalar::Float(x) => ("float", x.to_string()),
            Scalar::Bool(true) => ("bool", "True".to_string()),
            Scalar::Bool(false) => ("bool", "False".to_string()),
            Scalar::Time(t) => ("time", t.clone()),
        }
    }

    /// Reads back a decrypted value of SOPS type `kind`.
    pub fn from_typed(kind: &str, text: String) -> Option<Scalar> {
        Some(match kind {
            "str" | "bytes" | "comment" => Scalar::Str(text),
            "int" => Scalar::Int(text.parse().ok()?),
            "float" => Scalar::Float(text.parse().ok()?),
            // Go's strconv.ParseBool.
            "bool" => Scalar::Bool(match text.as_str() {
                "1" | "t" | "T" | "TRUE" | "true" | "True" => true,
                "0" | "f" | "F" | "FALSE" | "false" | "False" => false,
                _ => return None,
            }),
            "time" => Scalar::Time(text),
            _ => return None,
        })
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Scalar::Str(s) => Some(s),
            _ => None,
        }
    }
}

#[derive(Clone, PartialEq)]
pub enum Node {
    Map(Vec<(String, Node)>),
    Seq(Vec<Node>),
    Leaf(Scalar),
    /// `null` or an empty value: SOPS neither encrypts it nor puts it into the MAC.
    Null,
}

/// Why a YAML document cannot be a SOPS tree. Names a place, never a value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TreeError {
    #[error("not valid YAML: {0}")]
    Yaml(String),
    #[error("collections nest more than {MAX_DEPTH} deep (line {0}); no SOPS file does")]
    TooDeep(usize),
    #[error("the document is not a mapping")]
    NotMapping,
    #[error("a key under `{0}` is not a string")]
    NonStringKey(String),
    #[error("the value at `{0}` has a YAML tag or type SOPS files cannot hold")]
    Unsupported(String),
}

/// How deep collections may nest in a SOPS file. serde_yaml refuses more than 128 too, but
/// only once its parser (libyaml) has read the whole document, spending time in proportion
/// to the open collections on every token: quadratic in the depth (80,000 levels: 27 s, and
/// a 1 MiB file minutes).
pub const MAX_DEPTH: usize = 128;

/// The line where `text`'s collections first nest deeper than [`MAX_DEPTH`], found with
/// yaml-rust2's event stream, which stops there (linear). Syntax errors are left to
/// serde_yaml to report.
fn too_deep(text: &str) -> Option<usize> {
    use yaml_rust2::parser::{Event, Parser};
    let mut parser = Parser::new_from_str(text);
    let mut depth = 0usize;
    loop {
        match parser.next_token() {
            Ok((Event::SequenceStart(..) | Event::MappingStart(..), mark)) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(mark.line());
                }
            }
            Ok((Event::SequenceEnd | Event::MappingEnd, _)) => depth = depth.saturating_sub(1),
            Ok((Event::StreamEnd, _)) => return None,
            Ok(_) => {}
            // yaml-rust2's scanner looks ahead through flow collections (`[[[…`) and gives
            // up at 255 open ones with this message, before the events get that deep.
            Err(e) => {
                return (e.info() == "recursion limit exceeded").then(|| e.marker().line());
            }
        }
    }
}

impl Node {
    /// Parses one YAML document whose top level is a mapping.
    pub fn parse(text: &str) -> Result<Node, TreeError> {
        if let Some(line) = too_deep(text) {
            return Err(TreeError::TooDeep(line));
        }
        let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
            // The parser's message quotes no content, only positions and kinds.
            TreeError::Yaml(e.to_string())
        })?;
        let node = Node::from_yaml(value, &mut Vec::new())?;
        match node {
            Node::Map(_) => Ok(node),
            _ => Err(TreeError::NotMapping),
        }
    }

    fn from_yaml(value: serde_yaml::Value, path: &mut Vec<String>) -> Result<Node, TreeError> {
        use serde_yaml::Value as V;
        let here = |path: &[String]| path.join(".");
        Ok(match value {
            V::Null => Node::Null,
            V::Bool(b) => Node::Leaf(Scalar::Bool(b)),
            V::String(s) => Node::Leaf(Scalar::Str(s)),
            V::Number(n) => Node::Leaf(match (n.as_i64(), n.as_f64()) {
                (Some(i), _) => Scalar::Int(i),
                (None, Some(x)) if x.is_finite() && n.is_f64() => Scalar::Float(x),
                _ => return Err(TreeError::Unsupported(here(path))),
            }),
            V::Sequence(items) => Node::Seq(
                items
                    .into_iter()
                    .map(|v| Node::from_yaml(v, path))
                    .collect::<Result<_, _>>()?,
            ),
            V::Mapping(map) => {
                let mut entries = Vec::with_capacity(map.len());
                for (k, v) in map {
                    let V::String(key) = k else {
                        return Err(TreeError::NonStringKey(here(path)));
                    };
                    path.push(key.clone());
                    let child = Node::from_yaml(v, path);
                    path.pop();
                    entries.push((key, child?));
                }
                Node::Map(entries)
            }
            V::Tagged(_) => return Err(TreeError::Unsupported(here(path))),
        })
    }

    /// The value under `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Removes and returns the entry `key` of a mapping.
    pub fn take(&mut self, key: &str) -> Option<Node> {
        match self {
            Node::Map(entries) => {
                let i = entries.iter().position(|(k, _)| k == key)?;
                Some(entries.remove(i).1)
            }
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::Leaf(s) => s.as_str(),
            _ => None,
        }
    }

    /// Calls `f` with the path and value of every scalar, in document order (nulls are
    /// skipped, as SOPS skips them).
    pub fn visit(&self, f: &mut impl FnMut(&[String], &Scalar)) {
        fn go(node: &Node, path: &mut Vec<String>, f: &mut impl FnMut(&[String], &Scalar)) {
            match node {
                Node::Leaf(s) => f(path, s),
                Node::Null => {}
                Node::Seq(items) => items.iter().for_each(|n| go(n, path, f)),
                Node::Map(entries) => {
                    for (k, v) in entries {
                        path.push(k.clone());
                        go(v, path, f);
                        path.pop();
                    }
                }
            }
        }
        go(self, &mut Vec::new(), f)
    }

    /// The same tree with every scalar replaced by `f(path, value)`.
    pub fn map_leaves<E>(
        &self,
        f: &mut impl FnMut(&[String], &Scalar) -> Result<Scalar, E>,
    ) -> Result<Node, E> {
        fn go<E>(
            node: &Node,
            path: &mut Vec<String>,
            f: &mut impl FnMut(&[String], &Scalar) -> Result<Scalar, E>,
        ) -> Result<Node, E> {
            Ok(match node {
                Node::Leaf(s) => Node::Leaf(f(path, s)?),
                Node::Null => Node::Null,
                Node::Seq(items) => Node::Seq(
                    items
                        .iter()
                        .map(|n| go(n, path, f))
                        .collect::<Result<_, _>>()?,
                ),
                Node::Map(entries) => {
                    let mut out = Vec::with_capacity(entries.len());
                    for (k, v) in entries {
                        path.push(k.clone());
                        let child = go(v, path, f);
                        path.pop();
                        out.push((k.clone(), child?));
                    }
                    Node::Map(out)
                }
            })
        }
        go(self, &mut Vec::new(), f)
    }

    /// The document as YAML, laid out as SOPS writes it (four-space indent, sequences
    /// indented under their key, multi-line strings as literal blocks).
    pub fn to_yaml(&self) -> String {
        let mut out = String::new();
        match self {
            Node::Map(entries) => emit_map(entries, 0, 0, &mut out),
            other => {
                out.push_str(&inline(other).unwrap_or_default());
                out.push('\n');
            }
        }
        out
    }
}

const INDENT: usize = 4;

/// Writes the entries of a mapping. The first key goes where the caller left the cursor
/// (after `- ` for a sequence item), the others at column `col`; `base` is the column the
/// entries' own blocks are indented from (the dash of a sequence item, else `col`).
fn emit_map(entries: &[(String, Node)], col: usize, base: usize, out: &mut String) {
    for (i, (key, value)) in entries.iter().enumerate() {
        if i > 0 {
            out.push_str(&" ".repeat(col));
        }
        out.push_str(&scalar_text(key));
        out.push(':');
        match value {
            Node::Map(inner) if !inner.is_empty() => {
                out.push('\n');
                out.push_str(&" ".repeat(col + INDENT));
                emit_map(inner, col + INDENT, col + INDENT, out);
            }
            Node::Seq(items) if !items.is_empty() => {
                out.push('\n');
                emit_seq(items, col + INDENT, out);
            }
            Node::Leaf(Scalar::Str(s)) if literal_block(s) => {
                out.push_str(" |\n");
                for line in s.lines() {
                    out.push_str(&" ".repeat(base + INDENT));
                    out.push_str(line);
                    out.push('\n');
                }
            }
            other => {
                out.push(' ');
                out.push_str(&inline(other).unwrap_or_default());
                out.push('\n');
            }
        }
    }
}

/// Writes a sequence with its dashes at column `col`.
fn emit_seq(items: &[Node], col: usize, out: &mut String) {
    for item in items {
        out.push_str(&" ".repeat(col));
        out.push_str("- ");
        match item {
            Node::Map(inner) if !inner.is_empty() => emit_map(inner, col + 2, col, out),
            Node::Seq(inner) if !inner.is_empty() => {
                out.push('\n');
                emit_seq(inner, col + INDENT, out);
            }
            other => {
                out.push_str(&inline(other).unwrap_or_default());
                out.push('\n');
            }
        }
    }
}

/// A value written on its key's line: a scalar, `null`, or an empty collection.
fn inline(node: &Node) -> Option<String> {
    Some(match node {
        Node::Null => "null".to_string(),
        Node::Map(e) if e.is_empty() => "{}".to_string(),
        Node::Seq(s) if s.is_empty() => "[]".to_string(),
        Node::Leaf(Scalar::Str(s) | Scalar::Time(s)) => scalar_text(s),
        Node::Leaf(Scalar::Bool(b)) => b.to_string(),
        Node::Leaf(Scalar::Int(i)) => i.to_string(),
        // A float keeps a decimal point, so it reads back as a float.
        Node::Leaf(Scalar::Float(x)) => {
            let t = x.to_string();
            if t.contains(['.', 'e', 'E']) {
                t
            } else {
                format!("{t}.0")
            }
        }
        _ => return None,
    })
}

/// A string as a YAML scalar that reads back as this same string: plain when that is safe,
/// else double-quoted.
fn scalar_text(s: &str) -> String {
    if escape::is_plain_safe(s, false) {
        s.to_string()
    } else {
        escape::yaml_quoted(s)
    }
}

/// Multi-line text (an armored age file) is written as a literal block when it reads back
/// unchanged: one final newline, no other line break kinds, no line with surrounding blanks.
fn literal_block(s: &str) -> bool {
    s.len() > 1
        && s.ends_with('\n')
        && !s.ends_with("\n\n")
        && !s.contains('\r')
        && s.lines().all(|l| {
            !l.is_empty()
                && !l.starts_with([' ', '\t'])
                && !l.ends_with([' ', '\t'])
                && l.chars().all(|c| !c.is_control())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deep nesting was parsed whole before serde_yaml refused it: 80,000 levels took 27 s
    /// (issue 20, L5). Now refused where it passes the limit, in flow and block style.
    #[test]
    fn deep_nesting_is_refused_before_serde_yaml_reads_it() {
        let n = 20_000;
        let block: String = (0..200).map(|i| format!("{}a:\n", " ".repeat(i))).collect();
        for text in [
            format!("a: {}{}\n", "[".repeat(n), "]".repeat(n)),
            format!("a: {}1{}\n", "{b: ".repeat(n), "}".repeat(n)),
            block,
        ] {
            assert!(
                matches!(Node::parse(&text), Err(TreeError::TooDeep(_))),
                "{}",
                &text[..40]
            );
        }
        let fine: String = (0..100).map(|i| format!("{}a:\n", " ".repeat(i))).collect();
        assert!(Node::parse(&fine).is_ok());
        // A syntax error is serde_yaml's to report, as before.
        assert!(matches!(Node::parse("a: [\n"), Err(TreeError::Yaml(_))));
    }

    const DOC: &str = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: \"oidc-secrets\"\n  labels: {}\ntype: Opaque\nstringData:\n  \"id\": 'open-metadata'\n  n: 12\n  f: 1.5\n  b: true\n  e: \"\"\n  z: null\nlist:\n  - a\n  - k: v\n    l: \"x: y\"\n";

    #[test]
    fn a_document_keeps_order_types_and_paths() {
        let tree = Node::parse(DOC).unwrap();
        let mut seen = Vec::new();
        tree.visit(&mut |path, v| seen.push((path.join(":"), v.typed_bytes())));
        let kinds: Vec<(&str, &str)> = seen.iter().map(|(p, (k, _))| (p.as_str(), *k)).collect();
        assert_eq!(
            kinds,
            [
                ("apiVersion", "str"),
                ("kind", "str"),
                ("metadata:name", "str"),
                ("type", "str"),
                ("stringData:id", "str"),
                ("stringData:n", "int"),
                ("stringData:f", "float"),
                ("stringData:b", "bool"),
                ("stringData:e", "str"),
                ("list", "str"),
                ("list:k", "str"),
                ("list:l", "str"),
            ]
        );
        assert_eq!(seen[7].1 .1, "True");
    }

    #[test]
    fn emitted_yaml_reads_back_as_the_same_tree() {
        let tree = Node::parse(DOC).unwrap();
        let text = tree.to_yaml();
        assert!(
            text.contains("metadata:\n    name: oidc-secrets\n"),
            "{text}"
        );
        assert!(
            text.contains("list:\n    - \"a\"\n    - k: v\n      l: \"x: y\"\n"),
            "{text}"
        );
        assert!(Node::parse(&text).unwrap() == tree, "{text}");

        let armored =
            "-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n";
        let meta = Node::Map(vec![(
            "age".into(),
            Node::Seq(vec![Node::Map(vec![
                ("enc".into(), Node::Leaf(Scalar::Str(armored.into()))),
                ("recipient".into(), Node::Leaf(Scalar::Str("age1x".into()))),
            ])]),
        )]);
        let doc = Node::Map(vec![("sops".into(), meta)]);
        let text = doc.to_yaml();
        assert_eq!(
            text,
            "sops:\n    age:\n        - enc: |\n            -----BEGIN AGE ENCRYPTED FILE-----\n            YWdl\n            -----END AGE ENCRYPTED FILE-----\n          recipient: age1x\n"
        );
        assert!(Node::parse(&text).unwrap() == doc);
    }

    #[test]
    fn documents_sops_cannot_hold_are_refused_by_place() {
        assert_eq!(Node::parse("- a\n").err(), Some(TreeError::NotMapping));
        assert_eq!(
            Node::parse("a:\n  1: x\n").err(),
            Some(TreeError::NonStringKey("a".into()))
        );
        assert_eq!(
            Node::parse("a:\n  b: !custom x\n").err(),
            Some(TreeError::Unsupported("a.b".into()))
        );
        assert!(matches!(Node::parse("a: [\n"), Err(TreeError::Yaml(_))));
    }
}
