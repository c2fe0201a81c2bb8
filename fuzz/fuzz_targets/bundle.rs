//! The decrypted handoff bundle: any bytes yield a bundle that omsso writes back and reads
//! again identically, or an error whose text does not depend on the client secret (so it
//! can never show it).
#![no_main]

use std::time::SystemTime;

use libfuzzer_sys::fuzz_target;
use omsso::exit::Diagnose;
use omsso::seal::Bundle;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    match Bundle::from_bytes(data) {
        Ok(bundle) => {
            let bytes = bundle.to_bytes();
            let again = Bundle::from_bytes(&bytes).expect("omsso reads what it writes");
            assert_eq!(
                again.to_bytes(),
                bytes,
                "the bundle changed on a round trip"
            );
            let _ = (bundle.credentials(), bundle.expired(SystemTime::now()));
        }
        Err(e) => {
            let message = format!("{e}\n{}", e.hint().unwrap_or_default());
            // The same document with another secret must fail with the same words.
            let Ok(Value::Object(mut doc)) = serde_json::from_slice::<Value>(data) else {
                return;
            };
            if !matches!(doc.get("client_secret"), Some(Value::String(s)) if !s.is_empty()) {
                return;
            }
            doc.insert("client_secret".into(), "other".into());
            let other = Bundle::from_bytes(&serde_json::to_vec(&doc).unwrap())
                .expect_err("only the secret changed");
            let other = format!("{other}\n{}", other.hint().unwrap_or_default());
            assert_eq!(message, other, "the error depends on the secret");
        }
    }
});
