//! OpenMetadata's back door on the running server (issue 19): `verify` reads the server's own
//! JWKS (no login) and fails while it serves the quickstart key, recognised by the key itself
//! whatever its key id (the key OpenMetadata's published tokens verify with: see
//! tests/suite/quickstart_key.rs), fails while it serves another key than the file configures (not restarted, or other key files), and with the
//! admin token fails while the basic-auth default admin exists. The server is the stand-in
//! (users held to the release's `User` model), Keycloak the real one.

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine;
use serde_json::{json, Value};

use crate::om_server::{om, realm_with_client, render};
use crate::support::keycloak::{self, check, run_json};
use crate::support::om_standin::{StandIn, ADMIN_TOKEN};

/// The JWK OpenMetadata's server writes for the DER public key at `der`
/// (`JWTTokenGenerator.getJWKSResponse`: `n` as Java's `BigInteger.toByteArray()`, base64url
/// with padding), its modulus read by the real `openssl`.
pub(crate) fn served_jwk(der: &Path, kid: &str) -> Value {
    let out = Command::new("openssl")
        .args([
            "rsa", "-pubin", "-inform", "DER", "-noout", "-modulus", "-in",
        ])
        .arg(der)
        .output()
        .expect("openssl is installed (scripts/setup)");
    assert!(out.status.success(), "openssl -modulus {}", der.display());
    let hex = String::from_utf8(out.stdout).unwrap();
    let hex = hex.trim().trim_start_matches("Modulus=");
    let mut n: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    if n[0] & 0x80 != 0 {
        n.insert(0, 0);
    }
    json!({"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256", "e": "AQAB",
           "n": base64::engine::general_purpose::URL_SAFE.encode(n)})
}

/// A fresh public key made by the real `openssl`, as `public_key.der` in `dir`.
pub(crate) fn fresh_key(dir: &Path) -> PathBuf {
    let private = dir.join("private_key.pem");
    let public = dir.join("public_key.der");
    for args in [
        vec!["genrsa", "-out", private.to_str().unwrap(), "2048"],
        vec![
            "rsa",
            "-in",
            private.to_str().unwrap(),
            "-pubout",
            "-outform",
            "DER",
            "-out",
            public.to_str().unwrap(),
        ],
    ] {
        let out = Command::new("openssl").args(&args).output().unwrap();
        assert!(out.status.success(), "openssl {args:?}");
    }
    public
}

/// Points the rendered openmetadata.yaml at a key pair (what the key-pair work renders).
fn configure_key(dir: &Path, public: &str, kid: &str) {
    let path = dir.join("out/openmetadata.yaml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(&format!(
        "jwtTokenConfiguration:\n  rsapublicKeyFilePath: {public}\n  \
         rsaprivateKeyFilePath: /etc/openmetadata/jwt/private_key.der\n  \
         jwtissuer: open-metadata.org\n  keyId: {kid}\n"
    ));
    std::fs::write(&path, text).unwrap();
}

pub(crate) fn user(name: &str, email: &str, admin: bool) -> Value {
    // A distinct id per name (the UUID's last group: the name's bytes).
    let tail: u64 = name
        .bytes()
        .fold(0, |n, b| (n * 131 + u64::from(b)) % 1_000_000_000_000);
    json!({"id": format!("00000000-0000-4000-8000-{tail:012}"), "name": name,
           "email": email, "isAdmin": admin, "isBot": false, "isEmailVerified": true,
           "updatedBy": name, "updatedAt": 1, "version": 0.1, "deleted": false})
}

fn status<'a>(v: &'a Value, name: &str) -> &'a str {
    check(v, name)["status"].as_str().unwrap()
}

