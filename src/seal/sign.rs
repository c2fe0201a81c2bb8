//! Sender authenticity, which age itself does not give: a detached SSH signature (the
//! `sshsig` format of `ssh-keygen -Y sign`, namespace `omsso-handoff`) over the sealed file's
//! bytes, written beside it as `<file>.sig`, and its check against an OpenSSH
//! `allowed_signers` file (the format `ssh-keygen -Y verify -f` reads).

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::Serialize;
use ssh_key::private::{KeypairData, RsaKeypair};
use ssh_key::public::KeyData;
use ssh_key::{Algorithm, Fingerprint, HashAlg, LineEnding, PrivateKey, PublicKey, SshSig};

use super::error::SignError;
use super::SealError;
use crate::input::{self, Accept};
use crate::settings::SecretSource;

/// The sshsig namespace: a signature made for another purpose (git commits, other tools)
/// can never pass as a handoff signature.
pub const NAMESPACE: &str = "omsso-handoff";

/// Where the signature of `file` lives: `<file>.sig`, as `ssh-keygen -Y sign` names it.
pub fn signature_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".sig");
    PathBuf::from(name)
}

/// An unlocked SSH private key. Holds key material, so no `Debug`.
pub struct SigningKey {
    key: PrivateKey,
    path: PathBuf,
}

impl SigningKey {
    /// Reads an OpenSSH private key, unlocking it with `passphrase` when it is protected.
    pub fn load(path: &Path, passphrase: &SecretSource) -> Result<SigningKey, SealError> {
        use secrecy::ExposeSecret;
        let mut key = read_private_key(path)?;
        match key.algorithm() {
            Algorithm::Ed25519 | Algorithm::Rsa { .. } => {}
            other => {
                return Err(SignError::KeyUnsupported {
                    path: path.to_path_buf(),
                    detail: format!("key type {}", other.as_str()),
                }
                .into())
            }
        }
        if key.is_encrypted() {
            let pass =
                passphrase.read_with_prompt(&format!("passphrase for {}: ", path.display()))?;
            key = key.decrypt(pass.expose_secret().as_bytes()).map_err(|_| {
                SignError::KeyPassphrase {
                    path: path.to_path_buf(),
                }
            })?;
        }
        Ok(SigningKey {
            key,
            path: path.to_path_buf(),
        })
    }

    pub fn fingerprint(&self) -> String {
        self.key.fingerprint(HashAlg::Sha256).to_string()
    }

    /// The armored signature (`-----BEGIN SSH SIGNATURE-----`) over `message`.
    pub fn sign(&self, message: &[u8]) -> Result<String, SignError> {
        let unsupported = |detail: String| SignError::KeyUnsupported {
            path: self.path.clone(),
            detail,
        };
        let sig = match self.key.key_data() {
            KeypairData::Rsa(pair) => sign_rsa(pair, self.key.public_key().key_data(), message),
            _ => self.key.sign(NAMESPACE, HashAlg::Sha512, message),
        };
        sig.and_then(|s| s.to_pem(LineEnding::LF))
            .map_err(|e| unsupported(e.to_string()))
    }
}

/// RSA sshsig (rsa-sha2-512), done here because ssh-key 0.6's own RSA signing builds the
/// private key from the prime p twice (RustCrypto/SSH#217, fixed only in 0.7 pre-releases)
/// and so always fails.
fn sign_rsa(pair: &RsaKeypair, public: &KeyData, message: &[u8]) -> ssh_key::Result<SshSig> {
    use rsa::signature::{RandomizedSigner, SignatureEncoding};
    let big = |m: &ssh_key::Mpint| {
        m.as_positive_bytes()
            .map(rsa::BigUint::from_bytes_be)
            .ok_or(ssh_key::Error::Crypto)
    };
    let key = rsa::RsaPrivateKey::from_components(
        big(&pair.public.n)?,
        big(&pair.public.e)?,
        big(&pair.private.d)?,
        vec![big(&pair.private.p)?, big(&pair.private.q)?],
    )
    .map_err(|_| ssh_key::Error::Crypto)?;
    let signed_data = SshSig::signed_data(NAMESPACE, HashAlg::Sha512, message)?;
    // With an RNG, the private-key operation is blinded: its timing says nothing about the
    // key (defence in depth for RUSTSEC-2023-0071, see deny.toml).
    let signature = rsa::pkcs1v15::SigningKey::<sha2::Sha512>::new(key)
        .try_sign_with_rng(&mut rand_core::OsRng, &signed_data)
        .map_err(|_| ssh_key::Error::Crypto)?;
    let signature = ssh_key::Signature::new(
        Algorithm::Rsa {
            hash: Some(HashAlg::Sha512),
        },
        signature.to_vec(),
    )?;
    SshSig::new(public.clone(), NAMESPACE, HashAlg::Sha512, signature)
}

