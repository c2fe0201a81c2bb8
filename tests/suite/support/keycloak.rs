//! Helpers for the `keycloak_*` tests: running `omsso keycloak …` against the shared Keycloak
//! (admin password through OMSSO_ADMIN_PASSWORD, never argv), reading what Keycloak holds,
//! and trying a client's secret in a client-credentials grant.

use std::path::Path;
use std::process::Command;

use base64::Engine;
use serde_json::{json, Value};

use crate::support::{self, omsso, run, Admin, Run};

pub const OM_URL: &str = "http://om.example.test:8585";
pub const CLIENT_ID: &str = "open-metadata";

/// `omsso keycloak <sub>` for `realm`, logged in as the bootstrap admin. Settings come from
/// OMSSO_* variables so a test can override any of them with its flag.
pub fn keycloak(dir: &Path, sub: &str, realm: &str) -> Command {
    let mut cmd = configured(dir, realm);
    cmd.args(["keycloak", sub]);
    cmd
}

/// omsso with every setting a whole run needs for `realm` (Keycloak, admin login through
/// OMSSO_ADMIN_PASSWORD, OpenMetadata URL and admins), and no arguments yet.
pub fn configured(dir: &Path, realm: &str) -> Command {
    let mut cmd = omsso(dir);
    cmd.env("OMSSO_ADMIN_PASSWORD", support::admin_password())
        .env("OMSSO_KEYCLOAK_URL", support::keycloak_url())
        .env("OMSSO_ADMIN_USERNAME", support::ADMIN_USER)
        .env("OMSSO_OM_URL", OM_URL)
        .env("OMSSO_REALM", realm)
        .env("OMSSO_ADMIN_PRINCIPALS", "admin")
        .env("OMSSO_PRINCIPAL_DOMAIN", "example.test");
    cmd
}

/// Runs a command that prints one JSON document and parses it.
pub fn run_json(cmd: &mut Command) -> (Run, Value) {
    let r = run(cmd.args(["--format", "json"]));
    let v = serde_json::from_str(&r.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON document ({e}): {}\nstderr: {}",
            r.stdout, r.stderr
        )
    });
    (r, v)
}

/// `ensure` that must succeed; returns its JSON report.
pub fn ensure_ok(dir: &Path, realm: &str) -> Value {
    let (r, v) = run_json(&mut keycloak(dir, "ensure", realm));
    assert_eq!(r.code, 0, "ensure failed: {}", r.stderr);
    v
}

/// The client representation, with its scope lists sorted: Keycloak returns them in an order
/// that varies between reads, and they are sets.
pub fn client(admin: &Admin, realm: &str) -> Value {
    let mut c = admin
        .client(realm, CLIENT_ID)
        .expect("the client exists in Keycloak");
    for key in ["defaultClientScopes", "optionalClientScopes"] {
        if let Some(list) = c.get_mut(key).and_then(Value::as_array_mut) {
            list.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
        }
    }
    c
}

/// The secret Keycloak holds, read directly through the admin API.
pub fn secret(admin: &Admin, realm: &str) -> String {
    let uuid = client(admin, realm)["id"].as_str().unwrap().to_string();
    let v = admin.get(&format!("/{realm}/clients/{uuid}/client-secret"));
    v["value"].as_str().unwrap().to_string()
}

pub fn default_scopes(admin: &Admin, realm: &str) -> Vec<String> {
    let uuid = client(admin, realm)["id"].as_str().unwrap().to_string();
    let list = admin.get(&format!("/{realm}/clients/{uuid}/default-client-scopes"));
    let mut names: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

/// A client-credentials grant with `secret`: the access token's claims, or the HTTP status
/// when Keycloak refuses.
pub fn client_credentials(realm: &str, secret: &str) -> Result<Value, u16> {
    let url = format!(
        "{}/realms/{realm}/protocol/openid-connect/token",
        support::keycloak_url()
    );
    let resp = super::http_builder()
        .build()
        .unwrap()
        .post(url)
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", CLIENT_ID),
            ("client_secret", secret),
        ])
        .send()
        .unwrap();
    if !resp.status().is_success() {
        return Err(resp.status().as_u16());
    }
    let body: Value = resp.json().unwrap();
    let token = body["access_token"].as_str().unwrap();
    let payload = token.split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    Ok(serde_json::from_slice(&bytes).unwrap())
}

/// Creates an enabled user with a password and no roles at all in `realm`.
pub fn user_without_roles(admin: &Admin, realm: &str, username: &str, password: &str) {
    let r = admin.post(
        &format!("/{realm}/users"),
        &json!({
            "username": username,
            "enabled": true,
            "email": format!("{username}@example.test"),
            "emailVerified": true,
            "firstName": "No",
            "lastName": "Roles",
            "credentials": [{ "type": "password", "value": password, "temporary": false }],
        }),
    );
    assert_eq!(r.status().as_u16(), 201, "create user {username}");
}

