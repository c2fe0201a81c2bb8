//! A unified diff between an existing file and what omsso would write, safe to show: every
//! secret omsso can find is masked on both sides, by value, in every encoding it may be
//! written in, whatever the layout of the lines around it.
//!
//! Which secrets: the client secret being written (omsso knows it), and whatever the existing
//! file holds where a secret goes (an older secret, after a rotate), found by parsing the file
//! in its format (YAML, or an env file as docker compose reads it): the values of the keys
//! that hold the secret in omsso's own rendering and of keys named like a secret (`secret`,
//! `password`, `token`, `apiKey`, `fernetKey`, … anywhere in the name) or that the released
//! models mark `format: password` (SAML's certificates and keys), anywhere in the file,
//! every scalar under such a key (behind a tag such as `!vault`, or in a list), also
//! base64-decoded in a Kubernetes Secret's `data`. Each is masked as written raw, YAML-,
//! JSON- or env-escaped, single-quoted, in OpenMetadata's env-var form, and base64. A line that still holds a piece
//! of one (a value wrapped or folded over lines) is hidden whole. An existing file that does
//! not parse is not shown at all: omsso cannot tell where its secrets are.

use std::collections::BTreeSet;

use similar::TextDiff;

use super::{key_of_line, RenderedFile, REDACTED};
use crate::escape::{
    escape_substitution, escape_substitution_quoted, om_fragment, yaml_quoted, Fragment,
};
use crate::lint::env_file;
use crate::openmetadata::released::SECRET_FIELDS;

/// A line that holds part of a secret (a run of this many characters of one) is hidden.
const PIECE: usize = 6;
/// Encodings shorter than this are not masked: no secret is that short, and masking every
/// `ab` in a file would leave nothing to read.
const SHORTEST: usize = 3;
const HIDDEN_LINE: &str = "<line not shown: it holds part of a secret>";

/// The diff of `existing` against `file`, with `secret` (the client secret being written)
/// and every secret found in `existing` masked; or one line saying why it is not shown.
pub fn masked_diff(
    label: &str,
    existing: &[u8],
    file: &RenderedFile,
    secret: Option<&str>,
) -> String {
    let not_shown = |why: &str| format!("{label}: differs (not shown: {why})\n");
    let Ok(old) = std::str::from_utf8(existing) else {
        return not_shown("it is not text");
    };
    let keys = keys_holding_the_secret(file);
    let Some(found) = secrets_in(label, old, &keys) else {
        return not_shown(
            "it does not parse, so omsso cannot tell where its secrets are to mask them",
        );
    };
    let mut secrets: BTreeSet<String> = found.values;
    secrets.extend(secret.map(str::to_string));
    let masks = Masks::new(&secrets);
    let old = masks.apply(old, &found.unreadable_lines);
    let new = masks.apply(&file.redacted, &[]);
    if old == new {
        return format!("{label}: only the client secret differs (not shown)\n");
    }
    TextDiff::from_lines(&old, &new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("{label} (existing)"), &format!("{label} (omsso)"))
        .to_string()
}

/// The keys whose lines hold the secret in omsso's rendering of `file` (its two renderings,
/// with the secret and with `<redacted>`, differ there): `OIDC_CLIENT_SECRET`, `secret`, …
fn keys_holding_the_secret(file: &RenderedFile) -> BTreeSet<String> {
    let real = String::from_utf8_lossy(&file.bytes);
    real.lines()
        .zip(file.redacted.lines())
        .filter(|(r, s)| r != s)
        .filter_map(|(_, s)| key_of_line(s))
        .collect()
}

/// Whether a key's name says its value is a secret (`OIDC_CLIENT_SECRET`, `clientSecret`,
/// `clientSecretValue`, `admin-password`, `fernetKey`, `apiKey`, `secretAccessKey`,
/// `jwtToken`), but not one that names where a secret is (`secretRef`, `secretKey`,
/// `secretName`), how tokens are checked (`tokenValidity`, `tokenValidationAlgorithm`) or the
/// section naming the server's key files (`jwtTokenConfiguration`), or a path to a secret
/// (`rsaprivateKeyFilePath`: the key itself is a file omsso never diffs as text). A
/// word anywhere in the name counts, not only at its end: a value wrongly masked costs a line
/// of the diff, one shown costs the secret.
fn named_like_a_secret(key: &str) -> bool {
    let name: String = key
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    const WORDS: [&str; 10] = [
        "secret",
        "password",
        "passwd",
        "passphrase",
        "token",
        "apikey",
        "fernetkey",
        "privatekey",
        "accesskey",
        "credential",
    ];
    const REFERENCES: [&str; 3] = ["secretref", "secretkey", "secretname"];
    WORDS.iter().any(|w| name.contains(w))
        && !REFERENCES.contains(&name.as_str())
        && !name.starts_with("tokenvalid")
        && name != "jwttokenconfiguration"
        && !name.ends_with("path")
}

