//! One test per bug in OpenMetadata's Keycloak doc snippets (reference NOTES.md §1–3, §6),
//! each showing that omsso's output cannot contain it: checked on every file of every
//! supported version and client type.

use std::collections::BTreeMap;
use std::path::Path;

use crate::support::render::*;
use serde_yaml::Value;

/// Every output file (relative path → text) for every version and client type.
fn all_outputs(creds: &Creds) -> Vec<(String, BTreeMap<String, String>)> {
    let mut all = Vec::new();
    for version in VERSIONS {
        for client_type in ["confidential", "public"] {
            let dir = tempfile::tempdir().unwrap();
            creds.write(dir.path());
            let r = render(
                dir.path(),
                &[
                    "--om-version",
                    version,
                    "--client-type",
                    client_type,
                    "--keycloak-internal-url",
                    &creds
                        .kc_base
                        .replace("https://sso.example.com", KC_INTERNAL),
                ],
            );
            assert_eq!(r.code, 0, "{}", r.stderr);
            let mut files = BTreeMap::new();
            read_tree(&dir.path().join("out"), "", &mut files);
            all.push((format!("{version} {client_type}"), files));
        }
    }
    all
}

fn read_tree(dir: &Path, prefix: &str, out: &mut BTreeMap<String, String>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let name = format!("{prefix}{}", e.file_name().to_string_lossy());
        if name == "jwt" {
            // The JWT key files (DER, not text): tests/suite/jwt_keys.rs checks them.
            continue;
        } else if e.path().is_dir() {
            read_tree(&e.path(), &format!("{name}/"), out);
        } else if name != ".gitignore" {
            out.insert(name, std::fs::read_to_string(e.path()).unwrap());
        }
    }
}

fn yaml_files(files: &BTreeMap<String, String>) -> impl Iterator<Item = (&String, &String)> {
    files.iter().filter(|(n, _)| n.ends_with(".yaml"))
}

/// `KEY=value` lines of an env file.
fn env_lines(text: &str) -> Vec<(&str, &str)> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| l.split_once('=').unwrap())
        .collect()
}

#[test]
fn no_key_is_glued_to_its_value() {
    // Doc bug: `discoveryUri:"{Keycloak-server-URL}/…"` (no space: invalid YAML).
    for (label, files) in all_outputs(&Creds::default()) {
        for (name, text) in yaml_files(&files) {
            serde_yaml::from_str::<Value>(text).unwrap_or_else(|e| panic!("{label} {name}: {e}"));
            for line in text.lines().filter(|l| !l.trim_start().starts_with('#')) {
                let body = line.trim_start().trim_start_matches("- ");
                if body.starts_with('"') {
                    continue; // a list item or quoted key: checked by parsing
                }
                if let Some((_, rest)) = body.split_once(':') {
                    assert!(
                        rest.is_empty() || rest.starts_with(' '),
                        "{label} {name}: `{line}`"
                    );
                }
            }
        }
        let yaml = om_yaml(&files["openmetadata.yaml"]);
        if let Some(oidc) = yaml["authenticationConfiguration"].get("oidcConfiguration") {
            assert_eq!(
                as_str(&oidc["discoveryUri"]),
                format!("{KC_INTERNAL}/realms/data/.well-known/openid-configuration")
            );
        }
    }
}

#[test]
fn no_stray_quote_in_callback_urls() {
    // Doc bug: `callbackUrl: http://localhost:8585/callback"` (one quote, at the end).
    let callback = format!("{OM_URL}/callback");
    for (label, files) in all_outputs(&Creds::default()) {
        for (name, text) in &files {
            for line in text.lines().filter(|l| !l.starts_with('#')) {
                let unescaped = line.replace("\\\\", "").replace("\\\"", "");
                assert_eq!(
                    unescaped.matches('"').count() % 2,
                    0,
                    "{label} {name}: unbalanced quote in `{line}`"
                );
            }
        }
        let yaml = om_yaml(&files["openmetadata.yaml"]);
        let authn = &yaml["authenticationConfiguration"];
        if let Some(oidc) = authn.get("oidcConfiguration") {
            assert_eq!(as_str(&oidc["callbackUrl"]), callback, "{label}");
        }
        let top = as_str(&authn["callbackUrl"]);
        assert!(top == callback || top.is_empty(), "{label}: {top}");
        let values: Value = serde_yaml::from_str(&files["helm/values.yaml"]).unwrap();
        let helm_cb =
            &values["openmetadata"]["config"]["authentication"]["oidcConfiguration"]["callbackUrl"];
        if !helm_cb.is_null() {
            assert_eq!(as_str(&om_env_value(as_str(helm_cb))), callback, "{label}");
        }
        for (key, value) in env_lines(&files["openmetadata.env"]) {
            if key == "OIDC_CALLBACK" {
                assert_eq!(value, format!("'{callback}'"), "{label}");
            }
        }
    }
}

