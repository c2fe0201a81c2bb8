//! OpenMetadata's own JWT signing keys: the RSA key pair its server signs bot tokens, personal
//! access tokens and basic-auth sessions with (`jwtTokenConfiguration`), and publishes at
//! `GET /api/v1/system/config/jwks`.
//!
//! Why omsso makes them: every quickstart image, compose file and Helm chart ships the same
//! pair (`./conf/private_key.der`, key id `Gb389a-9f76-gdjs-a92j-0242bk94356`), its private
//! key is public, and the server trusts every token it signs. A fresh pair is made once and
//! kept ([`KeyFiles::load_or_generate`]); replacing it is only ever an explicit rotation.
//!
//! The files are what the server's `JWTTokenGenerator` loads with the JDK's `KeyFactory`: the
//! private key as unencrypted PKCS#8 DER (`PKCS8EncodedKeySpec`), the public key as X.509
//! SubjectPublicKeyInfo DER (`X509EncodedKeySpec`), the same files OpenMetadata's "Enable JWT
//! Tokens" page makes with `openssl genrsa` + `openssl pkcs8 -topk8 -nocrypt`. The DER is
//! written and read by the `rsa` crate (through `pkcs8` and `spki`), never by hand.
//!
//! The key id defaults to the RFC 7638 JWK thumbprint of the public key
//! ([`PublicKey::thumbprint`]): it is derived from the public key alone, so nothing besides
//! the two key files has to be stored, every re-render finds the same id, and the id changes
//! exactly when the key does (which is when every token the server issued stops working
//! anyway). OpenMetadata's docs ask for an id "generated once and kept static"; this one is.

mod files;
mod jwk;
mod pair;
mod public;

use std::path::PathBuf;

use crate::exit::{Diagnose, Exit};
use crate::hint::Hint;

pub use files::{generate, KeyFiles, Loaded, PRIVATE_KEY_FILE, PUBLIC_KEY_FILE};
pub use jwk::{Jwk, Jwks};
pub use pair::{KeyPair, KeySize};
pub use public::PublicKey;

/// The key id the server is configured with: `configured` (`jwt.key_id`) when set, else the
/// RFC 7638 thumbprint of `public`.
pub fn key_id(public: &PublicKey, configured: Option<&str>) -> String {
    configured.map_or_else(|| public.thumbprint(), str::to_string)
}

/// What is wrong with key material, whatever file or document it came from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyDataError {
    #[error("not an X.509 SubjectPublicKeyInfo DER public key ({0})")]
    NotPublicDer(String),
    #[error("not an unencrypted PKCS#8 DER private key ({0})")]
    NotPrivateDer(String),
    #[error("not an RSA key: {0}")]
    NotRsa(String),
    #[error("an RSA key of {bits} bits is too short (at least {min})")]
    TooShort { bits: usize, min: usize },
    #[error("the JWK has no `{0}`")]
    JwkMissing(&'static str),
    #[error("the JWK's `{field}` is not base64url ({reason})")]
    JwkEncoding { field: &'static str, reason: String },
    #[error("not a JWKS document: {0}")]
    NotJwks(String),
}

#[derive(Debug, thiserror::Error)]
pub enum JwtKeyError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {reason}", path.display())]
    BadFile { path: PathBuf, reason: KeyDataError },
    /// The public key file holds another key than the private key's.
    #[error("{} is not the public key of {}", public.display(), private.display())]
    NotAPair { private: PathBuf, public: PathBuf },
    /// A public key whose private key is gone: the server could not sign with it.
    #[error("{} exists but its private key {} does not", public.display(), private.display())]
    PublicOnly { private: PathBuf, public: PathBuf },
    #[error("cannot generate an RSA key pair: {0}")]
    Generate(String),
}

impl Diagnose for JwtKeyError {
    fn exit(&self) -> Exit {
        match self {
            JwtKeyError::Read { .. } | JwtKeyError::Generate(_) => Exit::Runtime,
            _ => Exit::Usage,
        }
    }

