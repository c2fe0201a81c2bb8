//! The test Keycloak itself: the bootstrap admin logs in (password grant on master with
//! admin-cli) and a fresh realm's OIDC discovery document is served with the expected issuer.

use crate::support;

use serde_json::Value;

#[test]
fn bootstrap_admin_logs_in_and_realm_discovery_is_served() {
    let admin = support::Admin::login();
    let realm = admin.new_realm("smoke");
    let base = support::keycloak_url();
    let doc: Value = support::get(format!(
        "{base}/realms/{realm}/.well-known/openid-configuration"
    ))
    .unwrap()
    .error_for_status()
    .unwrap()
    .json()
    .unwrap();
    assert_eq!(doc["issuer"], format!("{base}/realms/{realm}"));
    assert_eq!(
        doc["jwks_uri"],
        format!("{base}/realms/{realm}/protocol/openid-connect/certs")
    );
}
