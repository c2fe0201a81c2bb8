//! omsso.yaml: any text either parses or yields a one-line error with a hint; a file that
//! parses can always be applied with each environment it defines.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use omsso::exit::Diagnose;
use omsso::settings::{Layer, SettingsFile, Sources};

fuzz_target!(|data: &[u8]| {
    // omsso reads the file as UTF-8 and reports anything else as unreadable.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("conf/omsso.yaml");
    let file = match SettingsFile::parse(path, text) {
        Ok(file) => file,
        Err(e) => {
            let (_, _) = (e.to_string(), e.hint());
            return;
        }
    };
    let envs = file.environment_names();
    // The first environment (or none): `apply` consumes the file.
    let env = envs.first().map(String::as_str);
    let (mut values, mut sources) = (Layer::default(), Sources::new());
    if let Err(e) = file.apply(path, env, &mut values, &mut sources) {
        panic!("a parsed file failed to apply environment {env:?}: {e}");
    }
});
