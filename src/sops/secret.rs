//! The rendered Kubernetes Secret, encrypted with SOPS for age recipients: the file a GitOps
//! repository commits and Flux (or helm-secrets, or an Argo CD plugin) decrypts in the cluster.
//!
//! Re-rendering is idempotent although every encryption differs: the existing file is
//! decrypted (with the identities sops would use, [`super::sops_identities`]) and kept byte
//! for byte when it decrypts, its MAC verifies, and its content and recipients are what omsso
//! would write. Anything else gets a fresh data key and fresh IVs: a data key read from an
//! existing file is never wrapped for anyone again nor used for new content. Whoever can write
//! the folder can plant a file whose data key they know (encrypted for the user and for
//! themselves, their own entry then removed; or a copy of another environment's file), and
//! the MAC proves nothing against that: whoever holds the data key can compute it. Without an
//! identity that opens the file, a file whose readable parts and recipients match is kept
//! (its encrypted values cannot be compared) and the caller is told so.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::keys;
use super::metadata::{AgeKey, Metadata, Rule, SOPS_VERSION};
use super::tree::{Node, Scalar};
use super::{config, encrypt_tree, mac, seal_mac, DataKey, SopsError, SopsFile};
use crate::seal::error::Origin;
use crate::seal::{Identities, Recipient};
use crate::settings::Settings;

/// `helm/oidc-secrets.yaml` → `helm/oidc-secrets.sops.yaml`: the SOPS file sits beside
/// where the plaintext one would, under a name `.sops.yaml` rules commonly match.
pub fn sops_path(plain: &Path) -> PathBuf {
    let stem = plain
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    plain.with_file_name(format!("{stem}.sops.yaml"))
}

/// Whom the Secret is encrypted for, and where that list came from.
#[derive(Debug, Clone)]
pub struct Recipients {
    pub list: Vec<Recipient>,
    /// `helm.sops.age_recipients, flag --sops-age` or `path/.sops.yaml (creation rule 2)`.
    pub from: String,
}

/// The age recipients for the SOPS Secret at `file`: `helm.sops.age_recipients` (flag, env
/// var or omsso.yaml), else the `.sops.yaml` creation rule that matches `file`. `None`: the
/// Secret is not encrypted with SOPS.
pub fn recipients(settings: &Settings, file: &Path) -> Result<Option<Recipients>, SopsError> {
    let (values, source) = settings.sops_age_recipients();
    let (values, from) = if values.is_empty() {
        match config::find(file)? {
            None => return Ok(None),
            Some(found) => (
                found.recipients,
                format!("{} (creation rule {})", found.config.display(), found.rule),
            ),
        }
    } else {
        (
            values.to_vec(),
            format!("helm.sops.age_recipients, {source}"),
        )
    };
    let mut list: Vec<Recipient> = Vec::new();
    for (i, text) in values.iter().enumerate() {
        let origin = Origin::Value {
            index: i + 1,
            source: from.clone(),
        };
        let r = Recipient::parse(text, None, &origin)?;
        if !list
            .iter()
            .any(|o| o.info.fingerprint == r.info.fingerprint)
        {
            list.push(r);
        }
    }
    Ok(Some(Recipients { list, from }))
}

/// What happened to the SOPS file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// No file yet: a fresh encryption.
    New,
    /// The existing file decrypts to the same Secret for the same recipients: kept.
    Same,
    /// The existing file differs in content or recipients, or could not be compared and
    /// `--force` was given: encrypted again, with a fresh data key.
    Changed,
    /// The existing file could not be decrypted here (no identity for it); its readable parts
    /// and recipients match, so it was kept.
    KeptUnverified,
}

pub struct Encrypted {
    pub bytes: Vec<u8>,
    pub outcome: Outcome,
}

