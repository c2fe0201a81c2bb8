//! The Kubernetes Secret encrypted with SOPS for age recipients (issue 15), proven against the
//! real `sops` CLI 3.13.3: what omsso writes decrypts with `sops -d` to exactly the Secret it
//! renders without SOPS (age X25519 and ssh-ed25519 recipients, one or several); sops's own
//! rotation and updatekeys keep the file usable and omsso keeps it as it is; a re-render
//! keeps the file byte for byte; changed values or MACs fail `sops -d` and `verify --file`;
//! files the sops CLI wrote pass `verify --file`; `.sops.yaml` rules choose the recipients;
//! the plaintext never reaches a file; `run` writes the SOPS Secret.

use crate::support::{self, keycloak, render};

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use crate::support::render::SECRET;
use crate::support::sops::{enc_of, leaves, Scene};
use crate::support::{one_error, run};

const FILE: &str = "out/helm/oidc-secrets.sops.yaml";
const PLAIN_FILE: &str = "out/helm/oidc-secrets.yaml";
const KEY_ENV: &str = "SOPS_AGE_KEY_FILE";

/// The stringData key that holds the client secret in the plaintext Secret.
fn secret_key(plain: &str) -> String {
    let doc: serde_yaml::Value = serde_yaml::from_str(plain).unwrap();
    doc["stringData"]
        .as_mapping()
        .unwrap()
        .iter()
        .find(|(_, v)| v.as_str() == Some(SECRET))
        .map(|(k, _)| k.as_str().unwrap().to_string())
        .expect("the plaintext Secret holds the client secret")
}

fn mode(s: &Scene, rel: &str) -> u32 {
    std::fs::metadata(s.path(rel)).unwrap().permissions().mode() & 0o777
}

/// Asserts `sops -d FILE` with `key` gives the same document as `plain`.
fn assert_decrypts_to(s: &Scene, key: &str, file: &str, plain: &str) {
    let r = s.sops_decrypt(key, file);
    assert_eq!(r.code, 0, "sops -d with {key}: {}", r.stderr);
    assert_eq!(leaves(&r.stdout), leaves(plain), "sops -d with {key}");
}

#[test]
fn sops_decrypts_what_omsso_wrote_for_one_and_several_recipients() {
    let s = Scene::new();
    let plain = s.plaintext_secret();
    let alice = s.age_key("alice.key");

    let r = s.render(&["--target", "helm-secret", "--sops-age", &alice]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("wrote out/helm/oidc-secrets.sops.yaml (0644)"),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr
            .contains("1 age recipient from helm.sops.age_recipients"),
        "{}",
        r.stderr
    );
    assert_decrypts_to(&s, "alice.key", FILE, &plain);

    // Keys, kind and metadata stay readable; the values do not; Flux's regex is recorded.
    let text = s.read(FILE);
    assert!(!text.contains(SECRET), "{text}");
    let doc: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    assert_eq!(doc["kind"], "Secret");
    assert_eq!(doc["metadata"]["name"], "oidc-secrets");
    assert!(enc_of(&text, &secret_key(&plain)).starts_with("ENC[AES256_GCM,data:"));
    assert_eq!(doc["sops"]["encrypted_regex"], "^(data|stringData)$");
    assert_eq!(doc["sops"]["age"][0]["recipient"], alice.as_str());
    assert!(doc["sops"]["mac"]
        .as_str()
        .unwrap()
        .starts_with("ENC[AES256_GCM,"));
    assert!(doc["sops"]["lastmodified"].as_str().unwrap().ends_with('Z'));
    // Meant for git: readable mode, no plaintext Secret beside it, no `.gitignore` hiding it.
    assert_eq!(mode(&s, FILE), 0o644);
    assert!(!s.path(PLAIN_FILE).exists());
    assert!(!s.path("out/.gitignore").exists());

    // Several recipients, two age keys and an ssh-ed25519 key: each one decrypts alone.
    let bob = s.age_key("bob.key");
    let carol = s.ssh_key("carol");
    let r = s.render(&[
        "--target",
        "helm-secret",
        "--sops-age",
        &format!("{alice},{bob}"),
        "--sops-age",
        &carol,
        "--force",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("3 age recipients"), "{}", r.stderr);
    assert_decrypts_to(&s, "alice.key", FILE, &plain);
    assert_decrypts_to(&s, "bob.key", FILE, &plain);
    let r = s.sops_in(
        "",
        &[("SOPS_AGE_SSH_PRIVATE_KEY_FILE", "carol")],
        &["-d", FILE],
    );
    assert_eq!(r.code, 0, "sops -d with the ssh key: {}", r.stderr);
    assert_eq!(leaves(&r.stdout), leaves(&plain));
    // The ssh recipient is recorded without its comment, as sops parses it.
    let text = s.read(FILE);
    let doc: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let ssh_entry = doc["sops"]["age"][2]["recipient"].as_str().unwrap();
    assert!(
        carol.starts_with(ssh_entry) && !ssh_entry.contains("gitops@"),
        "{ssh_entry}"
    );
    // A key that is not a recipient cannot.
    s.age_key("mallory.key");
    assert_ne!(s.sops_decrypt("mallory.key", FILE).code, 0);
}

#[test]
fn stdout_prints_the_sops_secret_for_pipelines() {
    let s = Scene::new();
    let plain = s.plaintext_secret();
    let alice = s.age_key("alice.key");
    let r = s.render(&["--target", "helm-secret", "--sops-age", &alice, "--stdout"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains(SECRET));
    s.write("piped.sops.yaml", &r.stdout);
    assert_decrypts_to(&s, "alice.key", "piped.sops.yaml", &plain);
    assert!(!s.path("out").exists(), "--stdout writes nothing");
}

/// `omsso ARGS` under strace: every write-like system call of omsso and its threads, with
/// its data in full.
fn traced_writes(s: &Scene, args: &[&str]) -> String {
    let cmd = s.omsso(args);
    let log = s.path("writes.trace");
    let mut traced = Command::new("strace");
    traced
        .args(["-f", "-qq", "-s", "1000000", "-e"])
        .arg("trace=write,pwrite64,writev,pwritev,pwritev2,sendto,sendmsg,copy_file_range")
        .arg("-o")
        .arg(&log)
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .current_dir(s.dir.path());
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => traced.env(k, v),
            None => traced.env_remove(k),
        };
    }
    let r = run(&mut traced);
    assert_eq!(r.code, 0, "strace must be installed; omsso: {}", r.stderr);
    std::fs::read_to_string(&log).unwrap()
}

