//! The semantic checks, written once against [`AuthView`] for all three formats. Each finding
//! has a stable id (a constant of [`super::registry`]); the reasons come from
//! reference/openmetadata/NOTES.md: the doc bugs of §1–3, the URLs of §4, the user problems
//! of §6.

mod callbacks;
mod client;
mod principals;
mod provider;
mod public_keys;
mod urls;
mod values;

use super::finding::Report;
use super::view::AuthView;
use crate::openmetadata::Release;

/// OpenMetadata's own JWKS path, with its leading slash.
const OM_JWKS_PATH: &str = crate::openmetadata::server::OWN_JWKS_URL_PATH;
const CERTS_PATH: &str = "/protocol/openid-connect/certs";
const DISCOVERY_PATH: &str = "/.well-known/openid-configuration";

/// Runs the checks in order; a file that configures another login than custom-oidc stops
/// after the provider check.
pub fn run(v: &AuthView, release: &Release, r: &mut Report) {
    values::values(v, r);
    if !provider::provider(v, r) {
        return;
    }
    client::client_type(v, r);
    public_keys::public_keys(v, r);
    urls::keycloak_urls(v, r);
    callbacks::callbacks(v, r);
    callbacks::custom_params(v, release, r);
    callbacks::principal_domain(v, r);
    principals::principals(v, r);
}
