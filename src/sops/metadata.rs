//! The `sops:` block of a SOPS file: who can recover the data key (`age[]`: a `recipient` and
//! its `enc`, the data key encrypted to it as an armored age file), when the values were last
//! encrypted (`lastmodified`, RFC 3339 in UTC), the encrypted MAC, which values are encrypted
//! (one rule: `encrypted_regex`, `unencrypted_regex`, `encrypted_suffix` or
//! `unencrypted_suffix`, the last being `_unencrypted` when none is given), whether the MAC
//! covers only encrypted values (`mac_only_encrypted`), and the SOPS `version`.
//!
//! SOPS writes the keys of this block sorted by name; [`Metadata::to_node`] does the same.

use regex::Regex;

use super::tree::{Node, Scalar};

/// The regex Flux users write for Kubernetes Secrets: values under `data` and `stringData`
/// are encrypted, everything else (kind, metadata, key names) stays readable.
pub const SECRET_ENCRYPTED_REGEX: &str = "^(data|stringData)$";

/// The SOPS release whose file format this module writes, and which the tests run.
pub const SOPS_VERSION: &str = "3.13.3";

/// One `sops.age[]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgeKey {
    pub recipient: String,
    /// The armored age file holding the data key.
    pub enc: String,
}

/// Which values of the tree are encrypted.
#[derive(Debug, Clone)]
pub enum Rule {
    UnencryptedSuffix(String),
    EncryptedSuffix(String),
    UnencryptedRegex(Regex),
    EncryptedRegex(Regex),
}

impl Rule {
    pub fn secret() -> Rule {
        Rule::EncryptedRegex(Regex::new(SECRET_ENCRYPTED_REGEX).expect("valid regex"))
    }

    /// SOPS's decision for a value at `path`: a rule matches when any key on the path does.
    pub fn encrypts(&self, path: &[String]) -> bool {
        match self {
            Rule::UnencryptedSuffix(s) => !path.iter().any(|k| k.ends_with(s.as_str())),
            Rule::EncryptedSuffix(s) => path.iter().any(|k| k.ends_with(s.as_str())),
            Rule::UnencryptedRegex(r) => !path.iter().any(|k| r.is_match(k)),
            Rule::EncryptedRegex(r) => path.iter().any(|k| r.is_match(k)),
        }
    }

    fn entry(&self) -> (&'static str, &str) {
        match self {
            Rule::UnencryptedSuffix(s) => ("unencrypted_suffix", s),
            Rule::EncryptedSuffix(s) => ("encrypted_suffix", s),
            Rule::UnencryptedRegex(r) => ("unencrypted_regex", r.as_str()),
            Rule::EncryptedRegex(r) => ("encrypted_regex", r.as_str()),
        }
    }
}

