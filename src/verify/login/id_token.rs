//! The ID token, judged as OpenMetadata judges it: the signature by a key from its
//! `publicKeyUrls` (by `kid`), `iss` equal to `authority`, not expired, for its client
//! (`aud`), and carrying the nonce the login sent.

use base64::Engine;
use serde_json::Value;

/// A JWT split into its parts.
pub struct Jwt {
    pub header: Value,
    pub claims: Value,
    signing_input: String,
    signature: Vec<u8>,
}

fn b64(part: &str) -> Result<Vec<u8>, String> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|e| format!("not base64url: {e}"))
}

impl Jwt {
    pub fn parse(token: &str) -> Result<Jwt, String> {
        let parts: Vec<&str> = token.split('.').collect();
        let [h, p, s] = parts.as_slice() else {
            return Err("not a JWT (three parts)".to_string());
        };
        let json = |part: &str| -> Result<Value, String> {
            serde_json::from_slice(&b64(part)?).map_err(|e| format!("not JSON: {e}"))
        };
        Ok(Jwt {
            header: json(h)?,
            claims: json(p)?,
            signing_input: format!("{h}.{p}"),
            signature: b64(s)?,
        })
    }

    pub fn alg(&self) -> &str {
        self.header
            .get("alg")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    pub fn kid(&self) -> Option<&str> {
        self.header.get("kid").and_then(Value::as_str)
    }

    /// Checks the signature with `jwk` (an RSA key of a JWKS).
    pub fn verify(&self, jwk: &Value) -> Result<(), String> {
        use rsa::signature::Verifier;
        let field = |k: &str| -> Result<rsa::BigUint, String> {
            let v = jwk
                .get(k)
                .and_then(Value::as_str)
                .ok_or(format!("the key has no `{k}`"))?;
            Ok(rsa::BigUint::from_bytes_be(&b64(v)?))
        };
        let key = rsa::RsaPublicKey::new(field("n")?, field("e")?)
            .map_err(|e| format!("not an RSA key: {e}"))?;
        let signature = rsa::pkcs1v15::Signature::try_from(self.signature.as_slice())
            .map_err(|e| format!("bad signature: {e}"))?;
        let msg = self.signing_input.as_bytes();
        let result = match self.alg() {
            "RS256" => {
                rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(key).verify(msg, &signature)
            }
            "RS384" => {
                rsa::pkcs1v15::VerifyingKey::<sha2::Sha384>::new(key).verify(msg, &signature)
            }
            "RS512" => {
                rsa::pkcs1v15::VerifyingKey::<sha2::Sha512>::new(key).verify(msg, &signature)
            }
            other => return Err(format!("algorithm {other} is not one omsso can check")),
        };
        result.map_err(|_| "the signature does not match the key".to_string())
    }
}

/// The claims of a JWT, unverified (for values whose checking is someone else's job).
pub fn jwt_claims(token: &str) -> Result<Value, String> {
    Jwt::parse(token).map(|j| j.claims)
}

/// The key with `kid` in a JWKS document.
pub fn find_key<'a>(jwks: &'a Value, kid: Option<&str>) -> Option<&'a Value> {
    jwks.get("keys")?.as_array()?.iter().find(|k| {
        k.get("kty").and_then(Value::as_str) == Some("RSA")
            && k.get("use").and_then(Value::as_str) != Some("enc")
            && (kid.is_none() || k.get("kid").and_then(Value::as_str) == kid)
    })
}

/// What OpenMetadata checks besides the signature; the first problem found.
pub fn check_claims(
    claims: &Value,
    authority: &str,
    client_id: &str,
    nonce: Option<&str>,
    now: u64,
) -> Result<(), String> {
    let iss = claims
        .get("iss")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if iss != authority {
        return Err(format!(
            "the ID token's iss `{iss}` is not authority `{authority}`"
        ));
    }
    match claims.get("exp").and_then(Value::as_u64) {
        Some(exp) if exp > now => {}
        Some(exp) => return Err(format!("the ID token expired {} s ago", now - exp)),
        None => return Err("the ID token has no exp".to_string()),
    }
    let aud = match claims.get("aud") {
        Some(Value::String(a)) => vec![a.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !aud.contains(&client_id) {
        return Err(format!(
            "the ID token is for `{}`, not client `{client_id}`",
            aud.join(", ")
        ));
    }
    if let Some(sent) = nonce {
        let got = claims.get("nonce").and_then(Value::as_str);
        if got != Some(sent) {
            return Err("the ID token does not carry the nonce the login sent".to_string());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_claims_and_checks_them() {
        let enc = |v: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
        let jwt = format!(
            "{}.{}.{}",
            enc(r#"{"alg":"RS256","kid":"k1"}"#),
            enc(r#"{"iss":"http://kc/realms/r"}"#),
            enc("sig")
        );
        let j = Jwt::parse(&jwt).unwrap();
        assert_eq!((j.alg(), j.kid()), ("RS256", Some("k1")));
        assert_eq!(jwt_claims(&jwt).unwrap()["iss"], "http://kc/realms/r");
        assert!(Jwt::parse("garbage").is_err());

        let claims =
            json!({"iss": "http://kc/realms/r", "exp": 200, "aud": ["om", "x"], "nonce": "n"});
        assert!(check_claims(&claims, "http://kc/realms/r", "om", Some("n"), 100).is_ok());
        let e = check_claims(&claims, "http://kc/realms/other", "om", None, 100).unwrap_err();
        assert!(e.contains("iss"), "{e}");
        assert!(check_claims(&claims, "http://kc/realms/r", "om", None, 300)
            .unwrap_err()
            .contains("expired"));
        assert!(
            check_claims(&claims, "http://kc/realms/r", "other", None, 100)
                .unwrap_err()
                .contains("not client")
        );
        assert!(
            check_claims(&claims, "http://kc/realms/r", "om", Some("m"), 100)
                .unwrap_err()
                .contains("nonce")
        );
    }

    #[test]
    fn finds_the_signing_key_by_kid() {
        let jwks = json!({"keys": [
            {"kid": "e", "kty": "RSA", "use": "enc"},
            {"kid": "s", "kty": "RSA", "use": "sig", "n": "AQAB", "e": "AQAB"},
        ]});
        assert_eq!(find_key(&jwks, Some("s")).unwrap()["kid"], "s");
        assert!(find_key(&jwks, Some("e")).is_none());
        assert!(find_key(&jwks, Some("zz")).is_none());
    }
}
