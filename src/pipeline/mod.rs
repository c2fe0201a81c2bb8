//! The pipeline: the steps omsso runs, as functions over [`Settings`](crate::settings::Settings),
//! a [`Progress`] for what the user sees while they run, and each step's own small input
//! struct; each returns a report that serialises to the step's JSON document. The commands
//! turn command-line arguments into these inputs and print the reports; `run` chains the
//! steps (ensure → fetch → render → seal → apply → verify), never the commands.

pub mod apply;
pub mod ensure;
mod error;
pub mod fetch;
pub mod jwt;
pub mod keygen;
pub mod open;
mod progress;
pub mod release;
pub mod remove_admin;
pub mod render;
pub mod rotate;
pub mod run;
pub mod seal;
pub mod verify;

pub use error::{Error, Result};
pub use progress::{warn_insecure, Opt, Progress};
