//! Everything omsso knows about OpenMetadata, in one place: the release lines it writes
//! configuration for and their released models ([`lines`], generated [`released`]), the Helm
//! chart by version ([`chart`]), what the server itself expects ([`server`]) and what the
//! quickstart compose file passes to it ([`compose`]), its HTTP API ([`api`]) and how it turns
//! a login into a user ([`principal`]), and what its quickstart ships that production must
//! not keep ([`quickstart`]). Render, `verify`, `apply` and the help text all read
//! it; nothing else hard-codes an OpenMetadata key, default, path or version.

pub mod api;
pub mod chart;
pub mod compose;
pub mod fields;
pub mod lines;
pub mod principal;
pub mod quickstart;
mod release;
pub mod released;
pub mod server;
mod version;

pub use chart::{Chart, ChartBlock, ChartVersion};
pub use lines::{Block, Line, LINES};
pub use release::{KeyProblem, Release};
pub use version::OmVersion;
