//! The commands fail with the pipeline's error: one type that holds the failing module's own
//! error. Its `Diagnose` (exit code, hint, and the message where a flag words it better) is in
//! hints.rs, which spells the settings the module's hint names as flags.

pub use crate::pipeline::Error;

pub type Result<T, E = Error> = std::result::Result<T, E>;