/// The public half of the OpenSSH private key at `path`, read without unlocking it (the
/// public key is stored in the clear even in a protected key file).
pub fn public_key_of(path: &Path) -> Result<PublicKey, SignError> {
    Ok(read_private_key(path)?.public_key().clone())
}

/// Reads and parses the OpenSSH private key at `path` (still locked if it is protected). The
/// text is held as a secret: an unprotected key is one.
fn read_private_key(path: &Path) -> Result<PrivateKey, SignError> {
    use secrecy::ExposeSecret;
    let text =
        input::read_to_string(path, Accept::FileOrPipe).map_err(|source| SignError::KeyRead {
            path: path.to_path_buf(),
            source,
        })?;
    let text = secrecy::SecretString::from(text);
    PrivateKey::from_openssh(text.expose_secret()).map_err(|_| SignError::KeyMalformed {
        path: path.to_path_buf(),
    })
}

/// Why the signature at `sig` is not `key`'s `omsso-handoff` signature over `message`, or
/// `None` when it is.
pub fn check_own(message: &[u8], sig: &Path, key: &PublicKey) -> Option<String> {
    let shown = sig.display();
    let Ok(text) = input::read_to_string(sig, Accept::File) else {
        return Some(format!("its signature {shown} cannot be read"));
    };
    let Ok(parsed) = SshSig::from_pem(text.trim()) else {
        return Some(format!("{shown} is not an SSH signature"));
    };
    if parsed.public_key() != key.key_data() {
        return Some(format!(
            "its signature {shown} is by {}, not by the signing key {}",
            Fingerprint::new(HashAlg::Sha256, parsed.public_key()),
            key.fingerprint(HashAlg::Sha256)
        ));
    }
    if parsed.namespace() != NAMESPACE || key.verify(NAMESPACE, message, &parsed).is_err() {
        return Some(format!("its signature {shown} does not match it"));
    }
    None
}

/// Who signed a file, from the allowed-signers entry that vouched for the key.
#[derive(Debug, Clone, Serialize)]
pub struct Signer {
    pub principals: Vec<String>,
    pub fingerprint: String,
}

/// Checks that `signature` is a valid `omsso-handoff` signature over `message` (the bytes of
/// `file`) by a key listed in `allowed_signers`, and when `principal` is given, listed for
/// that principal: the verdict `ssh-keygen -Y verify -f allowed_signers -I principal -n
/// omsso-handoff` gives (without `principal`, any listed key will do).
pub fn verify(
    file: &Path,
    message: &[u8],
    signature: &Path,
    allowed_signers: &Path,
    principal: Option<&str>,
) -> Result<Signer, SignError> {
    let sig_path = signature.to_path_buf();
    let text = input::read_to_string(signature, Accept::File).map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            SignError::Missing {
                path: sig_path.clone(),
            }
        } else {
            SignError::Read {
                path: sig_path.clone(),
                source,
            }
        }
    })?;
    let sig = SshSig::from_pem(text.trim()).map_err(|_| SignError::Malformed {
        path: sig_path.clone(),
    })?;
    if sig.namespace() != NAMESPACE {
        return Err(SignError::Namespace {
            path: sig_path,
            found: sig.namespace().to_string(),
        });
    }
    let now = SystemTime::now();
    let signer = AllowedSigner::read_file(allowed_signers)?
        .into_iter()
        .find(|s| {
            s.key.key_data() == sig.public_key()
                && s.accepts(NAMESPACE, now)
                && principal.is_none_or(|p| s.lists(p))
        })
        .ok_or_else(|| SignError::SignerNotAllowed {
            path: sig_path.clone(),
            fingerprint: Fingerprint::new(HashAlg::Sha256, sig.public_key()).to_string(),
            signers: allowed_signers.to_path_buf(),
            principal: principal.map(str::to_string),
        })?;
    signer
        .key
        .verify(NAMESPACE, message, &sig)
        .map_err(|_| SignError::Invalid {
            path: sig_path,
            file: file.to_path_buf(),
        })?;
    Ok(Signer {
        principals: match principal {
            Some(p) => vec![p.to_string()],
            None => signer.principals,
        },
        fingerprint: signer.key.fingerprint(HashAlg::Sha256).to_string(),
    })
}

