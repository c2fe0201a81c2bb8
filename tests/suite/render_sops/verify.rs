//! `verify --file` on SOPS Secrets: changed values or MACs fail it (and `sops -d`), files the
//! sops CLI wrote pass it, plaintext under data and missing MACs or recipients are flagged.

use super::*;

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
    sops_cli_files_pass_verify(&s, &alice);
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
    hand_edited_plaintext_is_flagged(&s, &text);
    missing_mac_or_recipients_are_refused(&s, &text);
}

/// secret.yaml and data.yaml encrypted by the sops CLI, with and without the Kubernetes
/// encrypted-regex, pass verify with and without the key.
fn sops_cli_files_pass_verify(s: &Scene, alice: &str) {
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
        let mut all = vec!["encrypt", "--age", alice];
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
}

/// A value under data written in plaintext (an edit by hand) is flagged, by key and line,
/// without its value; the JSON report says the same.
fn hand_edited_plaintext_is_flagged(s: &Scene, text: &str) {
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
    let r = run(&mut s.omsso(&["verify", "--file", "hand-edited.yaml", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["files"][0]["kind"], "sops");
    assert_eq!(v["files"][0]["findings"][0]["check"], "sops-plaintext");
    assert_eq!(v["files"][0]["findings"][0]["line"], line);
    assert_ne!(s.sops_decrypt("alice.key", "hand-edited.yaml").code, 0);
}

/// No MAC, no recipients: sops refuses both, and so does verify.
fn missing_mac_or_recipients_are_refused(s: &Scene, text: &str) {
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
    let doc: serde_yaml::Value = serde_yaml::from_str(text).unwrap();
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