/// Encrypts the rendered plaintext Secret `plain` (from `file`, named in errors) for
/// `recipients`. `existing` is the SOPS file already at the destination (read by the caller;
/// `None` for `--stdout`); `force` replaces one that cannot be compared. `identities` is
/// asked only when there is an existing file to decrypt.
pub fn encrypt(
    file: &str,
    plain: &[u8],
    recipients: &[Recipient],
    existing: Option<(&Path, &[u8])>,
    force: bool,
    identities: impl FnOnce() -> Result<Option<Identities>, SopsError>,
) -> Result<Encrypted, SopsError> {
    let plain = secret_tree(file, plain)?;
    let Some((path, old)) = existing else {
        return Ok(fresh(&plain, recipients));
    };
    let Some(old_file) = comparable(path, old, force)? else {
        return Ok(replaced(&plain, recipients));
    };
    let same_recipients = same_recipients(&old_file, recipients);
    let key = match identities()? {
        Some(ids) => keys::unwrap(&old_file.meta.age, &ids),
        None => None,
    };
    let Some(key) = key else {
        return Ok(unreadable(
            &old_file,
            old,
            &plain,
            same_recipients,
            force,
            recipients,
        ));
    };
    // Kept only when nothing changed: then the data key encrypts nothing new and reaches no
    // one new. A file that no longer decrypts (changed values or MAC) is encrypted anew.
    let unchanged = old_file
        .decrypt(&key)
        .is_ok_and(|decrypted| decrypted == plain);
    if unchanged && same_recipients && is_ours(&old_file.meta) {
        return Ok(Encrypted {
            bytes: old.to_vec(),
            outcome: Outcome::Same,
        });
    }
    Ok(replaced(&plain, recipients))
}

/// The existing file parsed, when it can be compared with what omsso writes; `None` when
/// `force` says to replace one that cannot.
fn comparable(path: &Path, old: &[u8], force: bool) -> Result<Option<SopsFile>, SopsError> {
    let old_file = match std::str::from_utf8(old)
        .map_err(|_| super::FileError::Tree(super::TreeError::Yaml("not UTF-8".into())))
        .and_then(SopsFile::parse)
    {
        Ok(f) => f,
        Err(_) if force => return Ok(None),
        Err(reason) => {
            return Err(SopsError::ExistingNotSops {
                path: path.to_path_buf(),
                reason,
            })
        }
    };
    // Its content may be shown as a diff: refuse one that holds a plaintext value.
    match plaintext_value(&old_file) {
        Some(_) if force => Ok(None),
        Some(at) => Err(SopsError::ExistingPlaintext {
            path: path.to_path_buf(),
            at,
        }),
        None => Ok(Some(old_file)),
    }
}

/// A file encrypted the way omsso encrypts a Secret (its rule, nothing but age keys).
fn is_ours(m: &Metadata) -> bool {
    m.rule == Rule::secret() && !m.mac_only_encrypted && m.other_keys.is_empty()
}

/// Whether the existing file is encrypted for exactly the wanted recipients (by age
/// recipient; a non-age key, or an entry that does not parse, is one too many).
fn same_recipients(old_file: &SopsFile, recipients: &[Recipient]) -> bool {
    let had: Vec<Option<String>> = old_file
        .meta
        .age
        .iter()
        .map(|k| fingerprint(&k.recipient))
        .collect();
    old_file.meta.other_keys.is_empty()
        && had.len() == recipients.len()
        && recipients
            .iter()
            .all(|r| had.contains(&Some(r.info.fingerprint.clone())))
}

/// Without a key to decrypt the existing file: kept when everything readable matches (the
/// same recipients, the same keys and unencrypted values), else encrypted anew.
fn unreadable(
    old_file: &SopsFile,
    old: &[u8],
    plain: &Node,
    same_recipients: bool,
    force: bool,
    recipients: &[Recipient],
) -> Encrypted {
    let readable_same =
        masked(&old_file.body, &old_file.meta.rule) == masked(plain, &Rule::secret());
    if same_recipients && is_ours(&old_file.meta) && readable_same && !force {
        return Encrypted {
            bytes: old.to_vec(),
            outcome: Outcome::KeptUnverified,
        };
    }
    replaced(plain, recipients)
}

/// [`fresh`], reported as a change of the existing file.
fn replaced(plain: &Node, recipients: &[Recipient]) -> Encrypted {
    Encrypted {
        outcome: Outcome::Changed,
        ..fresh(plain, recipients)
    }
}

