//! `omsso verify` (live) against the real Keycloak: clean on freshly rendered output, and
//! exit 3 naming the check after each kind of breakage the issue lists.

use crate::support;

use std::path::Path;

use crate::support::fake_http::{Fake, Reply};
use crate::support::keycloak::java_get;
use crate::support::keycloak::{
    check, configured, drop_default_scope, ensure_ok, fetch_and_render, run_json, CLIENT_ID,
    NEED_OPENMETADATA, OM_URL,
};
use crate::support::table::each;
use crate::support::{one_error, run, Admin};
use serde_json::{json, Value};

/// A realm with the OpenMetadata client, and `out/openmetadata.yaml` rendered from its live
/// credentials.
fn rendered(dir: &Path) -> String {
    let admin = Admin::login();
    let realm = admin.new_realm("verify");
    ensure_ok(dir, &realm);
    // openmetadata.yaml alone: Helm values beside it, for this Keycloak on 127.0.0.1, would
    // warn `localhost-from-container` (tests/suite/localhost_pod.rs).
    fetch_and_render(
        dir,
        &realm,
        configured(dir, &realm),
        &["--target", "openmetadata-yaml"],
    );
    realm
}

fn verify(dir: &Path, realm: &str) -> (support::Run, Value) {
    run_json(configured(dir, realm).arg("verify"))
}

fn with_status(v: &Value, status: &str) -> Vec<String> {
    v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == status)
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect()
}

fn failed(v: &Value) -> Vec<String> {
    with_status(v, "fail")
}

fn edit_rendered(dir: &Path, from: &str, to: &str) {
    let p = dir.join("out/openmetadata.yaml");
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{from} not in {text}");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn fresh_output_passes_every_check() {
    let d = tempfile::tempdir().unwrap();
    let realm = rendered(d.path());
    let (r, v) = verify(d.path(), &realm);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(v["ok"], true);
    let names: Vec<&str> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    for n in [
        "discovery-reachable",
        "issuer-matches-authority",
        "public-key-urls",
        "jwks-signing-key",
        "jwks-uri-listed",
        "public-key-urls-answer",
        "scopes-supported",
        "jws-algorithm-supported",
        "response-type-supported",
        "client-exists",
        "client-confidential",
        "redirect-uri-registered",
        "default-scopes",
        "secret-authenticates",
        "token-issuer",
        "urls-consistent",
    ] {
        assert!(names.contains(&n), "check {n} missing: {names:?}");
        assert_eq!(check(&v, n)["status"], "pass", "{n}: {v}");
    }
    assert_eq!(with_status(&v, "skip"), NEED_OPENMETADATA, "{v}");
    let counts = &v["counts"];
    let skipped = NEED_OPENMETADATA.len();
    assert_eq!(
        (counts["pass"].as_u64(), counts["skip"].as_u64()),
        (Some((names.len() - skipped) as u64), Some(skipped as u64)),
        "{v}"
    );
    // The text report names every check too, and never the secret.
    let r = run(configured(d.path(), &realm).arg("verify"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let creds: Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("creds.json")).unwrap())
            .unwrap();
    let secret = creds["client_secret"].as_str().unwrap();
    assert!(!r.stdout.contains(secret) && !r.stderr.contains(secret));
    assert!(r.stdout.contains("secret-authenticates"), "{}", r.stdout);
    // The summary counts each status apart.
    assert!(
        r.stdout.contains(&format!(
            "{} checks: {} ok, 0 warn, {skipped} skip, 0 FAIL",
            names.len(),
            names.len() - skipped
        )),
        "{}",
        r.stdout
    );
}

/// A break of the rendered file: the text it replaces and the text it puts there (from the
/// realm's name and the Keycloak URL), the checks that then fail (only those), and what else
/// `then` asserts of the report.
struct Edit {
    edit: fn(realm: &str, kc: &str) -> (String, String),
    failed: &'static [&'static str],
    then: fn(v: &Value),
}

