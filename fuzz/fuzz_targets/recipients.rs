//! Recipients files (`seal -R`): any text yields recipients age can encrypt to, or an error
//! naming the file and line that never quotes a line of the file (it may hold a private key
//! pasted by mistake).
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use omsso::error::Diagnose;
use omsso::seal::Recipient;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Recipient::parse_file(Path::new("keys.txt"), text) {
        Ok(recipients) => {
            for r in &recipients {
                let _ = (r.as_age(), format!("{:?}", r.info));
            }
        }
        Err(e) => {
            let message = format!("{e}\n{}", e.hint().unwrap_or_default());
            // Lines this long cannot be part of a fixed message by chance.
            for line in text.lines().map(str::trim).filter(|l| l.len() >= 24) {
                assert!(
                    !message.contains(line),
                    "the error quotes a line of the file: {message}"
                );
            }
        }
    }
});
