//! Round trip: every rendered YAML file is parsed back and each value compared with its input,
//! with secrets and names full of characters that break naive templating. Values are read the
//! way their consumer reads them: openmetadata.yaml through OpenMetadata's `${…}` substitution,
//! Helm values and Secret data as OpenMetadata finds them in its environment variables (the
//! chart quotes most values itself; customParams, extraEnvs and the Secret arrive raw). The
//! env file's round trip runs through docker-compose itself (render_compose.rs).

use crate::support::render::*;
use serde_json::json;
use serde_yaml::Value;

const SECRET_NASTY: &str = "p$ss \"w0rd\" 'q' #1: {x} \\back ${HOME} $${x} ü€ ";
const CLIENT_NASTY: &str = "om 'client' \"x\" #2: {y} $z \\w ü";
const PROVIDER_NASTY: &str = "Key'Cloak \"SSO\" #: {} $ \\ é";
const DOMAIN_NASTY: &str = "exämple.com #: {} $'\"\\";
const REALM_NASTY: &str = "dätä $'\"#: {x}\\";
const PRINCIPALS: [&str; 3] = ["jöhn.doe", "o'brien \"x\" #: {} $a \\b", "- yes"];

struct Rendered {
    yaml: Value,
    yaml_text: String,
    values: Value,
    secret: Value,
}

fn render_nasty(dir: &std::path::Path, version: &str) -> Rendered {
    Creds {
        client_id: CLIENT_NASTY,
        secret: Some(SECRET_NASTY),
        realm: REALM_NASTY,
        ..Creds::default()
    }
    .write(dir);
    let mut args: Vec<String> = [
        "--om-version",
        version,
        "--keycloak-internal-url",
        KC_INTERNAL,
        "--helm-namespace",
        "data-platform",
    ]
    .map(String::from)
    .to_vec();
    // `--flag=value`, so that values starting with `-` stay values.
    args.push(format!("--provider-name={PROVIDER_NASTY}"));
    args.push(format!("--principal-domain={DOMAIN_NASTY}"));
    for p in PRINCIPALS {
        args.push(format!("--admin-principal={p}"));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let yaml_text = render_stdout(dir, "openmetadata-yaml", &args);
    let values = render_stdout(dir, "helm-values", &args);
    let secret = render_stdout(dir, "helm-secret", &args);
    Rendered {
        yaml: om_yaml(&yaml_text),
        yaml_text,
        values: serde_yaml::from_str(&values).unwrap(),
        secret: serde_yaml::from_str(&secret).unwrap(),
    }
}

fn principals() -> Vec<&'static str> {
    PRINCIPALS.to_vec()
}

fn issuer() -> String {
    format!("{KC_PUBLIC}/realms/{REALM_NASTY}")
}

fn strings(v: &Value) -> Vec<String> {
    v.as_sequence()
        .unwrap_or_else(|| panic!("not a list: {v:?}"))
        .iter()
        .map(|s| as_str(s).to_string())
        .collect()
}

