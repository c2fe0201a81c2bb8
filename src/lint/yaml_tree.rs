//! A YAML tree that remembers the line of every key and value, so a lint finding can point at
//! the line to fix. `serde_yaml` (used everywhere else) drops positions once parsing succeeds,
//! so this module builds its own small tree from yaml-rust2's marked events.
//!
//! It also knows two hand-editing slips copied from OpenMetadata's docs: `key:"value"` with no
//! space after the colon (invalid YAML) and a value with a stray closing quote (valid YAML, wrong
//! value). The first is repaired in a copy of the text so the rest of the file can still be
//! checked; both are reported by the lint.

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// 1-based line where the node starts.
    pub line: usize,
    pub value: NodeValue,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeValue {
    /// `quoted` tells a string from a plain scalar that YAML may read as a number or boolean.
    Scalar {
        text: String,
        quoted: bool,
    },
    Seq(Vec<Node>),
    /// Entries in file order; a repeated key appears twice (see [`Node::duplicate_keys`]).
    Map(Vec<Entry>),
    /// An alias (`*name`); the lint does not follow anchors.
    Alias,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_line: usize,
    pub value: Node,
}

/// What YAML (1.2 core schema, as most loaders apply it) makes of a plain scalar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarType {
    Null,
    Bool,
    Number,
    Str,
}