/// The edits of [`each_edit_of_the_rendered_file_fails_its_check`], one a row.
const EDITS: [(&str, Edit); 6] = [
    (
        "an edited authority fails issuer-matches-authority",
        Edit {
            edit: |realm, kc| {
                let issuer = format!("{kc}/realms/{realm}");
                (
                    format!("authority: \"{issuer}\""),
                    format!("authority: \"{issuer}/protocol/openid-connect/auth\""),
                )
            },
            failed: &["issuer-matches-authority", "token-issuer"],
            then: |_| {},
        },
    ),
    (
        "a dropped public key URL fails public-key-urls",
        Edit {
            edit: |_, _| {
                (
                    "\n    - \"http://localhost:8585/api/v1/system/config/jwks\"".into(),
                    String::new(),
                )
            },
            failed: &["public-key-urls"],
            then: |_| {},
        },
    ),
    // OpenMetadata's own SSO validation asks for scopes the realm offers …
    (
        "a scope the realm lacks fails scopes-supported",
        Edit {
            edit: |_, _| {
                (
                    "scope: \"openid email profile\"".into(),
                    "scope: \"openid email profile groups\"".into(),
                )
            },
            failed: &["scopes-supported"],
            then: |v| {
                let detail = check(v, "scopes-supported")["detail"].as_str().unwrap();
                assert!(detail.contains("`groups`"), "{detail}");
            },
        },
    ),
    // … and an ID token algorithm Keycloak signs with.
    (
        "a JWS algorithm Keycloak does not offer fails jws-algorithm-supported",
        Edit {
            edit: |_, _| {
                (
                    "    scope: \"openid email profile\"".into(),
                    "    scope: \"openid email profile\"\n    preferredJwsAlgorithm: \
                     \"RSA256\""
                        .into(),
                )
            },
            failed: &["jws-algorithm-supported"],
            then: |_| {},
        },
    ),
    // OpenMetadata 1.10+ refuses publicKeyUrls without the discovery's jwks_uri, verbatim:
    // the same certs under another host name is not enough.
    (
        "a certs URL other than the discovery's jwks_uri fails jwks-uri-listed",
        Edit {
            edit: |realm, kc| {
                let other_host = kc.replace("127.0.0.1", "localhost");
                assert_ne!(kc, other_host, "the test Keycloak is on 127.0.0.1");
                let certs = format!("/realms/{realm}/protocol/openid-connect/certs\"");
                (
                    format!("- \"{kc}{certs}"),
                    format!("- \"{other_host}{certs}"),
                )
            },
            failed: &["jwks-uri-listed"],
            // The certs themselves still answer: only the verbatim rule fails.
            then: |v| assert_eq!(check(v, "jwks-signing-key")["status"], "pass"),
        },
    ),
    // Every public key URL must answer a JWKS (the server fetches each).
    (
        "a public key URL that answers no JWKS fails public-key-urls-answer",
        Edit {
            edit: |realm, kc| {
                (
                    "  publicKeyUrls:\n".into(),
                    format!("  publicKeyUrls:\n    - \"{kc}/realms/{realm}/account\"\n"),
                )
            },
            failed: &["public-key-urls-answer"],
            then: |_| {},
        },
    ),
];

/// Each edit of the table on its own copy of one rendered file (the realm stays as it is).
#[test]
fn each_edit_of_the_rendered_file_fails_its_check() {
    let d = tempfile::tempdir().unwrap();
    let realm = rendered(d.path());
    let file = std::fs::read_to_string(d.path().join("out/openmetadata.yaml")).unwrap();
    each(&EDITS, |_, row| {
        let copy = tempfile::tempdir().unwrap();
        std::fs::create_dir(copy.path().join("out")).unwrap();
        std::fs::write(copy.path().join("out/openmetadata.yaml"), &file).unwrap();
        let (from, to) = (row.edit)(&realm, support::keycloak_url());
        edit_rendered(copy.path(), &from, &to);
        let (r, v) = verify(copy.path(), &realm);
        assert_eq!(r.code, 3, "{}", r.stderr);
        assert_eq!(failed(&v), row.failed, "{v}");
        (row.then)(&v);
    });
}

