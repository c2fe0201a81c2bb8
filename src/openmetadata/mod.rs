//! What OpenMetadata releases accept, per release line.

pub mod fields;
pub mod released;