impl Node {
    /// The entry for `key` in a mapping. With a repeated key the last one wins, as in the
    /// loaders OpenMetadata and Helm use.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            NodeValue::Map(entries) => entries.iter().rev().find(|e| e.key == key),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn entries(&self) -> &[Entry] {
        match &self.value {
            NodeValue::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn scalar(&self) -> Option<&str> {
        match &self.value {
            NodeValue::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    pub fn scalar_type(&self) -> Option<ScalarType> {
        match &self.value {
            NodeValue::Scalar { quoted: true, .. } => Some(ScalarType::Str),
            NodeValue::Scalar { text, .. } => Some(plain_type(text)),
            _ => None,
        }
    }

    /// Keys that appear more than once in one mapping, anywhere below this node:
    /// (dotted path, line of the repeat).
    pub fn duplicate_keys(&self, path: &str, out: &mut Vec<(String, usize)>) {
        match &self.value {
            NodeValue::Map(entries) => {
                for (i, e) in entries.iter().enumerate() {
                    let here = join(path, &e.key);
                    if entries[..i].iter().any(|prev| prev.key == e.key) {
                        out.push((here.clone(), e.key_line));
                    }
                    e.value.duplicate_keys(&here, out);
                }
            }
            NodeValue::Seq(items) => items.iter().for_each(|n| n.duplicate_keys(path, out)),
            _ => {}
        }
    }
}

pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn plain_type(text: &str) -> ScalarType {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => ScalarType::Null,
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => ScalarType::Bool,
        t if t.parse::<f64>().is_ok() && !t.starts_with('.') => ScalarType::Number,
        _ => ScalarType::Str,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: usize,
    pub message: String,
}

/// Parses the first document of `text`. An empty file is an empty mapping's worth of nothing:
/// a null scalar on line 1.
pub fn parse(text: &str) -> Result<Node, YamlError> {
    let mut builder = Builder::default();
    Parser::new_from_str(text)
        .load(&mut builder, false)
        .map_err(|e| YamlError {
            line: e.marker().line(),
            // The scanner's messages describe the syntax ("did not find expected key") and quote
            // at most one indicator character (`@`, `%`, a backtick), never a value, so they are
            // safe to show for secret lines too.
            message: e.info().to_string(),
        })?;
    Ok(builder.root.unwrap_or(Node {
        line: 1,
        value: NodeValue::Scalar {
            text: String::new(),
            quoted: false,
        },
    }))
}

/// Collections under construction; a mapping holds the pending key until its value arrives.
enum Open {
    Seq(Node),
    Map(Node, Option<(String, usize)>),
}

#[derive(Default)]
struct Builder {
    stack: Vec<Open>,
    root: Option<Node>,
}

impl Builder {
    fn push_node(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Open::Seq(seq)) => {
                if let NodeValue::Seq(items) = &mut seq.value {
                    items.push(node);
                }
            }
            Some(Open::Map(map, pending)) => match pending.take() {
                None => {
                    // A key. Non-scalar keys are legal YAML but never appear in these configs.
                    let key = node.scalar().unwrap_or("?").to_string();
                    *pending = Some((key, node.line));
                }
                Some((key, key_line)) => {
                    if let NodeValue::Map(entries) = &mut map.value {
                        entries.push(Entry {
                            key,
                            key_line,
                            value: node,
                        });
                    }
                }
            },
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let line = mark.line();
        match ev {
            Event::Scalar(text, style, ..) => self.push_node(Node {
                line,
                value: NodeValue::Scalar {
                    text,
                    quoted: style != TScalarStyle::Plain,
                },
            }),
            Event::Alias(_) => self.push_node(Node {
                line,
                value: NodeValue::Alias,
            }),
            Event::SequenceStart(..) => self.stack.push(Open::Seq(Node {
                line,
                value: NodeValue::Seq(Vec::new()),
            })),
            Event::MappingStart(..) => self.stack.push(Open::Map(
                Node {
                    line,
                    value: NodeValue::Map(Vec::new()),
                },
                None,
            )),
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(Open::Seq(node) | Open::Map(node, _)) = self.stack.pop() {
                    self.push_node(node);
                }
            }
            _ => {}
        }
    }
}

/// `key:"value"`: a key glued to a quoted value. YAML reads the whole line as one plain
/// scalar and the mapping breaks. Returns the byte offset just after the colon.
pub fn missing_space_after_colon(line: &str) -> Option<usize> {
    let body = line.trim_start();
    if body.starts_with('#') {
        return None;
    }
    let indent = line.len() - body.len();
    let body_start = indent + if body.starts_with("- ") { 2 } else { 0 };
    let rest = &line[body_start..];
    let key_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
        .unwrap_or(rest.len());
    if key_len == 0 {
        return None;
    }
    let after = &rest[key_len..];
    (after.starts_with(":\"") || after.starts_with(":'")).then_some(body_start + key_len + 1)
}

/// `key: http://host/callback"`: an unquoted value that ends in a quote it never opened.
/// YAML keeps the quote as part of the value. Returns the key (or `-` for a list item).
pub fn stray_closing_quote(line: &str) -> Option<String> {
    let body = line.trim_start();
    if body.starts_with('#') {
        return None;
    }
    let (key, value) = if let Some(item) = body.strip_prefix("- ") {
        ("-".to_string(), item)
    } else {
        let colon = body.find(": ")?;
        (body[..colon].to_string(), &body[colon + 2..])
    };
    let value = strip_comment(value.trim());
    if value.starts_with(['"', '\'']) {
        return None;
    }
    let last = value.chars().last()?;
    let unbalanced = matches!(last, '"' | '\'') && value.matches(last).count() % 2 == 1;
    unbalanced.then_some(key)
}

/// Drops a ` # comment` from an unquoted value.
fn strip_comment(value: &str) -> &str {
    match value.find(" #") {
        Some(i) => value[..i].trim_end(),
        None => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_keys_and_values() {
        let t = parse("a:\n  b: x\n  c:\n    - one\n    - \"two\"\n").unwrap();
        let a = t.entry("a").unwrap();
        assert_eq!(a.key_line, 1);
        let b = a.value.entry("b").unwrap();
        assert_eq!(
            (b.key_line, b.value.line, b.value.scalar()),
            (2, 2, Some("x"))
        );
        let NodeValue::Seq(items) = &a.value.get("c").unwrap().value else {
            panic!("not a seq")
        };
        assert_eq!(items[1].line, 5);
        assert_eq!(items[1].scalar_type(), Some(ScalarType::Str));
        assert_eq!(items[0].scalar_type(), Some(ScalarType::Str));
    }

    #[test]
    fn plain_scalars_are_typed() {
        let t = parse("a: 0\nb: true\nc: ''\nd:\ne: '0'\n").unwrap();
        let ty = |k| t.get(k).unwrap().scalar_type().unwrap();
        assert_eq!(ty("a"), ScalarType::Number);
        assert_eq!(ty("b"), ScalarType::Bool);
        assert_eq!(ty("c"), ScalarType::Str);
        assert_eq!(ty("d"), ScalarType::Null);
        assert_eq!(ty("e"), ScalarType::Str);
    }

    #[test]
    fn duplicates_are_kept_and_found() {
        let t = parse("a:\n  b: 1\n  b: 2\n").unwrap();
        assert_eq!(t.get("a").unwrap().get("b").unwrap().scalar(), Some("2"));
        let mut d = Vec::new();
        t.duplicate_keys("", &mut d);
        assert_eq!(d, vec![("a.b".to_string(), 3)]);
    }

    #[test]
    fn syntax_error_has_a_line() {
        let e = parse("a:\n  b: x\n  c:\"y\"\n  d: z\n").unwrap_err();
        assert!(e.line >= 3, "{e:?}");
    }

    #[test]
    fn slips() {
        assert_eq!(
            missing_space_after_colon("    discoveryUri:\"x\""),
            Some(17)
        );
        assert_eq!(missing_space_after_colon("    discoveryUri: \"x\""), None);
        assert_eq!(missing_space_after_colon("  url: http://x"), None);
        assert_eq!(
            stray_closing_quote("    callbackUrl: http://localhost:8585/callback\""),
            Some("callbackUrl".to_string())
        );
        assert_eq!(stray_closing_quote("    callbackUrl: \"http://x\""), None);
        assert_eq!(stray_closing_quote("  a: it's \"b\""), None);
    }
}
