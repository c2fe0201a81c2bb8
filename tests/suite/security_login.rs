//! `verify --login` and the live checks against a login page or discovery document that
//! points elsewhere (security review, issue 20: H1, M2, M4, L4). A real Keycloak does none of
//! this on demand, so these run against the small fake server, which records every request:
//! the same server by the name `localhost` plays another origin, a second fake another port
//! or plain http. The real Keycloak's logins are in verify_login.rs.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use serde_json::{json, Value};

use crate::support::fake_http::{not_faked, Fake, Reply, Seen};
use crate::support::keycloak::{check, run_json};
use crate::support::render::{render, Creds, SECRET};
use crate::support::{omsso, Run};

const PASSWORD: &str = "Login-Pw-8c41d2";
const DISCOVERY: &str = "GET /realms/data/.well-known/openid-configuration";
const AUTH: &str = "/realms/data/protocol/openid-connect/auth";
const TOKEN: &str = "/realms/data/protocol/openid-connect/token";
const AUTHENTICATE: &str = "/realms/data/login-actions/authenticate";
const SESSION_COOKIE: &str = "AUTH_SESSION_ID=sess-4d2e";

/// A fake Keycloak whose answers `answer` chooses, knowing the fake's own URL; `None` is a 404.
/// HTTPS (self-signed: verify needs `--insecure`) when `tls` names a folder for the key.
fn fake_keycloak(
    tls: Option<&Path>,
    answer: impl Fn(&str, &Seen) -> Option<Reply> + Send + Sync + 'static,
) -> Fake {
    let base: Arc<OnceLock<String>> = Arc::default();
    let b = base.clone();
    let handler = move |seen: &Seen| answer(b.get().unwrap(), seen).unwrap_or_else(not_faked);
    let fake = match tls {
        Some(dir) => Fake::https(dir, handler),
        None => Fake::http(handler),
    };
    base.set(fake.url.clone()).unwrap();
    fake
}

/// `base` by another name: another origin, the same server.
fn by_name(base: &str) -> String {
    base.replacen("127.0.0.1", "localhost", 1)
}

/// Realm `data`'s discovery document at `base`, naming these endpoints.
fn discovery(base: &str, auth: &str, token: &str) -> Reply {
    let issuer = format!("{base}/realms/data");
    let body = json!({
        "issuer": issuer,
        "authorization_endpoint": auth,
        "token_endpoint": token,
        "jwks_uri": format!("{issuer}/protocol/openid-connect/certs"),
    });
    Reply::Json(200, body.to_string())
}

/// Keycloak's login page (the parts omsso reads), setting the login's session cookie.
fn login_page(action: &str) -> Reply {
    Reply::Page {
        status: 200,
        headers: vec![format!(
            "Set-Cookie: {SESSION_COOKIE}; Path=/realms/data/; HttpOnly"
        )],
        body: format!(
            "<html><h1 id=\"kc-page-title\">Sign in to your account</h1>\
             <form id=\"kc-form-login\" onsubmit=\"return true;\" action=\"{action}\" \
             method=\"post\"><input name=\"username\"/></form></html>"
        ),
    }
}

/// The usual first two answers: discovery at `base` naming its own endpoints, and the login
/// page whose form posts to `action`.
fn keycloak_page(base: &str, seen: &Seen, action: &str) -> Option<Reply> {
    match seen.key.as_str() {
        DISCOVERY => Some(discovery(
            base,
            &format!("{base}{AUTH}"),
            &format!("{base}{TOKEN}"),
        )),
        k if k.starts_with(&format!("GET {AUTH}?")) => Some(login_page(action)),
        _ => None,
    }
}

