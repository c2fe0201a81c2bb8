//! What each OpenMetadata release accepts in its auth configuration, read from its own
//! artifacts: the pydantic models of the `openmetadata-ingestion` wheel (generated from
//! the server's JSON schemas; every field, and whether it is required) and each released
//! Helm chart's values.schema.json (the keys of the auth sections and their JSON types), and
//! the fields the models mark secret (`format: password`: [`SECRET_FIELDS`]). All three tables
//! are written by `scripts/om-models generate`; see docs/OPENMETADATA-RELEASES.md.

mod charts;
mod models;
mod secrets;

pub use charts::CHARTS;
pub use models::MODELS;
pub use secrets::SECRET_FIELDS;
