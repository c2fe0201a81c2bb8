//! Faults a real Keycloak cannot produce on demand, against a tiny local fake HTTP server: a
//! server that never answers (timeout error naming the URL), 503s that go away (idempotent
//! requests are retried and succeed; a POST is not repeated), and a connection reset in the
//! middle of an answer (a read is retried; a lost answer to "regenerate the secret" is
//! reported as such; a file is written only from a complete answer). Also how omsso finds
//! Keycloak: the login goes first (a Keycloak under `/auth` is found when it misses),
//! environments share one login, and a redirect to https is followed over TLS.

use crate::support::fake_http;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::{omsso, run};
use serde_json::{json, Value};

/// What the fake server does with one request.
enum Answer {
    Reply(u16, String),
    /// Status 200 and a Content-Length for this whole body, half of it, then a TCP reset.
    ResetMidBody(String),
    /// Hold the connection open and say nothing.
    Silence,
    /// 302 to this `Location`.
    Redirect(String),
}

type Handler = dyn Fn(&str, usize) -> Answer + Send + Sync;

/// A fake server on 127.0.0.1:0. The handler gets "METHOD /path?query" and how many times
/// that request has been seen (1 for the first). Every request seen is counted.
struct Fake {
    url: String,
    seen: Arc<Mutex<HashMap<String, usize>>>,
}

impl Fake {
    fn start(handler: impl Fn(&str, usize) -> Answer + Send + Sync + 'static) -> Fake {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        let handler: Arc<Handler> = Arc::new(handler);
        let counts = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (handler, counts) = (handler.clone(), counts.clone());
                std::thread::spawn(move || answer(stream, &*handler, &counts));
            }
        });
        Fake { url, seen }
    }

    fn count(&self, request: &str) -> usize {
        self.seen.lock().unwrap().get(request).copied().unwrap_or(0)
    }
}

