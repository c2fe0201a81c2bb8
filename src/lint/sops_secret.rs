//! The static lint of a SOPS-encrypted file, typically the Kubernetes Secret a GitOps
//! repository commits: its shape is checked without the key (recipients, MAC, `lastmodified`,
//! every value the file's rule encrypts written as a well-formed `ENC[…]`, and for a Secret
//! nothing in plaintext under `data`/`stringData`). With an age identity that opens the file
//! (found where sops looks: `SOPS_AGE_KEY_FILE`, …), the values and the MAC are also checked
//! as `sops -d` checks them. No value is ever shown.

use std::path::Path;

use super::finding::{Finding, Report, Severity};
use super::registry::*;
use super::sops_keys;
use super::yaml_tree;
use super::FileKind;
use crate::hint::Opt;
use crate::seal::age_file::Sealed;
use crate::seal::error::Origin;
use crate::seal::{Identities, Recipient};
use crate::settings::flag;
use crate::sops::metadata::{self, MetadataError, Rule};
use crate::sops::tree::{Node, Scalar, TreeError};
use crate::sops::value::{looks_encrypted, Enc};
use crate::sops::{keys, DecryptError, SopsFile};

/// Where the findings point: the line of a path of keys in the file (the file parsed once
/// with lines, or where that failed).
struct Lines(Result<yaml_tree::Node, yaml_tree::YamlError>);

impl Lines {
    fn of(&self, path: &[String]) -> Option<usize> {
        let mut node = self.0.as_ref().ok()?;
        let mut line = None;
        for key in path {
            let entry = node.entry(key)?;
            line = Some(entry.key_line);
            node = &entry.value;
        }
        line
    }

    /// The line of `sops.<key>`, or of the `sops` block when that key is not there.
    fn sops(&self, key: &str) -> Option<usize> {
        self.key(&["sops", key]).or(self.key(&["sops"]))
    }

