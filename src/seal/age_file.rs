//! age encryption and decryption of in-memory documents, with every failure turned into a
//! [`OpenError`] that says what is wrong with the file (not age at all, damaged armor,
//! truncated or modified, no matching identity, wrong passphrase).
//!
//! Everything is decrypted into memory and returned only once age has authenticated the
//! whole payload (its STREAM construction checks the final chunk), so a damaged file never
//! yields partial plaintext.

use std::io::{BufReader, Read, Write};
use std::path::Path;

use age::armor::{ArmoredReadError, ArmoredReader, ArmoredWriter, Format};
use age::DecryptError;
use secrecy::{SecretSlice, SecretString};

use super::error::OpenError;

/// Handoff bundles and identity files are small; this bounds memory on hostile input.
pub const MAX_SIZE: u64 = crate::input::MAX_SIZE;

/// The highest scrypt work factor (log2 N) a passphrase-sealed file may ask for, the age
/// CLI's own limit. scrypt needs 1 KiB × 2^N of memory: 2^22 is 4 GiB, 16 times what age and
/// omsso seal with (2^18, about a second). Without a fixed cap the age crate allows its
/// measured one-second factor + 4, which on a fast machine let a file asking for 2^23 run for
/// 42 s in 8 GiB before the passphrase was even checked.
pub const MAX_WORK_FACTOR: u8 = 22;

const BINARY_MAGIC: &[u8] = b"age-encryption.org/";
const ARMOR_BEGIN: &[u8] = b"-----BEGIN AGE ENCRYPTED FILE-----";

/// Whether `bytes` look like an age file (binary or armored).
pub fn is_age(bytes: &[u8]) -> bool {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let bytes = &bytes[start..];
    bytes.starts_with(BINARY_MAGIC) || bytes.starts_with(ARMOR_BEGIN)
}

/// Encrypts `plaintext` to `recipients`, ASCII-armored when `armor` is set.
pub fn encrypt<'a>(
    plaintext: &[u8],
    recipients: impl Iterator<Item = &'a dyn age::Recipient>,
    armor: bool,
) -> Vec<u8> {
    // Only fails without recipients or with incompatible labels, which X25519 and SSH
    // recipients never carry; callers guarantee at least one recipient.
    let encryptor = age::Encryptor::with_recipients(recipients).expect("valid recipient set");
    write(encryptor, plaintext, armor)
}

/// Encrypts `plaintext` to a passphrase (scrypt; about a second of work).
pub fn encrypt_with_passphrase(plaintext: &[u8], passphrase: SecretString, armor: bool) -> Vec<u8> {
    write(
        age::Encryptor::with_user_passphrase(passphrase),
        plaintext,
        armor,
    )
}

fn write(encryptor: age::Encryptor, plaintext: &[u8], armor: bool) -> Vec<u8> {
    let format = if armor {
        Format::AsciiArmor
    } else {
        Format::Binary
    };
    // Writing to a Vec cannot fail.
    let armored = ArmoredWriter::wrap_output(Vec::new(), format).expect("in memory");
    let mut stream = encryptor.wrap_output(armored).expect("in memory");
    stream.write_all(plaintext).expect("in memory");
    stream
        .finish()
        .and_then(|armored| armored.finish())
        .expect("in memory")
}

/// A parsed age header, ready to be decrypted.
pub struct Sealed<'a> {
    path: &'a Path,
    decryptor: age::Decryptor<ArmoredReader<BufReader<&'a [u8]>>>,
}

