//! Everything omsso knows about OpenMetadata, in one place: the release lines it writes
//! configuration for and their released models ([`lines`], generated [`released`]), the Helm
//! chart by version ([`chart`]), what the server itself expects ([`server`]) and what the
//! quickstart compose file passes to it ([`compose`]). Render, `verify`'s lint and the help
//! text all read it; nothing else hard-codes an OpenMetadata key, default or version.

pub mod chart;
pub mod compose;
pub mod fields;
pub mod lines;
mod release;
pub mod released;
pub mod server;
mod version;

pub use chart::{Chart, ChartBlock, ChartVersion};
pub use lines::{Block, Line, LINES};
pub use release::{KeyProblem, Release};
pub use version::OmVersion;