    fn key(&self, path: &[&str]) -> Option<usize> {
        self.of(&path.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    /// The line of the `index`-th item of the list at `path`.
    fn item(&self, path: &[&str], index: usize) -> Option<usize> {
        let mut node = self.0.as_ref().ok()?;
        for key in path {
            node = node.get(key)?;
        }
        match &node.value {
            yaml_tree::NodeValue::Seq(items) => items.get(index).map(|n| n.line),
            _ => None,
        }
    }
}

/// Lints a SOPS file. `identities`: the age identities sops would use (`None`: none set),
/// with which the values and the MAC are checked too.
pub fn lint(text: &str, identities: Option<&Identities>) -> Vec<Finding> {
    let mut r = Report::new(FileKind::Sops);
    let lines = Lines(yaml_tree::parse(text));
    let Some((body, sops)) = split(text, &lines, &mut r) else {
        return r.finish();
    };
    recipients(&sops, &lines, &mut r);
    let lastmodified_ok = last_modified(&sops, &lines, &mut r);
    mac(&sops, &lines, &mut r);
    let rule = rule(&sops, &lines, &mut r);
    let is_secret = secret_kind(&body, &lines, &mut r);
    if let Some(rule) = &rule {
        values(&body, rule, is_secret, &lines, &mut r);
    }
    if is_secret {
        sops_keys::check(&body, &|path| lines.key(path), &mut r);
    }
    // A file with shape errors already fails `sops -d`; decrypting it adds nothing.
    if rule.is_some() && lastmodified_ok && !r.has_errors() {
        integrity(text, identities, &lines, &mut r);
    }
    r.finish()
}

/// The file's body and its `sops` metadata block, or `None` (reported) when SOPS could not
/// load it at all.
fn split(text: &str, lines: &Lines, r: &mut Report) -> Option<(Node, Node)> {
    let mut body = match Node::parse(text) {
        Ok(body) => body,
        Err(e) => {
            let (line, hint) = match &e {
                TreeError::TooDeep(line) => (
                    Some(*line),
                    "restore the file from git: nothing omsso or sops writes nests that deep",
                ),
                _ => (
                    lines.0.as_ref().err().map(|e| e.line),
                    "fix the YAML; sops -d fails on it too",
                ),
            };
            r.add(
                YAML_INVALID,
                Severity::Error,
                line,
                format!("the file cannot be read as SOPS reads it: {e}"),
                hint,
            );
            return None;
        }
    };
    let Some(sops) = body.take("sops") else {
        r.add(
            SOPS_INVALID,
            Severity::Error,
            None,
            "there is no top-level `sops` block, so nothing can decrypt this file",
            format!(
                "encrypt it with `omsso render {} helm-secret {} …` or `sops -e`",
                Opt::Target,
                flag("helm.sops.age_recipients")
            ),
        );
        return None;
    };
    if !matches!(sops, Node::Map(_)) {
        invalid(r, lines, MetadataError::NotMapping, "");
        return None;
    }
    Some((body, sops))
}

/// Metadata sops cannot load, at the line of `sops.<key>` (or of `sops`).
fn invalid(r: &mut Report, lines: &Lines, e: MetadataError, key: &str) {
    r.add(
        SOPS_INVALID,
        Severity::Error,
        lines.sops(key),
        format!("{e}: sops cannot load this file"),
        "restore the `sops` block from git, or encrypt the file again",
    );
}

/// Whether `sops.lastmodified` is a time the MAC can be checked with.
fn last_modified(sops: &Node, lines: &Lines, r: &mut Report) -> bool {
    match metadata::string(sops, "lastmodified") {
        Ok(Some(t)) => metadata::mac_time(&t)
            .map_err(|e| invalid(r, lines, e, "lastmodified"))
            .is_ok(),
        Ok(None) => {
            invalid(
                r,
                lines,
                MetadataError::Missing("lastmodified"),
                "lastmodified",
            );
            false
        }
        Err(e) => {
            invalid(r, lines, e, "lastmodified");
            false
        }
    }
}

fn mac(sops: &Node, lines: &Lines, r: &mut Report) {
    match metadata::string(sops, "mac") {
        Ok(Some(mac)) if !mac.is_empty() => {
            if let Err(e) = Enc::parse(&mac) {
                r.add(
                    SOPS_MAC_DAMAGED,
                    Severity::Error,
                    lines.sops("mac"),
                    format!("sops.mac is damaged ({e}), so sops -d fails"),
                    "restore the file from git, or encrypt it again",
                );
            }
        }
        Ok(_) => r.add(
            SOPS_NO_MAC,
            Severity::Error,
            lines.sops("mac"),
            "sops.mac is missing or empty: sops -d refuses the file, and nothing protects its \
             values from being changed",
            "restore the file from git, or encrypt it again",
        ),
        Err(e) => invalid(r, lines, e, "mac"),
    }
}

/// Which values the file encrypts (`encrypted_regex` and friends).
fn rule(sops: &Node, lines: &Lines, r: &mut Report) -> Option<Rule> {
    match metadata::rule_of(sops) {
        Ok((rule, mac_only)) => {
            if mac_only {
                r.add(
                    SOPS_MAC_ONLY_ENCRYPTED,
                    Severity::Warning,
                    lines.sops("mac_only_encrypted"),
                    "mac_only_encrypted is set: the MAC does not cover the readable values, so \
                     a changed name, namespace or label goes unnoticed",
                    "encrypt the file without mac_only_encrypted (omsso never sets it)",
                );
            }
            Some(rule)
        }
        Err(e) => {
            invalid(r, lines, e, "encrypted_regex");
            None
        }
    }
}

/// Whether the body is a Kubernetes Secret in the clear (the Secret checks apply).
fn secret_kind(body: &Node, lines: &Lines, r: &mut Report) -> bool {
    let is_secret = body.get("kind").and_then(Node::as_str) == Some("Secret");
    if !is_secret {
        r.add(
            SOPS_NOT_A_SECRET,
            Severity::Info,
            lines.key(&["kind"]),
            "not a Kubernetes Secret in the clear (`kind` is missing, encrypted or another \
             kind): only the SOPS checks ran",
            "for a Secret, encrypt only data and stringData (encrypted_regex: \
             ^(data|stringData)$) so kubectl and reviewers can read the rest",
        );
    }
    is_secret
}

fn recipients(sops: &Node, lines: &Lines, r: &mut Report) {
    let others = metadata::other_keys(sops);
    let age = match metadata::age_of(sops) {
        Ok(age) => age,
        Err(e) => {
            r.add(
                SOPS_RECIPIENT_INVALID,
                Severity::Error,
                lines.key(&["sops", "age"]),
                format!("{e}: sops cannot load this file"),
                "restore the `sops` block from git, or encrypt the file again",
            );
            return;
        }
    };
    if age.is_empty() && others.is_empty() {
        r.add(
            SOPS_NO_RECIPIENTS,
            Severity::Error,
            lines.key(&["sops"]),
            "sops lists no recipient (no age, PGP or KMS key), so nobody can decrypt it",
            format!(
                "encrypt it again for your age recipients (omsso render {} age1…)",
                flag("helm.sops.age_recipients")
            ),
        );
    }
    if !others.is_empty() {
        r.add(
            SOPS_OTHER_KEYS,
            Severity::Info,
            lines.key(&["sops", &others[0]]),
            format!(
                "also encrypted for {} keys; omsso checks only the age entries",
                others.join(", ")
            ),
            "nothing to do if those keys are meant to be there",
        );
    }
    for (i, key) in age.iter().enumerate() {
        let line = lines.item(&["sops", "age"], i);
        let origin = Origin::Value {
            index: i + 1,
            source: "sops.age".to_string(),
        };
        if let Err(e) = Recipient::parse(&key.recipient, None, &origin) {
            r.add(
                SOPS_RECIPIENT_INVALID,
                Severity::Error,
                line,
                format!("sops.age entry {}: its recipient is not usable: {e}", i + 1),
                "run `sops updatekeys` with the right recipients, or encrypt the file again",
            );
        }
        let enc_ok = Sealed::parse(Path::new("sops.age"), key.enc.as_bytes())
            .is_ok_and(|s| !s.is_passphrase());
        if !enc_ok
            || !key
                .enc
                .trim_start()
                .starts_with("-----BEGIN AGE ENCRYPTED FILE-----")
        {
            r.add(
                SOPS_RECIPIENT_INVALID,
                Severity::Error,
                line,
                format!(
                    "sops.age entry {}: its enc is not an armored age file encrypted to a \
                     recipient, so that recipient cannot recover the data key",
                    i + 1
                ),
                "restore the entry from git, or run `sops updatekeys` to write it again",
            );
        }
    }
}

/// Every value the rule encrypts must be an `ENC[…]` string (or empty); for a Secret, also
/// every value under data and stringData.
fn values(body: &Node, rule: &Rule, is_secret: bool, lines: &Lines, r: &mut Report) {
    let secret = Rule::secret();
    let mut skipped_data = None;
    body.visit(&mut |path, v| {
        let data = is_secret
            && path
                .first()
                .is_some_and(|k| secret.encrypts(std::slice::from_ref(k)));
        let encrypted_by_rule = rule.encrypts(path);
        if data && !encrypted_by_rule && skipped_data.is_none() {
            skipped_data = Some(path[0].clone());
        }
        if !(data || encrypted_by_rule) {
            return;
        }
        let shown = path.join(".");
        let line = lines.of(path);
        let text = match v {
            Scalar::Str(s) if s.is_empty() => return,
            Scalar::Str(s) => s,
            _ => "",
        };
        if !looks_encrypted(text) {
            r.add(
                SOPS_PLAINTEXT,
                Severity::Error,
                line,
                format!(
                    "`{shown}` is in plaintext in a SOPS file: anyone who can read the \
                     repository reads it, and sops -d refuses the file"
                ),
                "remove it from git history if it is a secret, then encrypt the file again \
                 (edit SOPS files with `sops edit`, never by hand)",
            );
            return;
        }
        match Enc::parse(text) {
            Err(e) => {
                r.add(
                    SOPS_VALUE_DAMAGED,
                    Severity::Error,
                    line,
                    format!("`{shown}` is damaged ({e}), so sops -d fails"),
                    "restore the file from git, or encrypt it again",
                );
            }
            Ok(enc) if data && enc.kind != "str" => r.add(
                SOPS_VALUE_TYPE,
                Severity::Error,
                line,
                format!(
                    "`{shown}` decrypts to a {} value, but a Secret's data and stringData \
                     hold strings: the API server rejects it",
                    enc.kind
                ),
                "quote the value before encrypting it",
            ),
            Ok(_) => {}
        }
    });
    if let Some(section) = skipped_data {
        r.add(
            SOPS_RULE_SKIPS_DATA,
            Severity::Error,
            lines.key(&["sops"]),
            format!("the file's encryption rule leaves `{section}` unencrypted"),
            "use encrypted_regex: ^(data|stringData)$ (omsso writes that)",
        );
    }
}

/// With an identity that opens the file: do the values and the MAC check out?
fn integrity(text: &str, identities: Option<&Identities>, lines: &Lines, r: &mut Report) {
    let not_checked = |r: &mut Report, why: &str| {
        r.add(
            SOPS_NOT_DECRYPTED,
            Severity::Info,
            None,
            format!("the values and the MAC were not checked: {why}"),
            "set SOPS_AGE_KEY_FILE to an age identity of one of the recipients to check them \
             as sops -d does",
        )
    };
    let Some(identities) = identities else {
        return not_checked(
            r,
            "no age identity is set (SOPS_AGE_KEY_FILE, SOPS_AGE_KEY)",
        );
    };
    let Ok(file) = SopsFile::parse(text) else {
        return;
    };
    let Some(key) = keys::unwrap(&file.meta.age, identities) else {
        return not_checked(r, "none of the age identities set opens it");
    };
    let (check, line, message) = match file.decrypt(&key) {
        Ok(_) => return,
        Err(DecryptError::MacMismatch) => (
            SOPS_MAC_MISMATCH,
            lines.key(&["sops", "mac"]),
            DecryptError::MacMismatch.to_string(),
        ),
        Err(DecryptError::MacUnreadable) => (
            SOPS_MAC_MISMATCH,
            lines.key(&["sops", "mac"]),
            DecryptError::MacUnreadable.to_string(),
        ),
        Err(e @ (DecryptError::Value { .. } | DecryptError::Malformed { .. })) => {
            let path = match &e {
                DecryptError::Value { path } | DecryptError::Malformed { path, .. } => path,
                _ => unreachable!(),
            };
            let keys: Vec<String> = path.split('.').map(str::to_string).collect();
            (SOPS_VALUE_DAMAGED, lines.of(&keys), e.to_string())
        }
        // Already reported by the shape checks.
        Err(DecryptError::Plaintext { .. }) => return,
    };
    r.add(
        check,
        Severity::Error,
        line,
        format!("{message}; sops -d fails on this file"),
        "restore the file from git, or encrypt it again (edit SOPS files with `sops edit`)",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> String {
        let path = format!("{}/tests/fixtures/sops/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn checks(text: &str, identities: Option<&Identities>) -> Vec<(&'static str, Severity)> {
        lint(text, identities)
            .into_iter()
            .map(|f| (f.check, f.severity))
            .collect()
    }

    /// 80,000 nested levels took 27 s, a 1 MiB file minutes (issue 20, L5): one finding, at
    /// once (docs/BENCHMARKS.md times it).
    #[test]
    fn deep_nesting_is_one_finding() {
        let n = 20_000;
        let text = format!(
            "kind: Secret\nstringData:\n  a: {}{}\n",
            "[".repeat(n),
            "]".repeat(n)
        );
        let findings = lint(&text, None);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].check, YAML_INVALID.name);
        assert!(
            findings[0].message.contains("nest more than 128 deep"),
            "{findings:?}"
        );
        assert!(
            findings[0].hint.contains("restore the file from git"),
            "{findings:?}"
        );
    }

    #[test]
    fn files_sops_wrote_pass_and_their_settings_are_reported() {
        let key = crate::seal::Identities::from_text(
            Path::new("test-key.txt"),
            fixture("test-key.txt").as_bytes(),
        )
        .unwrap();
        // Every value encrypted, kind included: only the SOPS checks ran.
        assert_eq!(
            checks(&fixture("all-values.sops.yaml"), Some(&key)),
            [(SOPS_NOT_A_SECRET.name, Severity::Info)]
        );
        assert_eq!(
            checks(&fixture("mac-only-encrypted.sops.yaml"), Some(&key)),
            [(SOPS_MAC_ONLY_ENCRYPTED.name, Severity::Warning)]
        );
        assert_eq!(
            checks(&fixture("mac-only-encrypted.sops.yaml"), None),
            [
                (SOPS_MAC_ONLY_ENCRYPTED.name, Severity::Warning),
                (SOPS_NOT_DECRYPTED.name, Severity::Info)
            ]
        );
    }

    #[test]
    fn plaintext_under_data_is_found_by_line_without_its_value() {
        let text = fixture("mac-only-encrypted.sops.yaml");
        let line = text.lines().find(|l| l.contains("    b: ENC[")).unwrap();
        let tampered = text.replace(line, "    b: aGk=");
        let findings = lint(&tampered, None);
        let f = findings
            .iter()
            .find(|f| f.check == SOPS_PLAINTEXT.name)
            .unwrap();
        assert_eq!(f.severity, Severity::Error);
        assert!(f.message.contains("`data.b`") && !f.message.contains("aGk="));
        let at = tampered.lines().position(|l| l == "    b: aGk=").unwrap() + 1;
        assert_eq!(f.line, Some(at));
    }
}