impl<'a> Sealed<'a> {
    /// Parses the header of the age file `bytes` (read from `path`, named in errors).
    pub fn parse(path: &'a Path, bytes: &'a [u8]) -> Result<Sealed<'a>, OpenError> {
        if bytes.len() as u64 > MAX_SIZE {
            return Err(OpenError::TooLarge {
                path: path.to_path_buf(),
            });
        }
        if !is_age(bytes) {
            return Err(OpenError::NotAge {
                path: path.to_path_buf(),
            });
        }
        if matches!(header_stanzas(bytes), Header::Malformed) {
            return Err(OpenError::HeaderMalformed {
                path: path.to_path_buf(),
            });
        }
        let decryptor = age::Decryptor::new(ArmoredReader::new(bytes)).map_err(|e| match e {
            // age reports a v1 header it cannot parse as an unknown version; a file that
            // starts like v1 is a damaged v1 file.
            DecryptError::UnknownFormat if claims_v1(bytes) => OpenError::Damaged {
                path: path.to_path_buf(),
            },
            e => decrypt_error(path, e, false),
        })?;
        Ok(Sealed { path, decryptor })
    }

    /// True when the file is sealed to a passphrase rather than to recipients.
    pub fn is_passphrase(&self) -> bool {
        self.decryptor.is_scrypt()
    }

    pub fn decrypt<'i>(
        self,
        identities: impl Iterator<Item = &'i dyn age::Identity>,
    ) -> Result<SecretSlice<u8>, OpenError> {
        let (path, passphrase) = (self.path, self.is_passphrase());
        let mut reader = self
            .decryptor
            .decrypt(identities)
            .map_err(|e| decrypt_error(path, e, passphrase))?;
        let mut plaintext = Vec::new();
        let read = (&mut reader).take(MAX_SIZE + 1).read_to_end(&mut plaintext);
        // Wrap before checking, so the partial plaintext is wiped on every path.
        let plaintext = SecretSlice::from(plaintext);
        match read {
            Ok(n) if n as u64 > MAX_SIZE => Err(OpenError::TooLarge {
                path: path.to_path_buf(),
            }),
            Ok(_) => Ok(plaintext),
            Err(e) => Err(io_error(path, e)),
        }
    }

    pub fn decrypt_with_passphrase(
        self,
        passphrase: SecretString,
    ) -> Result<SecretSlice<u8>, OpenError> {
        let mut identity = age::scrypt::Identity::new(passphrase);
        identity.set_max_work_factor(MAX_WORK_FACTOR);
        self.decrypt(std::iter::once(&identity as &dyn age::Identity))
    }
}

/// One recipient stanza of an age header: its type and arguments (`X25519 <share>`,
/// `ssh-ed25519 <tag> <share>`, `scrypt <salt> <work factor>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stanza {
    pub tag: String,
    pub args: Vec<String>,
}

/// What [`header_stanzas`] found.
enum Header {
    /// Not an age v1 file, or damaged armor: the age crate reports which.
    Unreadable,
    /// A stanza that is not strictly encoded.
    Malformed,
    Stanzas(Vec<Stanza>),
}

/// The recipient stanzas of the header, read with age-core's own strict stanza parser: a
/// body of base64 lines, the last one shorter than 64 columns (empty if need be), as the age
/// specification and the age CLI require. The age crate's header reader also takes the
/// "legacy" encoding of pre-release files, where a stanza may lack its body line or its
/// final short line; the age CLI refuses such files, and so does omsso ([`Sealed::parse`]).
/// The rest of the header (version line, MAC) is left to the crate, which reads it strictly.
fn header_stanzas(bytes: &[u8]) -> Header {
    let mut plain = Vec::new();
    if ArmoredReader::new(bytes)
        .take(MAX_SIZE)
        .read_to_end(&mut plain)
        .is_err()
    {
        return Header::Unreadable;
    }
    let Some(mut rest) = plain.strip_prefix(b"age-encryption.org/v1\n".as_slice()) else {
        return Header::Unreadable;
    };
    let mut stanzas = Vec::new();
    while rest.starts_with(b"-> ") {
        match age_core::format::read::age_stanza(rest) {
            Ok((after, stanza)) => {
                stanzas.push(Stanza {
                    tag: stanza.tag.to_string(),
                    args: stanza.args.iter().map(|a| a.to_string()).collect(),
                });
                rest = after;
            }
            // The file ends inside the header: truncated, which the crate reports as such.
            Err(e) if e.is_incomplete() => return Header::Unreadable,
            Err(_) => return Header::Malformed,
        }
    }
    Header::Stanzas(stanzas)
}

/// The recipient stanzas of an age file, when it is a well-formed one.
pub fn recipient_stanzas(bytes: &[u8]) -> Option<Vec<Stanza>> {
    match header_stanzas(bytes) {
        Header::Stanzas(s) => Some(s),
        Header::Unreadable | Header::Malformed => None,
    }
}

