//! A hostile Keycloak, or a proxy in front of one (security review, issue 13): redirects that
//! would carry the admin password or a bearer token to another host or down to plain HTTP,
//! escape sequences and echoed passwords in error texts, answers without end, a token that
//! claims to live 2^64 seconds. A real Keycloak does none of this, so these run against a
//! small fake server (tests/fake_http) that records every request it gets.

use crate::support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::fake_http::{keycloak, not_faked, Fake, Reply, TOKEN};
use crate::support::{omsso, run, Run};
use serde_json::json;

const PASSWORD: &str = "Admin-Pw-5f1e9c";

/// `omsso keycloak fetch` against `url` with the admin password in the environment.
fn fetch(dir: &std::path::Path, url: &str, extra: &[&str]) -> Run {
    run(omsso(dir)
        .env("OMSSO_ADMIN_PASSWORD", PASSWORD)
        .env("OMSSO_ADMIN_USERNAME", "admin")
        .env("OMSSO_REALM", "data")
        .env("OMSSO_TIMEOUT", "5")
        .args(["keycloak", "fetch", "--keycloak-url", url])
        .args(extra))
}

/// A fake that records requests and answers 404 to all of them: where a redirect leads.
fn catcher() -> Fake {
    Fake::http(|_| not_faked())
}

/// What must hold after omsso refused a redirect: one error naming it, exit 1, and nothing
/// (not the password, not a token) reached the other side.
fn assert_refused(r: &Run, to: &str, why: &str, catcher: &Fake) {
    assert_eq!(r.code, 1, "{}", r.stderr);
    let error = support::one_error(r);
    assert!(
        error.contains("refused to follow the redirect from") && error.contains(to),
        "{error}"
    );
    assert!(error.contains(why), "{error}");
    assert!(catcher.seen().is_empty(), "{:?}", catcher.seen());
    assert!(!r.stderr.contains(PASSWORD) && !r.stdout.contains(PASSWORD));
}

/// reqwest's own redirect policy re-sends a 307's body: the login form, password included,
/// went to whatever host the `Location` named.
#[test]
fn a_login_redirected_to_another_host_is_refused_and_the_password_stays() {
    let elsewhere = catcher();
    // A server that has the password could also put it in the `Location` for the logs.
    let target = format!("{}/steal?p={PASSWORD}", elsewhere.url_by_name);
    let fake = Fake::http(move |seen| match seen.key.as_str() {
        TOKEN => Reply::Redirect(307, target.clone()),
        _ => not_faked(),
    });
    let dir = tempfile::tempdir().unwrap();
    let r = fetch(dir.path(), &fake.url, &[]);
    let shown = format!("{}/…", elsewhere.url_by_name);
    assert_refused(&r, &shown, "carries credentials", &elsewhere);
}

/// Down from https to plain http: the TLS client followed it (reqwest's default), sending
/// the password in clear text.
#[test]
fn a_login_redirected_from_https_down_to_http_is_refused() {
    let plain = catcher();
    let target = format!("{}/realms/master/protocol/openid-connect/token", plain.url);
    let t = target.clone();
    let dir = tempfile::tempdir().unwrap();
    let fake = Fake::https(dir.path(), move |seen| match seen.key.as_str() {
        TOKEN => Reply::Redirect(307, t.clone()),
        _ => not_faked(),
    });
    let r = fetch(dir.path(), &fake.url, &["--insecure"]);
    let shown = format!("{}/…", plain.url);
    assert_refused(&r, &shown, "from https down to plain http", &plain);
}

/// The manual http→https follow re-applied the request as it was, bearer token included, to
/// whatever host the redirect named.
#[test]
fn an_admin_request_redirected_to_another_host_keeps_its_token() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = Fake::https(dir.path(), |_| not_faked());
    let target = format!("{}/admin/realms/data/clients", elsewhere.url_by_name);
    let (base, t) = (Arc::new(Mutex::new(String::new())), target.clone());
    let b = base.clone();
    let fake = Fake::http(move |seen| match seen.key.as_str() {
        "GET /admin/realms/data/clients?clientId=open-metadata" => Reply::Redirect(302, t.clone()),
        key => keycloak(&b.lock().unwrap(), key).unwrap_or_else(not_faked),
    });
    *base.lock().unwrap() = fake.url.clone();
    let r = fetch(dir.path(), &fake.url, &["--insecure"]);
    let shown = format!("{}/…", elsewhere.url_by_name);
    assert_refused(&r, &shown, "carries an admin bearer token", &elsewhere);
    assert!(!r.stderr.contains("fake-access-token"));
}