/// A new data key, new IVs, every recipient wrapped anew.
fn fresh(plain: &Node, recipients: &[Recipient]) -> Encrypted {
    let key = DataKey::generate();
    let age = recipients.iter().map(|r| keys::wrap(&key, r)).collect();
    let (body, lastmodified, mac_enc) = encrypt_values(plain, &key);
    Encrypted {
        bytes: assemble(body, age, lastmodified, mac_enc),
        outcome: Outcome::New,
    }
}

fn encrypt_values(plain: &Node, key: &DataKey) -> (Node, String, String) {
    let rule = Rule::secret();
    let lastmodified = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
    let mac_enc = seal_mac(&mac(plain, &rule, false), key, &lastmodified);
    (encrypt_tree(plain, key, &rule), lastmodified, mac_enc)
}

fn assemble(body: Node, age: Vec<AgeKey>, lastmodified: String, mac: String) -> Vec<u8> {
    SopsFile {
        body,
        meta: Metadata {
            age,
            other_keys: Vec::new(),
            lastmodified,
            mac,
            rule: Rule::secret(),
            mac_only_encrypted: false,
            version: Some(SOPS_VERSION.to_string()),
        },
    }
    .to_yaml()
    .into_bytes()
}

/// The rendered Secret as a tree, checked to be one Kubernetes Secret whose data and
/// stringData values are strings (the API accepts nothing else there).
fn secret_tree(file: &str, plain: &[u8]) -> Result<Node, SopsError> {
    let refuse = |reason: String| SopsError::NotASecret {
        file: file.to_string(),
        reason,
    };
    let text = std::str::from_utf8(plain).map_err(|_| refuse("not UTF-8".into()))?;
    let tree = Node::parse(text).map_err(|e| refuse(e.to_string()))?;
    if tree.get("kind").and_then(Node::as_str) != Some("Secret") {
        return Err(refuse("its `kind` is not `Secret`".into()));
    }
    if tree.get("sops").is_some() {
        return Err(refuse("it already has a `sops` key".into()));
    }
    for section in ["data", "stringData"] {
        match tree.get(section) {
            None | Some(Node::Null) => {}
            Some(Node::Map(entries)) => {
                if let Some((k, _)) = entries
                    .iter()
                    .find(|(_, v)| !matches!(v, Node::Leaf(Scalar::Str(_))))
                {
                    return Err(refuse(format!("`{section}.{k}` is not a string")));
                }
            }
            Some(_) => return Err(refuse(format!("`{section}` is not a mapping"))),
        }
    }
    Ok(tree)
}

/// The first value of a SOPS file that its rule (or omsso's, for data and stringData) says
/// must be encrypted but is written in plaintext.
pub fn plaintext_value(file: &SopsFile) -> Option<String> {
    let secret = Rule::secret();
    let mut found = None;
    file.body.visit(&mut |path, v| {
        if found.is_some() || !(file.meta.rule.encrypts(path) || secret.encrypts(path)) {
            return;
        }
        let encrypted = match v {
            Scalar::Str(s) => s.is_empty() || super::looks_encrypted(s),
            _ => false,
        };
        if !encrypted {
            found = Some(path.join("."));
        }
    });
    found
}

/// The tree with encrypted values replaced by a marker (empty ones stay empty, as SOPS
/// leaves them): what can be compared without the data key.
fn masked(tree: &Node, rule: &Rule) -> Node {
    let result: Result<Node, std::convert::Infallible> = tree.map_leaves(&mut |path, v| {
        Ok(if !rule.encrypts(path) {
            v.clone()
        } else if v.as_str() == Some("") {
            Scalar::Str(String::new())
        } else {
            Scalar::Str("\u{0}encrypted".to_string())
        })
    });
    match result {
        Ok(n) => n,
        Err(never) => match never {},
    }
}

/// A recipient's identity for comparison (what `Recipient` calls its fingerprint).
fn fingerprint(text: &str) -> Option<String> {
    let origin = Origin::Value {
        index: 0,
        source: String::new(),
    };
    Recipient::parse(text, None, &origin)
        .ok()
        .map(|r| r.info.fingerprint)
}
