//! A hostile OpenMetadata (on the fake HTTP server): it echoes what a request carried in its
//! error texts, sends secrets in clear where the real server masks them, and puts line breaks
//! and forged `error:` / `hint:` lines in every text omsso might show (its version, its
//! validation's field errors). The stand-in (om_standin.py) plays an honest server; this one
//! plays a broken or malicious server, or a proxy posing as one, which the stand-in cannot.

use serde_json::{json, Value};

use crate::support::fake_http::{Fake, Reply, Seen};

/// The line every forged text tries to start (a line of omsso's own output must never begin
/// with it).
const FORGED: &str = "error: forged by the server";
/// The client secret the server sends in clear under `oidcConfiguration.secret`.
pub const CLEAR_SECRET: &str = "LeakCanary-ServerSentSecret-4c1d";

/// The server: `admin_token` is the one it takes; `running` the SecurityConfiguration it
/// answers (its secret replaced by [`CLEAR_SECRET`]). Every other token gets a 401 that quotes
/// it; a validation fails with field errors that quote the client secret it was sent.
pub fn start(admin_token: &str, running: &Value) -> Fake {
    let token = admin_token.to_string();
    let mut running = running.clone();
    running["authenticationConfiguration"]["oidcConfiguration"]["secret"] = CLEAR_SECRET.into();
    Fake::http(move |seen| answer(seen, &token, &running))
}

fn answer(seen: &Seen, token: &str, running: &Value) -> Reply {
    let json = |status, v: Value| Reply::Json(status, v.to_string());
    if seen.key == "GET /api/v1/system/version" {
        // A release omsso reads (the part before `-`), with forged lines after it.
        let version = format!("1.12.7-SNAPSHOT\n{FORGED}\nhint: forged\r");
        return json(
            200,
            json!({"version": version, "revision": "r", "timestamp": 0}),
        );
    }
    let sent = bearer(&seen.head).unwrap_or_default();
    if sent != token {
        let message = format!("Not Authorized! Token [{sent}] is invalid\n{FORGED}");
        return json(401, json!({"code": 401, "message": message}));
    }
    match seen.key.as_str() {
        "GET /api/v1/system/security/config" => json(200, running.clone()),
        "POST /api/v1/system/security/validate" => {
            let body: Value = serde_json::from_str(&seen.body).unwrap_or_default();
            let secret = &body["authenticationConfiguration"]["oidcConfiguration"]["secret"];
            let secret = secret.as_str().unwrap_or_default();
            json(
                200,
                json!({"status": "failed", "message": "failed", "errors": [{
                    "field": format!("authenticationConfiguration.clientSecret\n{FORGED}"),
                    "error": format!("client secret {secret} was refused\napplied out/openmetadata.yaml"),
                }]}),
            )
        }
        _ => json(500, json!({"code": 500, "message": "not faked"})),
    }
}

/// The token of an `Authorization: Bearer` header line.
fn bearer(head: &str) -> Option<String> {
    head.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        let value = value.trim();
        (name.eq_ignore_ascii_case("authorization") && value.starts_with("Bearer "))
            .then(|| value["Bearer ".len()..].to_string())
    })
}

/// Every line of `text` that a server forged: one that starts like a line of omsso's own.
pub fn forged_lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| {
            let l = l.trim_start();
            l.starts_with(FORGED) || l.starts_with("hint: forged") || l.starts_with("applied out/")
        })
        .collect()
}
