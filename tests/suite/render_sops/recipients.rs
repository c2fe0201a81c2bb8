//! Who the SOPS Secret is encrypted for: `.sops.yaml` rules, the recipients setting and the
//! bad values it refuses, and `run` against the real Keycloak.

use super::*;

#[test]
fn sops_yaml_rules_choose_the_recipients() {
    let s = Scene::new();
    let alice = s.age_key("alice.key");
    let bob = s.age_key("bob.key");
    // (A matching .sops.yaml rule applies to --stdout too: take the plaintext before.)
    let plain = s.plaintext_secret();
    // Rules are matched against the output file's path relative to the .sops.yaml folder.
    s.write(
        ".sops.yaml",
        &format!(
            "creation_rules:\n  - path_regex: ^secrets/\n    pgp: ABCDEF\n  - path_regex: helm/oidc-secrets\\.sops\\.yaml$\n    key_groups:\n      - age:\n          - {bob}\n"
        ),
    );
    let r = s.render(&["--target", "helm-secret"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The .sops.yaml that chose them is named, by its full path (sops searches upward, so it
    // may be far above the output folder).
    let config = s.path(".sops.yaml");
    assert!(
        r.stderr
            .contains(&format!("from {} (creation rule 2)", config.display())),
        "{}",
        r.stderr
    );
    assert_decrypts_to(&s, "bob.key", FILE, &plain);

    // One that any user may write (a shared parent folder) is not trusted to choose them
    // (issue 20, L7), and nothing is written.
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o666)).unwrap();
    let r = s.render(&["--target", "helm-secret", "--out", "shared", "--force"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        one_error(&r).contains(&format!(
            "{}: it chooses who can decrypt the Secret, but every user may write it",
            config.display()
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("hint: check who put it there"),
        "{}",
        r.stderr
    );
    assert!(!s.path("shared").exists());
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).unwrap();

    // --sops-age wins over .sops.yaml.
    let r = s.render(&["--target", "helm-secret", "--sops-age", &alice, "--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(s.sops_decrypt("alice.key", FILE).code, 0);
    assert_ne!(s.sops_decrypt("bob.key", FILE).code, 0);

    // A rule omsso cannot follow fails the command, naming the file and the rule.
    let r = s.render(&["--target", "helm-secret", "--out", "secrets", "--force"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let e = one_error(&r);
    assert!(
        e.contains(".sops.yaml: creation rule 1") && e.contains("pgp"),
        "{e}"
    );
    assert!(!s.path("secrets").exists());

    // No matching rule: the plaintext Secret, as before.
    s.write(
        ".sops.yaml",
        "creation_rules:\n  - path_regex: ^elsewhere/\n    age: age1x\n",
    );
    let r = s.render(&["--target", "helm-secret", "--out", "plain"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(mode(&s, "plain/helm/oidc-secrets.yaml"), 0o600);
    assert!(!s.path("plain/helm/oidc-secrets.sops.yaml").exists());
}

#[test]
fn recipients_are_a_setting_and_bad_ones_are_refused() {
    let s = Scene::new();
    let alice = s.age_key("alice.key");
    let bob = s.age_key("bob.key");
    s.write(
        "omsso.yaml",
        &format!("helm:\n  sops:\n    age_recipients:\n      - {alice}\n"),
    );
    let show = |env: &[(&str, &str)]| {
        let mut cmd = s.omsso(&["config", "show", "--format", "json"]);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let r = run(&mut cmd);
        assert_eq!(r.code, 0, "{}", r.stderr);
        serde_json::from_str::<serde_json::Value>(&r.stdout).unwrap()
    };
    let v = show(&[]);
    assert_eq!(v["settings"]["helm.sops.age_recipients"][0], alice.as_str());
    assert_eq!(v["sources"]["helm.sops.age_recipients"]["kind"], "file");
    let both = format!("{alice},{bob}");
    let v = show(&[("OMSSO_HELM_SOPS_AGE_RECIPIENTS", &both)]);
    assert_eq!(v["settings"]["helm.sops.age_recipients"][1], bob.as_str());
    assert_eq!(v["sources"]["helm.sops.age_recipients"]["kind"], "env");

    // From omsso.yaml alone.
    let r = s.render(&["--target", "helm-secret"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("helm.sops.age_recipients, file omsso.yaml"),
        "{}",
        r.stderr
    );
    assert_eq!(s.sops_decrypt("alice.key", FILE).code, 0);

    // A private key, garbage, an unsupported key type: exit 2, nothing written, the value not
    // echoed.
    let private = s.read("bob.key");
    let private = private
        .lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-"))
        .unwrap();
    for bad in [private, "age1notakey", "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBHFliOyIZs1gxGF3fmDxFykQhE88wy6AKDGFBfn0R6ZuvRmENABZQa9+pj9hMki+LX0qDJbmHTiWDbYv/cmFt/Q="] {
        let r = s.render(&["--target", "helm-secret", "--sops-age", bad, "--out", "bad"]);
        assert_eq!(r.code, 2, "{}", r.stderr);
        let e = one_error(&r);
        assert!(e.contains("recipient 1 (helm.sops.age_recipients, flag --sops-age)"), "{e}");
        assert!(!r.stderr.contains(bad), "{}", r.stderr);
        assert!(!s.path("bad").exists());
    }
    // A file in the way that is not a SOPS file is not shown (it may hold a secret) nor
    // replaced without --force.
    s.write(
        "other/helm/oidc-secrets.sops.yaml",
        &format!("password: {SECRET}\n"),
    );
    let r = s.render(&["--target", "helm-secret", "--out", "other"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        one_error(&r).contains("exists but is not a SOPS file"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains(SECRET));
    let r = s.render(&["--target", "helm-secret", "--out", "other", "--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        s.sops_decrypt("alice.key", "other/helm/oidc-secrets.sops.yaml")
            .code,
        0
    );
}

/// `omsso run` against the real Keycloak writes the SOPS Secret instead of the plaintext one,
/// and a second run leaves it byte for byte.
#[test]
fn run_writes_the_sops_secret_instead_of_the_plaintext_one() {
    let s = Scene::new();
    let alice = s.age_key("alice.key");
    let admin = support::Admin::login();
    let realm = admin.new_realm("sops");
    let omsso_run = |extra: &[(&str, &str)]| {
        let mut cmd = keycloak::configured(s.dir.path(), &realm);
        cmd.env_remove("SOPS_AGE_KEY_FILE")
            .env("HOME", s.path("home"))
            .env("XDG_CONFIG_HOME", s.path("home/.config"))
            .args(["run", "--sops-age", &alice, "--format", "json"]);
        for (k, v) in extra {
            cmd.env(k, s.path(v));
        }
        let r = run(&mut cmd);
        let v: serde_json::Value = serde_json::from_str(&r.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}\n{}", r.stdout, r.stderr));
        (r, v)
    };
    let (r, v) = omsso_run(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let files: Vec<(&str, &str)> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].as_str().unwrap(), f["mode"].as_str().unwrap()))
        .collect();
    assert!(files.contains(&(FILE, "0600")), "{files:?}");
    assert!(!files.iter().any(|(p, _)| *p == PLAIN_FILE), "{files:?}");
    assert!(!s.path(PLAIN_FILE).exists());
    let out = s.sops_decrypt("alice.key", FILE);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let secret = keycloak::secret(&admin, &realm);
    assert!(
        out.stdout.contains(&secret),
        "the Secret holds Keycloak's secret"
    );
    let first = s.read(FILE);

    let (r, v) = omsso_run(&[(KEY_ENV, "alice.key")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        v["files"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["status"] == "unchanged"),
        "{v}"
    );
    assert_eq!(s.read(FILE), first);
}
