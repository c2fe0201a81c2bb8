//! What a public OpenMetadata client needs from its Keycloak client: the browser logs in by
//! itself, with the flow `responseType` names (`id_token`: the implicit flow; `code`: the auth
//! code flow with PKCE and no secret), and comes back to the UI's callback and, for silent
//! renewal in the implicit flow, its silent-callback.

use serde_json::Value;

use super::deployed::Deployed;
use super::redirects::redirect_registered;
use super::registry::{CheckInfo, CLIENT_FLOW, SILENT_CALLBACK_REGISTERED};
use super::report::Checks;
use crate::openmetadata::server;
use crate::settings::table::{OPENMETADATA_CLIENT_TYPE, OPENMETADATA_RESPONSE_TYPE};

/// The checks below, for a public configuration (in the order they run).
pub fn names(deployed: &Deployed) -> Vec<CheckInfo> {
    if deployed.public_response_type() == server::PUBLIC_RESPONSE_TYPE {
        vec![CLIENT_FLOW, SILENT_CALLBACK_REGISTERED]
    } else {
        vec![CLIENT_FLOW]
    }
}

pub fn checks(c: &mut Checks, id: &str, client: &Value, deployed: &Deployed) {
    c.expect(CLIENT_FLOW, flow(id, client, deployed));
    if deployed.public_response_type() != server::PUBLIC_RESPONSE_TYPE {
        return;
    }
    let Some(om) = deployed.om_url() else {
        c.fail(
            SILENT_CALLBACK_REGISTERED,
            "the file names no OpenMetadata URL (callbackUrl)",
            "re-run omsso render",
        );
        return;
    };
    let silent = format!("{om}/{}", server::SILENT_CALLBACK_PATH);
    c.expect(
        SILENT_CALLBACK_REGISTERED,
        if redirect_registered(client, &silent) {
            Ok(format!("{silent} is a valid redirect URI"))
        } else {
            Err((
                format!(
                    "{silent} is not a redirect URI of client `{id}`: the UI renews its tokens \
                     there, and Keycloak refuses it, so sessions end when the token expires"
                ),
                "run `omsso keycloak ensure`, or add it under Valid Redirect URIs".to_string(),
            ))
        },
    );
}

/// The flow the UI starts must be allowed: Keycloak answers "Implicit flow is disabled for the
/// client" (or refuses the code exchange) otherwise. The code flow needs a client without
/// authentication (the browser holds no secret).
fn flow(id: &str, client: &Value, deployed: &Deployed) -> Result<String, (String, String)> {
    let hint = format!(
        "run `omsso keycloak ensure` with the same {} and {}",
        OPENMETADATA_CLIENT_TYPE.flag_name(),
        OPENMETADATA_RESPONSE_TYPE.flag_name()
    );
    let enabled = |k: &str| client.get(k).and_then(Value::as_bool) == Some(true);
    match deployed.public_response_type() {
        "id_token" if enabled("implicitFlowEnabled") => Ok(format!(
            "client `{id}` allows the implicit flow the UI uses (responseType id_token)"
        )),
        "id_token" => Err((
            format!(
                "responseType is id_token, but client `{id}` has the implicit flow off: \
                 Keycloak answers the UI's login with \"Implicit flow is disabled for the \
                 client\""
            ),
            format!("{hint} (or turn the implicit flow on, or use responseType code)"),
        )),
        "code" => {
            let pkce = client
                .get("attributes")
                .and_then(|a| a.get("pkce.code.challenge.method"))
                .and_then(Value::as_str)
                .filter(|m| !m.is_empty());
            if !enabled("standardFlowEnabled") {
                Err((
                    format!("responseType is code, but client `{id}` has the standard flow off"),
                    hint.to_string(),
                ))
            } else if !enabled("publicClient") {
                Err((
                    format!(
                        "responseType is code, but client `{id}` is confidential: the browser \
                         has no secret to redeem the code with"
                    ),
                    hint.to_string(),
                ))
            } else if pkce == Some("plain") {
                Err((
                    format!("client `{id}` requires PKCE method plain, but the UI sends S256"),
                    "set the client's PKCE method to S256 (or leave it empty)".to_string(),
                ))
            } else {
                Ok(format!(
                    "client `{id}` is public with the standard flow the UI uses (responseType \
                     code, PKCE {})",
                    pkce.map_or("not required".to_string(), |m| format!("{m} required"))
                ))
            }
        }
        other => Err((
            format!("responseType `{other}` is neither id_token nor code"),
            "use id_token (implicit flow) or code (auth code with PKCE)".to_string(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn public(rt: Option<&str>) -> Deployed {
        Deployed {
            client_type: Some("public".into()),
            response_type: rt.map(str::to_string),
            callback_url: Some("http://om/callback".into()),
            ..Deployed::default()
        }
    }

    #[test]
    fn the_flow_of_the_response_type_must_be_on() {
        let client = json!({
            "publicClient": false, "standardFlowEnabled": true, "implicitFlowEnabled": false,
            "redirectUris": ["http://om/callback"],
        });
        let mut c = Checks::default();
        checks(&mut c, "om", &client, &public(None));
        let failed: Vec<_> = super::super::report::failed(&c.0);
        assert_eq!(failed, ["client-flow", "silent-callback-registered"]);
        assert!(c.0[0].detail.contains("Implicit flow is disabled"));

        let client = json!({
            "publicClient": true, "standardFlowEnabled": true, "implicitFlowEnabled": false,
            "attributes": {"pkce.code.challenge.method": "S256"},
        });
        let mut c = Checks::default();
        checks(&mut c, "om", &client, &public(Some("code")));
        assert!(super::super::report::failed(&c.0).is_empty(), "{:?}", c.0);
        assert_eq!(names(&public(Some("code"))), [CLIENT_FLOW]);
    }

    #[test]
    fn a_public_client_needs_the_flow_of_its_response_type() {
        let client = json!({
            "publicClient": true, "standardFlowEnabled": true, "implicitFlowEnabled": false,
            "attributes": { "pkce.code.challenge.method": "S256" }
        });
        assert!(flow("om", &client, &public(None)).is_err());
        let ok = flow("om", &client, &public(Some("code"))).unwrap();
        assert!(ok.contains("PKCE S256 required"), "{ok}");
        let mut confidential = client.clone();
        confidential["publicClient"] = false.into();
        confidential["implicitFlowEnabled"] = true.into();
        let (detail, _) = flow("om", &confidential, &public(Some("code"))).unwrap_err();
        assert!(detail.contains("confidential"), "{detail}");
        // The implicit flow works with a confidential client too (OpenMetadata's old guide).
        assert!(flow("om", &confidential, &public(Some("id_token"))).is_ok());
    }
}
