//! One field whose value differs between what is there (Keycloak's client, a running
//! OpenMetadata's security configuration) and what omsso wants: the row of every plan and diff
//! omsso prints, `field: current → desired`.

use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: String,
    /// The value there now (`null`: not set).
    pub current: Value,
    /// The value omsso wants.
    pub desired: Value,
}

impl std::fmt::Display for FieldChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let show = |v: &Value| match v {
            Value::Null => "(unset)".to_string(),
            other => other.to_string(),
        };
        write!(
            f,
            "{}: {} → {}",
            self.field,
            show(&self.current),
            show(&self.desired)
        )
    }
}