#[test]
fn the_plaintext_secret_is_never_written_anywhere() {
    let s = Scene::new();
    let alice = s.age_key("alice.key");
    let render = [
        "render",
        "--credentials",
        "credentials.json",
        "--sops-age",
        &alice,
    ];

    // Only the Secret: no write at all carries the secret.
    let trace = traced_writes(&s, &[&render[..], &["--target", "helm-secret"]].concat());
    assert!(
        trace.contains("ENC[AES256_GCM"),
        "the trace saw the encrypted file"
    );
    assert!(!trace.contains(SECRET), "a write carried the secret");

    // Everything: openmetadata.yaml and the env file hold the secret by design (0600,
    // git-ignored); the Secret is only written encrypted.
    std::fs::remove_dir_all(s.path("out")).unwrap();
    let trace = traced_writes(&s, &[&render[..], &["--target", "all"]].concat());
    assert!(!s.path(PLAIN_FILE).exists());
    let secret_writes: Vec<&str> = trace
        .lines()
        .filter(|l| l.contains(SECRET) && l.contains("oidc-secrets"))
        .collect();
    assert!(secret_writes.is_empty(), "{secret_writes:?}");
    assert_eq!(mode(&s, FILE), 0o644);
    assert_eq!(mode(&s, "out/openmetadata.env"), 0o600);
}