#[test]
fn openmetadata_yaml_reads_back_every_value() {
    for version in ["1.6", "1.12", "1.13", "2.0"] {
        let dir = tempfile::tempdir().unwrap();
        let r = render_nasty(dir.path(), version);
        let authz = &r.yaml["authorizerConfiguration"];
        assert_eq!(strings(&authz["adminPrincipals"]), principals());
        assert_eq!(as_str(&authz["principalDomain"]), DOMAIN_NASTY);
        // No release has adminEmails (only upstream's main branch does).
        assert!(authz.get("adminEmails").is_none(), "{version}");
        assert_eq!(authz["enforcePrincipalDomain"], Value::Bool(false));

        let authn = &r.yaml["authenticationConfiguration"];
        let issuer = issuer();
        let internal_realm = format!("{KC_INTERNAL}/realms/{REALM_NASTY}");
        assert_eq!(as_str(&authn["providerName"]), PROVIDER_NASTY);
        assert_eq!(as_str(&authn["authority"]), issuer);
        assert_eq!(as_str(&authn["clientId"]), CLIENT_NASTY);
        assert_eq!(
            strings(&authn["publicKeyUrls"]),
            [
                format!("{internal_realm}/protocol/openid-connect/certs"),
                format!("{issuer}/protocol/openid-connect/certs"),
                "http://localhost:8585/api/v1/system/config/jwks".to_string(),
            ]
        );
        assert_eq!(
            strings(&authn["jwtPrincipalClaims"]),
            ["email", "preferred_username", "sub"]
        );
        let oidc = &authn["oidcConfiguration"];
        assert_eq!(as_str(&oidc["id"]), CLIENT_NASTY);
        assert_eq!(as_str(&oidc["secret"]), SECRET_NASTY);
        assert_eq!(
            as_str(&oidc["discoveryUri"]),
            format!("{internal_realm}/.well-known/openid-configuration")
        );
        assert_eq!(as_str(&oidc["callbackUrl"]), format!("{OM_URL}/callback"));
        assert_eq!(as_str(&oidc["serverUrl"]), OM_URL);
        assert_eq!(oidc["customParams"], Value::Mapping(Default::default()));
    }
}

#[test]
fn helm_values_and_secret_read_back_as_openmetadata_receives_them() {
    let dir = tempfile::tempdir().unwrap();
    let r = render_nasty(dir.path(), "2.0");
    let cfg = &r.values["openmetadata"]["config"];
    // Each value reaches OpenMetadata through an env var that its loader parses as YAML: the
    // chart quotes those under openmetadata.config; customParams, extraEnvs and the Secret's
    // data arrive raw.
    let om = |v: &Value| chart_quoted_value(&as_str(v).replace("$${", "${"));
    let raw = |v: &Value| om_env_value(as_str(v));
    let om_list = |v: &Value| -> Vec<String> {
        v.as_sequence()
            .unwrap()
            .iter()
            .map(|s| as_str(&om(s)).to_string())
            .collect()
    };
    assert_eq!(om_list(&cfg["authorizer"]["initialAdmins"]), principals());
    assert_eq!(
        as_str(&om(&cfg["authorizer"]["principalDomain"])),
        DOMAIN_NASTY
    );
    let authn = &cfg["authentication"];
    assert_eq!(as_str(&om(&authn["authority"])), issuer());
    assert_eq!(as_str(&om(&authn["clientId"])), CLIENT_NASTY);
    assert_eq!(
        om_list(&authn["publicKeys"])[0],
        format!("{KC_INTERNAL}/realms/{REALM_NASTY}/protocol/openid-connect/certs")
    );
    let oidc = &authn["oidcConfiguration"];
    assert_eq!(oidc["enabled"], Value::Bool(true));
    assert_eq!(
        raw(&oidc["customParams"]),
        Value::Mapping(Default::default())
    );
    assert_eq!(
        as_str(&oidc["clientSecret"]["secretRef"]),
        as_str(&r.secret["metadata"]["name"])
    );
    let env = |name: &str| -> Value {
        let list = r.values["extraEnvs"].as_sequence().unwrap();
        let e = list.iter().find(|e| e["name"] == name).unwrap();
        // Kubernetes reduces `$$` to `$` in a container env value.
        om_env_value(&as_str(&e["value"]).replace("$$", "$"))
    };
    assert_eq!(
        as_str(&env("CUSTOM_OIDC_AUTHENTICATION_PROVIDER_NAME")),
        PROVIDER_NASTY
    );

    // The secret lives in the Secret only.
    let values_text = serde_yaml::to_string(&r.values).unwrap();
    assert!(!values_text.contains("p$ss"), "{values_text}");
    let data = &r.secret["stringData"];
    let id_key = as_str(&oidc["clientId"]["secretKey"]);
    let secret_key = as_str(&oidc["clientSecret"]["secretKey"]);
    assert_eq!(as_str(&raw(&data[id_key])), CLIENT_NASTY);
    assert_eq!(as_str(&raw(&data[secret_key])), SECRET_NASTY);
    assert_eq!(as_str(&r.secret["metadata"]["namespace"]), "data-platform");
    assert_eq!(as_str(&r.secret["kind"]), "Secret");
}

