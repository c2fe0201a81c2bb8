//! Whom a bundle is sealed to: age X25519 recipients (`age1…`) and SSH public keys
//! (`ssh-ed25519`, `ssh-rsa` of at least 2048 bits), given as strings or read from files in
//! the age recipients-file format (one a line, `#` comments, blank lines), which also reads
//! `authorized_keys` files. Errors name the file and line and never echo the line itself.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use ssh_key::{authorized_keys::Entry, Algorithm, HashAlg, PublicKey};

use super::error::{Origin, RecipientError, RecipientProblem};
use super::RecipientInfo;

/// A parsed recipient: what to show the user, and what age encrypts to.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub info: RecipientInfo,
    key: Key,
    /// For SSH keys, the tag age writes into the key's stanza (the first four bytes of the
    /// SHA-256 of the public key, base64): what a sealed file's header shows of an SSH
    /// recipient. age recipients leave no trace in the header.
    ssh_tag: Option<String>,
}

#[derive(Debug, Clone)]
enum Key {
    Age(age::x25519::Recipient),
    Ssh(age::ssh::Recipient),
}

impl Recipient {
    pub fn as_age(&self) -> &dyn age::Recipient {
        match &self.key {
            Key::Age(r) => r,
            Key::Ssh(r) => r,
        }
    }

    /// The public key as age and SOPS write it: `age1…`, or `ssh-ed25519 AAAA…` without
    /// comment.
    pub fn key_text(&self) -> String {
        match &self.key {
            Key::Age(r) => r.to_string(),
            Key::Ssh(r) => r.to_string(),
        }
    }

    /// Parses one recipient. `name` is used when the key carries no comment of its own.
    pub fn parse(
        text: &str,
        name: Option<String>,
        origin: &Origin,
    ) -> Result<Self, RecipientError> {
        let refuse = |problem| RecipientError::Recipient {
            origin: origin.clone(),
            problem,
        };
        let text = text.trim();
        if text.starts_with("AGE-SECRET-KEY-")
            || text.starts_with("-----BEGIN")
            || text.contains("PRIVATE KEY")
        {
            return Err(refuse(RecipientProblem::PrivateKey));
        }
        match text.strip_prefix("age1") {
            Some(data) => Self::parse_age(text, data, name),
            None => Self::parse_ssh(text, name),
        }
        .map_err(refuse)
    }

    /// An `age1…` recipient; `data` is what follows the prefix.
    fn parse_age(text: &str, data: &str, name: Option<String>) -> Result<Self, RecipientProblem> {
        match text.parse::<age::x25519::Recipient>() {
            Ok(r) => Ok(Recipient {
                info: RecipientInfo {
                    kind: "age".into(),
                    name,
                    fingerprint: r.to_string(),
                },
                key: Key::Age(r),
                ssh_tag: None,
            }),
            // `age1yubikey1…` and friends: a plugin's recipient (the bech32 prefix is
            // everything before the last `1`; bech32 data never contains a `1`).
            Err(_) if data.contains('1') && !data.contains(' ') => {
                Err(RecipientProblem::Unsupported {
                    key_type: "age plugin recipient".into(),
                })
            }
            Err(_) => Err(RecipientProblem::Malformed),
        }
    }

    /// An OpenSSH public key line (`ssh-ed25519 AAAA… comment`, `ssh-rsa …`).
    fn parse_ssh(text: &str, name: Option<String>) -> Result<Self, RecipientProblem> {
        let entry = Entry::from_str(text).map_err(|_| RecipientProblem::Malformed)?;
        let key = entry.public_key();
        check_ssh_algorithm(key)?;
        let age_key = age_ssh_recipient(key)?;
        let comment = key.comment().trim();
        Ok(Recipient {
            info: RecipientInfo {
                kind: key.algorithm().as_str().to_string(),
                name: Some(comment.to_string()).filter(|c| !c.is_empty()).or(name),
                fingerprint: key.fingerprint(HashAlg::Sha256).to_string(),
            },
            key: Key::Ssh(age_key),
            ssh_tag: ssh_tag(key),
        })
    }

    /// `(stanza type, tag)` this recipient leaves in an age header: `("X25519", None)` for an
    /// age recipient, `("ssh-ed25519", Some(tag))` / `("ssh-rsa", Some(tag))` for SSH keys.
    pub fn stanza(&self) -> (&'static str, Option<&str>) {
        match &self.key {
            Key::Age(_) => ("X25519", None),
            Key::Ssh(_) if self.info.kind == "ssh-rsa" => ("ssh-rsa", self.ssh_tag.as_deref()),
            Key::Ssh(_) => ("ssh-ed25519", self.ssh_tag.as_deref()),
        }
    }