#[test]
fn a_second_render_keeps_the_file_byte_for_byte() {
    let s = Scene::new();
    let alice = s.age_key("alice.key");
    let args = [
        "--target",
        "helm-secret",
        "--sops-age",
        &alice,
        "--output",
        "json",
    ];
    let r = s.render(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let first = s.read(FILE);

    // With an identity, omsso decrypts the file, finds the same Secret and recipients, and
    // keeps it.
    let r = s.render_with(&[(KEY_ENV, "alice.key")], &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["files"][0]["status"], "unchanged", "{v}");
    assert_eq!(s.read(FILE), first);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);

    // Without one, a file whose readable parts and recipients match is kept, and omsso says
    // it could not compare the values.
    let r = s.render(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(s.read(FILE), first);
    assert!(r.stderr.contains("warning: kept"), "{}", r.stderr);
    assert!(
        r.stderr.contains("--force encrypts the Secret again"),
        "{}",
        r.stderr
    );
    // --force then encrypts again (the same Secret, new ciphertext).
    let r = s.render(&[&args[..], &["--force"]].concat());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_ne!(s.read(FILE), first);
    assert_decrypts_to(&s, "alice.key", FILE, &s.plaintext_secret());
}

#[test]
fn a_changed_secret_or_recipient_list_is_a_difference_shown_without_the_secret() {
    let s = Scene::new();
    let alice = s.age_key("alice.key");
    let bob = s.age_key("bob.key");
    let plain = s.plaintext_secret();
    let id_key = {
        let doc: serde_yaml::Value = serde_yaml::from_str(&plain).unwrap();
        let key = secret_key(&plain);
        doc["stringData"]
            .as_mapping()
            .unwrap()
            .keys()
            .map(|k| k.as_str().unwrap().to_string())
            .find(|k| *k != key)
            .unwrap()
    };
    let with_alice = [(KEY_ENV, "alice.key")];
    let r = s.render(&["--target", "helm-secret", "--sops-age", &alice]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let before = s.read(FILE);

    // A recipient added: the diff adds its entry; the values and the MAC stay as they were.
    let two = format!("{alice},{bob}");
    let r = s.render_with(
        &with_alice,
        &["--target", "helm-secret", "--sops-age", &two],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        one_error(&r).contains("differs from what omsso would write"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!("+          recipient: {bob}")),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("-    mac:"), "{}", r.stderr);
    assert_eq!(s.read(FILE), before, "nothing written without --force");
    let r = s.render_with(
        &with_alice,
        &["--target", "helm-secret", "--sops-age", &two, "--force"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let after = s.read(FILE);
    assert_eq!(
        enc_of(&after, &secret_key(&plain)),
        enc_of(&before, &secret_key(&plain))
    );
    assert_decrypts_to(&s, "bob.key", FILE, &plain);

    // The client secret rotated: only its line, lastmodified and the MAC change, and neither
    // the old nor the new secret is shown.
    let new_secret = "N3wS3cretAfterRotation0000000000";
    render::Creds {
        secret: Some(new_secret),
        ..Default::default()
    }
    .write(s.dir.path());
    let r = s.render_with(
        &with_alice,
        &["--target", "helm-secret", "--sops-age", &two],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        !r.stderr.contains(SECRET) && !r.stderr.contains(new_secret),
        "{}",
        r.stderr
    );
    let changed: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
        .collect();
    // (lastmodified is to the second: within the same second it stays.)
    assert!(
        changed[0].contains(&secret_key(&plain)),
        "{changed:?} {}",
        r.stderr
    );
    assert!(changed.last().unwrap().contains("mac:"), "{changed:?}");
    assert!(
        changed.len() == 2 || (changed.len() == 3 && changed[1].contains("lastmodified")),
        "{changed:?}"
    );
    let r = s.render_with(
        &with_alice,
        &["--target", "helm-secret", "--sops-age", &two, "--force"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rotated = s.read(FILE);
    assert_eq!(enc_of(&rotated, &id_key), enc_of(&after, &id_key));
    let out = s.sops_decrypt("bob.key", FILE);
    assert!(out.stdout.contains(new_secret), "{}", out.stderr);

    // A recipient removed: a fresh data key, since bob may know the old one.
    let r = s.render_with(
        &with_alice,
        &["--target", "helm-secret", "--sops-age", &alice, "--force"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let only_alice = s.read(FILE);
    assert_ne!(enc_of(&only_alice, &id_key), enc_of(&rotated, &id_key));
    assert_ne!(s.sops_decrypt("bob.key", FILE).code, 0);
    assert!(s
        .sops_decrypt("alice.key", FILE)
        .stdout
        .contains(new_secret));
}

#[test]
fn sops_rotation_and_updatekeys_keep_the_file_usable_and_omsso_keeps_it() {
    let s = Scene::new();
    let plain = s.plaintext_secret();
    let alice = s.age_key("alice.key");
    let bob = s.age_key("bob.key");
    // A GitOps repository whose .sops.yaml names the recipients; omsso renders into it.
    s.write(
        "repo/.sops.yaml",
        &format!("creation_rules:\n  - path_regex: apps/.*\\.sops\\.yaml$\n    age: {alice}\n"),
    );
    let file = "repo/apps/om/helm/oidc-secrets.sops.yaml";
    let args = ["--target", "helm-secret", "--out", "repo/apps/om"];
    let r = s.render(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(".sops.yaml (creation rule 1)"),
        "{}",
        r.stderr
    );
    assert_decrypts_to(&s, "alice.key", file, &plain);

    // sops rotates the data key (`sops rotate`, formerly `sops -r`): still decrypts, and
    // omsso keeps the rotated file as it is.
    let written = s.read(file);
    let r = s.sops_in(
        "repo",
        &[(KEY_ENV, "alice.key")],
        &["rotate", "-i", "apps/om/helm/oidc-secrets.sops.yaml"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rotated = s.read(file);
    assert_ne!(rotated, written);
    assert_decrypts_to(&s, "alice.key", file, &plain);
    let r = s.sops_in(
        "repo",
        &[(KEY_ENV, "alice.key")],
        &["-r", "-i", "apps/om/helm/oidc-secrets.sops.yaml"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rotated = s.read(file);
    assert_decrypts_to(&s, "alice.key", file, &plain);
    let r = s.render_with(&[(KEY_ENV, "alice.key")], &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("unchanged"), "{}", r.stdout);
    assert_eq!(s.read(file), rotated);

    // The team adds bob to .sops.yaml and runs `sops updatekeys`: bob decrypts, and omsso,
    // reading the same rule, keeps the file byte for byte.
    s.write(
        "repo/.sops.yaml",
        &format!(
            "creation_rules:\n  - path_regex: apps/.*\\.sops\\.yaml$\n    age: {alice},{bob}\n"
        ),
    );
    let r = s.sops_in(
        "repo",
        &[(KEY_ENV, "alice.key")],
        &["updatekeys", "-y", "apps/om/helm/oidc-secrets.sops.yaml"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let updated = s.read(file);
    assert_decrypts_to(&s, "bob.key", file, &plain);
    let r = s.render_with(&[(KEY_ENV, "bob.key")], &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("2 age recipients"), "{}", r.stderr);
    assert_eq!(s.read(file), updated);
    // No `.gitignore` appeared in the repository folder.
    assert!(!s.path("repo/apps/om/.gitignore").exists());
}

#[test]
fn changed_values_or_macs_make_sops_and_verify_fail() {
    let s = Scene::new();
    let alice = s.age_key("alice.key");
    let plain = s.plaintext_secret();
    let key = secret_key(&plain);
    let r = s.render(&["--target", "helm-secret", "--sops-age", &alice]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = s.read(FILE);

    // The untouched file passes both.
    assert_eq!(s.sops_decrypt("alice.key", FILE).code, 0);
    let r = s.verify(FILE, &[(KEY_ENV, "alice.key")]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("no findings"), "{}", r.stdout);

    /// One character of the base64 after `marker` replaced.
    fn flip(text: &str, marker: &str) -> String {
        let at = text.find(marker).unwrap() + marker.len();
        let c = &text[at..at + 1];
        let other = if c == "A" { "B" } else { "A" };
        format!("{}{other}{}", &text[..at], &text[at + 1..])
    }
    let enc = enc_of(&text, &key);
    let cases = [
        (
            "value",
            flip(&text, &format!("{key}: ENC[AES256_GCM,data:")),
            "sops-value-damaged",
        ),
        (
            "mac",
            flip(&text, "mac: ENC[AES256_GCM,data:"),
            "sops-mac-mismatch",
        ),
        (
            "name",
            text.replace("name: oidc-secrets", "name: other-secret"),
            "sops-mac-mismatch",
        ),
        (
            "plaintext",
            text.replace(&enc, "hunter2-in-plaintext"),
            "sops-plaintext",
        ),
    ];
    for (what, tampered, check) in cases {
        s.write("tampered.yaml", &tampered);
        let r = s.sops_decrypt("alice.key", "tampered.yaml");
        assert_ne!(r.code, 0, "sops -d accepted a changed {what}");
        let r = s.verify("tampered.yaml", &[(KEY_ENV, "alice.key")]);
        assert_eq!(r.code, 3, "changed {what}: {}{}", r.stdout, r.stderr);
        assert!(
            r.stdout.contains(&format!("error[{check}]")),
            "{what}: {}",
            r.stdout
        );
        assert!(!r.stdout.contains("hunter2") && !r.stderr.contains("hunter2"));
    }
    // Without a key, a value in plaintext is still found; a changed ciphertext cannot be, and
    // verify says the values were not checked.
    s.write("tampered.yaml", &text.replace(&enc, "hunter2-in-plaintext"));
    let r = s.verify("tampered.yaml", &[]);
    assert_eq!(r.code, 3, "{}", r.stdout);
    s.write("tampered.yaml", &flip(&text, "mac: ENC[AES256_GCM,data:"));
    let r = s.verify("tampered.yaml", &[]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stdout.contains("info[sops-not-decrypted]"),
        "{}",
        r.stdout
    );
}

#[test]
fn verify_accepts_secrets_the_sops_cli_encrypted_and_flags_plaintext_under_data() {
    let s = Scene::new();
    let alice = s.age_key("alice.key");
    s.write("secret.yaml", &s.plaintext_secret());
    s.write(
        "data.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: om\ntype: Opaque\ndata:\n  # the password\n  password: aHVudGVyMg==\n  user: b20=\n",
    );
    for (src, args) in [
        (
            "secret.yaml",
            &["--encrypted-regex", "^(data|stringData)$"][..],
        ),
        (
            "data.yaml",
            &["--encrypted-regex", "^(data|stringData)$"][..],
        ),
        ("data.yaml", &[][..]),
    ] {
        let mut all = vec!["encrypt", "--age", &alice];
        all.extend_from_slice(args);
        all.push(src);
        let r = s.sops_in("", &[], &all);
        assert_eq!(r.code, 0, "{}", r.stderr);
        s.write("by-sops.yaml", &r.stdout);
        for env in [&[(KEY_ENV, "alice.key")][..], &[][..]] {
            let r = s.verify("by-sops.yaml", env);
            assert_eq!(r.code, 0, "{src} {args:?}: {}{}", r.stdout, r.stderr);
            assert!(r.stdout.contains("(SOPS file): "), "{}", r.stdout);
            assert!(
                !r.stdout.contains("error[") && !r.stdout.contains("warning["),
                "{}",
                r.stdout
            );
            // With the key, the values and the MAC were checked too.
            assert_eq!(
                r.stdout.contains("sops-not-decrypted"),
                env.is_empty(),
                "{}",
                r.stdout
            );
        }
    }
    // sops's default encrypts kind and metadata too: verify says only the SOPS checks ran.
    let r = s.verify("by-sops.yaml", &[]);
    assert!(r.stdout.contains("info[sops-not-a-secret]"), "{}", r.stdout);

    // A value under data written in plaintext (an edit by hand) is flagged, by key and line,
    // without its value; the JSON report says the same.
    let r = s.sops_in(
        "",
        &[],
        &[
            "encrypt",
            "--age",
            &alice,
            "--encrypted-regex",
            "^(data|stringData)$",
            "data.yaml",
        ],
    );
    let text = r.stdout;
    let user = text
        .lines()
        .find(|l| l.trim_start().starts_with("user: ENC["))
        .unwrap()
        .to_string();
    let line = text.lines().position(|l| l == user).unwrap() + 1;
    s.write(
        "hand-edited.yaml",
        &text.replace(&user, "    user: b3RoZXI="),
    );
    let r = s.verify("hand-edited.yaml", &[]);
    assert_eq!(r.code, 3, "{}", r.stdout);
    assert!(
        r.stdout.contains(&format!(
            "hand-edited.yaml:{line}: error[sops-plaintext] `data.user`"
        )),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("b3RoZXI="), "{}", r.stdout);
    let r = run(&mut s.omsso(&["verify", "--file", "hand-edited.yaml", "--output", "json"]));
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["files"][0]["kind"], "sops");
    assert_eq!(v["files"][0]["findings"][0]["check"], "sops-plaintext");
    assert_eq!(v["files"][0]["findings"][0]["line"], line);
    assert_ne!(s.sops_decrypt("alice.key", "hand-edited.yaml").code, 0);

    // No MAC, no recipients: sops refuses both, and so does verify.
    let no_mac: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("mac:"))
        .map(|l| format!("{l}\n"))
        .collect();
    s.write("no-mac.yaml", &no_mac);
    assert_ne!(s.sops_decrypt("alice.key", "no-mac.yaml").code, 0);
    let r = s.verify("no-mac.yaml", &[]);
    assert_eq!(r.code, 3);
    assert!(r.stdout.contains("error[sops-no-mac]"), "{}", r.stdout);
    let doc: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let mut no_keys = doc.clone();
    no_keys["sops"].as_mapping_mut().unwrap().remove("age");
    s.write("no-keys.yaml", &serde_yaml::to_string(&no_keys).unwrap());
    assert_ne!(s.sops_decrypt("alice.key", "no-keys.yaml").code, 0);
    let r = s.verify("no-keys.yaml", &[]);
    assert_eq!(r.code, 3);
    assert!(
        r.stdout.contains("error[sops-no-recipients]"),
        "{}",
        r.stdout
    );
}

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
    assert!(r.stderr.contains("(creation rule 2)"), "{}", r.stderr);
    assert_decrypts_to(&s, "bob.key", FILE, &plain);

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
        let mut cmd = s.omsso(&["config", "show", "--output", "json"]);
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
            .args(["run", "--sops-age", &alice, "--output", "json"]);
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
    assert!(files.contains(&(FILE, "0644")), "{files:?}");
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
