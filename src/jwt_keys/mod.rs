//! OpenMetadata's own JWT signing keys, as far as the back-door checks need them: an RSA
//! public key read from the server's DER file or from a JWK of its JWKS, compared by value and
//! named by its RFC 7638 thumbprint.
//!
//! This is the reading half of the `jwt_keys` module the key-pair branch builds (same types,
//! same signatures: `PublicKey::from_der`, `PublicKey::from_jwk`, `thumbprint`,
//! `verifies_rs256`, `Jwks::parse`); when both are merged, theirs replaces this copy.

mod jwk;
mod public;

pub use jwk::{Jwk, Jwks};
pub use public::PublicKey;

/// What is wrong with key material, whatever file or document it came from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyDataError {
    #[error("not an X.509 SubjectPublicKeyInfo DER public key ({0})")]
    NotPublicDer(String),
    #[error("not an RSA key: {0}")]
    NotRsa(String),
    #[error("the JWK has no `{0}`")]
    JwkMissing(&'static str),
    #[error("the JWK's `{field}` is not base64url ({reason})")]
    JwkEncoding { field: &'static str, reason: String },
    #[error("not a JWKS document: {0}")]
    NotJwks(String),
}