#[test]
fn the_quickstart_key_and_the_default_admin_fail_and_the_rendered_key_passes() {
    let d = tempfile::tempdir().unwrap();
    let fresh = fresh_key(d.path());
    let quickstart = crate::quickstart_key::quickstart_key_file(d.path());
    // The quickstart key under a key id of its own: still the quickstart key.
    let jwks = json!({"keys": [served_jwk(&quickstart, "renamed-but-the-same-key")]});
    let server = StandIn::start_serving("1.12", "1.12.7", None, Some(&jwks), None);
    let realm = realm_with_client(d.path(), &server.url);
    render(d.path(), &realm, &server, &[]);
    configure_key(d.path(), fresh.to_str().unwrap(), "fresh-kid");

    let (r, v) = run_json(
        om(d.path(), &realm, &server)
            .env("OMSSO_OM_TOKEN", ADMIN_TOKEN)
            .arg("verify"),
    );
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    keycloak::assert_no_secret(&r, ADMIN_TOKEN);
    let c = check(&v, "own-key-not-quickstart");
    assert_eq!(c["status"], "fail", "{v}");
    let detail = c["detail"].as_str().unwrap();
    assert!(
        detail.contains("renamed-but-the-same-key")
            && detail.contains(omsso::openmetadata::quickstart::THUMBPRINT),
        "{detail}"
    );
    assert_eq!(status(&v, "own-key-rendered"), "fail", "{v}");
    let admin = check(&v, "default-admin-gone");
    assert_eq!(admin["status"], "fail", "{v}");
    let detail = admin["detail"].as_str().unwrap();
    assert!(
        detail.contains("admin@open-metadata.org") && detail.contains("adminPrincipals"),
        "{detail}"
    );

    // The server restarted on the rendered key, the default admin deleted, an SSO admin left.
    let jwks = json!({"keys": [served_jwk(&fresh, "fresh-kid")]});
    let users = json!([user("alice", "alice@example.com", true)]);
    let server = StandIn::start_serving("1.12", "1.12.7", None, Some(&jwks), Some(&users));
    let (r, v) = run_json(
        om(d.path(), &realm, &server)
            .env("OMSSO_OM_TOKEN", ADMIN_TOKEN)
            .arg("verify"),
    );
    for name in [
        "own-key-not-quickstart",
        "own-key-rendered",
        "default-admin-gone",
    ] {
        assert_eq!(status(&v, name), "pass", "{name}: {v}\n{}", r.stderr);
    }
    // Without a token the admin check is a visible skip, never a pass.
    let (_, v) = run_json(om(d.path(), &realm, &server).arg("verify"));
    assert_eq!(status(&v, "default-admin-gone"), "skip", "{v}");
}

#[test]
fn a_key_file_out_of_reach_is_compared_by_key_id_and_an_sso_admin_called_admin_warns() {
    let d = tempfile::tempdir().unwrap();
    let fresh = fresh_key(d.path());
    let jwks = json!({"keys": [served_jwk(&fresh, "server-kid")]});
    let users = json!([user("admin", "admin@example.com", true)]);
    let server = StandIn::start_serving("1.12", "1.12.7", None, Some(&jwks), Some(&users));
    let realm = realm_with_client(d.path(), &server.url);
    render(d.path(), &realm, &server, &[]);
    // The key file is on the server only; the file's key id is not the served one.
    configure_key(d.path(), "/nowhere/public_key.der", "file-kid");
    let (_, v) = run_json(
        om(d.path(), &realm, &server)
            .env("OMSSO_OM_TOKEN", ADMIN_TOKEN)
            .arg("verify"),
    );
    assert_eq!(status(&v, "own-key-not-quickstart"), "pass", "{v}");
    let c = check(&v, "own-key-rendered");
    assert_eq!(c["status"], "fail", "{v}");
    assert!(c["detail"].as_str().unwrap().contains("file-kid"), "{c}");
    let admin = check(&v, "default-admin-gone");
    assert_eq!(admin["status"], "warn", "{v}");
    assert!(
        admin["detail"]
            .as_str()
            .unwrap()
            .contains("admin@example.com"),
        "{admin}"
    );
}

