//! `omsso open FILE -i identity.txt` on arbitrary bytes: a bundle or an error, nothing else
//! (no panic, no hang, no unbounded memory).
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use omsso::exit::Diagnose;
use omsso_fuzz::open_options;

fuzz_target!(|data: &[u8]| {
    let options = open_options();
    match omsso::seal::open_bytes(Path::new("handoff.age"), data, &options) {
        Ok(opened) => {
            let _ = serde_json::to_string(&opened.bundle.view(false)).unwrap();
        }
        Err(e) => {
            let _ = (e.to_string(), e.hint(), e.exit());
        }
    }
});