#[test]
fn a_yaml_1_1_parser_like_openmetadata_s_reads_the_same_values() {
    // serde_yaml is a YAML 1.2 parser; OpenMetadata's SnakeYAML is YAML 1.1, where more plain
    // words mean booleans or numbers. PyYAML (YAML 1.1) must read the same values.
    let dir = tempfile::tempdir().unwrap();
    let r = render_nasty(dir.path(), "2.0");
    let mut checks = vec![json!({
        "label": "openmetadata.yaml",
        "text": r.yaml_text.replace("$${", "${"),
        "expect": yaml_to_json(&r.yaml),
    })];
    let cfg = &r.values["openmetadata"]["config"];
    // Values the chart quotes, as the server's loader reads the chart's quoting.
    let chart_quoted = [
        (&cfg["authentication"]["clientId"], json!(CLIENT_NASTY)),
        (&cfg["authorizer"]["principalDomain"], json!(DOMAIN_NASTY)),
        (&cfg["authorizer"]["initialAdmins"][2], json!(PRINCIPALS[2])),
    ];
    for (v, expect) in chart_quoted {
        checks.push(json!({
            "label": format!("chart-quoted {v:?}"),
            "text": format!("key: {}", go_quote(&as_str(v).replace("$${", "${"))),
            "expect": {"key": expect},
        }));
    }
    // Values that arrive raw are YAML fragments of their own.
    let secret = &r.secret["stringData"]["openmetadata-oidc-client-secret"];
    checks.push(json!({
        "label": "Secret data",
        "text": format!("key: {}", as_str(secret).replace("$${", "${")),
        "expect": {"key": SECRET_NASTY},
    }));
    // Plain words YAML 1.1 would misread still read back as the words (the chart's quoting
    // and, in the Secret, omsso's inner quotes keep them strings).
    for word in [
        "yes",
        "off",
        "0755",
        "1e3",
        "0x1f",
        "12:30",
        "2024-01-02",
        "null",
        "~",
    ] {
        let d = tempfile::tempdir().unwrap();
        Creds {
            client_id: word,
            ..Creds::default()
        }
        .write(d.path());
        let values: Value =
            serde_yaml::from_str(&render_stdout(d.path(), "helm-values", &[])).unwrap();
        let plain = as_str(&values["openmetadata"]["config"]["authentication"]["clientId"]);
        assert_eq!(plain, word, "the chart quotes it, so it is written plain");
        checks.push(json!({
            "label": format!("client id {word} through the chart"),
            "text": format!("key: {}", go_quote(plain)),
            "expect": {"key": word},
        }));
        let secret: Value =
            serde_yaml::from_str(&render_stdout(d.path(), "helm-secret", &[])).unwrap();
        let fragment = as_str(&secret["stringData"]["openmetadata-oidc-client-id"]);
        checks.push(json!({
            "label": format!("client id {word} in the Secret"),
            "text": format!("key: {fragment}"),
            "expect": {"key": word},
        }));
    }
    python_check(&json!({ "yaml11": checks }));
}

#[test]
fn keycloak_before_17_keeps_its_auth_prefix_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    Creds {
        kc_base: "https://old-sso.example.com/auth",
        ..Creds::default()
    }
    .write(dir.path());
    let yaml = om_yaml(&render_stdout(
        dir.path(),
        "openmetadata-yaml",
        &["--keycloak-internal-url", "http://keycloak:8080/auth"],
    ));
    let authn = &yaml["authenticationConfiguration"];
    assert_eq!(
        as_str(&authn["authority"]),
        "https://old-sso.example.com/auth/realms/data"
    );
    assert_eq!(
        strings(&authn["publicKeyUrls"])[0],
        "http://keycloak:8080/auth/realms/data/protocol/openid-connect/certs"
    );
}