/// Whether the released models mark a field of this name secret (`format: password`:
/// [`SECRET_FIELDS`], e.g. SAML's `idpX509Certificate`), whatever its name says.
fn schema_secret(key: &str) -> bool {
    SECRET_FIELDS
        .iter()
        .any(|path| path.rsplit('.').next() == Some(key))
}

#[derive(Default)]
struct Found {
    values: BTreeSet<String>,
    /// 1-based lines of an env file that compose could not read: they are hidden, as
    /// nothing tells what they hold.
    unreadable_lines: Vec<usize>,
}

/// The secrets in the existing file `text` (named `label`), or `None` when it does not parse
/// in its format.
fn secrets_in(label: &str, text: &str, keys: &BTreeSet<String>) -> Option<Found> {
    let is_secret_key = |k: &str| keys.contains(k) || named_like_a_secret(k) || schema_secret(k);
    let mut found = Found::default();
    if label.ends_with(".env") {
        let env = env_file::parse(text);
        for e in env.entries.iter().filter(|e| is_secret_key(&e.key)) {
            found.values.insert(e.value.clone());
        }
        found.unreadable_lines = env.problems.iter().map(|(line, ..)| *line).collect();
        return Some(found);
    }
    use serde::Deserialize;
    for doc in serde_yaml::Deserializer::from_str(text) {
        let doc = serde_yaml::Value::deserialize(doc).ok()?;
        collect_yaml(&doc, &is_secret_key, &mut found.values);
        // A Kubernetes Secret re-saved by kubectl holds its values base64-encoded in `data`.
        let is_secret_manifest = doc.get("kind").and_then(|k| k.as_str()) == Some("Secret");
        if let (true, Some(serde_yaml::Value::Mapping(data))) =
            (is_secret_manifest, doc.get("data"))
        {
            for (k, v) in data {
                if let (Some(k), Some(v)) = (k.as_str(), scalar(v)) {
                    if is_secret_key(k) {
                        found.values.extend(decode_base64(&v));
                    }
                }
            }
        }
    }
    Some(found)
}

fn collect_yaml(
    value: &serde_yaml::Value,
    is_secret_key: &impl Fn(&str) -> bool,
    out: &mut BTreeSet<String>,
) {
    match value {
        serde_yaml::Value::Mapping(m) => {
            for (k, v) in m {
                if k.as_str().is_some_and(is_secret_key) {
                    // Every scalar under it: a custom tag (`!vault …`) or a list around the
                    // value hides it no less.
                    every_scalar(v, out);
                }
                collect_yaml(v, is_secret_key, out);
            }
        }
        serde_yaml::Value::Sequence(items) => {
            for v in items {
                collect_yaml(v, is_secret_key, out);
            }
        }
        serde_yaml::Value::Tagged(t) => collect_yaml(&t.value, is_secret_key, out),
        _ => {}
    }
}

/// The scalars in `value`, through lists and tags (SOPS ciphertext left out). A mapping's
/// keys are judged by their own names (`jwtTokenConfiguration` holds no secret of its own).
fn every_scalar(value: &serde_yaml::Value, out: &mut BTreeSet<String>) {
    match value {
        serde_yaml::Value::Mapping(_) => {}
        serde_yaml::Value::Sequence(items) => items.iter().for_each(|v| every_scalar(v, out)),
        serde_yaml::Value::Tagged(t) => every_scalar(&t.value, out),
        v => {
            if let Some(v) = scalar(v).filter(|v| !is_sops_ciphertext(v)) {
                out.insert(v);
            }
        }
    }
}

/// A value SOPS encrypted (`ENC[AES256_GCM,data:…]`) is what a GitOps repository commits:
/// it shows nothing, and masking it would hide which lines of a SOPS file changed.
fn is_sops_ciphertext(v: &str) -> bool {
    v.starts_with("ENC[AES256_GCM,") && v.ends_with(']')
}

