//! An RSA public key as OpenMetadata's server holds it: read from its X.509
//! SubjectPublicKeyInfo DER file, or from a JWK of a JWKS document.

use rsa::pkcs8::DecodePublicKey;
use rsa::traits::PublicKeyParts;
use rsa::{BigUint, RsaPublicKey};
use sha2::{Digest, Sha256};

use super::jwk::{b64url, b64url_decode, Jwk};
use super::KeyDataError;

/// An RSA public key. Two keys are equal when their modulus and exponent are, however each was
/// encoded (a DER file, OpenMetadata's JWK with its sign byte and padding, another JWK).
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    key: RsaPublicKey,
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey(RSA, {})", self.thumbprint())
    }
}

impl PublicKey {
    /// Reads an X.509 SubjectPublicKeyInfo DER public key (what `X509EncodedKeySpec` takes).
    pub fn from_der(der: &[u8]) -> Result<PublicKey, KeyDataError> {
        RsaPublicKey::from_public_key_der(der)
            .map(|key| PublicKey { key })
            .map_err(|e| match e {
                rsa::pkcs8::spki::Error::OidUnknown { .. } => {
                    KeyDataError::NotRsa("the key's algorithm is not rsaEncryption".into())
                }
                other => KeyDataError::NotPublicDer(other.to_string()),
            })
    }

    /// The key of a JWK (`kty` RSA, `n` and `e` in base64url, padded or not, with or without
    /// the leading zero byte OpenMetadata writes).
    pub fn from_jwk(jwk: &Jwk) -> Result<PublicKey, KeyDataError> {
        match jwk.kty.as_deref() {
            Some("RSA") => {}
            Some(other) => return Err(KeyDataError::NotRsa(format!("the JWK's kty is `{other}`"))),
            None => return Err(KeyDataError::JwkMissing("kty")),
        }
        let number = |field: &'static str, value: &Option<String>| {
            let text = value.as_deref().ok_or(KeyDataError::JwkMissing(field))?;
            b64url_decode(text)
                .map(|bytes| BigUint::from_bytes_be(&bytes))
                .map_err(|reason| KeyDataError::JwkEncoding { field, reason })
        };
        RsaPublicKey::new(number("n", &jwk.n)?, number("e", &jwk.e)?)
            .map(|key| PublicKey { key })
            .map_err(|e| KeyDataError::NotRsa(e.to_string()))
    }

    /// The RFC 7638 JWK thumbprint: SHA-256 over `{"e":…,"kty":"RSA","n":…}` (members in
    /// lexical order, no whitespace, `n` and `e` unsigned big-endian without leading zeros,
    /// base64url without padding), itself in base64url without padding (43 characters).
    pub fn thumbprint(&self) -> String {
        let canonical = format!(
            r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#,
            b64url(&self.key.e().to_bytes_be()),
            b64url(&self.key.n().to_bytes_be())
        );
        b64url(&Sha256::digest(canonical.as_bytes()))
    }

    /// Whether `signature` is this key's RS256 (RSASSA-PKCS1-v1_5 with SHA-256) signature of
    /// `message`: how OpenMetadata signs its tokens (`message` is the token's `header.payload`).
    pub fn verifies_rs256(&self, message: &[u8], signature: &[u8]) -> bool {
        use rsa::signature::Verifier;
        let Ok(signature) = rsa::pkcs1v15::Signature::try_from(signature) else {
            return false;
        };
        rsa::pkcs1v15::VerifyingKey::<Sha256>::new(self.key.clone())
            .verify(message, &signature)
            .is_ok()
    }
}