/// A project in `dir` whose openmetadata.yaml names the Keycloak at `kc_base` (realm `data`).
fn project(dir: &Path, kc_base: &str) {
    Creds {
        kc_base,
        ..Creds::default()
    }
    .write(dir);
    let r = render(dir, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// `verify --login alice` with the password in the environment; OpenMetadata is not there.
fn verify_login(dir: &Path, extra: &[&str]) -> (Run, Value) {
    run_json(
        omsso(dir)
            .env("OMSSO_LOGIN_PASSWORD", PASSWORD)
            .env("OMSSO_OM_URL", "http://127.0.0.1:1")
            .env("OMSSO_TIMEOUT", "5")
            .args(["verify", "--login", "alice"])
            .args(extra),
    )
}

/// The login check failed (exit 3), naming `url`, with a hint; no secret in any output.
fn assert_login_refused(r: &Run, v: &Value, url: &str) -> String {
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    let login = check(v, "login");
    assert_eq!(login["status"], "fail", "{login}");
    let detail = login["detail"].as_str().unwrap().to_string();
    assert!(detail.contains(url), "{url} not in: {detail}");
    assert!(
        !login["hint"].as_str().unwrap_or_default().is_empty(),
        "{login}"
    );
    assert_no_secret(r);
    detail
}

fn assert_no_secret(r: &Run) {
    for secret in [PASSWORD, SECRET] {
        assert!(
            !r.stdout.contains(secret) && !r.stderr.contains(secret),
            "{secret}: {}\n{}",
            r.stdout,
            r.stderr
        );
    }
}

/// Nothing that reached `fake` by the name `localhost` (another origin) held the password,
/// the client secret or a cookie.
fn assert_nothing_went_to_localhost(fake: &Fake) {
    let port = fake.url.rsplit(':').next().unwrap();
    let host = format!("host: localhost:{port}");
    for s in fake.seen().iter().filter(|s| s.head.contains(&host)) {
        let head = s.head.to_ascii_lowercase();
        assert!(
            !head.contains("cookie:"),
            "a cookie went to localhost: {s:?}"
        );
        for secret in [PASSWORD, SECRET] {
            assert!(
                !s.body.contains(secret) && !s.head.contains(secret),
                "{secret} went to localhost: {s:?}"
            );
        }
    }
}

/// H1: the login form's `action` named another origin; omsso posted the user name, the
/// password and every session cookie there.
#[test]
fn a_login_form_posting_to_another_origin_gets_no_password() {
    let d = tempfile::tempdir().unwrap();
    let fake = fake_keycloak(None, |base, seen| {
        let action = format!("{}{AUTHENTICATE}?session_code=c1", by_name(base));
        keycloak_page(base, seen, &action)
    });
    project(d.path(), &fake.url);
    let (r, v) = verify_login(d.path(), &[]);
    let foreign = format!("{}{AUTHENTICATE}", by_name(&fake.url));
    assert_nothing_went_to_localhost(&fake);
    assert!(
        !fake.seen().iter().any(|s| s.key.contains(AUTHENTICATE)),
        "{:?}",
        fake.seen()
    );
    assert_login_refused(&r, &v, &foreign);
    // The login page was on this machine: no cleartext warning.
    assert!(!r.stderr.contains("plain http"), "{}", r.stderr);
}

/// H1: an https login page whose form posts to plain http (Keycloak behind a TLS proxy that
/// sends no X-Forwarded-Proto renders http:// actions): the password crossed in clear.
#[test]
fn an_https_login_page_posting_to_plain_http_gets_no_password() {
    let d = tempfile::tempdir().unwrap();
    let plain = Fake::http(|_| not_faked());
    let action = format!("{}{AUTHENTICATE}", plain.url);
    let a = action.clone();
    let fake = fake_keycloak(Some(d.path()), move |base, seen| {
        keycloak_page(base, seen, &a)
    });
    project(d.path(), &fake.url);
    let (r, v) = verify_login(d.path(), &["--insecure"]);
    assert!(plain.seen().is_empty(), "{:?}", plain.seen());
    assert_login_refused(&r, &v, &action);
}

/// H1: a redirect after the login's POST took the session cookies, Keycloak's login
/// (`KEYCLOAK_IDENTITY`) among them, to another origin: the old browser sent every cookie to
/// every host. Cookies now follow RFC 6265, and the login walk never leaves Keycloak.
#[test]
fn a_redirect_after_the_login_takes_no_session_cookie_elsewhere() {
    let d = tempfile::tempdir().unwrap();
    let fake = fake_keycloak(None, |base, seen| {
        let post = format!("POST {AUTHENTICATE}");
        if seen.key.starts_with(&post) {
            return Some(Reply::Page {
                status: 302,
                headers: vec![
                    format!("Location: {}/elsewhere", by_name(base)),
                    "Set-Cookie: KEYCLOAK_IDENTITY=identity-7f3a; Path=/realms/data/; HttpOnly"
                        .to_string(),
                ],
                body: String::new(),
            });
        }
        keycloak_page(base, seen, &format!("{base}{AUTHENTICATE}"))
    });
    project(d.path(), &fake.url);
    let (r, v) = verify_login(d.path(), &[]);
    assert_nothing_went_to_localhost(&fake);
    // The login itself went to Keycloak, with the session cookie of its login page.
    let seen = fake.seen();
    let post = seen.iter().find(|s| s.key.contains(AUTHENTICATE)).unwrap();
    assert!(post.head.contains(SESSION_COOKIE), "{post:?}");
    let detail = assert_login_refused(&r, &v, &format!("{}/…", by_name(&fake.url)));
    assert!(detail.contains("redirect"), "{detail}");
}

/// A login page that echoes what was posted: Keycloak's feedback message is printed (it says
/// why a login was refused), so a page quoting the password would print it; the HTTP layer
/// masks what the request carried in every text taken from the answer.
#[test]
fn a_login_page_echoing_the_password_shows_it_masked() {
    let d = tempfile::tempdir().unwrap();
    let fake = fake_keycloak(None, |base, seen| {
        let post = format!("POST {AUTHENTICATE}");
        if seen.key.starts_with(&post) {
            return Some(Reply::Page {
                status: 200,
                headers: vec![],
                body: format!(
                    "<html><form id=\"kc-form-login\" action=\"{base}{AUTHENTICATE}\"></form>\
                     <span class=\"pf-m-error kc-feedback-text\">Invalid password \
                     {PASSWORD} for alice</span></html>"
                ),
            });
        }
        keycloak_page(base, seen, &format!("{base}{AUTHENTICATE}"))
    });
    project(d.path(), &fake.url);
    let (r, v) = verify_login(d.path(), &[]);
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    let detail = check(&v, "login")["detail"].as_str().unwrap().to_string();
    assert!(
        detail.contains("Invalid password <redacted> for alice"),
        "{detail}"
    );
    assert_no_secret(&r);
}

/// M4: the login page was read whole, however large (2.6 GB in 10 s); now capped like every
/// other answer.
#[test]
fn an_endless_login_page_is_cut_off() {
    let d = tempfile::tempdir().unwrap();
    let fake = fake_keycloak(None, |base, seen| match seen.key.as_str() {
        k if k.starts_with(&format!("GET {AUTH}?")) => Some(Reply::Endless(32 << 20)),
        _ => keycloak_page(base, seen, ""),
    });
    project(d.path(), &fake.url);
    let (r, v) = verify_login(d.path(), &[]);
    let detail = assert_login_refused(&r, &v, &format!("{}{AUTH}", fake.url));
    assert!(detail.contains("larger than 4 MiB"), "{detail}");
}

/// M2: the endpoints the discovery document names got credentials wherever they were: the
/// token endpoint the client secret (secret-authenticates, and the login's code exchange),
/// the authorization endpoint the login password. Here discovery names the token endpoint
/// on plain http (another port) and the authorization endpoint on another host.
#[test]
fn endpoints_discovery_names_elsewhere_get_no_credentials() {
    let d = tempfile::tempdir().unwrap();
    let plain = Fake::http(|_| not_faked());
    let token = format!("{}{TOKEN}", plain.url);
    let t = token.clone();
    let fake = fake_keycloak(Some(d.path()), move |base, seen| match seen.key.as_str() {
        DISCOVERY => Some(discovery(base, &format!("{}{AUTH}", by_name(base)), &t)),
        k if k.starts_with(&format!("GET {AUTH}?")) => {
            Some(login_page(&format!("{}{AUTHENTICATE}", by_name(base))))
        }
        _ => None,
    });
    project(d.path(), &fake.url);
    let (r, v) = verify_login(d.path(), &["--insecure"]);
    assert!(plain.seen().is_empty(), "{:?}", plain.seen());
    assert_nothing_went_to_localhost(&fake);
    assert!(
        !fake.seen().iter().any(|s| s.key.contains(AUTH)),
        "{:?}",
        fake.seen()
    );
    let secret = check(&v, "secret-authenticates");
    assert_eq!(secret["status"], "fail", "{secret}");
    let detail = secret["detail"].as_str().unwrap();
    assert!(
        detail.contains(&token) && detail.contains("discovery document"),
        "{detail}"
    );
    let detail = assert_login_refused(&r, &v, &format!("{}{AUTH}", by_name(&fake.url)));
    assert!(detail.contains("discovery document"), "{detail}");
}

/// L4: the OpenMetadata admin token went over plain http to another machine without a word
/// (the Keycloak admin login warns). `0.0.0.0` reaches this machine's listeners, yet is not a
/// loopback address: it plays a remote host.
#[test]
fn the_admin_token_over_plain_http_to_another_host_is_warned_about() {
    let d = tempfile::tempdir().unwrap();
    let om = Fake::http(|seen| match seen.key.as_str() {
        "GET /api/v1/system/version" => Reply::Json(200, json!({"version": "1.12.7"}).to_string()),
        _ => not_faked(),
    });
    project(d.path(), "https://sso.example.com");
    let om_url = om.url.replacen("127.0.0.1", "0.0.0.0", 1);
    let r = crate::support::run(
        omsso(d.path())
            .env("OMSSO_OM_TOKEN", "om-token-3b9d")
            .env("OMSSO_TIMEOUT", "5")
            .args(["apply", "--om-url", &om_url]),
    );
    let warning = r
        .stderr
        .lines()
        .find(|l| l.starts_with("warning:") && l.contains("plain http"))
        .unwrap_or_else(|| panic!("no cleartext warning: {}", r.stderr));
    assert!(
        warning.contains(&om_url) && warning.contains("admin token"),
        "{warning}"
    );
    assert!(!r.stderr.contains("om-token-3b9d"), "{}", r.stderr);
}

/// L4: the same for the login password of `verify --login`.
#[test]
fn the_login_password_over_plain_http_to_another_host_is_warned_about() {
    let d = tempfile::tempdir().unwrap();
    let fake = fake_keycloak(None, |base, seen| {
        keycloak_page(base, seen, &format!("{base}{AUTHENTICATE}"))
    });
    let remote = fake.url.replacen("127.0.0.1", "0.0.0.0", 1);
    project(d.path(), &remote);
    let (r, _) = verify_login(d.path(), &[]);
    let warning = r
        .stderr
        .lines()
        .find(|l| l.starts_with("warning:") && l.contains("plain http"))
        .unwrap_or_else(|| panic!("no cleartext warning: {}", r.stderr));
    assert!(
        warning.contains(&remote) && warning.contains("login password"),
        "{warning}"
    );
    assert_no_secret(&r);
}