/// Whether `bytes` (an age file, armored or not) is ASCII-armored.
pub fn is_armored(bytes: &[u8]) -> bool {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    bytes[start..].starts_with(ARMOR_BEGIN)
}

/// Whether the (de-armored) file starts with the age v1 header line.
fn claims_v1(bytes: &[u8]) -> bool {
    const V1: &[u8] = b"age-encryption.org/v1\n";
    let mut start = [0u8; V1.len()];
    ArmoredReader::new(bytes).read_exact(&mut start).is_ok() && start == V1
}

fn decrypt_error(path: &Path, e: DecryptError, passphrase: bool) -> OpenError {
    let path = path.to_path_buf();
    match e {
        DecryptError::NoMatchingKeys => OpenError::NoIdentityMatches { path },
        DecryptError::DecryptionFailed if passphrase => OpenError::WrongPassphrase { path },
        DecryptError::UnknownFormat => OpenError::UnknownAgeFormat { path },
        DecryptError::ExcessiveWork { required, .. } => OpenError::ExcessiveWork { path, required },
        DecryptError::Io(e) => io_error(&path, e),
        _ => OpenError::Damaged { path },
    }
}

fn io_error(path: &Path, e: std::io::Error) -> OpenError {
    let path = path.to_path_buf();
    match e
        .get_ref()
        .and_then(|i| i.downcast_ref::<ArmoredReadError>())
    {
        Some(armor) => OpenError::ArmorDamaged {
            path,
            detail: armor.to_string(),
        },
        None => OpenError::Damaged { path },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn sealed(armor: bool) -> (age::x25519::Identity, Vec<u8>) {
        let id = age::x25519::Identity::generate();
        let r = id.to_public();
        let ct = encrypt(
            b"hello bundle",
            std::iter::once(&r as &dyn age::Recipient),
            armor,
        );
        (id, ct)
    }

    fn open(id: &age::x25519::Identity, bytes: &[u8]) -> Result<Vec<u8>, OpenError> {
        let p = Path::new("f.age");
        Sealed::parse(p, bytes)?
            .decrypt(std::iter::once(id as &dyn age::Identity))
            .map(|s| s.expose_secret().to_vec())
    }

    #[test]
    fn round_trips_binary_and_armored() {
        for armor in [false, true] {
            let (id, ct) = sealed(armor);
            assert_eq!(ct.starts_with(ARMOR_BEGIN), armor);
            assert_eq!(open(&id, &ct).unwrap(), b"hello bundle");
        }
    }

    #[test]
    fn every_kind_of_damage_is_named() {
        let (id, ct) = sealed(false);
        let other = age::x25519::Identity::generate();
        assert!(matches!(
            open(&other, &ct),
            Err(OpenError::NoIdentityMatches { .. })
        ));
        assert!(matches!(
            open(&id, &ct[..ct.len() - 5]),
            Err(OpenError::Damaged { .. })
        ));
        let mut flipped = ct.clone();
        let last = flipped.len() - 3;
        flipped[last] ^= 1;
        assert!(matches!(
            open(&id, &flipped),
            Err(OpenError::Damaged { .. })
        ));
        assert!(matches!(
            open(&id, b"{\"format\": \"json\"}"),
            Err(OpenError::NotAge { .. })
        ));

        let (id, armored) = sealed(true);
        let text = String::from_utf8(armored).unwrap();
        // Join two armor lines: the armor is no longer wrapped at 64 columns.
        let damaged = text.replacen('\n', "", 2).replacen(
            "-----BEGIN AGE ENCRYPTED FILE-----",
            "-----BEGIN AGE ENCRYPTED FILE-----\n",
            1,
        );
        assert!(matches!(
            open(&id, damaged.as_bytes()),
            Err(OpenError::ArmorDamaged { .. })
        ));
    }

    #[test]
    fn a_wrong_passphrase_is_named() {
        let ct = encrypt_with_passphrase(b"x", SecretString::from("right"), false);
        let p = Path::new("f.age");
        let sealed = Sealed::parse(p, &ct).unwrap();
        assert!(sealed.is_passphrase());
        assert!(matches!(
            sealed.decrypt_with_passphrase(SecretString::from("wrong")),
            Err(OpenError::WrongPassphrase { .. })
        ));
    }
}
