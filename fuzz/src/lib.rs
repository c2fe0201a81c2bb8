//! Fixtures shared by the fuzz targets: the test-only keys in `fuzz/keys/` written to a
//! private temporary folder once per fuzzing process, because omsso reads identities,
//! passphrases and allowed-signers files from disk.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use omsso::seal::OpenOptions;
use omsso::settings::Source;

/// The age identity the seeds in `seeds/open/` are sealed to (a test key, public here).
pub const IDENTITY: &str = include_str!("../keys/identity.txt");
/// Vouches for the test key that signed `seeds/open/armored.age`.
pub const ALLOWED_SIGNERS: &str = include_str!("../keys/allowed_signers");
/// A sealed seed and its valid signature, for the signature target.
pub const SIGNED_FILE: &[u8] = include_bytes!("../seeds/open/armored.age");

/// A private folder for this process's fixture files.
pub fn dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("omsso-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("fixture folder");
        let write = |name: &str, text: &str| std::fs::write(d.join(name), text).expect(name);
        write("identity.txt", IDENTITY);
        write("allowed_signers", ALLOWED_SIGNERS);
        // A passphrase-sealed input is opened with this one; identity files are not
        // protected, so it is never used for them.
        write("passphrase", "fuzz passphrase\n");
        d
    })
}

/// `omsso open -i identity.txt --passphrase-file passphrase` (no prompt can ever happen).
pub fn open_options() -> OpenOptions {
    let d = dir();
    OpenOptions::new(
        vec![d.join("identity.txt")],
        Some((d.join("passphrase"), flag("--identity-passphrase-file"))),
        Some((d.join("passphrase"), flag("--passphrase-file"))),
    )
}

fn flag(name: &str) -> Source {
    Source::Flag(name.into())
}