fn answer(stream: TcpStream, handler: &Handler, counts: &Mutex<HashMap<String, usize>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    let mut parts = request_line.split_whitespace();
    let key = format!(
        "{} {}",
        parts.next().unwrap_or(""),
        parts.next().unwrap_or("")
    );
    let n = {
        let mut c = counts.lock().unwrap();
        let n = c.entry(key.clone()).or_insert(0);
        *n += 1;
        *n
    };
    let mut stream = stream;
    let head = |status: u16, body: &str| {
        format!(
            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
    };
    match handler(&key, n) {
        Answer::Reply(status, body) => {
            let _ = write!(stream, "{}{body}", head(status, &body));
        }
        Answer::ResetMidBody(body) => {
            let _ = write!(stream, "{}{}", head(200, &body), &body[..body.len() / 2]);
            let _ = stream.flush();
            reset(stream);
        }
        Answer::Silence => std::thread::sleep(Duration::from_secs(120)),
        Answer::Redirect(location) => {
            let _ = write!(
                stream,
                "HTTP/1.1 302 X\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    }
}

/// Closes `stream` with a TCP reset (RST) instead of an orderly close: SO_LINGER with a zero
/// timeout makes close() drop the connection at once.
fn reset(stream: TcpStream) {
    use std::os::fd::AsRawFd;
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: a valid socket and a correctly sized option value.
    let rc = unsafe {
        libc::setsockopt(
            stream.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            &linger as *const libc::linger as *const libc::c_void,
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        )
    };
    assert_eq!(rc, 0, "setsockopt SO_LINGER");
    drop(stream);
}

use crate::support::fake_http::TOKEN;

/// Canned answers of a Keycloak holding realm `data` with the client `open-metadata`.
fn keycloak_answer(base: &str, key: &str) -> Answer {
    match fake_http::keycloak_body(base, key) {
        Some(body) => Answer::Reply(200, body.to_string()),
        None => Answer::Reply(404, json!({ "error": "not faked" }).to_string()),
    }
}

fn omsso_against(fake: &Fake, dir: &std::path::Path) -> std::process::Command {
    let mut cmd = omsso(dir);
    cmd.env("OMSSO_ADMIN_PASSWORD", "fake-admin-password")
        .env("OMSSO_KEYCLOAK_URL", &fake.url)
        .env("OMSSO_ADMIN_USERNAME", "admin")
        .env("OMSSO_REALM", "data");
    cmd
}

#[test]
fn a_server_that_never_answers_is_a_timeout_naming_the_url() {
    let fake = Fake::start(|_, _| Answer::Silence);
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let r = run(omsso_against(&fake, dir.path()).args(["keycloak", "fetch", "--timeout", "1"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    // The first request is the login, straight at the URL given.
    assert!(
        r.stderr.contains(&format!(
            "{}/realms/master/protocol/openid-connect/token did not answer within 1 s",
            fake.url
        )),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--timeout"), "{}", r.stderr);
    // A timeout is not retried: one attempt, about one second.
    assert_eq!(fake.count(TOKEN), 1);
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn idempotent_requests_are_retried_through_503s_and_succeed() {
    let base = Arc::new(Mutex::new(String::new()));
    let b = base.clone();
    let fake = Fake::start(move |key, n| match (key, n) {
        (TOKEN, 1) => Answer::Reply(503, "{}".into()),
        ("GET /admin/realms/data/clients?clientId=open-metadata", 1 | 2) => {
            Answer::Reply(503, "{}".into())
        }
        _ => keycloak_answer(&b.lock().unwrap(), key),
    });
    *base.lock().unwrap() = fake.url.clone();
    let dir = tempfile::tempdir().unwrap();
    let r = run(omsso_against(&fake, dir.path()).args([
        "keycloak",
        "fetch",
        "--show-secret",
        "--format",
        "json",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["client_secret"], "fake-secret-value");
    assert_eq!(v["issuer"], format!("{}/realms/data", fake.url));
    assert_eq!(fake.count(TOKEN), 2);
    // A login that works needs no probe of the base URL.
    assert_eq!(fake.count("GET /realms/master"), 0);
    assert_eq!(
        fake.count("GET /admin/realms/data/clients?clientId=open-metadata"),
        3
    );
    // The admin password never reaches the output.
    assert!(!r.stderr.contains("fake-admin-password") && !r.stdout.contains("fake-admin-password"));
}

#[test]
fn a_post_is_not_repeated_on_503() {
    let base = Arc::new(Mutex::new(String::new()));
    let b = base.clone();
    let fake = Fake::start(move |key, _| match key {
        "POST /admin/realms/data/clients/u-1/client-secret" => Answer::Reply(503, "{}".into()),
        _ => keycloak_answer(&b.lock().unwrap(), key),
    });
    *base.lock().unwrap() = fake.url.clone();
    let dir = tempfile::tempdir().unwrap();
    let r = run(omsso_against(&fake, dir.path()).args(["keycloak", "rotate", "--yes"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("HTTP 503"), "{}", r.stderr);
    assert_eq!(
        fake.count("POST /admin/realms/data/clients/u-1/client-secret"),
        1
    );
}

const SECRET_GET: &str = "GET /admin/realms/data/clients/u-1/client-secret";
const SECRET_POST: &str = "POST /admin/realms/data/clients/u-1/client-secret";

/// A fake Keycloak whose answers to `request` are cut mid-body on the attempts `cut` says.
fn cutting(request: &'static str, cut: impl Fn(usize) -> bool + Send + Sync + 'static) -> Fake {
    let base = Arc::new(Mutex::new(String::new()));
    let b = base.clone();
    let fake = Fake::start(move |key, n| {
        let base = b.lock().unwrap().clone();
        match keycloak_answer(&base, key) {
            Answer::Reply(200, body) if key == request && cut(n) => Answer::ResetMidBody(body),
            other => other,
        }
    });
    *base.lock().unwrap() = fake.url.clone();
    fake
}

#[test]
fn a_read_whose_answer_is_reset_mid_body_is_retried_and_succeeds() {
    let fake = cutting(SECRET_GET, |n| n == 1);
    let dir = tempfile::tempdir().unwrap();
    let r = run(omsso_against(&fake, dir.path()).args([
        "keycloak",
        "fetch",
        "--write",
        "credentials.json",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(fake.count(SECRET_GET), 2);
    let written: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("credentials.json")).unwrap())
            .unwrap();
    assert_eq!(written["client_secret"], "fake-secret-value");
}

#[test]
fn answers_reset_on_every_attempt_are_one_error_and_the_previous_file_stays() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("credentials.json");
    std::fs::write(&good, "{\"previous\": true}\n").unwrap();
    let fake = cutting(SECRET_GET, |_| true);
    let r = run(omsso_against(&fake, dir.path()).args([
        "keycloak",
        "fetch",
        "--write",
        "credentials.json",
        "--force",
    ]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let errors: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.starts_with("error:"))
        .collect();
    assert_eq!(errors.len(), 1, "{}", r.stderr);
    assert!(
        errors[0].starts_with(&format!(
            "error: request to {}/admin/realms/data/clients/u-1/client-secret failed:",
            fake.url
        )),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("hint: "), "{}", r.stderr);
    // Every attempt (4) was made, and nothing but the previous file is in the folder.
    assert_eq!(fake.count(SECRET_GET), 4);
    assert_eq!(
        std::fs::read_to_string(&good).unwrap(),
        "{\"previous\": true}\n"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    assert!(!r.stderr.contains("fake-secret") && !r.stderr.contains("fake-admin-password"));
}

/// The regeneration happened on the server (probably): repeating it would regenerate again,
/// and pretending nothing happened would leave a dead secret deployed.
#[test]
fn a_lost_answer_to_regenerate_says_the_secret_may_have_changed() {
    let fake = cutting(SECRET_POST, |_| true);
    let dir = tempfile::tempdir().unwrap();
    let r = run(omsso_against(&fake, dir.path()).args([
        "keycloak",
        "rotate",
        "--yes",
        "--write",
        "credentials.json",
    ]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "error: the secret of client `open-metadata` in realm `data` may have been \
             regenerated, but Keycloak's answer was lost:"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("hint: read the current secret with `omsso keycloak fetch`"),
        "{}",
        r.stderr
    );
    assert_eq!(fake.count(SECRET_POST), 1);
    assert!(!dir.path().join("credentials.json").exists());
}

#[test]
fn a_keycloak_under_auth_is_found_when_the_first_login_misses() {
    // Keycloak < 17 (or --http-relative-path=/auth): everything lives under /auth.
    let base = Arc::new(Mutex::new(String::new()));
    let b = base.clone();
    let fake = Fake::start(move |key, _| {
        let (method, path) = key.split_once(' ').unwrap();
        match path.strip_prefix("/auth") {
            Some(rest) => keycloak_answer(
                &format!("{}/auth", b.lock().unwrap()),
                &format!("{method} {rest}"),
            ),
            None => Answer::Reply(404, "{}".into()),
        }
    });
    *base.lock().unwrap() = fake.url.clone();
    let dir = tempfile::tempdir().unwrap();
    let r = run(omsso_against(&fake, dir.path()).args(["keycloak", "fetch", "--format", "json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["issuer"], format!("{}/auth/realms/data", fake.url));
    // The login at the URL as given missed, the probe found /auth, the login there worked.
    assert_eq!(fake.count(TOKEN), 1);
    assert_eq!(fake.count("GET /realms/master"), 1);
    assert_eq!(fake.count("GET /auth/realms/master"), 1);
    assert_eq!(
        fake.count("POST /auth/realms/master/protocol/openid-connect/token"),
        1
    );
}

#[test]
fn environments_on_one_keycloak_share_one_login() {
    let base = Arc::new(Mutex::new(String::new()));
    let b = base.clone();
    let fake = Fake::start(move |key, _| keycloak_answer(&b.lock().unwrap(), key));
    *base.lock().unwrap() = fake.url.clone();
    let dir = tempfile::tempdir().unwrap();
    let mut settings = format!(
        "keycloak: {{url: \"{}\", realm: data}}\nadmin: {{username: admin}}\n\
         openmetadata: {{admin_principals: [admin], principal_domain: example.com}}\n\
         environments:\n",
        fake.url
    );
    for env in ["dev", "test", "prod"] {
        settings.push_str(&format!("  {env}: {{output: {{dir: out/{env}}}}}\n"));
    }
    std::fs::write(dir.path().join("omsso.yaml"), settings).unwrap();
    let r = run(omsso_against(&fake, dir.path()).args([
        "run",
        "--all-envs",
        "--no-ensure",
        "--no-verify",
        "--format",
        "json",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let envs = v["environments"].as_array().unwrap();
    assert_eq!(envs.len(), 3);
    for env in envs {
        assert_eq!(env["ok"], true, "{env}");
        // Each environment counts its own requests: find, discovery, secret.
        assert_eq!(env["requests"]["GET"], 3, "{env}");
    }
    // One login for all three environments.
    assert_eq!(fake.count(TOKEN), 1);
    for env in ["dev", "test", "prod"] {
        assert!(dir
            .path()
            .join(format!("out/{env}/openmetadata.yaml"))
            .exists());
    }
}

#[test]
fn a_redirect_from_http_to_https_is_followed_over_tls() {
    // Plain-HTTP requests go through a client without the system's root certificates; a
    // redirect to https must still be followed, with certificate checks. The fake speaks no
    // TLS, so following it ends in a failed TLS handshake with the https URL (not in a bare
    // HTTP 302).
    let target = Arc::new(Mutex::new(String::new()));
    let t = target.clone();
    let fake = Fake::start(move |key, _| {
        let path = key.split_once(' ').unwrap().1;
        Answer::Redirect(format!("{}{path}", t.lock().unwrap()))
    });
    let https = fake.url.replace("http://", "https://");
    *target.lock().unwrap() = https.clone();
    let dir = tempfile::tempdir().unwrap();
    let r = run(omsso_against(&fake, dir.path()).args(["keycloak", "fetch"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let token_url = format!("{https}/realms/master/protocol/openid-connect/token");
    assert!(r.stderr.contains(&token_url), "{}", r.stderr);
    assert!(
        r.stderr.to_lowercase().contains("tls handshake"),
        "{}",
        r.stderr
    );
}
