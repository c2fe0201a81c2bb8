//! `omsso open FILE --signers allowed_signers` with arbitrary bytes as `FILE.sig` (the other
//! input `open` reads from the sender): only the real signature passes.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use omsso::exit::Diagnose;
use omsso_fuzz::{dir, open_options, SIGNED_FILE};

fuzz_target!(|data: &[u8]| {
    let d = dir();
    let sig = d.join("handoff.age.sig");
    std::fs::write(&sig, data).unwrap();
    let mut options = open_options();
    options.signers = Some(d.join("allowed_signers"));
    options.signature = Some(sig);
    match omsso::seal::open_bytes(Path::new("handoff.age"), SIGNED_FILE, &options) {
        Ok(opened) => assert!(
            opened.signer.is_some(),
            "opened without checking the signer"
        ),
        Err(e) => {
            let _ = (e.to_string(), e.hint(), e.exit());
        }
    }
});