/// Creates a user who administers `realm` (and only it): `realm-admin` of realm-management.
/// Tests that log in as this user (`--admin-realm REALM`) can change the realm's login
/// settings, such as its token lifespan, without touching `master`.
pub fn realm_admin(admin: &Admin, realm: &str, username: &str, password: &str) {
    user_without_roles(admin, realm, username, password);
    let user = admin.get(&format!("/{realm}/users?username={username}"))[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let rm = admin.client(realm, "realm-management").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let role = admin.get(&format!("/{realm}/clients/{rm}/roles/realm-admin"));
    // Keycloak 26.7.3 now and then answers this grant with a bare 500 while other tests
    // create realms at the same moment (seen 1 run in 3 under load, nothing in its log).
    // Granting a role the user already has is a no-op, so the set-up asks again; the tests
    // are about omsso, not this step.
    let grant = || {
        admin.post(
            &format!("/{realm}/users/{user}/role-mappings/clients/{rm}"),
            &json!([role]),
        )
    };
    let mut r = grant();
    for _ in 0..3 {
        if r.status().as_u16() != 500 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
        r = grant();
    }
    assert!(r.status().is_success(), "grant realm-admin: {}", r.status());
}

/// Asserts that neither output stream holds `secret`.
pub fn assert_no_secret(r: &Run, secret: &str) {
    assert!(
        !r.stdout.contains(secret) && !r.stderr.contains(secret),
        "the secret leaked into the output"
    );
}

/// `realm` as one URL path segment, encoded by the `url` crate (not by omsso's own
/// encoder): for the names the tests use, the form Keycloak writes in its issuer.
pub fn segment(realm: &str) -> String {
    let mut u = reqwest::Url::parse("http://x/").unwrap();
    u.path_segments_mut().unwrap().clear().push(realm);
    u.path()[1..].to_string()
}

/// A realm named `{prefix}-{unique}` that does not exist (for `--create-realm`).
pub fn unused_realm(admin: &Admin, prefix: &str) -> String {
    let realm = admin.new_realm(prefix);
    let r = admin
        .request(reqwest::Method::DELETE, &format!("/{}", segment(&realm)))
        .send()
        .unwrap();
    assert!(r.status().is_success(), "delete realm: {}", r.status());
    realm
}

/// Keycloak's own discovery document of `realm`, read through an independently encoded URL.
pub fn discovery(realm: &str) -> Value {
    let url = format!(
        "{}/realms/{}/.well-known/openid-configuration",
        support::keycloak_url(),
        segment(realm)
    );
    let r = super::get(&url).unwrap();
    assert_eq!(r.status().as_u16(), 200, "GET {url}");
    r.json().unwrap()
}

/// GETs each URL with Java's own URI and HTTP client, as the OpenMetadata server (a Java
/// service) would: one line per URL, "<status> <url>" or "refused <url>: <reason>".
pub fn java_get(urls: &[&str]) -> Vec<String> {
    let program = support::repo_root().join("tests/suite/support/UrlGet.java");
    let out = Command::new("java")
        .arg(&program)
        .args(urls)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run `java` ({e}): these tests need a JDK 11+ on PATH (default-jdk-headless)")
        });
    assert!(
        out.status.success(),
        "java {}: {}",
        program.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

/// What Keycloak answers when a browser starts a login for `client` in `realm` with these
/// extra query parameters: the status, the redirect target (Keycloak reports refusals to the
/// client's redirect URI) and whether the body is Keycloak's login form.
pub struct AuthAnswer {
    pub status: u16,
    pub location: Option<String>,
    pub login_form: bool,
}

pub fn auth_request(realm: &str, redirect_uri: &str, params: &[(&str, &str)]) -> AuthAnswer {
    let url = format!(
        "{}/realms/{}/protocol/openid-connect/auth",
        support::keycloak_url(),
        segment(realm)
    );
    let mut query = vec![
        ("client_id", CLIENT_ID),
        ("redirect_uri", redirect_uri),
        ("scope", "openid email profile"),
        ("state", "s1"),
        ("nonce", "n1"),
    ];
    query.extend_from_slice(params);
    let client = super::http_builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = client.get(url).query(&query).send().unwrap();
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string());
    let body = r.text().unwrap();
    AuthAnswer {
        status,
        location,
        login_form: body.contains("kc-form-login"),
    }
}

/// The live checks that need a running OpenMetadata, which no test machine has: each is a
/// visible `skip` there, never a pass.
pub const NEED_OPENMETADATA: &[&str] = &[
    "own-jwks-answers",
    "server-version",
    "server-config",
    "own-key-not-quickstart",
    "own-key-rendered",
    "default-admin-gone",
];

/// A live check that passed, or one of [`NEED_OPENMETADATA`] skipped.
pub fn passed_or_needs_openmetadata(check: &Value) -> bool {
    check["status"] == "pass"
        || (check["status"] == "skip"
            && NEED_OPENMETADATA.contains(&check["name"].as_str().unwrap_or_default()))
}

/// The live check `name` in a `verify --format json` (or `run`) document; fails the test when
/// the report has no such check.
pub fn check<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no check {name}: {v}"))
}

/// The fields an `ensure --format json` report plans to change, in order.
pub fn fields(report: &Value) -> Vec<String> {
    report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap().to_string())
        .collect()
}
