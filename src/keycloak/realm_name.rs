//! Realm names Keycloak can serve. The rules live with the settings (`crate::settings::realm`),
//! which check the client's realm once when they are resolved; this is for a realm read from
//! elsewhere (the authority of a deployed openmetadata.yaml).

use super::KeycloakError;
use crate::settings::SettingsError;

/// Refuses a realm name Keycloak cannot serve (`master` passes).
pub fn check_name(realm: &str) -> Result<(), KeycloakError> {
    crate::settings::realm::check_name(realm)
        .map_err(|e| KeycloakError::Settings(SettingsError::from(e)))
}
