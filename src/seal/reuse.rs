//! Whether an existing handoff still stands for the one `omsso run` would seal now. `run`
//! keeps an existing handoff (age output differs on every seal, and a re-run must leave every
//! file as it was), but only when it was sealed for exactly what the settings ask today:
//! otherwise a recipient removed from the settings could still open it, a new one could not,
//! or a signature asked for would be missing.
//!
//! What can be checked, and from where:
//! - armor or binary, passphrase or recipients: the file itself;
//! - SSH recipients: the age header, whose `ssh-ed25519` / `ssh-rsa` stanzas carry a tag of
//!   the key (four bytes of its SHA-256);
//! - age recipients: not from the header, which by design does not say whom an `X25519`
//!   stanza is for (only how many there are). So every seal to recipients also writes a
//!   record of them beside the handoff, `<file>.recipients.json` (the public part of the
//!   bundle: the recipients' types, names and fingerprints, and the SHA-256 of the handoff it
//!   describes, so a record never vouches for another file). No record, or one for another
//!   file: the recipients cannot be confirmed, and the handoff is not kept;
//! - a passphrase: by opening the file with the current one;
//! - the signature: `<file>.sig` must be there exactly when `--sign-with` is given, made by
//!   that key, over this file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::age_file::{self, Sealed};
use super::{sign, Recipient, RecipientInfo, SealError, Target};

/// Where the record of a handoff's recipients lives: `<file>.recipients.json`.
pub fn record_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".recipients.json");
    PathBuf::from(name)
}

/// The record of `recipients` for the handoff `ciphertext` written at `file`.
pub fn record(file: &Path, ciphertext: &[u8], recipients: &[RecipientInfo]) -> Vec<u8> {
    let doc = json!({
        "format": "omsso-handoff-recipients",
        "version": "1.0",
        "handoff": file.file_name().map(|n| n.to_string_lossy().into_owned()),
        "handoff_sha256": hex_sha256(ciphertext),
        "recipients": recipients,
    });
    let mut bytes = serde_json::to_vec_pretty(&doc).expect("serialisable");
    bytes.push(b'\n');
    bytes
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What a handoff sealed now would be.
pub struct Wanted<'a> {
    pub target: &'a Target,
    pub armor: bool,
    /// `--sign-with`: the signing key's file (only its public half is read).
    pub sign_with: Option<&'a Path>,
}

/// `Ok` when the handoff at `path` was sealed for exactly `wanted`; otherwise
/// [`SealError::HandoffOutdated`] saying what differs (or an error reading what is needed).
pub fn check(path: &Path, wanted: &Wanted) -> Result<(), SealError> {
    let outdated = |reason: String| SealError::HandoffOutdated {
        path: path.to_path_buf(),
        reason,
    };
    let bytes = super::read_limited(path)?;
    let armored = age_file::is_armored(&bytes);
    if armored != wanted.armor {
        return Err(outdated(if armored {
            "it is ASCII-armored, and a binary file is asked for".into()
        } else {
            "it is a binary file, and an armored one is asked for".into()
        }));
    }
    let Some(stanzas) = age_file::recipient_stanzas(&bytes) else {
        return Err(outdated("it is not a well-formed age file".into()));
    };
    let passphrase = stanzas.iter().any(|s| s.tag == "scrypt");
    match wanted.target {
        Target::Passphrase { source, .. } => {
            if !passphrase {
                return Err(outdated(
                    "it is sealed to recipients, and a passphrase is asked for".into(),
                ));
            }
            let opened = Sealed::parse(path, &bytes)?.decrypt_with_passphrase(source.read()?);
            match opened {
                Ok(_) => {}
                Err(super::error::OpenError::WrongPassphrase { .. }) => {
                    return Err(outdated(
                        "it does not open with the current passphrase".into(),
                    ))
                }
                Err(e) => return Err(e.into()),
            }
        }
        Target::Recipients(recipients) => {
            if passphrase {
                return Err(outdated(
                    "it is sealed to a passphrase, and recipients are asked for".into(),
                ));
            }
            if let Some(reason) = header_differs(&stanzas, recipients) {
                return Err(outdated(reason));
            }
            if let Some(reason) = record_differs(path, &bytes, recipients) {
                return Err(outdated(reason));
            }
        }
    }
    signature_differs(path, &bytes, wanted.sign_with)?.map_or(Ok(()), |r| Err(outdated(r)))
}

