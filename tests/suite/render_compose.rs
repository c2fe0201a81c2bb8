//! The env file through the real docker compose parser: Debian's `docker-compose` (1.29)
//! renders OpenMetadata's quickstart compose file with our env file, and every value must
//! reach the openmetadata-server environment exactly as written, reading back (the way
//! OpenMetadata reads it) as the input value. Values no env-file quoting can carry are
//! refused with the key named, never mangled.

use crate::support;

use std::collections::BTreeSet;

use crate::support::render::*;
use serde_yaml::Value;

/// Renders the env file into `dir/out` and returns (our env file's keys, compose's server env).
fn through_compose(dir: &std::path::Path, args: &[&str]) -> (Vec<String>, serde_yaml::Mapping) {
    let mut all = vec!["--target", "env"];
    all.extend_from_slice(args);
    let r = render(dir, &all);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let env_file = dir.join("out/openmetadata.env");
    let text = std::fs::read_to_string(&env_file).unwrap();
    let keys = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| l.split_once('=').unwrap().0.to_string())
        .collect();
    (keys, compose_server_env(&env_file))
}

fn om(env: &serde_yaml::Mapping, key: &str) -> Value {
    let raw = env
        .get(key)
        .unwrap_or_else(|| panic!("{key} not passed to openmetadata-server"));
    om_env_value(as_str(raw))
}

fn check_values(
    env: &serde_yaml::Mapping,
    client_id: &str,
    secret: &str,
    provider: &str,
    domain: &str,
    principals: &[&str],
    issuer: &str,
) {
    let strs = |v: Value| -> Vec<String> {
        v.as_sequence()
            .unwrap()
            .iter()
            .map(|s| as_str(s).to_string())
            .collect()
    };
    assert_eq!(as_str(&om(env, "OIDC_CLIENT_SECRET")), secret);
    assert_eq!(as_str(&om(env, "OIDC_CLIENT_ID")), client_id);
    assert_eq!(as_str(&om(env, "AUTHENTICATION_CLIENT_ID")), client_id);
    assert_eq!(
        as_str(&om(env, "CUSTOM_OIDC_AUTHENTICATION_PROVIDER_NAME")),
        provider
    );
    assert_eq!(as_str(&om(env, "AUTHORIZER_PRINCIPAL_DOMAIN")), domain);
    assert_eq!(strs(om(env, "AUTHORIZER_ADMIN_PRINCIPALS")), principals);
    assert_eq!(as_str(&om(env, "AUTHENTICATION_AUTHORITY")), issuer);
    assert_eq!(
        strs(om(env, "AUTHENTICATION_PUBLIC_KEYS")),
        [
            format!("{issuer}/protocol/openid-connect/certs"),
            // The server reaches its own JWKS on its default port, not through the public URL.
            "http://localhost:8585/api/v1/system/config/jwks".to_string(),
        ]
    );
    assert_eq!(
        as_str(&om(env, "OIDC_DISCOVERY_URI")),
        format!("{issuer}/.well-known/openid-configuration")
    );
}

#[test]
fn ordinary_values_arrive_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let creds = Creds::default();
    creds.write(dir.path());
    let (keys, env) = through_compose(dir.path(), &["--om-version", "1.12"]);
    for key in &keys {
        assert!(env.contains_key(key), "{key} not passed to the server");
    }
    let exact = [
        ("OIDC_CLIENT_SECRET", SECRET),
        ("OIDC_CLIENT_ID", "open-metadata"),
        ("AUTHENTICATION_CLIENT_TYPE", "confidential"),
        ("AUTHENTICATION_PROVIDER", "custom-oidc"),
        (
            "AUTHENTICATION_AUTHORITY",
            "https://sso.example.com/realms/data",
        ),
        ("OIDC_CALLBACK", "https://om.example.com/callback"),
        (
            "AUTHENTICATION_CALLBACK_URL",
            "https://om.example.com/callback",
        ),
        ("OIDC_SCOPE", "openid email profile"),
        ("AUTHORIZER_ADMIN_PRINCIPALS", "[admin]"),
        ("OIDC_TENANT", "\"\""),
        // Left to the compose file's default, which is right.
        ("OIDC_CUSTOM_PARAMS", "{}"),
    ];
    for (key, value) in exact {
        assert_eq!(as_str(&env[key]), value, "{key}");
    }
    check_values(
        &env,
        "open-metadata",
        SECRET,
        "KeyCloak",
        "example.com",
        &["admin"],
        &creds.issuer(),
    );
    assert_eq!(
        om(&env, "OIDC_CUSTOM_PARAMS"),
        Value::Mapping(Default::default())
    );
}

#[test]
fn values_full_of_special_characters_arrive_unchanged() {
    // Two sets: no env-file quoting carries `$` together with `'` through both compose v1 and
    // v2, so each set leaves one of them out (the refusal is tested below).
    let sets: [(&str, &str, &str, &str, &str, &str); 2] = [
        (
            "om client #1: {y} $z ü",
            "p$ss \"w0rd\" #1: {x} $HOME ü€ end",
            "Key Cloak \"SSO\" #: {} $ é",
            "exämple.com #: {} $\"",
            "jöhn.doe \"x\" #: {} $a",
            "dätä $\"#: {x}",
        ),
        (
            "o'brien \\x \"y\" #: {}",
            "it's a \\back\\slash \"q\" #: {} ü\\",
            "Key'Cloak \\ \"SSO\"",
            "ex'ample.com \\ #: {}",
            "o'brien \\b",
            "dätä '\"#: {x}\\",
        ),
    ];
    for (client_id, secret, provider, domain, principal, realm) in sets {
        let dir = tempfile::tempdir().unwrap();
        let creds = Creds {
            client_id,
            secret: Some(secret),
            realm,
            ..Creds::default()
        };
        creds.write(dir.path());
        let provider_arg = format!("--provider-name={provider}");
        let domain_arg = format!("--principal-domain={domain}");
        let principal_arg = format!("--admin-principal={principal}");
        let (_, env) = through_compose(
            dir.path(),
            &[
                "--om-version",
                "1.12",
                &provider_arg,
                &domain_arg,
                &principal_arg,
            ],
        );
        check_values(
            &env,
            client_id,
            secret,
            provider,
            domain,
            &[principal],
            &creds.issuer(),
        );
    }
}

