//! JWKs and JWKS documents: RFC 7517's JSON shapes, as OpenMetadata's server writes them
//! (`JWKSResponse`: `{"keys": [JWKSKey…]}`) and as any other issuer may.

use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
use rsa::BigUint;
use serde::{Deserialize, Serialize};

use super::{KeyDataError, PublicKey};

/// One key of a JWKS. Every member is optional when read (OpenMetadata serves a key without
/// `kty`, `kid`, `n` and `e` when it has no key pair configured); [`PublicKey::jwk`] fills
/// them all. Serialised in the order OpenMetadata's `JWKSKey` declares its fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwk {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kty: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    #[serde(rename = "use", default, skip_serializing_if = "Option::is_none")]
    pub key_use: Option<String>,
}

impl Jwk {
    /// The RSA key it holds.
    pub fn public_key(&self) -> Result<PublicKey, KeyDataError> {
        PublicKey::from_jwk(self)
    }
}

/// A JWKS document: `{"keys": [...]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwks {
    pub keys: Vec<Jwk>,
}

impl Jwks {
    /// Parses a JWKS document (unknown members are ignored, as JWKS readers must).
    pub fn parse(json: &[u8]) -> Result<Jwks, KeyDataError> {
        serde_json::from_slice(json).map_err(|e| KeyDataError::NotJwks(e.to_string()))
    }

    /// The key with `kid`.
    pub fn find(&self, kid: &str) -> Option<&Jwk> {
        self.keys.iter().find(|k| k.kid.as_deref() == Some(kid))
    }
}

/// base64url without padding (JOSE's encoding).
pub(super) fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A base64url value, padded or not.
pub(super) fn b64url_decode(text: &str) -> Result<Vec<u8>, String> {
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::URL_SAFE,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    LENIENT.decode(text).map_err(|e| e.to_string())
}

/// What Java's `Base64.getUrlEncoder().encodeToString(n.toByteArray())` writes for a positive
/// `BigInteger` `n`: its two's complement bytes (a leading zero byte when the top bit of the
/// first byte is set), base64url with `=` padding.
pub(super) fn java_b64url(n: &BigUint) -> String {
    let mut bytes = n.to_bytes_be();
    if bytes.first().is_some_and(|b| b & 0x80 != 0) {
        bytes.insert(0, 0);
    }
    URL_SAFE.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_encoding_keeps_the_sign_byte_and_the_padding() {
        // 65537 = 01 00 01: no sign byte, no padding.
        assert_eq!(java_b64url(&BigUint::from(65537u32)), "AQAB");
        // 0x80 has its top bit set: BigInteger writes 00 80.
        assert_eq!(java_b64url(&BigUint::from(0x80u32)), "AIA=");
        assert_eq!(b64url_decode("AIA=").unwrap(), vec![0, 0x80]);
        assert_eq!(b64url_decode("AIA").unwrap(), vec![0, 0x80]);
    }

    #[test]
    fn jwks_members_are_optional_and_extra_ones_ignored() {
        let jwks = Jwks::parse(br#"{"keys":[{"alg":"RS256","use":"sig","x5c":[]}]}"#).unwrap();
        assert_eq!(jwks.keys[0].kid, None);
        assert_eq!(
            jwks.keys[0].public_key(),
            Err(KeyDataError::JwkMissing("kty"))
        );
        assert!(Jwks::parse(b"[]").is_err());
    }
}

#[cfg(test)]
pub(super) mod tests_support {
    pub fn decode(text: &str) -> Vec<u8> {
        super::b64url_decode(text).unwrap()
    }
    pub fn encode_no_pad(bytes: &[u8]) -> String {
        super::b64url(bytes)
    }
}