impl PartialEq for Rule {
    fn eq(&self, other: &Rule) -> bool {
        self.entry() == other.entry()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Metadata {
    pub age: Vec<AgeKey>,
    /// Key kinds besides age (`pgp`, `kms`, …, `key_groups`), which omsso cannot use.
    pub other_keys: Vec<String>,
    pub lastmodified: String,
    pub mac: String,
    pub rule: Rule,
    pub mac_only_encrypted: bool,
    pub version: Option<String>,
}

/// What is wrong with a `sops:` block. Names keys, never values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetadataError {
    #[error("`sops` is not a mapping")]
    NotMapping,
    #[error("sops.{0} is missing")]
    Missing(&'static str),
    #[error("sops.{0} is not a string")]
    NotString(String),
    #[error("sops.age is not a list of {{recipient, enc}} entries")]
    AgeShape,
    #[error("sops.lastmodified is not an RFC 3339 time")]
    LastModified,
    #[error("sops.{key} is not a valid regular expression")]
    Regex { key: &'static str },
    #[error("sops has more than one of encrypted_regex, unencrypted_regex, encrypted_suffix, unencrypted_suffix and the comment regexes")]
    SeveralRules,
    #[error("sops.{0} selects values by their comments, which omsso does not support")]
    CommentRule(&'static str),
}

const KEY_KINDS: [&str; 7] = [
    "pgp",
    "kms",
    "gcp_kms",
    "azure_kv",
    "hc_vault",
    "hckms",
    "key_groups",
];

impl Metadata {
    /// Reads a `sops:` block.
    pub fn from_node(node: &Node) -> Result<Metadata, MetadataError> {
        let Node::Map(_) = node else {
            return Err(MetadataError::NotMapping);
        };
        let lastmodified =
            string(node, "lastmodified")?.ok_or(MetadataError::Missing("lastmodified"))?;
        mac_time(&lastmodified)?;
        let (rule, mac_only_encrypted) = rule_of(node)?;
        Ok(Metadata {
            age: age_of(node)?,
            other_keys: other_keys(node),
            mac: string(node, "mac")?.ok_or(MetadataError::Missing("mac"))?,
            lastmodified,
            rule,
            mac_only_encrypted,
            version: string(node, "version")?,
        })
    }

    /// The `sops:` block, its keys sorted by name as SOPS writes them.
    pub fn to_node(&self) -> Node {
        let s = |v: &str| Node::Leaf(Scalar::Str(v.to_string()));
        let age = self
            .age
            .iter()
            .map(|k| {
                Node::Map(vec![
                    ("enc".to_string(), s(&k.enc)),
                    ("recipient".to_string(), s(&k.recipient)),
                ])
            })
            .collect();
        let (rule_key, rule_value) = self.rule.entry();
        let mut entries = vec![
            ("age".to_string(), Node::Seq(age)),
            (rule_key.to_string(), s(rule_value)),
            ("lastmodified".to_string(), s(&self.lastmodified)),
            ("mac".to_string(), s(&self.mac)),
        ];
        if self.mac_only_encrypted {
            entries.push((
                "mac_only_encrypted".to_string(),
                Node::Leaf(Scalar::Bool(true)),
            ));
        }
        if let Some(v) = &self.version {
            entries.push(("version".to_string(), s(v)));
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        Node::Map(entries)
    }
}

/// A string entry of the `sops:` block (`None` when absent or null).
pub fn string(node: &Node, key: &'static str) -> Result<Option<String>, MetadataError> {
    match node.get(key) {
        None | Some(Node::Null) => Ok(None),
        Some(Node::Leaf(Scalar::Str(s))) => Ok(Some(s.clone())),
        // mapstructure reads numbers and booleans into strings as well.
        Some(Node::Leaf(s)) => Ok(Some(s.typed_bytes().1)),
        Some(_) => Err(MetadataError::NotString(key.to_string())),
    }
}

/// `sops.age[]`.
pub fn age_of(node: &Node) -> Result<Vec<AgeKey>, MetadataError> {
    match node.get("age") {
        None | Some(Node::Null) => Ok(Vec::new()),
        Some(Node::Seq(items)) => items
            .iter()
            .map(|item| {
                let field = |k| item.get(k).and_then(Node::as_str).map(str::to_string);
                Ok(AgeKey {
                    recipient: field("recipient").ok_or(MetadataError::AgeShape)?,
                    enc: field("enc").ok_or(MetadataError::AgeShape)?,
                })
            })
            .collect(),
        Some(_) => Err(MetadataError::AgeShape),
    }
}

/// The key kinds besides age that hold entries (`pgp`, `kms`, …, `key_groups`).
pub fn other_keys(node: &Node) -> Vec<String> {
    KEY_KINDS
        .iter()
        .filter(|k| matches!(node.get(k), Some(Node::Seq(items)) if !items.is_empty()))
        .map(|k| k.to_string())
        .collect()
}

/// Which values are encrypted, and whether the MAC covers only those.
pub fn rule_of(node: &Node) -> Result<(Rule, bool), MetadataError> {
    for key in ["encrypted_comment_regex", "unencrypted_comment_regex"] {
        if string(node, key)?.is_some_and(|s| !s.is_empty()) {
            return Err(MetadataError::CommentRule(key));
        }
    }
    let mut rules = Vec::new();
    let regex =
        |key: &'static str, s: &str| Regex::new(s).map_err(|_| MetadataError::Regex { key });
    if let Some(s) = string(node, "unencrypted_suffix")?.filter(|s| !s.is_empty()) {
        rules.push(Rule::UnencryptedSuffix(s));
    }
    if let Some(s) = string(node, "encrypted_suffix")?.filter(|s| !s.is_empty()) {
        rules.push(Rule::EncryptedSuffix(s));
    }
    if let Some(s) = string(node, "unencrypted_regex")?.filter(|s| !s.is_empty()) {
        rules.push(Rule::UnencryptedRegex(regex("unencrypted_regex", &s)?));
    }
    if let Some(s) = string(node, "encrypted_regex")?.filter(|s| !s.is_empty()) {
        rules.push(Rule::EncryptedRegex(regex("encrypted_regex", &s)?));
    }
    if rules.len() > 1 {
        return Err(MetadataError::SeveralRules);
    }
    let rule = rules
        .pop()
        .unwrap_or_else(|| Rule::UnencryptedSuffix("_unencrypted".to_string()));
    let mac_only_encrypted = match node.get("mac_only_encrypted") {
        Some(Node::Leaf(Scalar::Bool(b))) => *b,
        Some(Node::Leaf(Scalar::Str(s))) => s == "true",
        _ => false,
    };
    Ok((rule, mac_only_encrypted))
}

/// The additional data of the MAC: `lastmodified` as SOPS formats the parsed time again
/// (Go's RFC 3339, which drops fractions of a second).
pub fn mac_time(lastmodified: &str) -> Result<String, MetadataError> {
    let t = lastmodified.trim();
    // YYYY-MM-DDTHH:MM:SS, then an optional fraction, then Z or ±HH:MM.
    let bytes = t.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        bytes
            .get(r)
            .is_some_and(|b| b.iter().all(u8::is_ascii_digit))
    };
    let shape = bytes.len() >= 20
        && digits(0..4)
        && bytes[4] == b'-'
        && digits(5..7)
        && bytes[7] == b'-'
        && digits(8..10)
        && bytes[10] == b'T'
        && digits(11..13)
        && bytes[13] == b':'
        && digits(14..16)
        && bytes[16] == b':'
        && digits(17..19);
    if !shape {
        return Err(MetadataError::LastModified);
    }
    let mut rest = &t[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return Err(MetadataError::LastModified);
        }
        rest = &frac[n..];
    }
    let zone_ok = rest == "Z"
        || (rest.len() == 6
            && matches!(rest.as_bytes()[0], b'+' | b'-')
            && rest.as_bytes()[3] == b':'
            && rest[1..3]
                .bytes()
                .chain(rest[4..6].bytes())
                .all(|b| b.is_ascii_digit()));
    if !zone_ok {
        return Err(MetadataError::LastModified);
    }
    // Go prints a zero offset as `Z` and keeps other offsets as they are.
    let zone = match rest {
        "+00:00" | "-00:00" => "Z",
        other => other,
    };
    Ok(format!("{}T{}{zone}", &t[..10], &t[11..19]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_decide_as_sops_does() {
        let path = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let secret = Rule::secret();
        assert!(secret.encrypts(&path(&["stringData", "x"])));
        assert!(secret.encrypts(&path(&["data", "x"])));
        assert!(!secret.encrypts(&path(&["metadata", "name"])));
        assert!(!secret.encrypts(&path(&["stringDataX", "x"])));
        let default = Rule::UnencryptedSuffix("_unencrypted".into());
        assert!(default.encrypts(&path(&["a", "b"])));
        assert!(!default.encrypts(&path(&["a_unencrypted", "b"])));
    }

    #[test]
    fn lastmodified_as_the_mac_sees_it() {
        assert_eq!(
            mac_time("2026-12-01T01:18:34Z").unwrap(),
            "2026-12-01T01:18:34Z"
        );
        assert_eq!(
            mac_time("2026-12-01T01:18:34.25Z").unwrap(),
            "2026-12-01T01:18:34Z"
        );
        assert_eq!(
            mac_time("2026-12-01T01:18:34+02:00").unwrap(),
            "2026-12-01T01:18:34+02:00"
        );
        assert!(mac_time("yesterday").is_err());
        assert!(mac_time("2026-12-01 01:18:34").is_err());
    }

    #[test]
    fn a_block_reads_back_and_is_written_sorted() {
        let meta = Metadata {
            age: vec![AgeKey {
                recipient: "age1x".into(),
                enc: "E\n".into(),
            }],
            other_keys: vec![],
            lastmodified: "2026-12-01T01:18:34Z".into(),
            mac: "ENC[…]".into(),
            rule: Rule::secret(),
            mac_only_encrypted: false,
            version: Some(SOPS_VERSION.into()),
        };
        let node = meta.to_node();
        let Node::Map(entries) = &node else { panic!() };
        let keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            ["age", "encrypted_regex", "lastmodified", "mac", "version"]
        );
        assert_eq!(Metadata::from_node(&node).unwrap(), meta);

        let two = Node::parse("encrypted_regex: a\nunencrypted_suffix: b\nlastmodified: \"2026-12-01T01:18:34Z\"\nmac: m\n").unwrap();
        assert_eq!(Metadata::from_node(&two), Err(MetadataError::SeveralRules));
        let none = Node::parse("lastmodified: \"2026-12-01T01:18:34Z\"\nmac: m\npgp: [{fp: x}]\n")
            .unwrap();
        let m = Metadata::from_node(&none).unwrap();
        assert_eq!(m.rule, Rule::UnencryptedSuffix("_unencrypted".into()));
        assert_eq!(m.other_keys, ["pgp"]);
    }
}