    fn hint(&self) -> Option<Hint> {
        Some(Hint::from(match self {
            JwtKeyError::Read { .. } => "the key file must be a regular file you can read".into(),
            JwtKeyError::BadFile {
                reason: KeyDataError::TooShort { .. },
                ..
            } => "make a new key pair on purpose (rotate the JWT keys)".into(),
            JwtKeyError::BadFile { .. } => {
                "omsso reads the DER files OpenMetadata reads; convert a PEM key with \
                 `openssl pkcs8 -topk8 -nocrypt -outform DER` (private) or `openssl pkey \
                 -pubout -outform DER` (public), or move the file away to get a new pair"
                    .into()
            }
            JwtKeyError::NotAPair { public, .. } => format!(
                "remove {} (omsso writes it again from the private key), or put the \
                 matching pair back",
                public.display()
            ),
            JwtKeyError::PublicOnly { private, .. } => format!(
                "put the private key back at {}; without it the key cannot sign, and a new \
                 pair means rotating the JWT keys on purpose",
                private.display()
            ),
            JwtKeyError::Generate(_) => "check that the system's random source works".into(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One 2048-bit pair for the tests of this module (generating one takes a while).
    fn pair() -> &'static KeyPair {
        static PAIR: std::sync::OnceLock<KeyPair> = std::sync::OnceLock::new();
        PAIR.get_or_init(|| KeyPair::generate(KeySize::Rsa2048).unwrap())
    }

    #[test]
    fn a_new_pair_reads_back_from_its_der_files() {
        let pair = pair();
        assert_eq!(pair.public().bits(), 2048);
        let again = KeyPair::from_private_der(pair.private_der()).unwrap();
        assert_eq!(again.public(), pair.public());
        assert_eq!(
            PublicKey::from_der(&pair.public().to_der()).unwrap(),
            *pair.public()
        );
    }

    #[test]
    fn the_jwk_is_openmetadatas_and_names_the_same_key() {
        let public = pair().public();
        let jwk = public.jwk("kid-1");
        let json = serde_json::to_string(&jwk).unwrap();
        assert!(
            json.starts_with(r#"{"kty":"RSA","kid":"kid-1","n":"A"#),
            "{json}"
        );
        // A 2048-bit modulus has its top bit set, so Java writes a zero sign byte before it.
        let n = jwk::tests_support::decode(jwk.n.as_deref().unwrap());
        assert_eq!(
            (n.len(), n[0]),
            (257, 0),
            "n keeps Java's sign byte: {json}"
        );
        assert!(n[1] >= 0x80, "{json}");
        assert!(
            json.ends_with(r#"=","e":"AQAB","alg":"RS256","use":"sig"}"#),
            "{json}"
        );
        assert_eq!(jwk.public_key().unwrap(), *public);
        // Without the sign byte and the padding (as other issuers write it): the same key.
        let mut bare = jwk.clone();
        let n = bare.n.take().unwrap();
        let bytes = jwk::tests_support::decode(&n);
        bare.n = Some(jwk::tests_support::encode_no_pad(&bytes[1..]));
        assert_eq!(bare.public_key().unwrap(), *public);
    }

    #[test]
    fn the_thumbprint_follows_rfc_7638() {
        // RFC 7638 §3.1's example key and its thumbprint.
        let n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tS\
                 oc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65Y\
                 GjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdk\
                 t-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqD\
                 Kgw";
        let jwk = Jwk {
            kty: Some("RSA".into()),
            kid: None,
            n: Some(n.into()),
            e: Some("AQAB".into()),
            alg: None,
            key_use: None,
        };
        assert_eq!(
            jwk.public_key().unwrap().thumbprint(),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
    }

    #[test]
    fn key_data_that_is_not_an_rsa_key_of_2048_bits_is_refused() {
        assert!(matches!(
            PublicKey::from_der(b"not der"),
            Err(KeyDataError::NotPublicDer(_))
        ));
        // The private key's DER is no public key, and the public key's no private key.
        assert!(PublicKey::from_der(pair().private_der()).is_err());
        assert!(KeyPair::from_private_der(&pair().public().to_der()).is_err());
        let short = Jwk {
            kty: Some("RSA".into()),
            n: Some("AQAB".repeat(40)),
            e: Some("AQAB".into()),
            ..pair().public().jwk("k")
        };
        assert!(matches!(
            short.public_key(),
            Err(KeyDataError::TooShort { bits: 953, .. })
        ));
        let ec = Jwk {
            kty: Some("EC".into()),
            ..pair().public().jwk("k")
        };
        assert!(matches!(ec.public_key(), Err(KeyDataError::NotRsa(_))));
    }

    #[test]
    fn rs256_signatures_are_recognised() {
        use rsa::pkcs8::DecodePrivateKey;
        use rsa::signature::{SignatureEncoding, Signer};
        let private = rsa::RsaPrivateKey::from_pkcs8_der(pair().private_der()).unwrap();
        let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(private);
        let signature = signer.sign(b"header.payload").to_vec();
        let public = pair().public();
        assert!(public.verifies_rs256(b"header.payload", &signature));
        assert!(!public.verifies_rs256(b"header.other", &signature));
        assert!(!public.verifies_rs256(b"header.payload", b"short"));
    }

    #[test]
    fn key_sizes_parse_from_flags_and_yaml() {
        assert_eq!("3072".parse::<KeySize>(), Ok(KeySize::Rsa3072));
        assert!("1024".parse::<KeySize>().is_err());
        let from_yaml: KeySize = serde_yaml::from_str("4096").unwrap();
        assert_eq!(from_yaml, KeySize::Rsa4096);
        let quoted: KeySize = serde_yaml::from_str("\"2048\"").unwrap();
        assert_eq!(quoted, KeySize::Rsa2048);
    }

    #[test]
    fn key_files_are_made_once_then_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let files = KeyFiles::in_dir(dir.path());
        assert!(files.load().unwrap().is_none());
        assert!(files.read_public().unwrap().is_none());
        let pair = pair();
        std::fs::write(&files.private_key, pair.private_der()).unwrap();
        // The public key is derived when its file is missing…
        let loaded = files.load_or_generate(KeySize::Rsa4096).unwrap();
        assert!(!loaded.generated);
        assert_eq!(loaded.pair.public(), pair.public());
        assert_eq!(loaded.public_der, pair.public().to_der());
        std::fs::write(&files.public_key, &loaded.public_der).unwrap();
        assert_eq!(files.read_public().unwrap().as_ref(), Some(pair.public()));
        // …and a public key of another pair is an error, never replaced.
        let other = generate(KeySize::Rsa2048).unwrap();
        std::fs::write(&files.public_key, &other.public_der).unwrap();
        assert!(matches!(files.load(), Err(JwtKeyError::NotAPair { .. })));
        // A public key without its private key cannot sign.
        std::fs::remove_file(&files.private_key).unwrap();
        assert!(matches!(files.load(), Err(JwtKeyError::PublicOnly { .. })));
    }

    #[test]
    fn the_key_id_is_the_thumbprint_unless_configured() {
        let public = pair().public();
        assert_eq!(key_id(public, None), public.thumbprint());
        assert_eq!(public.thumbprint().len(), 43);
        assert_eq!(key_id(public, Some("mine")), "mine");
    }
}