#[test]
fn values_no_quoting_can_carry_are_refused_naming_the_key() {
    for secret in ["it's $x", "${HOME}", "a: \\ $b"] {
        let dir = tempfile::tempdir().unwrap();
        Creds {
            secret: Some(secret),
            ..Creds::default()
        }
        .write(dir.path());
        let r = render(dir.path(), &["--target", "env"]);
        assert_eq!(r.code, 2, "{secret}: {}", r.stderr);
        assert!(
            r.stderr
                .contains("cannot write OIDC_CLIENT_SECRET into openmetadata.env (line "),
            "{}",
            r.stderr
        );
        assert!(
            !r.stderr.contains(secret),
            "the secret leaked: {}",
            r.stderr
        );
        assert!(!dir.path().join("out").exists(), "nothing is written");
        // The YAML outputs can carry the same value.
        let yaml = om_yaml(&render_stdout(dir.path(), "openmetadata-yaml", &[]));
        assert_eq!(
            as_str(&yaml["authenticationConfiguration"]["oidcConfiguration"]["secret"]),
            secret
        );
    }
}

#[test]
fn the_warning_names_exactly_the_variables_compose_drops() {
    // 2.0's session settings are not passed by the 1.9 quickstart compose file.
    let dir = tempfile::tempdir().unwrap();
    Creds::default().write(dir.path());
    let r = render(
        dir.path(),
        &[
            "--target",
            "env",
            "--om-version",
            "2.0",
            "--max-active-sessions-per-user",
            "3",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let warned: Vec<&str> = r
        .stderr
        .lines()
        .filter_map(|l| l.strip_prefix("warning: "))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(
        warned,
        ["AUTHENTICATION_MAX_ACTIVE_SESSIONS_PER_USER"],
        "{}",
        r.stderr
    );
    let env = compose_server_env(&dir.path().join("out/openmetadata.env"));
    assert!(!env.contains_key("AUTHENTICATION_MAX_ACTIVE_SESSIONS_PER_USER"));
    assert!(env.contains_key("OIDC_CLIENT_SECRET"));
}

#[test]
fn the_passthrough_list_matches_the_reference_compose_file() {
    let text =
        std::fs::read_to_string(support::reference("openmetadata/docker/docker-compose.yml"))
            .unwrap();
    let doc: Value = serde_yaml::from_str(&text).unwrap();
    let in_file: BTreeSet<String> = doc["services"]["openmetadata-server"]["environment"]
        .as_mapping()
        .unwrap()
        .keys()
        .map(|k| as_str(k).trim().to_string())
        .filter(|k| {
            [
                "AUTHORIZER_",
                "AUTHENTICATION_",
                "OIDC_",
                "CUSTOM_OIDC_",
                "RSA_",
                "JWT_",
            ]
            .iter()
            .any(|p| k.starts_with(p))
        })
        .collect();
    let in_code: BTreeSet<String> = omsso::openmetadata::compose::PASSED_TO_SERVER
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(in_code, in_file);
}

/// Found in review: a value ending in a backslash was double-quoted (`"s3cr3t\\"`), which
/// compose v1 reads as an escaped closing quote, swallowing the lines up to the next `"` while
/// `render` exited 0. Now it is written unquoted, or refused by name where that cannot work.
#[test]
fn a_value_ending_in_a_backslash_arrives_or_is_refused_by_name() {
    let secret = "s3cr3t-it's \"q\" \\";
    let dir = tempfile::tempdir().unwrap();
    let creds = Creds {
        secret: Some(secret),
        ..Creds::default()
    };
    creds.write(dir.path());
    let (keys, env) = through_compose(
        dir.path(),
        &["--om-version", "1.12", "--provider-name=Key\\Cloak\\"],
    );
    for key in &keys {
        assert!(env.contains_key(key), "{key} not passed to the server");
    }
    check_values(
        &env,
        "open-metadata",
        secret,
        "Key\\Cloak\\",
        "example.com",
        &["admin"],
        &creds.issuer(),
    );
    assert_eq!(as_str(&env["OIDC_SCOPE"]), "openid email profile");

    for provider in ["Key#Cloak\\", "Key$Cloak\\"] {
        let dir = tempfile::tempdir().unwrap();
        Creds::default().write(dir.path());
        let r = render(
            dir.path(),
            &["--target", "env", &format!("--provider-name={provider}")],
        );
        assert_eq!(r.code, 2, "{provider}: {}", r.stderr);
        assert!(
            r.stderr.contains(
                "cannot write CUSTOM_OIDC_AUTHENTICATION_PROVIDER_NAME into openmetadata.env"
            ) && r.stderr.contains("ends in a backslash"),
            "{}",
            r.stderr
        );
        assert!(!dir.path().join("out").exists(), "nothing is written");
    }
}