/// A change in Keycloak behind a rendered file's back, and what `verify` (exit 3) then says.
struct Change {
    change: fn(admin: &Admin, realm: &str),
    then: fn(r: &support::Run, v: &Value),
}

/// `change` applied to the client's representation in Keycloak.
fn edit_client(admin: &Admin, realm: &str, change: impl FnOnce(&mut Value)) {
    let mut client = admin.client(realm, CLIENT_ID).unwrap();
    let uuid = client["id"].as_str().unwrap().to_string();
    change(&mut client);
    admin.put(&format!("/{realm}/clients/{uuid}"), &client);
}

fn client_uuid(admin: &Admin, realm: &str) -> String {
    admin.client(realm, CLIENT_ID).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Each change of the table in a realm of its own.
#[test]
fn each_change_in_keycloak_fails_its_check() {
    let rows = [
        (
            "a rotated secret fails secret-authenticates",
            Change {
                change: |admin, realm| {
                    let uuid = client_uuid(admin, realm);
                    let path = format!("/{realm}/clients/{uuid}/client-secret");
                    assert!(admin.post(&path, &json!({})).status().is_success());
                },
                then: |r, v| {
                    assert_eq!(failed(v), ["secret-authenticates"], "{v}");
                    assert!(r.stderr.contains("secret-authenticates"), "{}", r.stderr);
                },
            },
        ),
        (
            "a removed redirect URI fails redirect-uri-registered",
            Change {
                change: |admin, realm| {
                    edit_client(admin, realm, |c| {
                        c["redirectUris"] = json!([format!("{OM_URL}/silent-callback")])
                    })
                },
                then: |_, v| assert_eq!(failed(v), ["redirect-uri-registered"], "{v}"),
            },
        ),
        // The secret is not "rotated": the client has none.
        (
            "a public client is named by secret-authenticates",
            Change {
                change: |admin, realm| {
                    edit_client(admin, realm, |c| c["publicClient"] = json!(true))
                },
                then: |_, v| {
                    let hint = hint_of(v, "secret-authenticates");
                    assert!(hint.contains("is public in Keycloak"), "{hint}");
                    assert!(!hint.contains("rotated"), "{hint}");
                },
            },
        ),
        // The hint says what a token then lacks, not only `basic`/`sub`.
        (
            "a missing email scope gets an email hint",
            Change {
                change: remove_the_email_scope,
                then: |_, v| {
                    let hint = hint_of(v, "default-scopes");
                    assert!(hint.contains("carry no email"), "{hint}");
                },
            },
        ),
    ];
    each(&rows, |_, row| {
        let d = tempfile::tempdir().unwrap();
        let realm = rendered(d.path());
        (row.change)(&Admin::login(), &realm);
        let (r, v) = verify(d.path(), &realm);
        assert_eq!(r.code, 3, "{}", r.stderr);
        (row.then)(&r, &v);
    });
}

fn remove_the_email_scope(admin: &Admin, realm: &str) {
    drop_default_scope(admin, realm, &client_uuid(admin, realm), "email");
}

/// Gap: `verify --realm other` on a file written for realm `demo` passed every check (the
/// client checks used the settings' realm, the URL checks the file's). The file decides.
#[test]
fn a_realm_other_than_the_files_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let realm = rendered(d.path());
    // Another realm with the same client, so the client checks could pass there.
    let other = tempfile::tempdir().unwrap();
    let other_realm = rendered(other.path());
    let r = run(configured(d.path(), &realm).args(["verify", "--realm", &other_realm]));
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    let error = one_error(&r);
    assert!(
        error.contains(&format!("is for realm `{realm}`")) && error.contains(&other_realm),
        "{error}"
    );
    assert!(error.contains("flag --realm"), "{error}");
    // Without a realm setting, the file's realm is the one checked.
    let (r, v) = run_json(
        configured(d.path(), &realm)
            .env_remove("OMSSO_REALM")
            .arg("verify"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(v["realm"], realm.as_str());
    assert!(check(&v, "client-exists")["detail"]
        .as_str()
        .unwrap()
        .contains(&realm));
}

/// Gap: live verify demanded an admin login even for the checks that need none.
#[test]
fn without_an_admin_login_the_checks_that_need_none_run_and_the_others_say_skip() {
    let d = tempfile::tempdir().unwrap();
    let realm = rendered(d.path());
    let (r, v) = run_json(
        configured(d.path(), &realm)
            .env_remove("OMSSO_ADMIN_USERNAME")
            .env_remove("OMSSO_ADMIN_PASSWORD")
            .arg("verify"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("logged in"), "{}", r.stderr);
    for name in [
        "client-exists",
        "client-confidential",
        "redirect-uri-registered",
        "default-scopes",
    ] {
        let c = check(&v, name);
        assert_eq!(
            (c["status"].as_str(), c["detail"].as_str()),
            (Some("skip"), Some("no admin login")),
            "{name}"
        );
    }
    for name in [
        "discovery-reachable",
        "issuer-matches-authority",
        "jwks-signing-key",
        "secret-authenticates",
        "token-issuer",
    ] {
        assert_eq!(check(&v, name)["status"], "pass", "{name}: {v}");
    }
    // Only ok counts as passed; the skips are counted apart.
    assert_eq!(v["counts"]["skip"], 5 + NEED_OPENMETADATA.len(), "{v}");
    let r = run(configured(d.path(), &realm)
        .env_remove("OMSSO_ADMIN_USERNAME")
        .env_remove("OMSSO_ADMIN_PASSWORD")
        .arg("verify"));
    assert!(
        r.stdout.contains("skip client-exists") && r.stdout.contains("no admin login"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains(&format!(", {} skip, 0 FAIL", 5 + NEED_OPENMETADATA.len())),
        "{}",
        r.stdout
    );
}

// ---------------------------------------------------------------------------------------------
// Hints that point the right way (issue 21 §2)

/// The hint of `name` in the report.
fn hint_of(v: &Value, name: &str) -> String {
    check(v, name)["hint"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Keycloak 17+ serves no /auth/realms/ (keycloak/keycloak issue 10615): the hint says to
/// drop /auth, not to check the Keycloak URL.
#[test]
fn auth_realms_urls_on_keycloak_17_get_drop_auth() {
    let d = tempfile::tempdir().unwrap();
    let realm = rendered(d.path());
    let p = d.path().join("out/openmetadata.yaml");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, text.replace("/realms/", "/auth/realms/")).unwrap();
    // With an admin login, the admin API under /auth is the first to answer 404.
    let r = run(configured(d.path(), &realm).arg("verify"));
    assert_eq!(r.code, 2, "{}", r.stderr);
    let error = one_error(&r);
    assert!(error.contains("without the /auth prefix"), "{error}");
    assert!(r.stderr.contains("hint: drop /auth"), "{}", r.stderr);
    // Without one, discovery is.
    let (r, v) = run_json(
        configured(d.path(), &realm)
            .env_remove("OMSSO_ADMIN_USERNAME")
            .env_remove("OMSSO_ADMIN_PASSWORD")
            .arg("verify"),
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_eq!(check(&v, "discovery-reachable")["status"], "fail", "{v}");
    let hint = hint_of(&v, "discovery-reachable");
    assert!(hint.contains("drop /auth"), "{hint}");
}

/// A file that names a realm without the client, while another realm has it: re-render for
/// that realm; `keycloak ensure` would create a second client.
#[test]
fn a_client_in_another_realm_is_named_instead_of_ensure() {
    let d = tempfile::tempdir().unwrap();
    let realm = rendered(d.path());
    let empty = Admin::login().new_realm("empty");
    let p = d.path().join("out/openmetadata.yaml");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(
        &p,
        text.replace(&format!("/realms/{realm}"), &format!("/realms/{empty}")),
    )
    .unwrap();
    let (r, v) = run_json(
        configured(d.path(), &empty)
            .env_remove("OMSSO_REALM")
            .arg("verify"),
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    // Every realm of the shared test Keycloak holds this client id; the hint names some.
    let hint = hint_of(&v, "client-exists");
    assert!(hint.contains("wrong realm"), "{hint}");
    assert!(!hint.contains("to create it"), "{hint}");
    let _ = realm;
    let hint = hint_of(&v, "secret-authenticates");
    assert!(hint.contains("client-exists"), "{hint}");
}

/// jws-algorithm-supported reads only the discovery list; the realm default or a client
/// override decides what Keycloak signs with.
#[test]
fn a_signing_algorithm_other_than_rs256_fails_token_signing_algorithm() {
    let d = tempfile::tempdir().unwrap();
    let realm = rendered(d.path());
    let admin = Admin::login();
    let (_, v) = verify(d.path(), &realm);
    assert_eq!(
        check(&v, "token-signing-algorithm")["status"],
        "pass",
        "{v}"
    );

    let mut client = admin.client(&realm, CLIENT_ID).unwrap();
    let uuid = client["id"].as_str().unwrap().to_string();
    client["attributes"]["id.token.signed.response.alg"] = json!("ES256");
    admin.put(&format!("/{realm}/clients/{uuid}"), &client);
    let (r, v) = verify(d.path(), &realm);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_eq!(
        check(&v, "jws-algorithm-supported")["status"],
        "pass",
        "{v}"
    );
    let c = check(&v, "token-signing-algorithm");
    assert_eq!(c["status"], "fail", "{v}");
    assert!(c["detail"].as_str().unwrap().contains("ES256"), "{c}");
    assert!(c["hint"].as_str().unwrap().contains("RS256"), "{c}");

    client["attributes"]["id.token.signed.response.alg"] = json!("");
    admin.put(&format!("/{realm}/clients/{uuid}"), &client);
    let mut settings = admin.get(&format!("/{realm}"));
    settings["defaultSignatureAlgorithm"] = json!("HS256");
    admin.put(&format!("/{realm}"), &settings);
    let (_, v) = verify(d.path(), &realm);
    let detail = check(&v, "token-signing-algorithm")["detail"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        detail.contains("HS256") && detail.contains("realm's default"),
        "{detail}"
    );
}

/// A publicKeyUrls entry on http that redirects to https: reqwest follows it and omsso said
/// ok, but the server's Java fetch does not follow a redirect across schemes (UrlGet.java
/// shows it stopping at the 301), so the entry gives OpenMetadata no keys.
#[test]
fn a_key_url_redirecting_http_to_https_fails_as_the_server_fetches_it() {
    let d = tempfile::tempdir().unwrap();
    let realm = rendered(d.path());
    let certs = format!(
        "{}/realms/{realm}/protocol/openid-connect/certs",
        support::keycloak_url()
    );
    let jwks = support::get(&certs).unwrap().text().unwrap();
    let tls = tempfile::tempdir().unwrap();
    let https = Fake::https(tls.path(), move |_| Reply::Json(200, jwks.clone()));
    let target = format!("{}/keys", https.url);
    let http = Fake::http(move |_| Reply::Redirect(301, target.clone()));
    let from = format!("{}/keys", http.url);
    assert_eq!(java_get(&[&from]), [format!("301 {from}")]);
    edit_rendered(
        d.path(),
        "  publicKeyUrls:\n",
        &format!("  publicKeyUrls:\n    - \"{from}\"\n"),
    );
    let (r, v) = run_json(configured(d.path(), &realm).args(["verify", "--insecure"]));
    assert_eq!(r.code, 3, "{}", r.stderr);
    let c = check(&v, "public-key-urls-answer");
    assert_eq!(c["status"], "fail", "{v}");
    assert!(
        c["hint"]
            .as_str()
            .unwrap()
            .contains("the redirect leads to"),
        "{c}"
    );
}
