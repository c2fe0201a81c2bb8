//! Where the key pair lives on this machine, and how it is found again: the two files are
//! the only state, so a re-render reads them back, and a pair is made only when neither
//! exists. Nothing here writes: the caller writes [`Loaded`]'s files with the rest of its
//! output, all or nothing (the private key 0600).

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use super::{JwtKeyError, KeyPair, KeySize, PublicKey};
use crate::input::{self, Accept};

/// The file names OpenMetadata's docs and its quickstart use (`./conf/private_key.der`).
pub const PRIVATE_KEY_FILE: &str = "private_key.der";
pub const PUBLIC_KEY_FILE: &str = "public_key.der";

/// The two key files on this machine (`jwt.key_dir`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFiles {
    pub private_key: PathBuf,
    pub public_key: PathBuf,
}

/// A key pair and what of it must be written.
#[derive(Debug)]
pub struct Loaded {
    pub pair: KeyPair,
    /// The public key file's bytes: the file as it is, or the encoding of the derived key.
    pub public_der: Vec<u8>,
    /// The pair was made now (no key files existed, or a rotation asked for it).
    pub generated: bool,
}

impl KeyFiles {
    /// `private_key.der` and `public_key.der` in `dir`.
    pub fn in_dir(dir: &Path) -> KeyFiles {
        KeyFiles {
            private_key: dir.join(PRIVATE_KEY_FILE),
            public_key: dir.join(PUBLIC_KEY_FILE),
        }
    }

    /// The public key omsso rendered, `None` when its file does not exist (nothing rendered
    /// yet). Reads only the public key.
    pub fn read_public(&self) -> Result<Option<PublicKey>, JwtKeyError> {
        match read(&self.public_key)? {
            None => Ok(None),
            Some(der) => PublicKey::from_der(&der)
                .map(Some)
                .map_err(|reason| bad(&self.public_key, reason)),
        }
    }

    /// The pair in the files, `None` when neither file exists. A missing public key is derived
    /// from the private key; a public key file that does not match it, or one without its
    /// private key, is an error (never silently replaced).
    pub fn load(&self) -> Result<Option<Loaded>, JwtKeyError> {
        let private = read(&self.private_key)?;
        let public = read(&self.public_key)?;
        let Some(private) = private else {
            return match public {
                None => Ok(None),
                Some(_) => Err(JwtKeyError::PublicOnly {
                    private: self.private_key.clone(),
                    public: self.public_key.clone(),
                }),
            };
        };
        let pair = KeyPair::from_private_der(&private).map_err(|r| bad(&self.private_key, r))?;
        let public_der = match public {
            None => pair.public().to_der(),
            Some(der) => {
                let key = PublicKey::from_der(&der).map_err(|r| bad(&self.public_key, r))?;
                if key != *pair.public() {
                    return Err(JwtKeyError::NotAPair {
                        private: self.private_key.clone(),
                        public: self.public_key.clone(),
                    });
                }
                der
            }
        };
        Ok(Some(Loaded {
            pair,
            public_der,
            generated: false,
        }))
    }

    /// The pair in the files, or a new one of `size` when there are none: keys are made once,
    /// then kept.
    pub fn load_or_generate(&self, size: KeySize) -> Result<Loaded, JwtKeyError> {
        match self.load()? {
            Some(loaded) => Ok(loaded),
            None => generate(size),
        }
    }
}

/// A new pair of `size`, to replace whatever is in the files (a rotation).
pub fn generate(size: KeySize) -> Result<Loaded, JwtKeyError> {
    let pair = KeyPair::generate(size).map_err(JwtKeyError::Generate)?;
    Ok(Loaded {
        public_der: pair.public().to_der(),
        pair,
        generated: true,
    })
}

/// The file's bytes, `None` when it does not exist.
fn read(path: &Path) -> Result<Option<Vec<u8>>, JwtKeyError> {
    match input::read(path, Accept::File) {
        Ok(bytes) => Ok(Some(bytes)),
        // A file where the key folder (or the output folder) should be: no key files; the
        // write that follows says what is in the way.
        Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => Ok(None),
        Err(source) => Err(JwtKeyError::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

fn bad(path: &Path, reason: super::KeyDataError) -> JwtKeyError {
    JwtKeyError::BadFile {
        path: path.to_path_buf(),
        reason,
    }
}
