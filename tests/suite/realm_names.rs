//! Realm names that need percent-encoding (a space, `é`, `%`) end to end against the real
//! Keycloak: `run` from nothing (ensure with --create-realm, fetch, render, seal, verify),
//! the written Keycloak URLs equal what Keycloak's own discovery document says and answer 200
//! (also to Java's URI and HTTP client, as the OpenMetadata server reads them), fetch writes
//! the same URLs, the handoff opens with them, `verify` passes, and an admin can log in to
//! such a realm. Names Keycloak cannot serve are refused before any request, and Keycloak is
//! asked whether it really cannot serve them.

use crate::support::{self, keycloak};

use std::path::Path;

use crate::support::keycloak::{configured, discovery, java_get, run_json, segment, unused_realm};
use crate::support::{one_error, run, Admin};
use serde_json::Value;

const DISCOVERY_SUFFIX: &str = "/.well-known/openid-configuration";

fn keygen(dir: &Path) -> String {
    let r = run(support::omsso(dir).args(["keygen", "-o", "collate.key"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout.trim().to_string()
}

fn yaml(path: &Path) -> serde_yaml::Value {
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A string from a YAML value, without the extra quotes a Helm value may carry for the chart.
fn text(v: &serde_yaml::Value) -> String {
    let s = v.as_str().unwrap_or_else(|| panic!("not a string: {v:?}"));
    s.trim_matches('"').to_string()
}

/// `KEY`'s value in the env file (written as `KEY='…'` or `KEY=…`).
fn env_value(path: &Path, key: &str) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{key}=")))
        .unwrap_or_else(|| panic!("{key} not in {text}"));
    line.trim_matches('\'').trim_matches('"').to_string()
}

/// Every Keycloak URL the rendered files and the credentials file hold, checked against
/// Keycloak's own discovery document of `realm`.
fn written_urls_are_keycloaks(dir: &Path, realm: &str) -> Vec<String> {
    let doc = discovery(realm);
    let issuer = doc["issuer"].as_str().unwrap().to_string();
    let jwks = doc["jwks_uri"].as_str().unwrap().to_string();
    let discovery_uri = format!("{issuer}{DISCOVERY_SUFFIX}");
    assert!(
        issuer.ends_with(&format!("/realms/{}", segment(realm))),
        "Keycloak's issuer {issuer} encodes the realm as the url crate does"
    );

    let out = dir.join("out");
    let om = yaml(&out.join("openmetadata.yaml"));
    let auth = &om["authenticationConfiguration"];
    assert_eq!(text(&auth["authority"]), issuer);
    assert_eq!(text(&auth["publicKeyUrls"][0]), jwks);
    assert_eq!(
        text(&auth["oidcConfiguration"]["discoveryUri"]),
        discovery_uri
    );

    let env = out.join("openmetadata.env");
    assert_eq!(env_value(&env, "AUTHENTICATION_AUTHORITY"), issuer);
    assert_eq!(env_value(&env, "OIDC_DISCOVERY_URI"), discovery_uri);

    let values = yaml(&out.join("helm/values.yaml"));
    let helm = &values["openmetadata"]["config"]["authentication"];
    assert_eq!(text(&helm["authority"]), issuer);
    assert_eq!(
        text(&helm["oidcConfiguration"]["discoveryUri"]),
        discovery_uri
    );

    let r = run(configured(dir, realm).args(["keycloak", "fetch", "--write", "creds.json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let creds: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("creds.json")).unwrap()).unwrap();
    assert_eq!(creds["realm"], realm);
    assert_eq!(creds["issuer"], issuer.as_str());
    assert_eq!(creds["discovery_uri"], discovery_uri.as_str());
    assert_eq!(creds["jwks_uri"], jwks.as_str());
    vec![issuer, discovery_uri, jwks]
}

fn end_to_end(prefix: &str) {
    let d = tempfile::tempdir().unwrap();
    let admin = Admin::login();
    let realm = unused_realm(&admin, prefix);
    let recipient = keygen(d.path());

    // ensure (creating the realm), fetch, render, seal, verify.
    let (r, v) =
        run_json(configured(d.path(), &realm).args(["run", "--create-realm", "-r", &recipient]));
    assert_eq!(r.code, 0, "{realm:?}: {}\n{}", r.stdout, r.stderr);
    let checks = v["steps"]["verify"]["checks"].as_array().unwrap();
    assert!(
        checks.iter().all(keycloak::passed_or_needs_openmetadata),
        "{realm:?}: {checks:?}"
    );
    assert!(
        checks.iter().any(|c| c["name"] == "discovery-reachable"),
        "{checks:?}"
    );

    let urls = written_urls_are_keycloaks(d.path(), &realm);
    for url in &urls {
        let status = support::get(url).unwrap().status().as_u16();
        assert_eq!(status, 200, "GET {url}");
    }
    let refs: Vec<&str> = urls.iter().map(String::as_str).collect();
    let java = java_get(&refs);
    for (line, url) in java.iter().zip(&urls) {
        assert_eq!(*line, format!("200 {url}"), "Java's HTTP client");
    }

    // The handoff opens with the same realm and URLs.
    let (r, v) = run_json(support::omsso(d.path()).args([
        "open",
        "out/collate-handoff.age",
        "-i",
        "collate.key",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(v["bundle"]["realm"], realm.as_str());
    assert_eq!(v["bundle"]["issuer"], urls[0].as_str());
    assert_eq!(v["bundle"]["discovery_uri"], urls[1].as_str());

    // verify on its own, and a second run changes nothing.
    let r = run(configured(d.path(), &realm).arg("verify"));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let (r, v) = run_json(configured(d.path(), &realm).args(["run", "-r", &recipient]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(v["steps"]["ensure"]["action"], "none");
}

#[test]
fn a_realm_named_with_a_space_works_end_to_end() {
    end_to_end("data sp ace");
}

#[test]
fn a_realm_named_with_an_accent_works_end_to_end() {
    end_to_end("dätä-é");
}

#[test]
fn a_realm_named_with_a_percent_works_end_to_end() {
    // `%20` too: written raw, it would name another realm (`data 41`).
    end_to_end("data%20%41");
}

#[test]
fn the_raw_name_in_a_url_is_what_breaks_java_and_keycloak() {
    // The control for the test above: the unencoded URLs omsso used to write fail.
    let admin = Admin::login();
    let space = admin.new_realm("raw sp");
    let percent = admin.new_realm("raw%q");
    let kc = support::keycloak_url();
    let raw = |realm: &str| format!("{kc}/realms/{realm}{DISCOVERY_SUFFIX}");
    let lines = java_get(&[&raw(&space), &raw(&percent)]);
    assert!(
        lines[0].starts_with("refused ") && lines[0].contains("Illegal character in path"),
        "{lines:?}"
    );
    assert!(lines[1].starts_with("refused "), "{lines:?}");
    // Keycloak itself answers a raw `%` with 400 "Request path not normalized".
    let status = support::get(format!("{kc}/realms/raw%qx{DISCOVERY_SUFFIX}"))
        .unwrap()
        .status()
        .as_u16();
    assert_eq!(status, 400);
}

#[test]
fn an_admin_of_an_encoded_realm_logs_in_to_it() {
    // The admin login's token URL carries the admin realm: `--admin-realm` with an `é`.
    let d = tempfile::tempdir().unwrap();
    let admin = Admin::login();
    let realm = admin.new_realm("admin-é");
    keycloak::realm_admin(&admin, &segment(&realm), "keeper", "keeper-pw");
    let r = run(keycloak::keycloak(d.path(), "ensure", &realm)
        .env("OMSSO_ADMIN_REALM", &realm)
        .env("OMSSO_ADMIN_USERNAME", "keeper")
        .env("OMSSO_ADMIN_PASSWORD", "keeper-pw"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("as user `keeper`"), "{}", r.stderr);
    assert!(keycloak::client(&admin, &segment(&realm))["id"].is_string());
}

#[test]
fn names_keycloak_cannot_serve_are_refused_before_any_request() {
    let d = tempfile::tempdir().unwrap();
    // Nothing listens on port 1: an error about the name proves no request was tried.
    for (name, says) in [
        ("a/b", "does not allow `/`"),
        ("what?", "does not allow `?`"),
        ("x#y", "does not allow `#`"),
        ("..", "cannot serve it"),
        ("master", "`master` realm"),
    ] {
        for args in [
            vec!["keycloak", "ensure"],
            vec!["keycloak", "fetch"],
            vec!["keycloak", "rotate", "--yes"],
            vec!["run"],
        ] {
            let r = run(configured(d.path(), name)
                .env("OMSSO_KEYCLOAK_URL", "http://127.0.0.1:1")
                .args(&args));
            assert_eq!(r.code, 2, "{name} {args:?}: {}", r.stderr);
            let line = one_error(&r);
            assert!(line.contains(says), "{name} {args:?}: {line}");
        }
    }
}

#[test]
fn keycloak_itself_refuses_or_cannot_serve_the_names_omsso_refuses() {
    // Keeps omsso's list honest against the Keycloak the tests run: every reserved character
    // is refused at creation, and `.`/`..` are created but never served.
    let admin = Admin::login();
    for c in [
        ":", "/", "?", "#", "@", "!", "$", "&", "(", ")", "*", "+", ",", ";", "=", "[", "]", "\\",
    ] {
        let name = format!("refused{c}x");
        let r = admin.post("", &serde_json::json!({ "realm": name, "enabled": true }));
        assert_eq!(r.status().as_u16(), 400, "Keycloak created realm {name:?}");
    }
    let kc = support::keycloak_url();
    for name in [".", ".."] {
        let r = admin.post("", &serde_json::json!({ "realm": name, "enabled": true }));
        // Created now, or by an earlier run against the same server.
        assert!(
            [201, 409].contains(&r.status().as_u16()),
            "{name}: {}",
            r.status()
        );
        for path in [name.to_string(), name.replace('.', "%2E")] {
            let status = support::get(format!("{kc}/realms/{path}{DISCOVERY_SUFFIX}"))
                .unwrap()
                .status()
                .as_u16();
            assert_ne!(status, 200, "Keycloak serves realm {name:?} at {path}");
        }
    }
}
