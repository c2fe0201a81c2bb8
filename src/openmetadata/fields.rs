//! The shapes of the generated tables in `released.rs`: what OpenMetadata's released models
//! and the released Helm charts accept.

/// One field of a released pydantic model (`extra='forbid'`, so nothing else is accepted).
pub struct ModelField {
    pub key: &'static str,
    pub required: bool,
}

/// The auth models of one release line, from that line's newest `openmetadata-ingestion` wheel.
pub struct ReleasedModels {
    pub line: (u8, u8),
    pub wheel: &'static str,
    pub authentication: &'static [ModelField],
    pub authorizer: &'static [ModelField],
    pub oidc: &'static [ModelField],
}

/// A value type in the chart's `values.schema.json`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ValueType {
    Str,
    StrOrNull,
    Bool,
    Array,
    Object,
}

/// The auth value keys one released chart accepts (`additionalProperties: false`).
pub struct ChartValues {
    pub version: &'static str,
    pub authentication: &'static [(&'static str, ValueType)],
    pub oidc: &'static [(&'static str, ValueType)],
    pub authorizer: &'static [(&'static str, ValueType)],
}