/// What still works: an answer that moved within the same origin, for a request without
/// credentials (and logins on the same origin).
#[test]
fn redirects_within_the_same_origin_are_followed() {
    let base = Arc::new(Mutex::new(String::new()));
    let b = base.clone();
    let fake = Fake::http(move |seen| match seen.key.as_str() {
        "GET /realms/data/.well-known/openid-configuration" => {
            Reply::Redirect(301, "/moved/.well-known/openid-configuration".into())
        }
        "GET /moved/.well-known/openid-configuration" => keycloak(
            &b.lock().unwrap(),
            "GET /realms/data/.well-known/openid-configuration",
        )
        .unwrap(),
        key => keycloak(&b.lock().unwrap(), key).unwrap_or_else(not_faked),
    });
    *base.lock().unwrap() = fake.url.clone();
    let dir = tempfile::tempdir().unwrap();
    let r = fetch(dir.path(), &fake.url, &["--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["issuer"], format!("{}/realms/data", fake.url));
}

#[test]
fn the_admin_password_over_plain_http_to_another_host_is_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    // 192.0.2.1 (TEST-NET-1) is never routed: the warning comes before the connection fails.
    let r = fetch(dir.path(), "http://192.0.2.1:9", &["--timeout", "1"]);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr
            .lines()
            .any(|l| l.starts_with("warning: http://192.0.2.1:9 is plain http")),
        "{}",
        r.stderr
    );
    // Loopback traffic never leaves the machine: no warning.
    let fake = catcher();
    let r = fetch(dir.path(), &fake.url, &[]);
    assert!(!r.stderr.contains("is plain http"), "{}", r.stderr);
}

/// Keycloak's error text is shown to the user: a hostile one could move the cursor and erase
/// lines, fake a `hint:` line, or echo the password it was sent.
#[test]
fn keycloak_error_texts_are_shown_escaped_and_without_the_password() {
    let fake = Fake::http(|seen| match seen.key.as_str() {
        TOKEN => Reply::Json(
            401,
            json!({
                "error": "invalid_grant",
                "error_description": format!(
                    "Invalid \u{1b}[2K\u{1b}[1Auser\rcredentials for {PASSWORD}\u{9b}31m"
                ),
            })
            .to_string(),
        ),
        key => keycloak("", key).unwrap_or_else(not_faked),
    });
    let dir = tempfile::tempdir().unwrap();
    let r = fetch(dir.path(), &fake.url, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let error = support::one_error(&r);
    // (Line breaks and carriage returns were always folded into spaces.)
    assert!(
        error.contains("Invalid \\u{1b}[2K\\u{1b}[1Auser credentials for <redacted>\\u{9b}31m"),
        "{error}"
    );
    for raw in ['\u{1b}', '\r', '\u{9b}'] {
        assert!(
            !r.stderr.contains(raw),
            "{raw:?} reached the terminal: {:?}",
            r.stderr
        );
    }
    assert!(!r.stderr.contains(PASSWORD), "{}", r.stderr);
}

/// An answer with no end (no `Content-Length`, bytes until the client gives up) is cut at
/// 4 MiB with an error, instead of filling memory.
#[test]
fn an_endless_answer_is_cut_off() {
    let base = Arc::new(Mutex::new(String::new()));
    let b = base.clone();
    let fake = Fake::http(move |seen| match seen.key.as_str() {
        "GET /realms/data/.well-known/openid-configuration" => Reply::Endless(64 << 20),
        key => keycloak(&b.lock().unwrap(), key).unwrap_or_else(not_faked),
    });
    *base.lock().unwrap() = fake.url.clone();
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let r = fetch(dir.path(), &fake.url, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let error = support::one_error(&r);
    assert!(error.contains("larger than 4 MiB"), "{error}");
    assert!(started.elapsed() < Duration::from_secs(30));
}

/// `expires_in: 18446744073709551615` overflowed the clock and panicked.
#[test]
fn a_token_that_claims_to_live_forever_does_not_crash_omsso() {
    let base = Arc::new(Mutex::new(String::new()));
    let b = base.clone();
    let fake = Fake::http(move |seen| {
        match seen.key.as_str() {
        TOKEN => Reply::Json(
            200,
            r#"{"access_token":"t","expires_in":18446744073709551615,"refresh_token":"r","refresh_expires_in":18446744073709551615}"#
                .into(),
        ),
        key => keycloak(&b.lock().unwrap(), key).unwrap_or_else(not_faked),
    }
    });
    *base.lock().unwrap() = fake.url.clone();
    let dir = tempfile::tempdir().unwrap();
    let r = fetch(
        dir.path(),
        &fake.url,
        &["--format", "json", "--show-secret"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["client_secret"], "fake-secret-value");
}
