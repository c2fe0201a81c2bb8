//! omsso as a library: the one module tree behind the `omsso` binary (`src/main.rs`).
//!
//! Why a library at all: omsso is a command-line tool, but its parsers of untrusted input
//! (omsso.yaml, recipients files, handoff bundles, sealed files) are fuzzed with `cargo fuzz`
//! (see `fuzz/`), and a fuzz target is a separate crate that can only call what a library
//! exposes. The binary uses this library, so there is one module tree, compiled once, and the
//! fuzzer exercises exactly the code users run. Modules the fuzzer and `main` do not need
//! stay private, so the compiler still reports their unused items; `escape` is public for the
//! tests that fuzz its quoting against OpenMetadata's own YAML parser on the JDK.

mod change;
pub mod cli;
pub mod commands;
pub mod credentials;
pub mod escape;
pub mod exit;
pub mod hint;
mod http;
mod input;
pub mod jwt_keys;
mod keycloak;
mod lint;
mod omapi;
pub mod openmetadata;
pub mod output;
mod pipeline;
pub mod process;
mod render;
pub mod seal;
pub mod settings;
mod sops;
mod verify;
