//! `omsso render` as a user runs it: the default rendering (snapshots), `--templates`
//! overrides and strict undefined, writing (modes, `.gitignore`, no overwrite without
//! `--force`, masked diffs), `--stdout`, and the usage errors.
//!
//! Snapshots live in tests/snapshots/; after an intended change, regenerate them with
//! `UPDATE_SNAPSHOTS=1 cargo test --test suite render_files::` and review the diff.

use crate::support;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::support::render::*;
use crate::support::repo_root;

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

fn check_snapshot(name: &str, actual: &str) {
    let path = repo_root().join("tests/snapshots").join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_SNAPSHOTS=1 writes it)", path.display()));
    assert_eq!(actual, expected, "{name} differs from its snapshot");
}

const FILES: [&str; 4] = [
    "openmetadata.yaml",
    "openmetadata.env",
    "helm/values.yaml",
    "helm/oidc-secrets.yaml",
];

#[test]
fn default_rendering_matches_the_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    Creds::default().write(dir.path());
    // A fixed key id: the key pair (and so its thumbprint) is new in every run.
    let r = render(
        dir.path(),
        &[
            "--keycloak-internal-url",
            KC_INTERNAL,
            "--jwt-key-id",
            "snapshot-key-id",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    for f in FILES {
        let text = std::fs::read_to_string(dir.path().join("out").join(f)).unwrap();
        check_snapshot(&format!("confidential/{f}"), &text);
    }

    let dir = tempfile::tempdir().unwrap();
    Creds {
        secret: None,
        ..Creds::default()
    }
    .write(dir.path());
    let r = render(
        dir.path(),
        &[
            "--client-type",
            "public",
            "--om-version",
            "1.9",
            "--jwt-key-id",
            "snapshot-key-id",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!dir.path().join("out/helm/oidc-secrets.yaml").exists());
    for f in &FILES[..3] {
        let text = std::fs::read_to_string(dir.path().join("out").join(f)).unwrap();
        check_snapshot(&format!("public-1.9/{f}"), &text);
    }
}

#[test]
fn files_get_the_right_modes_and_the_folder_a_gitignore() {
    let dir = tempfile::tempdir().unwrap();
    Creds::default().write(dir.path());
    let r = render(dir.path(), &["--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = dir.path().join("out");
    assert_eq!(mode(&out), 0o700);
    assert_eq!(mode(&out.join("helm")), 0o700);
    for (f, expected) in [
        ("openmetadata.yaml", 0o600),
        ("openmetadata.env", 0o600),
        ("helm/oidc-secrets.yaml", 0o600),
        ("helm/values.yaml", 0o644),
        ("helm/jwt-keys.yaml", 0o600),
        ("docker-compose.jwt-keys.yml", 0o644),
        ("jwt/private_key.der", 0o600),
        ("jwt/public_key.der", 0o644),
        ("jwt/.gitignore", 0o644),
    ] {
        assert_eq!(mode(&out.join(f)), expected, "{f}");
    }
    let gitignore = std::fs::read_to_string(out.join(".gitignore")).unwrap();
    assert!(gitignore.lines().any(|l| l == "*"), "{gitignore}");
    assert!(!std::fs::read_to_string(out.join("helm/values.yaml"))
        .unwrap()
        .contains(SECRET));

    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(report["files"].as_array().unwrap().len(), 9);
    assert_eq!(report["files"][0]["status"], "written");
    assert!(!r.stdout.contains(SECRET) && !r.stderr.contains(SECRET));

    // Running again changes nothing, and a secret file made world-readable is tightened.
    std::fs::set_permissions(
        out.join("openmetadata.env"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let r = render(dir.path(), &["--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(report["files"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["status"] == "unchanged"));
    assert_eq!(mode(&out.join("openmetadata.env")), 0o600);
}

#[test]
fn a_differing_file_is_not_overwritten_without_force_and_the_diff_hides_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let old_secret = "OLD-secret-1234567890";
    Creds {
        secret: Some(old_secret),
        ..Creds::default()
    }
    .write(dir.path());
    assert_eq!(render(dir.path(), &[]).code, 0);
    let env_path = dir.path().join("out/openmetadata.env");
    let yaml_path = dir.path().join("out/openmetadata.yaml");
    let before_env = std::fs::read(&env_path).unwrap();
    let before_yaml = std::fs::read(&yaml_path).unwrap();

    // New secret and a new principal domain: two files hold both changes.
    let new_secret = "NEW-secret-0987654321";
    Creds {
        secret: Some(new_secret),
        ..Creds::default()
    }
    .write(dir.path());
    let r = render(dir.path(), &["--principal-domain", "example.org"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    for needle in [
        "--- ",
        "+++ ",
        "-AUTHORIZER_PRINCIPAL_DOMAIN='example.com'",
        "+AUTHORIZER_PRINCIPAL_DOMAIN='example.org'",
        "-  principalDomain: \"example.com\"",
    ] {
        assert!(r.stderr.contains(needle), "{needle} missing:\n{}", r.stderr);
    }
    assert!(!r.stderr.contains(old_secret) && !r.stderr.contains(new_secret));
    // Nothing was written, not even the files without conflicts.
    assert_eq!(std::fs::read(&env_path).unwrap(), before_env);
    assert_eq!(std::fs::read(&yaml_path).unwrap(), before_yaml);

    // Only the secret changed: said so, without showing either secret.
    let r = render(dir.path(), &["--target", "env"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("only the client secret differs"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains(old_secret) && !r.stderr.contains(new_secret));

    let r = render(
        dir.path(),
        &["--force", "--principal-domain", "example.org"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let env = std::fs::read_to_string(&env_path).unwrap();
    assert!(env.contains(new_secret) && env.contains("'example.org'"));
    assert_eq!(mode(&env_path), 0o600);
}

#[test]
fn templates_override_by_name_and_keep_the_escaping() {
    let dir = tempfile::tempdir().unwrap();
    Creds {
        client_id: "it's \"odd\" #: {x}",
        ..Creds::default()
    }
    .write(dir.path());
    let tpl = dir.path().join("tpl");
    std::fs::create_dir_all(tpl.join("helm")).unwrap();
    std::fs::write(tpl.join("openmetadata.env"), "CLIENT={{ client_id }}\n").unwrap();
    std::fs::write(
        tpl.join("helm/values.yaml"),
        "clientId: {{ client_id }}\nviaEnv: {{ client_id | om_value }}\n",
    )
    .unwrap();
    std::fs::write(tpl.join("opnemetadata.yaml"), "typo\n").unwrap();
    let r = render(dir.path(), &["--templates", "tpl"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("opnemetadata.yaml: not a template name"),
        "{}",
        r.stderr
    );
    let out = dir.path().join("out");
    // Overridden, and still escaped by the environment (no quotes in the template).
    assert_eq!(
        std::fs::read_to_string(out.join("openmetadata.env")).unwrap(),
        "CLIENT=\"\\\"it's \\\\\\\"odd\\\\\\\" #: {x}\\\"\"\n"
    );
    let values: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(out.join("helm/values.yaml")).unwrap())
            .unwrap();
    assert_eq!(as_str(&values["clientId"]), "it's \"odd\" #: {x}");
    assert_eq!(
        as_str(&om_env_value(as_str(&values["viaEnv"]))),
        "it's \"odd\" #: {x}"
    );
    // The rest are the built-in templates.
    let yaml = om_yaml(&std::fs::read_to_string(out.join("openmetadata.yaml")).unwrap());
    assert_eq!(
        as_str(&yaml["authenticationConfiguration"]["clientId"]),
        "it's \"odd\" #: {x}"
    );
}

#[test]
fn an_undefined_variable_is_an_error_naming_it_and_the_line() {
    let dir = tempfile::tempdir().unwrap();
    Creds::default().write(dir.path());
    let tpl = dir.path().join("tpl");
    std::fs::create_dir_all(&tpl).unwrap();
    for (body, expr, line) in [
        ("a: {{ client_id }}\nb: {{ oidc.secet }}\n", "oidc.secet", 2),
        ("# x\n\nc: {{ nope }}\n", "nope", 3),
    ] {
        std::fs::write(tpl.join("openmetadata.yaml"), body).unwrap();
        let r = render(
            dir.path(),
            &["--templates", "tpl", "--target", "openmetadata-yaml"],
        );
        assert_eq!(r.code, 2, "{}", r.stderr);
        let first = r.stderr.lines().next().unwrap();
        assert_eq!(
            first,
            format!("error: template openmetadata.yaml line {line}: undefined variable `{expr}`")
        );
        assert!(!dir.path().join("out").exists());
    }
    // A public client has no secret: a template that prints it fails the same way.
    std::fs::write(tpl.join("openmetadata.yaml"), "s: {{ client_secret }}\n").unwrap();
    let r = render(
        dir.path(),
        &[
            "--templates",
            "tpl",
            "--target",
            "openmetadata-yaml",
            "--client-type",
            "public",
        ],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("undefined variable `client_secret`"),
        "{}",
        r.stderr
    );
    // A syntax error names the line too.
    std::fs::write(tpl.join("openmetadata.yaml"), "ok: 1\n{% if %}\n").unwrap();
    let r = render(dir.path(), &["--templates", "tpl"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("template openmetadata.yaml line 2"),
        "{}",
        r.stderr
    );
}

#[test]
fn stdout_prints_one_file_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    Creds::default().write(dir.path());
    let text = render_stdout(dir.path(), "helm-secret", &["--helm-namespace", "om"]);
    let secret: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    assert_eq!(as_str(&secret["metadata"]["namespace"]), "om");
    assert!(!dir.path().join("out").exists());
    let r = render(dir.path(), &["--target", "helm", "--stdout"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("--stdout prints one file"),
        "{}",
        r.stderr
    );
}

#[test]
fn missing_or_wrong_inputs_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    Creds {
        secret: None,
        ..Creds::default()
    }
    .write(dir.path());
    let cases: [(&[&str], &str); 12] = [
        (&[], "the credentials hold no client secret"),
        (
            &["--client-type", "public", "--target", "helm-secret"],
            "a public client has no secret",
        ),
        (
            &["--om-version", "1.5"],
            "OpenMetadata 1.5 is not a release line omsso writes configuration for",
        ),
        (
            &["--om-version", "1.14"],
            "supported: 1.6, 1.7, 1.8, 1.9, 1.10, 1.11, 1.12, 1.13, 2.0",
        ),
        // Settings only some release lines have are refused, with the line that has them.
        (
            &["--client-type", "public", "--om-version", "1.7", "--session-expiry", "7200"],
            "openmetadata.session_expiry is not a setting of OpenMetadata 1.7 (it exists from 1.8 on)",
        ),
        (
            &["--client-type", "public", "--om-version", "1.12", "--session-expiry", "7200"],
            "keeps the session lifetime in oidcConfiguration, which a public client does not have",
        ),
        (
            &["--client-type", "public", "--session-expiry", "60"],
            "openmetadata.session_expiry is 60 s, but OpenMetadata 2.0 accepts at least 3600 s",
        ),
        (
            &["--client-type", "public", "--om-version", "1.13.6", "--max-active-sessions-per-user", "2"],
            "openmetadata.max_active_sessions_per_user is not a setting of OpenMetadata 1.13.6 (it exists from 2.0 on)",
        ),
        (
            &["--client-type", "public", "--trusted-redirect-uri", "chromiumapp.org/cb"],
            "additional trusted redirect URI `chromiumapp.org/cb` is not an absolute URI",
        ),
        (&["--helm-namespace", "Bad_NS"], "is not a Kubernetes name"),
        (&["--target", "nope"], "invalid value 'nope'"),
        (
            &["--templates", "no-such-dir"],
            "--templates no-such-dir: not a folder",
        ),
    ];
    for (args, needle) in cases {
        let r = render(dir.path(), args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(needle), "{args:?}: {}", r.stderr);
    }
    missing_settings_are_named_together(dir.path());
}

/// Settings a rendering needs, all named at once with their flags and env vars.
fn missing_settings_are_named_together(dir: &Path) {
    Creds::default().write(dir);
    let mut cmd = support::omsso(dir);
    cmd.args(["render", "--credentials", "credentials.json"]);
    let r = support::run(&mut cmd);
    assert_eq!(r.code, 2);
    let line = support::one_error(&r);
    assert!(
        line.contains("2 settings are not set")
            && line.contains("openmetadata.principal_domain")
            && line.contains("openmetadata.admin_principals"),
        "{}",
        r.stderr
    );
    for needle in [
        "--principal-domain",
        "OMSSO_PRINCIPAL_DOMAIN",
        "--admin-principal",
        "OMSSO_ADMIN_PRINCIPALS",
    ] {
        assert!(r.stderr.contains(needle), "{needle}: {}", r.stderr);
    }
    // The OpenMetadata URL may come from the credentials file: asked for once it is read.
    let r = support::run(cmd.args([
        "--principal-domain",
        "example.com",
        "--admin-principal",
        "a",
    ]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("openmetadata.url is not set"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--om-url") && r.stderr.contains("OMSSO_OM_URL"));
    assert!(!dir.join("out").exists());
}

#[test]
fn the_openmetadata_url_can_come_from_the_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let path = Creds::default().write(dir.path());
    let mut creds: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    creds["openmetadata_url"] = "https://metadata.example.net/".into();
    std::fs::write(&path, creds.to_string()).unwrap();
    let mut cmd = support::omsso(dir.path());
    cmd.args([
        "render",
        "--credentials",
        "credentials.json",
        "--principal-domain",
        "example.com",
        "--admin-principal",
        "admin",
        "--target",
        "openmetadata-yaml",
        "--stdout",
    ]);
    let r = support::run(&mut cmd);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let yaml = om_yaml(&r.stdout);
    assert_eq!(
        as_str(&yaml["authenticationConfiguration"]["oidcConfiguration"]["serverUrl"]),
        "https://metadata.example.net"
    );
}

#[test]
fn a_chart_omsso_was_not_checked_against_is_named_in_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    Creds::default().write(dir.path());
    let warned = |args: &[&str]| {
        let mut all = vec!["--target", "helm-values", "--stdout"];
        all.extend_from_slice(args);
        let r = render(dir.path(), &all);
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.stderr
    };
    let newer = warned(&["--chart-version", "2.0.7"]);
    assert!(
        newer.contains("chart 2.0.7 is not one omsso was checked against: the Helm values use the auth keys of chart 1.13.1, the newest"),
        "{newer}"
    );
    // 2.0 has no chart of its own: a 2.0 release gets chart 1.13.1, with the server image
    // pinned to that release (issue 21), and no warning.
    let r = render(
        dir.path(),
        &[
            "--target",
            "helm-values",
            "--stdout",
            "--om-version",
            "2.0.3",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("chart"), "{}", r.stderr);
    assert!(
        r.stdout.contains("--version 1.13.1 -f values.yaml"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("\nimage:\n  tag: \"2.0.3\"\n"),
        "{}",
        r.stdout
    );
    let between = warned(&["--chart-version", "1.12.5"]);
    assert!(
        between.contains("of chart 1.11.13, the nearest"),
        "{between}"
    );
    for known in [&["--om-version", "1.6.13"][..], &["--om-version", "2.0"]] {
        let stderr = warned(known);
        assert!(!stderr.contains("checked against"), "{known:?}: {stderr}");
    }
}