/// One line of an allowed-signers file: `PRINCIPALS [OPTIONS] KEYTYPE BASE64 [COMMENT]`.
#[derive(Debug)]
struct AllowedSigner {
    /// Principal patterns (OpenSSH pattern-list entries, `!` negates).
    principals: Vec<String>,
    key: PublicKey,
    /// `namespaces="…"`: an OpenSSH pattern list of what the key may sign for; all when
    /// absent.
    namespaces: Option<String>,
    valid_after: Option<SystemTime>,
    valid_before: Option<SystemTime>,
    /// `cert-authority` entries vouch for certificates, which omsso does not take.
    cert_authority: bool,
}

impl AllowedSigner {
    fn read_file(path: &Path) -> Result<Vec<AllowedSigner>, SignError> {
        let text = input::read_to_string(path, Accept::File).map_err(|source| {
            SignError::AllowedSignersRead {
                path: path.to_path_buf(),
                source,
            }
        })?;
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .map(|(i, l)| {
                AllowedSigner::parse(l).ok_or_else(|| SignError::AllowedSignersMalformed {
                    path: path.to_path_buf(),
                    line: i + 1,
                })
            })
            .collect()
    }

    fn parse(line: &str) -> Option<AllowedSigner> {
        let fields = split_outside_quotes(line.trim(), |c| c.is_ascii_whitespace());
        let (principals, rest) = fields.split_first()?;
        let (options, key) = match PublicKey::from_openssh(&rest.join(" ")) {
            Ok(key) => ("", key),
            Err(_) => {
                let (options, rest) = rest.split_first()?;
                (
                    options.as_str(),
                    PublicKey::from_openssh(&rest.join(" ")).ok()?,
                )
            }
        };
        let mut signer = AllowedSigner {
            principals: principals
                .trim_matches('"')
                .split(',')
                .map(str::to_string)
                .collect(),
            key,
            namespaces: None,
            valid_after: None,
            valid_before: None,
            cert_authority: false,
        };
        for option in split_outside_quotes(options, |c| c == ',') {
            let (name, value) = match option.split_once('=') {
                Some((n, v)) => (n, Some(v.trim_matches('"'))),
                None => (option.as_str(), None),
            };
            match (name.to_ascii_lowercase().as_str(), value) {
                ("cert-authority", None) => signer.cert_authority = true,
                ("namespaces", Some(v)) => signer.namespaces = Some(v.to_string()),
                ("valid-after", Some(v)) => signer.valid_after = Some(parse_time(v)?),
                ("valid-before", Some(v)) => signer.valid_before = Some(parse_time(v)?),
                _ => return None,
            }
        }
        Some(signer)
    }

    fn accepts(&self, namespace: &str, now: SystemTime) -> bool {
        !self.cert_authority
            && self
                .namespaces
                .as_deref()
                .is_none_or(|ns| matches_pattern_list(namespace, ns))
            && self.valid_after.is_none_or(|t| now >= t)
            && self.valid_before.is_none_or(|t| now < t)
    }

    /// Whether the entry is for `principal` (its principals field is a pattern list).
    fn lists(&self, principal: &str) -> bool {
        matches_pattern_list(principal, &self.principals.join(","))
    }
}

