//! Recipients files (`seal -R`): any text yields recipients age can encrypt to, or an error
//! naming the file and line that never quotes the file's content (a line may be a private
//! key pasted by mistake).
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use omsso::exit::Diagnose;
use omsso::seal::error::{RecipientError, RecipientProblem};
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
            // The one piece of a line a message may show: the key type it does not support.
            let key_type = match &e {
                RecipientError::Recipient {
                    problem: RecipientProblem::Unsupported { key_type },
                    ..
                } => key_type.as_str(),
                _ => "",
            };
            // Key material is long and has no spaces; omsso's own words are short. (Whole
            // lines would not do: the fuzzer once wrote a line that *is* omsso's message,
            // fuzz/regressions/recipients/crash-2a1e887b….)
            for token in text.split_whitespace().filter(|t| t.len() >= 24) {
                assert!(
                    token == key_type || !message.contains(token),
                    "the error quotes the file: {message}"
                );
            }
        }
    }
});
