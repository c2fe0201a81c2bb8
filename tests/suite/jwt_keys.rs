//! OpenMetadata's own JWT key pair (issue 19): the files load where the server loads them
//! (real `openssl`, the JDK's `KeyFactory` as OpenMetadata's `JWTTokenGenerator` uses it), a
//! signature made with the private key verifies with the JWKS entry omsso computes, a
//! re-render keeps the keys byte for byte and only an explicit rotation replaces them, and every
//! route points the server at them: each release line's `JWTTokenConfiguration` model accepts
//! the block, `docker-compose config` over the quickstart compose file mounts the files into the
//! server and migrate services, and `helm template` of every released chart mounts the Secret
//! into every container that runs OpenMetadata's image.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use base64::Engine;
use omsso::jwt_keys::{Jwk, PublicKey};
use serde::Deserialize;
use serde_json::json;
use serde_yaml::Value;

use crate::support::render::released::{chart_dir, lines, wheels_fetched};
use crate::support::render::*;
use crate::support::{reference, repo_root};

const SERVER_DIR: &str = "/etc/openmetadata/jwt";

fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// Renders everything into `dir/out` (credentials written first); panics on failure.
fn render_all(dir: &Path, args: &[&str]) -> crate::support::Run {
    Creds::default().write(dir);
    let r = render(dir, args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r
}

fn tool(cmd: &mut Command, what: &str) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what} must be installed (scripts/setup): {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The `jwtTokenConfiguration` block of the rendered openmetadata.yaml.
fn yaml_block(out: &Path) -> Value {
    let text = std::fs::read_to_string(out.join("openmetadata.yaml")).unwrap();
    om_yaml(&text)["jwtTokenConfiguration"].clone()
}

/// The real openssl reads an unencrypted PKCS#8 private key and an SPKI public key of `size`
/// bits, with one modulus.
fn openssl_reads_both(private: &Path, public: &Path, size: u32) {
    // openssl: an unencrypted PKCS#8 private key and an SPKI public key, one modulus.
    let modulus = |args: &[&str], file: &Path| {
        tool(
            Command::new("openssl").args(args).arg(file),
            "openssl (Debian package openssl)",
        )
    };
    let from_private = modulus(
        &["rsa", "-inform", "DER", "-noout", "-modulus", "-in"],
        private,
    );
    let from_public = modulus(
        &[
            "rsa", "-pubin", "-inform", "DER", "-noout", "-modulus", "-in",
        ],
        public,
    );
    assert!(from_private.starts_with("Modulus="), "{from_private}");
    assert_eq!(from_private, from_public);
    modulus(
        &[
            "pkcs8",
            "-inform",
            "DER",
            "-nocrypt",
            "-out",
            "/dev/null",
            "-in",
        ],
        private,
    );
    let text = modulus(
        &["pkey", "-inform", "DER", "-noout", "-text", "-in"],
        private,
    );
    assert!(text.contains(&format!("({size} bit")), "{text}");
}

#[test]
fn the_key_files_load_in_openssl_and_the_jdk_and_sign_for_the_jwks_entry() {
    for (size, args) in [(2048, vec![]), (3072, vec!["--jwt-key-size", "3072"])] {
        let dir = tempfile::tempdir().unwrap();
        render_all(dir.path(), &args);
        let private = dir.path().join("out/jwt/private_key.der");
        let public = dir.path().join("out/jwt/public_key.der");
        assert_eq!(mode(&private), 0o600);

        openssl_reads_both(&private, &public, size);

        // The JWKS entry omsso computes for the key id the files name.
        let key = PublicKey::from_der(&std::fs::read(&public).unwrap()).unwrap();
        let kid = key.thumbprint();
        assert_eq!(yaml_block(&dir.path().join("out"))["keyId"], kid.as_str());
        let jwk = key.jwk(&kid);
        let (n, e) = (jwk.n.clone().unwrap(), jwk.e.clone().unwrap());

        // The JDK loads both files as OpenMetadata does, writes the same JWKS entry, signs with
        // the private key and verifies with the file and with the JWK.
        let probe = repo_root().join("tests/suite/support/JwtKeyProbe.java");
        let out = tool(
            Command::new("java")
                .arg(&probe)
                .arg(&private)
                .arg(&public)
                .args([&n, &e]),
            "java (a JDK 17+, scripts/setup)",
        );
        let lines: BTreeMap<&str, &str> = out.lines().filter_map(|l| l.split_once(' ')).collect();
        assert_eq!(lines["n"], n, "the JWKS n as the server writes it");
        assert_eq!(lines["e"], e);
        assert_eq!(lines["bits"], size.to_string());
        assert_eq!(lines["verified-by-file"], "true", "{out}");
        assert_eq!(lines["verified-by-jwk"], "true", "{out}");
        // And omsso recognises the JDK's signature with the JWKS entry.
        let signature = URL_SAFE.decode(lines["signature"]).unwrap();
        let from_jwk: PublicKey = Jwk {
            kid: Some(kid.clone()),
            ..jwk
        }
        .public_key()
        .unwrap();
        assert!(from_jwk.verifies_rs256(b"header.payload", &signature));
        assert!(!from_jwk.verifies_rs256(b"header.other", &signature));
    }
}

#[test]
fn a_re_render_keeps_the_keys_and_only_a_rotation_replaces_them() {
    let dir = tempfile::tempdir().unwrap();
    render_all(dir.path(), &[]);
    let out = dir.path().join("out");
    let read = |f: &str| std::fs::read(out.join(f)).unwrap();
    let (private, public, yaml) = (
        read("jwt/private_key.der"),
        read("jwt/public_key.der"),
        read("openmetadata.yaml"),
    );
    let kid = yaml_block(&out)["keyId"].as_str().unwrap().to_string();

    // A re-render (even asking for another size, even with --force) keeps the pair.
    for args in [&[][..], &["--jwt-key-size", "4096", "--force"][..]] {
        let r = render(dir.path(), args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(read("jwt/private_key.der"), private);
        assert_eq!(read("jwt/public_key.der"), public);
        assert_eq!(read("openmetadata.yaml"), yaml);
    }
    // A lost public key is derived again from the private key, the same bytes.
    std::fs::remove_file(out.join("jwt/public_key.der")).unwrap();
    let r = render(dir.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(read("jwt/public_key.der"), public);

    // A rotation says what stops working first; without --force nothing is replaced.
    let r = render(dir.path(), &["--rotate-jwt-keys"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    for words in [
        "every bot token",
        "personal access token",
        "ingestion pipeline",
        "restart the server",
    ] {
        assert!(r.stderr.contains(words), "{words}: {}", r.stderr);
    }
    assert_eq!(read("jwt/private_key.der"), private);
    assert_eq!(read("openmetadata.yaml"), yaml);
    // Nothing of either private key is shown (the DER file's diff is not text).
    let b64 = STANDARD.encode(&private);
    assert!(!r.stderr.contains(&b64[40..80]), "{}", r.stderr);
    assert!(
        r.stderr.contains("jwt/private_key.der: differs (not shown"),
        "{}",
        r.stderr
    );

    let r = render(dir.path(), &["--rotate-jwt-keys", "--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_ne!(read("jwt/private_key.der"), private);
    assert_ne!(read("jwt/public_key.der"), public);
    assert_eq!(mode(&out.join("jwt/private_key.der")), 0o600);
    let new_kid = yaml_block(&out)["keyId"].as_str().unwrap().to_string();
    assert_ne!(new_kid, kid);
    let new_key = PublicKey::from_der(&read("jwt/public_key.der")).unwrap();
    assert_eq!(new_kid, new_key.thumbprint());
}

#[test]
fn every_release_line_s_model_accepts_the_jwt_block() {
    wheels_fetched();
    let dir = tempfile::tempdir().unwrap();
    render_all(dir.path(), &[]);
    let block = yaml_to_json(&yaml_block(&dir.path().join("out")));
    assert_eq!(
        block["rsaprivateKeyFilePath"],
        format!("{SERVER_DIR}/private_key.der")
    );
    assert_eq!(
        block["rsapublicKeyFilePath"],
        format!("{SERVER_DIR}/public_key.der")
    );
    assert_eq!(block["jwtissuer"], "om.example.com");
    let (code, stdout, stderr) = python_job(
        "jwt_config.py",
        &json!({"lines": lines(), "block": block}),
        &[],
        &[],
        "with pydantic (scripts/setup)",
    );
    assert_eq!(code, 0, "{stderr}");
    let answers: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    for line in lines() {
        let a = &answers[&line];
        assert_eq!(a["errors"], json!([]), "{line} ({}): {a}", a["wheel"]);
        assert_eq!(a["values"], block, "{line}");
    }
    // The check can fail: the Helm chart's `enabled` is no key of the server's model.
    let mut with_enabled = block.clone();
    with_enabled["enabled"] = json!(true);
    let (_, stdout, _) = python_job(
        "jwt_config.py",
        &json!({"lines": ["1.6", "2.0"], "block": with_enabled}),
        &[],
        &[],
        "with pydantic",
    );
    assert!(
        stdout.contains("enabled: Extra inputs are not permitted"),
        "{stdout}"
    );
}

/// `docker-compose config` of the quickstart compose file with our env file and override.
fn compose_config(out: &Path) -> Value {
    let compose = reference("openmetadata/docker/docker-compose.yml");
    let text = tool(
        Command::new("docker-compose")
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .current_dir(out)
            .arg("--env-file")
            .arg(out.join("openmetadata.env"))
            .arg("-f")
            .arg(&compose)
            .arg("-f")
            .arg(out.join("docker-compose.jwt-keys.yml"))
            .arg("config"),
        "docker-compose (Debian package docker-compose)",
    );
    serde_yaml::from_str(&text).unwrap()
}

#[test]
fn compose_mounts_the_keys_into_the_server_and_migrate_services() {
    let dir = tempfile::tempdir().unwrap();
    render_all(dir.path(), &["--target", "env"]);
    let out = dir.path().join("out");
    let kid = PublicKey::from_der(&std::fs::read(out.join("jwt/public_key.der")).unwrap())
        .unwrap()
        .thumbprint();
    let doc = compose_config(&out);
    for service in ["execute-migrate-all", "openmetadata-server"] {
        let s = &doc["services"][service];
        let env = &s["environment"];
        let value = |k: &str| as_str(&om_env_value(as_str(&env[k]))).to_string();
        assert_eq!(value("JWT_KEY_ID"), kid, "{service}");
        assert_eq!(value("JWT_ISSUER"), "om.example.com");
        let mounts: BTreeMap<String, (String, bool)> = s["volumes"]
            .as_sequence()
            .unwrap_or_else(|| panic!("{service} has no volumes"))
            .iter()
            .map(|v| {
                (
                    as_str(&v["target"]).to_string(),
                    (
                        as_str(&v["source"]).to_string(),
                        v["read_only"].as_bool() == Some(true),
                    ),
                )
            })
            .collect();
        for (var, file) in [
            ("RSA_PRIVATE_KEY_FILE_PATH", "private_key.der"),
            ("RSA_PUBLIC_KEY_FILE_PATH", "public_key.der"),
        ] {
            let path = value(var);
            assert_eq!(path, format!("{SERVER_DIR}/{file}"), "{service} {var}");
            let (source, read_only) = mounts
                .get(&path)
                .unwrap_or_else(|| panic!("{service}: nothing mounted at {path}: {mounts:?}"));
            assert_eq!(Path::new(source), out.join("jwt").join(file), "{service}");
            assert!(read_only, "{service} mounts {path} writable");
        }
    }
}

/// Every container of `helm template` that runs OpenMetadata's server image.
fn server_containers(docs: &[Value]) -> Vec<(String, Value, Value)> {
    let mut found = Vec::new();
    for d in docs {
        let spec = match as_str(&d["kind"]) {
            "Deployment" => &d["spec"]["template"]["spec"],
            "CronJob" => &d["spec"]["jobTemplate"]["spec"]["template"]["spec"],
            _ => continue,
        };
        for list in ["initContainers", "containers"] {
            for c in spec[list].as_sequence().into_iter().flatten() {
                if c["image"]
                    .as_str()
                    .is_some_and(|i| i.contains("openmetadata/server"))
                {
                    let name = format!(
                        "{} {}/{}",
                        as_str(&d["kind"]),
                        as_str(&d["metadata"]["name"]),
                        as_str(&c["name"])
                    );
                    found.push((name, c.clone(), spec["volumes"].clone()));
                }
            }
        }
    }
    found
}

#[test]
fn helm_mounts_the_secret_into_every_pod_that_runs_the_server_on_every_chart() {
    let dir = tempfile::tempdir().unwrap();
    Creds::default().write(dir.path());
    let charts: Vec<String> = std::fs::read_dir(reference("openmetadata/helm/charts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(charts.len() >= 9, "{charts:?}");
    for chart in &charts {
        check_chart(dir.path(), chart);
    }
}

/// `render --target helm` for `chart` (and its release line), then `helm template` of the chart.
fn check_chart(dir: &Path, chart: &str) {
    let line: String = chart.split('.').take(2).collect::<Vec<_>>().join(".");
    let out = format!("out-{chart}");
    let r = render(
        dir,
        &[
            "--target",
            "helm",
            "--om-version",
            &line,
            "--chart-version",
            chart,
            "--out",
            &out,
        ],
    );
    assert_eq!(r.code, 0, "{chart}: {}", r.stderr);
    let out = dir.join(out);
    let kid = PublicKey::from_der(&std::fs::read(out.join("jwt/public_key.der")).unwrap())
        .unwrap()
        .thumbprint();
    let text = tool(
        Command::new("helm")
            .args(["template", "openmetadata"])
            .arg(chart_dir(chart))
            .arg("-f")
            .arg(out.join("helm/values.yaml")),
        "helm (scripts/setup)",
    );
    let docs: Vec<Value> = serde_yaml::Deserializer::from_str(&text)
        .map(|d| Value::deserialize(d).unwrap())
        .filter(|d| !d.is_null())
        .collect();
    // The chart's own Secret carries the paths, key id and issuer (quoted, as it writes
    // every value there; OpenMetadata's loader reads the quotes as YAML).
    let jwt_env = docs
        .iter()
        .find(|d| {
            as_str(&d["kind"]) == "Secret"
                && as_str(&d["metadata"]["name"]).ends_with("-jwt-secret")
        })
        .unwrap_or_else(|| panic!("{chart}: no jwt secret"));
    let env = |k: &str| {
        let raw = STANDARD.decode(as_str(&jwt_env["data"][k])).unwrap();
        as_str(&om_env_value(&String::from_utf8(raw).unwrap())).to_string()
    };
    assert_eq!(env("JWT_KEY_ID"), kid, "{chart}");
    assert_eq!(
        env("RSA_PRIVATE_KEY_FILE_PATH"),
        format!("{SERVER_DIR}/private_key.der")
    );
    assert_eq!(
        env("RSA_PUBLIC_KEY_FILE_PATH"),
        format!("{SERVER_DIR}/public_key.der")
    );

    check_mounts(chart, &docs);

    // Our Secret holds the two files byte for byte, under the names the mount exposes.
    let ours: Value =
        serde_yaml::from_str(&std::fs::read_to_string(out.join("helm/jwt-keys.yaml")).unwrap())
            .unwrap();
    assert_eq!(mode(&out.join("helm/jwt-keys.yaml")), 0o600);
    for file in ["private_key.der", "public_key.der"] {
        let data = STANDARD.decode(as_str(&ours["data"][file])).unwrap();
        assert_eq!(
            data,
            std::fs::read(out.join("jwt").join(file)).unwrap(),
            "{file}"
        );
    }
}

/// Every container that runs OpenMetadata's image mounts the key Secret read-only where the
/// server's key paths point.
fn check_mounts(chart: &str, docs: &[Value]) {
    let containers = server_containers(docs);
    let names: Vec<&str> = containers.iter().map(|(n, _, _)| n.as_str()).collect();
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("Deployment") && n.ends_with("/openmetadata"))
            && names.iter().any(|n| n.contains("migrations")),
        "{chart}: {names:?}"
    );
    for (name, c, volumes) in &containers {
        let mount = c["volumeMounts"]
            .as_sequence()
            .into_iter()
            .flatten()
            .find(|m| as_str(&m["mountPath"]) == SERVER_DIR)
            .unwrap_or_else(|| panic!("{chart}: {name} does not mount {SERVER_DIR}"));
        assert_eq!(mount["readOnly"].as_bool(), Some(true), "{chart}: {name}");
        let volume = volumes
            .as_sequence()
            .into_iter()
            .flatten()
            .find(|v| v["name"] == mount["name"])
            .unwrap_or_else(|| panic!("{chart}: {name}: no volume {:?}", mount["name"]));
        assert_eq!(
            volume["secret"]["secretName"], "openmetadata-jwt-keys",
            "{chart}: {name}"
        );
    }
}