fn scalar(v: &serde_yaml::Value) -> Option<String> {
    match v {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        serde_yaml::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn decode_base64(text: &str) -> Option<String> {
    use base64::Engine;
    let compact: String = text.split_whitespace().collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact)
        .ok()?;
    String::from_utf8(bytes).ok()
}

/// Every way the secrets may be written, longest first.
struct Masks(Vec<String>);

impl Masks {
    fn new(secrets: &BTreeSet<String>) -> Masks {
        let mut all = BTreeSet::new();
        for s in secrets {
            // Trimmed too (a YAML block scalar keeps a trailing newline), and each word of
            // it: a value folded over lines (`>`, or a long plain scalar) reads back with a
            // space where each line break was, so each word is what one line holds.
            let forms = [s.as_str(), s.trim()]
                .into_iter()
                .chain(s.split_whitespace());
            for form in forms {
                all.extend(encodings(form));
            }
        }
        let mut masks: Vec<String> = all.into_iter().filter(|m| m.len() >= SHORTEST).collect();
        masks.sort_by_key(|m| std::cmp::Reverse(m.len()));
        Masks(masks)
    }

    /// `text` with every mask replaced by `<redacted>`, and the lines that still hold a piece
    /// of one (or are listed in `hide`) replaced by a note.
    fn apply(&self, text: &str, hide: &[usize]) -> String {
        let mut out = String::with_capacity(text.len());
        for (i, line) in text.split_inclusive('\n').enumerate() {
            let (body, end) = match line.strip_suffix('\n') {
                Some(b) => (b, "\n"),
                None => (line, ""),
            };
            let mut masked = body.to_string();
            for m in &self.0 {
                if masked.contains(m.as_str()) {
                    masked = masked.replace(m.as_str(), REDACTED);
                }
            }
            if hide.contains(&(i + 1)) || self.holds_a_piece(&masked) {
                let indent = &body[..body.len() - body.trim_start().len()];
                masked = format!("{indent}{HIDDEN_LINE}");
            }
            out.push_str(&masked);
            out.push_str(end);
        }
        out
    }

    fn holds_a_piece(&self, line: &str) -> bool {
        self.0.iter().any(|m| {
            let chars: Vec<char> = m.chars().collect();
            chars.len() >= PIECE
                && chars
                    .windows(PIECE)
                    .any(|w| line.contains(&w.iter().collect::<String>()))
        })
    }
}

/// `s` as the formats omsso deals with write it.
fn encodings(s: &str) -> Vec<String> {
    use base64::Engine;
    let inner = |quoted: String| {
        quoted
            .strip_prefix('"')
            .and_then(|q| q.strip_suffix('"'))
            .map(str::to_string)
            .unwrap_or(quoted)
    };
    let fragment = om_fragment(&Fragment::Str(s.to_string()));
    // openmetadata.yaml writes an unclosed `${` as `\x24{` inside the quotes.
    let om_yaml = escape_substitution_quoted(&yaml_quoted(s));
    let mut out = vec![om_yaml.clone(), inner(om_yaml)];
    for form in [s.to_string(), fragment.clone(), escape_substitution(s)] {
        let single = form.replace('\'', "''");
        let double = [
            inner(yaml_quoted(&form)),
            inner(serde_json::to_string(&form).expect("a string")),
            form.replace('\\', "\\\\").replace('"', "\\\""),
        ];
        // Quoted forms are masked whole (longest first), so a value quoted in the existing
        // file and the bare `<redacted>` of omsso's rendering compare equal.
        out.push(format!("'{single}'"));
        out.extend(double.iter().map(|d| format!("\"{d}\"")));
        out.push(single);
        out.extend(double);
        out.push(inner(form.clone()));
        out.push(form);
    }
    for engine in [
        &base64::engine::general_purpose::STANDARD,
        &base64::engine::general_purpose::STANDARD_NO_PAD,
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ] {
        out.push(engine.encode(s));
        out.push(engine.encode(&fragment));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn file(name: &str, real: &str, shown: &str) -> RenderedFile {
        RenderedFile {
            rel_path: PathBuf::from(name),
            bytes: real.as_bytes().to_vec(),
            holds_secret: real != shown,
            owner_only: false,
            redacted: shown.to_string(),
        }
    }

    #[test]
    fn neither_the_old_nor_the_new_secret_is_shown() {
        let f = file(
            "x.env",
            "A='1'\nSECRET='new-secret'\nB='2'\n",
            "A='1'\nSECRET=<redacted>\nB='2'\n",
        );
        let diff = |old: &[u8]| masked_diff("x.env", old, &f, Some("new-secret"));
        let d = diff(b"A='0'\nSECRET='old-secret'\nB='2'\n");
        assert!(
            !d.contains("new-secret") && !d.contains("old-secret"),
            "{d}"
        );
        assert!(d.contains("-A='0'") && d.contains("+A='1'"), "{d}");
        let d = diff(b"A='1'\nSECRET='old-secret'\nB='2'\n");
        assert!(d.contains("only the client secret differs"), "{d}");
        // Another layout of the same line, and a line compose cannot read.
        let d = diff(b"A='0'\n  SECRET = \"old-secret\"\nB = 'old-secret'\nSECRET: x\n");
        assert!(!d.contains("old-secret") && !d.contains("SECRET: x"), "{d}");
    }

    #[test]
    fn yaml_secrets_are_found_in_any_layout_and_encoding() {
        let f = file(
            "s.yaml",
            "kind: Secret\nstringData:\n  client-secret: \"new\"\n",
            "kind: Secret\nstringData:\n  client-secret: <redacted>\n",
        );
        let old_secret = "o'ld\"sec\\ret-9";
        let b64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, old_secret);
        for old in [
            format!("kind: Secret\ndata:\n    client-secret: {b64}\n    other: eA==\n"),
            format!(
                "kind: Secret\nmetadata: {{}}\nstringData:\n  client-secret: >-\n    {}\n    {}\n",
                &old_secret[..5],
                &old_secret[5..]
            ),
            format!(
                "kind: Secret\nstringData: {{client-secret: '{}'}}\n",
                old_secret.replace('\'', "''")
            ),
            format!("kind: Secret\nstringData:\n  client-secret: |\n    {old_secret}\n"),
        ] {
            let d = masked_diff("s.yaml", old.as_bytes(), &f, Some("new"));
            for piece in [&old_secret[..5], &old_secret[5..], b64.as_str()] {
                assert!(!d.contains(piece), "{piece:?} in\n{d}");
            }
            assert!(d.contains("---"), "a diff is still shown: {d}");
        }
        let d = masked_diff("s.yaml", b"kind: [\n", &f, Some("new"));
        assert!(d.contains("does not parse"), "{d}");
    }

    #[test]
    fn a_secret_is_masked_as_openmetadata_yaml_writes_an_unclosed_substitution() {
        let secret = "s3cr3t-${x";
        let written = escape_substitution_quoted(&yaml_quoted(secret));
        assert_eq!(written, "\"s3cr3t-\\x24{x\"");
        let f = file(
            "o.yaml",
            &format!("a: 1\nsecret: {written}\n"),
            "a: 1\nsecret: <redacted>\n",
        );
        let d = masked_diff(
            "o.yaml",
            format!("a: 0\nsecret: {written}\n").as_bytes(),
            &f,
            Some(secret),
        );
        assert!(!d.contains("s3cr3t") && !d.contains(HIDDEN_LINE), "{d}");
        assert!(d.contains("-a: 0") && d.contains("+a: 1"), "{d}");
    }

    #[test]
    fn secret_references_are_not_taken_for_secrets() {
        for secret in [
            "OIDC_CLIENT_SECRET",
            "clientSecret",
            "openmetadata-oidc-client-secret",
            "clientSecretValue",
            "fernetKey",
            "FERNET_KEY",
            "secretAccessKey",
            "apiKey",
            "jwtToken",
            "adminPassword",
        ] {
            assert!(named_like_a_secret(secret), "{secret}");
        }
        for reference in [
            "secretRef",
            "secretKey",
            "secretName",
            "tokenValidity",
            "tokenValidationAlgorithm",
            "jwtTokenConfiguration",
            "rsaprivateKeyFilePath",
        ] {
            assert!(!named_like_a_secret(reference), "{reference}");
        }
    }

    /// The review's finding (issue 20, L6): values outside `…secret`/`…password`/`…passphrase`
    /// printed in clear in the refusal diff: other secret names, a custom tag, a list.
    #[test]
    fn secrets_under_other_names_tags_and_lists_are_masked() {
        let f = file(
            "openmetadata.yaml",
            "authenticationConfiguration:\n  provider: custom-oidc\n",
            "authenticationConfiguration:\n  provider: custom-oidc\n",
        );
        let old = "authenticationConfiguration:\n  provider: google\n  samlConfiguration:\n    idp:\n      idpX509Certificate: MIICcertZq8Lw\nfernetConfiguration:\n  fernetKey: fernet-0123456789\naws:\n  secretAccessKey: aws-0123456789\n  apiKey: api-0123456789\noidc:\n  clientSecretValue: value-0123456789\n  secret: !vault vault-0123456789\n  password:\n    - listed-0123456789\n";
        let d = masked_diff("openmetadata.yaml", old.as_bytes(), &f, None);
        for secret in [
            "MIICcert", "fernet-", "aws-", "api-", "value-", "vault-", "listed-",
        ] {
            assert!(!d.contains(secret), "{secret} in\n{d}");
        }
        assert!(
            d.contains("-  provider: google"),
            "a diff is still shown: {d}"
        );
    }
}
