//! One encrypted value as SOPS writes it: `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]`.
//!
//! AES-256-GCM with the file's data key, a random 32-byte IV (SOPS's nonce size, not GCM's
//! usual 12), and as additional data the value's place in the tree: its keys joined and ended
//! with `:` (`stringData:openmetadata-oidc-client-secret:`). `data` is the ciphertext without
//! the 16-byte tag, all three parts in standard base64, and `type` tells how to read the
//! plaintext back (`str`, `int`, `float`, `bool`, …). An empty string is not encrypted at all:
//! it stays `""`, as SOPS leaves it.

use aes_gcm::aead::consts::U32;
use aes_gcm::aead::{AeadInPlace, KeyInit};
use aes_gcm::aes::Aes256;
use aes_gcm::AesGcm;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::tree::Scalar;
use super::DataKey;

/// AES-256-GCM with SOPS's 32-byte nonces.
type Cipher = AesGcm<Aes256, U32>;

pub const IV_LEN: usize = 32;
const TAG_LEN: usize = 16;
const PREFIX: &str = "ENC[AES256_GCM,data:";

/// The parts of an `ENC[…]` string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enc {
    data: Vec<u8>,
    pub iv: Vec<u8>,
    tag: Vec<u8>,
    pub kind: String,
}

/// Why a string is not a usable `ENC[…]` value. Never holds the value itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncError {
    #[error("not an ENC[AES256_GCM,…] value")]
    NotEnc,
    #[error("its {0} is not valid base64")]
    Base64(&'static str),
    #[error("its tag is {0} bytes long instead of 16")]
    TagLength(usize),
    #[error("its IV is {0} bytes long instead of SOPS's 32")]
    IvLength(usize),
    #[error("its type `{0}` is not one SOPS writes")]
    UnknownType(String),
}

/// Whether `text` claims to be an encrypted value (SOPS's own test: the `ENC[AES256_GCM,`
/// prefix), whatever the rest looks like.
pub fn looks_encrypted(text: &str) -> bool {
    text.starts_with("ENC[AES256_GCM,")
}

impl Enc {
    /// Parses `ENC[AES256_GCM,data:D,iv:I,tag:T,type:K]`.
    pub fn parse(text: &str) -> Result<Enc, EncError> {
        let body = text
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.strip_suffix(']'))
            .ok_or(EncError::NotEnc)?;
        let (data, rest) = body.split_once(",iv:").ok_or(EncError::NotEnc)?;
        let (iv, rest) = rest.split_once(",tag:").ok_or(EncError::NotEnc)?;
        let (tag, kind) = rest.split_once(",type:").ok_or(EncError::NotEnc)?;
        let decode = |part: &'static str, s: &str| {
            STANDARD
                .decode(s.as_bytes())
                .map_err(|_| EncError::Base64(part))
        };
        let enc = Enc {
            data: decode("data", data)?,
            iv: decode("iv", iv)?,
            tag: decode("tag", tag)?,
            kind: kind.to_string(),
        };
        if enc.tag.len() != TAG_LEN {
            return Err(EncError::TagLength(enc.tag.len()));
        }
        if enc.iv.len() != IV_LEN {
            return Err(EncError::IvLength(enc.iv.len()));
        }
        if !matches!(
            enc.kind.as_str(),
            "str" | "int" | "float" | "bool" | "bytes" | "time" | "comment"
        ) {
            return Err(EncError::UnknownType(enc.kind.clone()));
        }
        Ok(enc)
    }

    /// Decrypts with `key` and `aad` (the tree path); `None` when the tag does not match:
    /// another key, another place in the tree, or a changed value.
    pub fn open(&self, key: &DataKey, aad: &str) -> Option<Scalar> {
        let cipher = Cipher::new(key.bytes().into());
        let mut buf = self.data.clone();
        cipher
            .decrypt_in_place_detached(
                self.iv.as_slice().into(),
                aad.as_bytes(),
                &mut buf,
                self.tag.as_slice().into(),
            )
            .ok()?;
        let text = String::from_utf8(buf).ok()?;
        Scalar::from_typed(&self.kind, text)
    }
}

/// Encrypts `value` at the tree path `aad` with `iv`: the `ENC[…]` string SOPS would write
/// (an empty string stays empty).
pub fn seal(key: &DataKey, value: &Scalar, aad: &str, iv: &[u8; IV_LEN]) -> String {
    let (kind, plaintext) = value.typed_bytes();
    if plaintext.is_empty() && kind == "str" {
        return String::new();
    }
    let cipher = Cipher::new(key.bytes().into());
    let mut buf = plaintext.into_bytes();
    // Encrypting into memory with a 32-byte key and IV cannot fail.
    let tag = cipher
        .encrypt_in_place_detached(iv.into(), aad.as_bytes(), &mut buf)
        .expect("AES-GCM encrypts in memory");
    format!(
        "{PREFIX}{},iv:{},tag:{},type:{kind}]",
        STANDARD.encode(&buf),
        STANDARD.encode(iv),
        STANDARD.encode(tag)
    )
}

/// A fresh random IV.
pub fn random_iv() -> [u8; IV_LEN] {
    use rand_core::RngCore;
    let mut iv = [0u8; IV_LEN];
    rand_core::OsRng.fill_bytes(&mut iv);
    iv
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> DataKey {
        DataKey::from_slice(&[7u8; 32]).unwrap()
    }

    #[test]
    fn a_value_opens_only_with_its_key_and_its_path() {
        let v = Scalar::Str("s3cr:et #x".into());
        let enc = seal(&key(), &v, "stringData:secret:", &random_iv());
        assert!(
            enc.starts_with(PREFIX) && enc.ends_with(",type:str]"),
            "{enc}"
        );
        let parsed = Enc::parse(&enc).unwrap();
        assert_eq!(parsed.open(&key(), "stringData:secret:"), Some(v));
        assert_eq!(parsed.open(&key(), "stringData:other:"), None);
        let other = DataKey::from_slice(&[8u8; 32]).unwrap();
        assert_eq!(parsed.open(&other, "stringData:secret:"), None);
    }

    #[test]
    fn the_same_iv_gives_the_same_string_and_empty_stays_empty() {
        let iv = random_iv();
        let v = Scalar::Int(42);
        assert_eq!(seal(&key(), &v, "a:", &iv), seal(&key(), &v, "a:", &iv));
        assert!(seal(&key(), &v, "a:", &iv).ends_with(",type:int]"));
        assert_eq!(seal(&key(), &Scalar::Str(String::new()), "a:", &iv), "");
    }

    #[test]
    fn damaged_strings_say_what_is_wrong() {
        let good = seal(&key(), &Scalar::Str("x".into()), "a:", &random_iv());
        assert_eq!(Enc::parse("plain"), Err(EncError::NotEnc));
        assert_eq!(
            Enc::parse(&good.replace(",type:str]", ",type:str")),
            Err(EncError::NotEnc)
        );
        assert_eq!(
            Enc::parse(&good.replace(",type:str]", ",type:weird]")),
            Err(EncError::UnknownType("weird".into()))
        );
        let bad_tag = format!(
            "{PREFIX}AA==,iv:{},tag:AA==,type:str]",
            STANDARD.encode([0; 32])
        );
        assert_eq!(Enc::parse(&bad_tag), Err(EncError::TagLength(1)));
        assert!(looks_encrypted(&good) && !looks_encrypted("ENC"));
    }
}
