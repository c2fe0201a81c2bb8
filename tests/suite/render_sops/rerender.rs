//! A re-render of the SOPS Secret: kept byte for byte, a changed secret or recipient list shown
//! as a difference without the secret (and encrypted with a fresh data key), and files sops
//! itself rotated or updated kept as they are.

use super::*;

#[test]
fn a_second_render_keeps_the_file_byte_for_byte() {
    let s = Scene::new();
    let alice = s.age_key("alice.key");
    let args = [
        "--target",
        "helm-secret",
        "--sops-age",
        &alice,
        "--format",
        "json",
    ];
    let r = s.render(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let first = s.read(FILE);

    // With an identity, omsso decrypts the file, finds the same Secret and recipients, and
    // keeps it; one others could read (an older omsso wrote 0644) is set back to 0600,
    // without the warning about a plaintext secret it does not hold.
    std::fs::set_permissions(s.path(FILE), std::fs::Permissions::from_mode(0o644)).unwrap();
    let r = s.render_with(&[(KEY_ENV, "alice.key")], &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["files"][0]["status"], "unchanged", "{v}");
    assert_eq!(v["files"][0]["mode"], "0600", "{v}");
    assert_eq!(mode(&s, FILE), 0o600);
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
    let r = s.render(&["--target", "helm-secret", "--sops-age", &alice]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let before = s.read(FILE);

    let two = format!("{alice},{bob}");
    let after = a_recipient_added(&s, &before, &plain, &bob, &two);
    let rotated = the_client_secret_rotated(&s, &after, &plain, &id_key, &two);
    a_recipient_removed(&s, &rotated, &id_key, &alice);
}

const NEW_SECRET: &str = "N3wS3cretAfterRotation0000000000";
const WITH_ALICE: [(&str, &str); 1] = [(KEY_ENV, "alice.key")];

/// A recipient added: the diff adds its entry, and the values are encrypted again with a fresh
/// data key (never wrapped for someone new: the file may not be omsso's, planted.rs).
/// Returns the file written with `--force`.
fn a_recipient_added(s: &Scene, before: &str, plain: &str, bob: &str, two: &str) -> String {
    let r = s.render_with(&WITH_ALICE, &["--target", "helm-secret", "--sops-age", two]);
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
    assert!(r.stderr.contains("-    mac:"), "{}", r.stderr);
    assert_eq!(s.read(FILE), before, "nothing written without --force");
    let r = s.render_with(
        &WITH_ALICE,
        &["--target", "helm-secret", "--sops-age", two, "--force"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let after = s.read(FILE);
    assert_ne!(
        enc_of(&after, &secret_key(plain)),
        enc_of(before, &secret_key(plain))
    );
    assert_decrypts_to(s, "bob.key", FILE, plain);
    after
}

/// The client secret rotated: the diff shows neither the old nor the new secret, and every
/// value is encrypted anew (a fresh data key). Returns the file written with `--force`.
fn the_client_secret_rotated(
    s: &Scene,
    after: &str,
    plain: &str,
    id_key: &str,
    two: &str,
) -> String {
    let new_secret = NEW_SECRET;
    render::Creds {
        secret: Some(new_secret),
        ..Default::default()
    }
    .write(s.dir.path());
    let r = s.render_with(&WITH_ALICE, &["--target", "helm-secret", "--sops-age", two]);
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
    assert!(
        changed.iter().any(|l| l.contains(&secret_key(plain)))
            && changed.iter().any(|l| l.contains(&format!("{id_key}:")))
            && changed.last().unwrap().contains("mac:"),
        "{changed:?} {}",
        r.stderr
    );
    let r = s.render_with(
        &WITH_ALICE,
        &["--target", "helm-secret", "--sops-age", two, "--force"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rotated = s.read(FILE);
    assert_ne!(enc_of(&rotated, id_key), enc_of(after, id_key));
    let out = s.sops_decrypt("bob.key", FILE);
    assert!(out.stdout.contains(new_secret), "{}", out.stderr);
    rotated
}

/// A recipient removed: a fresh data key, since bob may know the old one.
fn a_recipient_removed(s: &Scene, rotated: &str, id_key: &str, alice: &str) {
    let new_secret = NEW_SECRET;
    let r = s.render_with(
        &WITH_ALICE,
        &["--target", "helm-secret", "--sops-age", alice, "--force"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let only_alice = s.read(FILE);
    assert_ne!(enc_of(&only_alice, id_key), enc_of(rotated, id_key));
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