    /// Reads a recipients file. A comment line directly above a recipient names it (the
    /// name goes into the bundle and the confirmation list).
    pub fn read_file(path: &Path) -> Result<Vec<Recipient>, RecipientError> {
        let text =
            crate::input::read_to_string(path, crate::input::Accept::File).map_err(|source| {
                RecipientError::File {
                    path: path.to_path_buf(),
                    source,
                }
            })?;
        Recipient::parse_file(path, &text)
    }

    /// Parses the text of the recipients file `path` (named in errors, with the line).
    pub fn parse_file(path: &Path, text: &str) -> Result<Vec<Recipient>, RecipientError> {
        let mut found = Vec::new();
        let mut comment: Option<String> = None;
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                comment = None;
            } else if let Some(c) = line.strip_prefix('#') {
                comment = Some(c.trim().to_string()).filter(|c| !c.is_empty());
            } else {
                let origin = Origin::File {
                    path: path.to_path_buf(),
                    line: i + 1,
                };
                found.push(Recipient::parse(line, comment.take(), &origin)?);
            }
        }
        if found.is_empty() {
            return Err(RecipientError::EmptyFile {
                path: path.to_path_buf(),
            });
        }
        Ok(found)
    }

    /// All recipients from values and files, each key once (the first mention wins).
    pub fn collect(
        values: &[String],
        values_source: &str,
        files: &[PathBuf],
    ) -> Result<Vec<Recipient>, RecipientError> {
        let mut all = Vec::new();
        for (i, v) in values.iter().enumerate() {
            let origin = Origin::Value {
                index: i + 1,
                source: values_source.to_string(),
            };
            all.push(Recipient::parse(v, None, &origin)?);
        }
        for f in files {
            all.extend(Recipient::read_file(f)?);
        }
        let mut seen = std::collections::HashSet::new();
        all.retain(|r| seen.insert(r.info.fingerprint.clone()));
        Ok(all)
    }
}

/// Only the SSH key types age seals to: ssh-ed25519, and ssh-rsa of 2048 bits or more.
fn check_ssh_algorithm(key: &PublicKey) -> Result<(), RecipientProblem> {
    match key.algorithm() {
        Algorithm::Ed25519 => Ok(()),
        Algorithm::Rsa { .. } => match rsa_bits(key) {
            bits if bits < 2048 => Err(RecipientProblem::RsaTooSmall { bits }),
            _ => Ok(()),
        },
        other => Err(RecipientProblem::Unsupported {
            key_type: other.as_str().to_string(),
        }),
    }
}

/// The age crate's recipient for `key` (given without its comment, as age reads it).
fn age_ssh_recipient(key: &PublicKey) -> Result<age::ssh::Recipient, RecipientProblem> {
    let mut bare = key.clone();
    bare.set_comment("");
    let openssh = bare.to_openssh().map_err(|_| RecipientProblem::Malformed)?;
    openssh
        .trim()
        .parse::<age::ssh::Recipient>()
        .map_err(|e| match e {
            age::ssh::ParseRecipientKeyError::RsaModulusTooLarge => RecipientProblem::RsaTooLarge,
            age::ssh::ParseRecipientKeyError::RsaModulusTooSmall => RecipientProblem::RsaTooSmall {
                bits: rsa_bits(key),
            },
            age::ssh::ParseRecipientKeyError::Unsupported(key_type) => {
                RecipientProblem::Unsupported { key_type }
            }
            _ => RecipientProblem::Malformed,
        })
}

/// The tag age writes in an SSH stanza: the first 4 bytes of the SHA-256 of the key's wire
/// form, base64 without padding.
fn ssh_tag(key: &PublicKey) -> Option<String> {
    use base64::Engine;
    use sha2::Digest;
    let wire = key.to_bytes().ok()?;
    Some(base64::engine::general_purpose::STANDARD_NO_PAD.encode(&sha2::Sha256::digest(wire)[..4]))
}