/// A server that runs SSO with `principals` as its admins (the security configuration a 1.12
/// server holds, as its model reads it).
fn sso_server(principals: &[&str], users: &Value) -> StandIn {
    let config = json!({
        "authenticationConfiguration": {
            "provider": "custom-oidc", "providerName": "keycloak",
            "publicKeyUrls": ["http://localhost:8585/api/v1/system/config/jwks"],
            "authority": "http://127.0.0.1:1/realms/r", "clientId": "openmetadata",
            "callbackUrl": "http://localhost:8585/callback",
            "jwtPrincipalClaims": ["preferred_username", "email", "sub"],
            "enableSelfSignup": true,
        },
        "authorizerConfiguration": {
            "className": "org.openmetadata.service.security.DefaultAuthorizer",
            "containerRequestFilter": "org.openmetadata.service.security.JwtFilter",
            "adminPrincipals": principals, "principalDomain": "example.com",
            "enforcePrincipalDomain": false, "enableSecureSocketConnection": false,
        },
    });
    StandIn::start_serving("1.12", "1.12.7", Some(&config), None, Some(users))
}

fn remove(server: &StandIn, args: &[&str]) -> crate::support::Run {
    let d = tempfile::tempdir().unwrap();
    let r = crate::support::run(
        crate::support::omsso(d.path())
            .env("OMSSO_OM_URL", &server.url)
            .env("OMSSO_OM_TOKEN", ADMIN_TOKEN)
            .arg("remove-default-admin")
            .args(args),
    );
    keycloak::assert_no_secret(&r, ADMIN_TOKEN);
    r
}

fn names(server: &StandIn) -> Vec<String> {
    server
        .users()
        .iter()
        .map(|u| u["name"].as_str().unwrap().to_string())
        .collect()
}

/// The default admin goes only after a plan, a confirmation, and once the running server shows
/// that an SSO admin stays; a dry run and every refusal leave it in place.
#[test]
fn remove_default_admin_plans_asks_and_deletes_only_when_an_sso_admin_stays() {
    let quickstart_admin = user("admin", "admin@open-metadata.org", true);
    let both = json!([quickstart_admin, user("alice", "alice@example.com", true)]);
    let server = sso_server(&["alice"], &both);

    let r = remove(&server, &["--dry-run"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("lockout guard") && r.stdout.contains("alice"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("dry run: nothing was removed"),
        "{}",
        r.stdout
    );
    // No terminal and no --yes: refused before anything changes.
    let r = remove(&server, &[]);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("--yes"), "{}", r.stderr);
    assert_eq!(server.sent("DELETE"), 0);
    assert_eq!(names(&server), ["admin", "alice"]);

    let r = remove(&server, &["--yes", "--format", "json"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["removed"], true, "{v}");
    assert_eq!(v["guard"]["sso_admins"], json!(["alice"]), "{v}");
    assert_eq!(names(&server), ["alice"]);
    // Run again: nothing left to remove.
    let r = remove(&server, &["--yes"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("nothing to remove"), "{}", r.stdout);
    assert_eq!(server.sent("DELETE"), 1);
}

#[test]
fn the_lockout_guard_keeps_the_default_admin_when_it_is_the_last_way_in() {
    let quickstart_admin = user("admin", "admin@open-metadata.org", true);
    // A fresh server: basic login, `admin` its only admin.
    let fresh = StandIn::start("1.12", "1.12.7");
    // SSO, but `admin` still an admin principal: the next start creates it again.
    let listed = sso_server(
        &["admin", "alice"],
        &json!([quickstart_admin, user("alice", "alice@example.com", true)]),
    );
    // SSO, but the other admin principal never became a user.
    let nobody = sso_server(&["alice"], &json!([quickstart_admin]));
    for (server, says) in [
        (&fresh, "basic auth"),
        (&listed, "still in adminPrincipals"),
        (&nobody, "no other admin principal exists"),
    ] {
        let r = remove(server, &["--yes"]);
        assert_eq!(r.code, 2, "{says}: {}\n{}", r.stdout, r.stderr);
        assert!(r.stderr.contains(says), "{}", r.stderr);
        assert!(r.stderr.contains("hint:"), "{}", r.stderr);
        assert_eq!(server.sent("DELETE"), 0);
        assert!(names(server).contains(&"admin".to_string()));
    }
}
