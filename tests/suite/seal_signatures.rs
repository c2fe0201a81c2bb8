//! Sender signatures against the real `ssh-keygen -Y`: it verifies what omsso signs, omsso
//! verifies what it signs, and every way a signature can be wrong is refused.

use crate::support;

use crate::support::seal::{assert_clean_failure, Kit};

const FILE: &str = "out/collate-handoff.age";
const SIG: &str = "out/collate-handoff.age.sig";

/// A kit with a receiver identity, a sealed file signed by `alice` (ed25519) and an
/// allowed-signers file naming alice.
fn signed_kit(key_type: &str, bits: Option<&str>) -> (Kit, String) {
    let kit = Kit::new();
    let recipient = kit.age_keygen("me.txt");
    let alice = kit.ssh_keygen("alice", key_type, bits, "");
    kit.write("allowed_signers", &format!("alice@example.com {alice}\n"));
    let r = kit.seal(&["-r", &recipient, "--sign-with", "alice"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains(&format!("signed  {SIG}")), "{}", r.stdout);
    (kit, recipient)
}

fn ssh_keygen_verify(kit: &Kit, file: &str, sig: &str) -> std::process::Output {
    std::process::Command::new("ssh-keygen")
        .args([
            "-Y",
            "verify",
            "-f",
            "allowed_signers",
            "-I",
            "alice@example.com",
        ])
        .args(["-n", "omsso-handoff", "-s", sig])
        .current_dir(kit.dir.path())
        .stdin(std::fs::File::open(kit.path(file)).unwrap())
        .output()
        .unwrap()
}

#[test]
fn ssh_keygen_verifies_what_omsso_signs_with_ed25519_and_rsa() {
    for (key_type, bits) in [("ed25519", None), ("rsa", Some("3072"))] {
        let (kit, _) = signed_kit(key_type, bits);
        let out = ssh_keygen_verify(&kit, FILE, SIG);
        assert!(
            out.status.success(),
            "{key_type}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("Good \"omsso-handoff\" signature"));

        let r = kit.open(&[FILE, "-i", "me.txt", "--signers", "allowed_signers"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            r.stdout
                .contains("signed_by         alice@example.com (SHA256:"),
            "{}",
            r.stdout
        );
    }
}

#[test]
fn a_passphrase_protected_signing_key_is_unlocked_from_the_environment() {
    let kit = Kit::new();
    let recipient = kit.age_keygen("me.txt");
    let alice = kit.ssh_keygen("alice", "ed25519", None, "sign-pass");
    kit.write("allowed_signers", &format!("alice@example.com {alice}\n"));
    let r = support::run(
        kit.omsso()
            .args(["seal", "--credentials", "creds.json", "-r", &recipient])
            .args(["--sign-with", "alice"])
            .env("OMSSO_SIGN_PASSPHRASE", "sign-pass"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(ssh_keygen_verify(&kit, FILE, SIG).status.success());

    kit.write("wrong", "nope\n");
    let before = kit.files();
    let r = kit.seal(&[
        "-r",
        &recipient,
        "--sign-with",
        "alice",
        "--sign-passphrase-file",
        "wrong",
        "-o",
        "other.age",
    ]);
    assert_clean_failure(&r, 1, "wrong passphrase for signing key alice");
    assert_eq!(
        kit.files(),
        before,
        "nothing written when signing cannot work"
    );
}

#[test]
fn omsso_accepts_a_signature_made_by_ssh_keygen() {
    let kit = Kit::new();
    let recipient = kit.age_keygen("me.txt");
    let alice = kit.ssh_keygen("alice", "ed25519", None, "");
    kit.write("allowed_signers", &format!("alice@example.com {alice}\n"));
    assert_eq!(kit.seal(&["-r", &recipient, "-o", "h.age"]).code, 0);
    kit.tool(
        "ssh-keygen",
        &["-Y", "sign", "-f", "alice", "-n", "omsso-handoff", "h.age"],
    );
    assert!(kit.exists("h.age.sig"));
    let r = kit.open(&["h.age", "-i", "me.txt", "--signers", "allowed_signers"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("not checked"));
}

#[test]
fn missing_foreign_wrong_namespace_and_mismatching_signatures_are_refused() {
    let (kit, recipient) = signed_kit("ed25519", None);
    let open_signed =
        |file: &str| kit.open(&[file, "-i", "me.txt", "--signers", "allowed_signers"]);

    // Missing.
    assert_eq!(kit.seal(&["-r", &recipient, "-o", "unsigned.age"]).code, 0);
    assert_clean_failure(
        &open_signed("unsigned.age"),
        1,
        "signature unsigned.age.sig is missing",
    );

    // Made by a key that is not in allowed_signers.
    kit.ssh_keygen("mallory", "ed25519", None, "");
    assert_eq!(
        kit.seal(&["-r", &recipient, "-o", "m.age", "--sign-with", "mallory"])
            .code,
        0
    );
    let r = open_signed("m.age");
    assert_clean_failure(&r, 1, "which is not in allowed_signers");
    assert!(
        r.stderr.contains("SHA256:"),
        "names the signer's fingerprint"
    );

    // Signed for another purpose (namespace).
    std::fs::copy(kit.path(FILE), kit.path("ns.age")).unwrap();
    kit.tool(
        "ssh-keygen",
        &["-Y", "sign", "-f", "alice", "-n", "file", "ns.age"],
    );
    assert_clean_failure(&open_signed("ns.age"), 1, "not `omsso-handoff`");

    // A valid signature of another file: the file was swapped or changed after signing.
    std::fs::copy(kit.path("unsigned.age"), kit.path("swapped.age")).unwrap();
    std::fs::copy(kit.path(SIG), kit.path("swapped.age.sig")).unwrap();
    assert_clean_failure(&open_signed("swapped.age"), 1, "does not match swapped.age");
    // ssh-keygen agrees.
    assert!(!ssh_keygen_verify(&kit, "swapped.age", "swapped.age.sig")
        .status
        .success());

    // Garbage instead of a signature; a broken allowed-signers line (named, not echoed).
    kit.write("junk.age.sig", "not a signature\n");
    std::fs::copy(kit.path(FILE), kit.path("junk.age")).unwrap();
    assert_clean_failure(
        &open_signed("junk.age"),
        1,
        "junk.age.sig is not an SSH signature",
    );
    kit.write(
        "bad_signers",
        "alice@example.com ssh-ed25519 AAAA-SECRETISH\n",
    );
    let r = kit.open(&[FILE, "-i", "me.txt", "--signers", "bad_signers"]);
    assert_clean_failure(&r, 2, "bad_signers:1: not an allowed-signers entry");
    assert!(!r.stderr.contains("SECRETISH"));
}
