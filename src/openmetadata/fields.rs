//! The shapes of the generated tables in `released/` (written by `scripts/om-models
//! generate`): what one OpenMetadata release line's models accept, and what one released Helm
//! chart's values.schema.json accepts in its auth sections.

/// One field of a released pydantic model, under the key `openmetadata.yaml` uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelField {
    pub key: &'static str,
    /// The server refuses to start without it (the schema lists it as required).
    pub required: bool,
}

/// The auth models of one release line, read from that line's newest
/// `openmetadata-ingestion` wheel.
#[derive(Debug)]
pub struct ReleasedModels {
    /// (major, minor), e.g. (1, 13).
    pub line: (u8, u8),
    /// The wheel version the fields were read from, e.g. "1.13.6.3".
    pub wheel: &'static str,
    /// `authenticationConfiguration`.
    pub authentication: &'static [ModelField],
    /// `authorizerConfiguration`.
    pub authorizer: &'static [ModelField],
    /// `authenticationConfiguration.oidcConfiguration`.
    pub oidc: &'static [ModelField],
}

/// The JSON type values.schema.json demands of a Helm value.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ValueType {
    Str,
    StrOrNull,
    Bool,
    Array,
    Object,
}

/// The auth sections of one released chart's values.schema.json (each section sets
/// `additionalProperties: false`, so these are all the keys it accepts).
#[derive(Debug)]
pub struct ChartValues {
    /// The chart version, e.g. "1.13.1".
    pub version: &'static str,
    /// `openmetadata.config.authentication`.
    pub authentication: &'static [(&'static str, ValueType)],
    /// `openmetadata.config.authentication.oidcConfiguration`.
    pub oidc: &'static [(&'static str, ValueType)],
    /// `openmetadata.config.authorizer`.
    pub authorizer: &'static [(&'static str, ValueType)],
}