/// What the header shows against the recipients asked for: the number of stanzas of each
/// type, and the tag of each SSH key.
fn header_differs(stanzas: &[age_file::Stanza], recipients: &[Recipient]) -> Option<String> {
    let mut found: BTreeMap<(String, Option<String>), usize> = BTreeMap::new();
    for s in stanzas {
        // Random stanzas the age crate adds so that parsers stay tolerant ("grease").
        if s.tag.ends_with("-grease") {
            continue;
        }
        let tag = s
            .tag
            .starts_with("ssh-")
            .then(|| s.args.first().cloned())
            .flatten();
        *found.entry((s.tag.clone(), tag)).or_default() += 1;
    }
    let mut asked: BTreeMap<(String, Option<String>), usize> = BTreeMap::new();
    for r in recipients {
        let (kind, tag) = r.stanza();
        *asked
            .entry((kind.to_string(), tag.map(str::to_string)))
            .or_default() += 1;
    }
    if found == asked {
        return None;
    }
    let count = |m: &BTreeMap<(String, Option<String>), usize>, kind: &str| -> usize {
        m.iter()
            .filter(|((k, _), _)| k == kind)
            .map(|(_, n)| n)
            .sum()
    };
    let kinds: Vec<String> = ["X25519", "ssh-ed25519", "ssh-rsa"]
        .iter()
        .filter(|k| count(&found, k) != count(&asked, k))
        .map(|k| {
            format!(
                "{} {k} recipient(s) in the file, {} in the settings",
                count(&found, k),
                count(&asked, k)
            )
        })
        .collect();
    Some(if kinds.is_empty() {
        "it is sealed to other SSH keys than the settings name".to_string()
    } else {
        format!("its recipients differ: {}", kinds.join("; "))
    })
}

/// The record beside the handoff against the recipients asked for.
fn record_differs(path: &Path, bytes: &[u8], recipients: &[Recipient]) -> Option<String> {
    let record = record_path(path);
    let doc: Option<Value> = crate::input::read(&record, crate::input::Accept::File)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    let for_this_file = doc
        .as_ref()
        .and_then(|d| d.get("handoff_sha256"))
        .and_then(Value::as_str)
        == Some(hex_sha256(bytes).as_str());
    let any_age = recipients.iter().any(|r| r.info.kind == "age");
    let Some(doc) = doc.filter(|_| for_this_file) else {
        // SSH recipients were all confirmed by the header; age recipients cannot be.
        return any_age.then(|| {
            format!(
                "omsso cannot tell which age recipients it was sealed for: {} is missing or \
                 describes another file",
                record.display()
            )
        });
    };
    let listed: std::collections::BTreeSet<&str> = doc
        .get("recipients")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| r.get("fingerprint").and_then(Value::as_str))
        .collect();
    let asked: std::collections::BTreeSet<&str> = recipients
        .iter()
        .map(|r| r.info.fingerprint.as_str())
        .collect();
    if listed == asked {
        return None;
    }
    let shown = |set: Vec<&&str>| {
        set.iter()
            .map(|f| crate::output::one_line(f).into_owned())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let gone: Vec<&&str> = listed.difference(&asked).collect();
    let new: Vec<&&str> = asked.difference(&listed).collect();
    let mut parts = Vec::new();
    if !gone.is_empty() {
        parts.push(format!("sealed for {} too", shown(gone)));
    }
    if !new.is_empty() {
        parts.push(format!("not for {}", shown(new)));
    }
    Some(format!("its recipients differ: {}", parts.join("; ")))
}

/// The signature beside the handoff against `--sign-with`.
fn signature_differs(
    path: &Path,
    bytes: &[u8],
    sign_with: Option<&Path>,
) -> Result<Option<String>, SealError> {
    let sig = super::signature_path(path);
    let present = sig.symlink_metadata().is_ok();
    Ok(match (sign_with, present) {
        (None, false) => None,
        (None, true) => Some(format!(
            "it is signed ({}), and no signing key is given",
            sig.display()
        )),
        (Some(_), false) => Some(format!(
            "it is not signed ({} is missing), and a signing key is given",
            sig.display()
        )),
        (Some(key), true) => {
            let key = sign::public_key_of(key)?;
            sign::check_own(bytes, &sig, &key)
        }
    })
}