#[test]
fn no_env_value_repeats_a_key() {
    // Doc bug: `OIDC_DISCOVERY_URI="OIDC_DISCOVERY_URI=http://…"`.
    for (label, files) in all_outputs(&Creds::default()) {
        let lines = env_lines(&files["openmetadata.env"]);
        for (_, value) in &lines {
            for (key, _) in &lines {
                assert!(!value.contains(&format!("{key}=")), "{label}: {value}");
            }
        }
        if let Some((_, v)) = lines.iter().find(|(k, _)| *k == "OIDC_DISCOVERY_URI") {
            assert_eq!(
                *v,
                format!("'{KC_INTERNAL}/realms/data/.well-known/openid-configuration'")
            );
        }
    }
}

#[test]
fn keycloak_url_styles_and_realms_are_never_mixed() {
    // Doc bug: `…/auth/realms/data-sec/…` next to `…/realms/openmetadata/…`.
    for (kc_base, auth) in [
        (KC_PUBLIC.to_string(), false),
        (format!("{KC_PUBLIC}/auth"), true),
    ] {
        let creds = Creds {
            kc_base: &kc_base,
            ..Creds::default()
        };
        for (label, files) in all_outputs(&creds) {
            for (name, text) in &files {
                let realms: Vec<usize> = text.match_indices("/realms/").map(|(i, _)| i).collect();
                // The Secrets and the compose override name no Keycloak URL.
                assert!(
                    !realms.is_empty()
                        || name.contains("oidc-secrets")
                        || name.contains("jwt-keys"),
                    "{name}"
                );
                for i in realms {
                    let with_auth = text[..i].ends_with("/auth");
                    assert_eq!(
                        with_auth,
                        auth,
                        "{label} {name}: {}",
                        &text[i.saturating_sub(30)..i + 20]
                    );
                    let rest = text[i..].strip_prefix("/realms/data");
                    let same_realm = rest
                        .is_some_and(|r| !r.starts_with(|c: char| c.is_alphanumeric() || c == '-'));
                    assert!(same_realm, "{label} {name}");
                }
            }
        }
    }
}

#[test]
fn openmetadata_s_own_jwks_url_is_always_a_public_key_url() {
    // Doc examples (and issue #20811) leave out `{om}/api/v1/system/config/jwks`. The server
    // fetches it itself, so it is at the server's own address (its default port on localhost).
    // With keycloak.internal_url, the realm certs are listed at the internal address and at the
    // discovery's own jwks_uri, which OpenMetadata 1.10+ requires verbatim.
    let om_jwks = "http://localhost:8585/api/v1/system/config/jwks".to_string();
    let certs = format!("{KC_INTERNAL}/realms/data/protocol/openid-connect/certs");
    let public_certs = format!("{KC_PUBLIC}/realms/data/protocol/openid-connect/certs");
    let expected = vec![certs.clone(), public_certs.clone(), om_jwks.clone()];
    for (label, files) in all_outputs(&Creds::default()) {
        let yaml = om_yaml(&files["openmetadata.yaml"]);
        let urls: Vec<&str> = yaml["authenticationConfiguration"]["publicKeyUrls"]
            .as_sequence()
            .unwrap()
            .iter()
            .map(as_str)
            .collect();
        assert_eq!(urls, expected, "{label}");
        let (_, env) = env_lines(&files["openmetadata.env"])
            .into_iter()
            .find(|(k, _)| *k == "AUTHENTICATION_PUBLIC_KEYS")
            .unwrap();
        assert_eq!(
            env,
            format!("'[{certs}, {public_certs}, {om_jwks}]'"),
            "{label}"
        );
        let values: Value = serde_yaml::from_str(&files["helm/values.yaml"]).unwrap();
        let keys: Vec<String> = values["openmetadata"]["config"]["authentication"]["publicKeys"]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|v| as_str(&chart_quoted_value(as_str(v))).to_string())
            .collect();
        assert_eq!(keys, expected, "{label}");
    }
}

#[test]
fn custom_params_is_never_an_empty_string() {
    // Doc/Helm bug: `customParams: ""` crashes the migration ("Cannot coerce empty String").
    let empty_map = Value::Mapping(Default::default());
    for (label, files) in all_outputs(&Creds::default()) {
        for (name, text) in &files {
            for bad in [
                "customParams: \"\"",
                "customParams: ''",
                "OIDC_CUSTOM_PARAMS=",
                "customParams: \"\\\"\\\"\"",
            ] {
                assert!(!text.contains(bad), "{label} {name} contains {bad}");
            }
        }
        let yaml = om_yaml(&files["openmetadata.yaml"]);
        if let Some(oidc) = yaml["authenticationConfiguration"].get("oidcConfiguration") {
            assert_eq!(oidc["customParams"], empty_map, "{label}");
        }
        let values: Value = serde_yaml::from_str(&files["helm/values.yaml"]).unwrap();
        let params = &values["openmetadata"]["config"]["authentication"]["oidcConfiguration"]
            ["customParams"];
        if label.ends_with("confidential") {
            assert_eq!(om_env_value(as_str(params)), empty_map, "{label}");
        }
    }
}