/// Splits on `sep`, except inside double quotes (which stay in the pieces).
fn split_outside_quotes(s: &str, sep: impl Fn(char) -> bool) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in s.chars() {
        if c == '"' {
            quoted = !quoted;
        }
        if !quoted && sep(c) {
            if !current.is_empty() {
                pieces.push(std::mem::take(&mut current));
            }
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    pieces
}

/// OpenSSH's `match_pattern_list`: `list` is comma-separated patterns, each optionally
/// negated with a leading `!`. `text` matches when some plain pattern matches it and no
/// negated one does: a negated match rejects at once, whatever else matches
/// (`*,!omsso-handoff` does not match `omsso-handoff`). Case-sensitive, as OpenSSH compares
/// principals and namespaces.
fn matches_pattern_list(text: &str, list: &str) -> bool {
    let mut positive = false;
    for pattern in list.split(',') {
        let (negated, pattern) = match pattern.strip_prefix('!') {
            Some(p) => (true, p),
            None => (false, pattern),
        };
        if glob(pattern, text) {
            if negated {
                return false;
            }
            positive = true;
        }
    }
    positive
}

/// OpenSSH's pattern match: `*` any run, `?` any one character.
fn glob(pattern: &str, text: &str) -> bool {
    match pattern.chars().next() {
        None => text.is_empty(),
        Some('*') => (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .any(|i| glob(&pattern[1..], &text[i..])),
        Some(p) => text.chars().next().is_some_and(|t| {
            (p == '?' || p == t) && glob(&pattern[p.len_utf8()..], &text[t.len_utf8()..])
        }),
    }
}

/// `YYYYMMDD[HHMM[SS]][Z]`. Times are taken as UTC (OpenSSH reads them as local time unless
/// they end in `Z`; write the `Z` to mean the same to both).
fn parse_time(v: &str) -> Option<SystemTime> {
    let digits = v.strip_suffix(['Z', 'z']).unwrap_or(v);
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let d = |r: std::ops::Range<usize>| digits.get(r);
    let (date, hm, s) = match digits.len() {
        8 => (d(0..8)?, "0000", "00"),
        12 => (d(0..8)?, d(8..12)?, "00"),
        14 => (d(0..8)?, d(8..12)?, d(12..14)?),
        _ => return None,
    };
    let iso = format!(
        "{}-{}-{}T{}:{}:{s}Z",
        &date[0..4],
        &date[4..6],
        &date[6..8],
        &hm[0..2],
        &hm[2..4]
    );
    humantime::parse_rfc3339(&iso).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB+VHtZ6isGN alice@rust";

    #[test]
    fn parses_allowed_signers_lines() {
        let s = AllowedSigner::parse(&format!("alice@example.com,bob {KEY}")).unwrap();
        assert_eq!(s.principals, ["alice@example.com", "bob"]);
        assert!(s.accepts(NAMESPACE, SystemTime::now()));

        let s = AllowedSigner::parse(&format!(
            "alice namespaces=\"git,omsso-*\",valid-after=\"20200101\" {KEY}"
        ))
        .unwrap();
        assert!(s.accepts(NAMESPACE, SystemTime::now()));
        assert!(!s.accepts("file", SystemTime::now()));
        assert!(!s.accepts(NAMESPACE, SystemTime::UNIX_EPOCH));

        let s = AllowedSigner::parse(&format!("alice valid-before=20200101Z {KEY}")).unwrap();
        assert!(!s.accepts(NAMESPACE, SystemTime::now()));
        let s = AllowedSigner::parse(&format!("ca cert-authority {KEY}")).unwrap();
        assert!(!s.accepts(NAMESPACE, SystemTime::now()));

        assert!(AllowedSigner::parse("alice").is_none());
        assert!(AllowedSigner::parse(&format!("alice bogus-option {KEY}")).is_none());
        assert!(AllowedSigner::parse("alice ssh-ed25519 AAAAbroken").is_none());
    }

    #[test]
    fn pattern_lists_honour_negation_like_openssh() {
        assert!(matches_pattern_list("omsso-handoff", "git,omsso-*"));
        assert!(!matches_pattern_list("omsso-handoff", "*,!omsso-handoff"));
        assert!(!matches_pattern_list("omsso-handoff", "!omsso-handoff,*"));
        assert!(!matches_pattern_list("omsso-handoff", "!git"));
        assert!(matches_pattern_list("git", "*,!omsso-handoff"));
        assert!(!matches_pattern_list("OMSSO-handoff", "omsso-*"));
        let s = AllowedSigner::parse(&format!("alice namespaces=\"*,!omsso-*\" {KEY}")).unwrap();
        assert!(!s.accepts(NAMESPACE, SystemTime::now()));
        let s = AllowedSigner::parse(&format!("*@example.com,!mallory@example.com {KEY}")).unwrap();
        assert!(s.lists("ops@example.com"));
        assert!(!s.lists("mallory@example.com"));
        assert!(!s.lists("ops@other.example"));
    }

    #[test]
    fn glob_matches_like_openssh() {
        assert!(glob("omsso-*", "omsso-handoff"));
        assert!(glob("*", "x"));
        assert!(glob("omsso-hand?ff", "omsso-handoff"));
        assert!(!glob("git", "omsso-handoff"));
    }

    #[test]
    fn signature_path_appends_sig() {
        assert_eq!(
            signature_path(Path::new("out/collate-handoff.age")),
            PathBuf::from("out/collate-handoff.age.sig")
        );
    }
}
