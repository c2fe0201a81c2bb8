//! The key pair: made here, or read back from the private key file.

use std::fmt;
use std::str::FromStr;

use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use rsa::RsaPrivateKey;
use secrecy::{ExposeSecret, SecretSlice};

use super::{KeyDataError, PublicKey};

/// The modulus length of a new key pair. 2048 bits is what OpenMetadata's docs make and what
/// NIST SP 800-57 deems fine until 2030; 3072 and 4096 are there for policies that ask for
/// more (every token check costs a little more).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeySize {
    #[default]
    Rsa2048,
    Rsa3072,
    Rsa4096,
}

impl KeySize {
    pub const ALL: [KeySize; 3] = [KeySize::Rsa2048, KeySize::Rsa3072, KeySize::Rsa4096];

    pub fn bits(self) -> usize {
        match self {
            KeySize::Rsa2048 => 2048,
            KeySize::Rsa3072 => 3072,
            KeySize::Rsa4096 => 4096,
        }
    }
}

impl fmt::Display for KeySize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.bits())
    }
}

impl FromStr for KeySize {
    type Err = String;

    fn from_str(s: &str) -> Result<KeySize, String> {
        KeySize::ALL
            .into_iter()
            .find(|k| k.to_string() == s.trim())
            .ok_or_else(|| format!("`{s}` is not an RSA key size omsso makes (2048, 3072 or 4096)"))
    }
}

impl<'de> serde::Deserialize<'de> for KeySize {
    /// `2048` or `"2048"` in omsso.yaml.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<KeySize, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Written {
            Number(u64),
            Text(String),
        }
        let text = match Written::deserialize(d)? {
            Written::Number(n) => n.to_string(),
            Written::Text(s) => s,
        };
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A private key (PKCS#8 DER, as the file holds it) and its public key.
pub struct KeyPair {
    private_der: SecretSlice<u8>,
    public: PublicKey,
}

impl fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyPair({:?}, private key redacted)", self.public)
    }
}

impl KeyPair {
    /// A new pair from the operating system's random source (exponent 65537).
    pub fn generate(size: KeySize) -> Result<KeyPair, String> {
        let private =
            RsaPrivateKey::new(&mut rand_core::OsRng, size.bits()).map_err(|e| e.to_string())?;
        let der = private.to_pkcs8_der().map_err(|e| e.to_string())?;
        Ok(KeyPair {
            private_der: SecretSlice::from(der.as_bytes().to_vec()),
            public: PublicKey::new(private.to_public_key()),
        })
    }

    /// The pair of an unencrypted PKCS#8 DER private key (what `PKCS8EncodedKeySpec` takes),
    /// checked to be a consistent RSA key of at least 2048 bits.
    pub fn from_private_der(der: &[u8]) -> Result<KeyPair, KeyDataError> {
        let private = RsaPrivateKey::from_pkcs8_der(der).map_err(|e| match e {
            rsa::pkcs8::Error::PublicKey(rsa::pkcs8::spki::Error::OidUnknown { .. }) => {
                KeyDataError::NotRsa("the key's algorithm is not rsaEncryption".into())
            }
            other => KeyDataError::NotPrivateDer(other.to_string()),
        })?;
        private
            .validate()
            .map_err(|e| KeyDataError::NotRsa(e.to_string()))?;
        let public = PublicKey::from_der(&PublicKey::new(private.to_public_key()).to_der())?;
        Ok(KeyPair {
            private_der: SecretSlice::from(der.to_vec()),
            public,
        })
    }

    pub fn public(&self) -> &PublicKey {
        &self.public
    }

    /// The private key file's bytes. A secret: written 0600, never shown.
    pub fn private_der(&self) -> &[u8] {
        self.private_der.expose_secret()
    }
}
