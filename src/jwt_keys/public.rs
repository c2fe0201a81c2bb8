//! An RSA public key as OpenMetadata's server holds it: read from its X.509
//! SubjectPublicKeyInfo DER file, or from a JWK of a JWKS document.

use std::path::Path;

use rsa::pkcs8::{DecodePublicKey, EncodePublicKey};
use rsa::traits::PublicKeyParts;
use rsa::{BigUint, RsaPublicKey};
use sha2::{Digest, Sha256};

use super::jwk::{b64url, b64url_decode, java_b64url, Jwk};
use super::{JwtKeyError, KeyDataError};
use crate::input::{self, Accept};

/// RSA keys shorter than this are refused: 1024-bit RSA is within reach of a determined
/// attacker, and a key that signs admin tokens is worth the effort.
pub const MIN_BITS: usize = 2048;

/// An RSA public key. Two keys are equal when their modulus and exponent are: however each
/// was encoded (a DER file, OpenMetadata's JWK with its sign byte and padding, another JWK).
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    key: RsaPublicKey,
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "PublicKey(RSA {} bits, {})",
            self.bits(),
            self.thumbprint()
        )
    }
}

impl PublicKey {
    pub(super) fn new(key: RsaPublicKey) -> PublicKey {
        PublicKey { key }
    }

    /// Reads an X.509 SubjectPublicKeyInfo DER public key (what `X509EncodedKeySpec` takes).
    pub fn from_der(der: &[u8]) -> Result<PublicKey, KeyDataError> {
        let key = RsaPublicKey::from_public_key_der(der).map_err(|e| match e {
            rsa::pkcs8::spki::Error::OidUnknown { .. } => {
                KeyDataError::NotRsa("the key's algorithm is not rsaEncryption".into())
            }
            other => KeyDataError::NotPublicDer(other.to_string()),
        })?;
        checked(key)
    }

    /// Reads the public key file at `path` (DER, as the server reads it).
    pub fn read(path: &Path) -> Result<PublicKey, JwtKeyError> {
        let der = input::read(path, Accept::File).map_err(|source| JwtKeyError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        PublicKey::from_der(&der).map_err(|reason| JwtKeyError::BadFile {
            path: path.to_path_buf(),
            reason,
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
        let key = RsaPublicKey::new(number("n", &jwk.n)?, number("e", &jwk.e)?)
            .map_err(|e| KeyDataError::NotRsa(e.to_string()))?;
        checked(key)
    }

    /// The X.509 SubjectPublicKeyInfo DER encoding (the `public_key.der` file).
    pub fn to_der(&self) -> Vec<u8> {
        self.key
            .to_public_key_der()
            .expect("an RSA public key always encodes")
            .into_vec()
    }

    /// The modulus length in bits (2048, 3072, 4096).
    pub fn bits(&self) -> usize {
        self.key.n().bits()
    }

    /// The key's entry in OpenMetadata's JWKS (`GET /api/v1/system/config/jwks`), field for
    /// field as its server writes it (`JWTTokenGenerator.getJWKSResponse`): `n` and `e` are
    /// Java's `BigInteger.toByteArray()` (two's complement, so a leading zero byte when the
    /// top bit is set) through `Base64.getUrlEncoder()` (with `=` padding); `kty` is the
    /// key's algorithm, `alg` and `use` the `JWKSKey` defaults.
    pub fn jwk(&self, kid: &str) -> Jwk {
        Jwk {
            kty: Some("RSA".into()),
            kid: Some(kid.to_string()),
            n: Some(java_b64url(self.key.n())),
            e: Some(java_b64url(self.key.e())),
            alg: Some("RS256".into()),
            key_use: Some("sig".into()),
        }
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
    /// `message`: how OpenMetadata signs its tokens (`Algorithm.RSA256`), so how a token is
    /// recognised as signed by this key (`message` is the token's `header.payload`).
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

fn checked(key: RsaPublicKey) -> Result<PublicKey, KeyDataError> {
    let bits = key.n().bits();
    if bits < MIN_BITS {
        return Err(KeyDataError::TooShort {
            bits,
            min: MIN_BITS,
        });
    }
    Ok(PublicKey { key })
}