/// The modulus size of an RSA key, as `ssh-keygen -l` counts it.
fn rsa_bits(key: &PublicKey) -> usize {
    let Some(rsa) = key.key_data().rsa() else {
        return 0;
    };
    match rsa.n.as_positive_bytes() {
        Some([first, rest @ ..]) => rest.len() * 8 + (8 - first.leading_zeros() as usize),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Public test keys from the age crate's own tests.
    const ED25519: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB+VHtZ6isGN alice@rust";
    const ECDSA: &str = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBHFliOyIZs1gxGF3fmDxFykQhE88wy6AKDGFBfn0R6ZuvRmENABZQa9+pj9hMki+LX0qDJbmHTiWDbYv/cmFt/Q=";

    fn origin() -> Origin {
        Origin::Value {
            index: 1,
            source: "test".into(),
        }
    }

    #[test]
    fn parses_age_and_ssh_recipients_with_fingerprints() {
        let id = age::x25519::Identity::generate();
        let r = Recipient::parse(&id.to_public().to_string(), None, &origin()).unwrap();
        assert_eq!(r.info.kind, "age");
        assert_eq!(r.info.fingerprint, id.to_public().to_string());

        let r = Recipient::parse(ED25519, Some("ignored".into()), &origin()).unwrap();
        assert_eq!(r.info.kind, "ssh-ed25519");
        assert_eq!(r.info.name.as_deref(), Some("alice@rust"));
        assert!(r.info.fingerprint.starts_with("SHA256:"));
        // authorized_keys options in front of the key are accepted.
        let r = Recipient::parse(
            &format!("no-pty,from=\"10.0.0.1\" {ED25519}"),
            None,
            &origin(),
        );
        assert!(r.is_ok());
    }

    #[test]
    fn refusals_name_the_problem_without_the_key() {
        let problem = |s: &str| match Recipient::parse(s, None, &origin()) {
            Err(RecipientError::Recipient { problem, .. }) => problem,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            problem(ECDSA),
            RecipientProblem::Unsupported {
                key_type: "ecdsa-sha2-nistp256".into()
            }
        );
        assert_eq!(problem("age1notakey"), RecipientProblem::Malformed);
        assert_eq!(
            problem("AGE-SECRET-KEY-1QQQQ"),
            RecipientProblem::PrivateKey
        );
        assert_eq!(problem("hello world"), RecipientProblem::Malformed);
        let e = Recipient::parse("age1notakey", None, &origin()).unwrap_err();
        assert!(!e.to_string().contains("notakey"), "{e}");
    }

    #[test]
    fn files_report_the_line_and_use_comments_as_names() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("keys.txt");
        let id = age::x25519::Identity::generate().to_public().to_string();
        std::fs::write(&p, format!("# Collate support\n{id}\n\n{ED25519}\n")).unwrap();
        let rs = Recipient::read_file(&p).unwrap();
        assert_eq!(rs.len(), 2);
        assert_eq!(rs[0].info.name.as_deref(), Some("Collate support"));

        std::fs::write(&p, format!("# ok\n{id}\nssh-ed25519 AAAAbroken\n")).unwrap();
        let e = Recipient::read_file(&p).unwrap_err();
        assert_eq!(e.to_string().split(':').nth(1), Some("3"), "{e}");
        assert!(!e.to_string().contains("AAAAbroken"));

        std::fs::write(&p, "# nothing here\n\n").unwrap();
        assert!(matches!(
            Recipient::read_file(&p),
            Err(RecipientError::EmptyFile { .. })
        ));
    }

    /// Found by `cargo fuzz` (fuzz/regressions/recipients/): a damaged recipient on line 2,
    /// and on line 3 a copy of the very error message omsso prints for it. The error names
    /// line 2 and shows nothing of the file.
    #[test]
    fn fuzz_regression_a_line_that_looks_like_the_error_message() {
        let text = include_str!(
            "../../fuzz/regressions/recipients/crash-2a1e887b570af0a275b29735e94c1ddb60f45835"
        );
        let e = Recipient::parse_file(Path::new("keys.txt"), text).unwrap_err();
        assert!(
            matches!(
                &e,
                RecipientError::Recipient {
                    origin: Origin::File { line: 2, .. },
                    problem: RecipientProblem::Malformed,
                }
            ),
            "{e:?}"
        );
        assert!(!e
            .to_string()
            .contains("age1apkd9t44s6j6uxhvgwlexhzcmmu8pvv7s2eule2"));
    }

    #[test]
    fn duplicates_are_sealed_to_once() {
        let all = Recipient::collect(&[ED25519.into(), ED25519.into()], "test", &[]).unwrap();
        assert_eq!(all.len(), 1);
    }
}
