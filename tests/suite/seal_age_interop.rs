//! omsso seal/open/keygen against the real `age` CLI (Debian's age, age-keygen) and real
//! `ssh-keygen` keys: age opens what omsso seals, omsso opens what age encrypts.

use crate::support;

use std::os::unix::fs::PermissionsExt;

use crate::support::seal::{assert_clean_failure, opened_bundle, Kit, CLIENT_ID, SECRET};
use serde_json::Value;

#[test]
fn age_cli_decrypts_an_x25519_and_ssh_ed25519_seal_to_the_exact_bundle() {
    let kit = Kit::new();
    let age_recipient = kit.age_keygen("collate.txt");
    let ssh_recipient = kit.ssh_keygen("alice", "ed25519", None, "");
    let r = kit.seal(&["-r", &age_recipient, "-r", &ssh_recipient, "--note", "hi"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout.trim(),
        "sealed  out/collate-handoff.age (armored, 2 recipients)"
    );
    // The recipients are listed with their fingerprints (SHA256 as ssh-keygen -l shows it).
    let fingerprint =
        String::from_utf8(kit.tool("ssh-keygen", &["-l", "-f", "alice.pub"])).unwrap();
    let fingerprint = fingerprint.split_whitespace().nth(1).unwrap();
    assert!(r.stderr.contains(&age_recipient), "{}", r.stderr);
    assert!(r.stderr.contains(fingerprint), "{}", r.stderr);

    let file = "out/collate-handoff.age";
    let meta = std::fs::metadata(kit.path(file)).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    assert!(kit
        .read(file)
        .starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----\n"));

    let by_x25519 = kit.age_decrypt("collate.txt", file);
    let by_ssh = kit.age_decrypt("alice", file);
    assert_eq!(by_x25519, by_ssh);
    let text = String::from_utf8(by_x25519.clone()).unwrap();
    assert!(text.starts_with("{\n  \"format\": \"omsso-handoff\",\n  \"version\": \"1.1\",\n"));
    assert!(text.ends_with("}\n"));

    // What age decrypted is, field for field, the bundle omsso itself opens.
    let plain: Value = serde_json::from_slice(&by_x25519).unwrap();
    assert_eq!(plain["client_secret"], SECRET);
    assert_eq!(plain["note"], "hi");
    assert_eq!(plain["recipients"][1]["fingerprint"], fingerprint);
    assert_eq!(plain["recipients"][1]["name"], "alice@example.com");
    let opened = opened_bundle(&kit.open(&[
        file,
        "-i",
        "collate.txt",
        "--show-secret",
        "--format",
        "json",
    ]));
    assert_eq!(opened, plain);
    // And the document's top-level fields come in the documented order, so the plaintext
    // is byte for byte the pretty-printed bundle (fields equal, order equal, final newline).
    let order: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("  \""))
        .filter_map(|l| l.split('"').next())
        .collect();
    assert_eq!(
        order,
        [
            "format",
            "version",
            "created_at",
            "expires_at",
            "note",
            "client_id",
            "client_type",
            "client_secret",
            "realm",
            "issuer",
            "discovery_uri",
            "jwks_uri",
            "openmetadata_url",
            "token_endpoint",
            "authorization_endpoint",
            "end_session_endpoint",
            "recipients"
        ]
    );
}

#[test]
fn binary_output_and_ssh_rsa_recipients_work_with_the_age_cli() {
    let kit = Kit::new();
    let rsa = kit.ssh_keygen("rsa", "rsa", Some("3072"), "");
    let r = kit.seal(&["-r", &rsa, "--binary", "-o", "h.age"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(kit.read("h.age").starts_with(b"age-encryption.org/v1\n"));
    let plain: Value = serde_json::from_slice(&kit.age_decrypt("rsa", "h.age")).unwrap();
    assert_eq!(plain["client_id"], CLIENT_ID);
    let opened = opened_bundle(&kit.open(&["h.age", "-i", "rsa", "--format", "json"]));
    assert_eq!(opened["client_id"], CLIENT_ID);
    assert!(opened.get("client_secret").is_none(), "redacted by default");
}

#[test]
fn omsso_opens_what_the_age_cli_encrypted_with_r_uppercase_r_and_armor() {
    let kit = Kit::new();
    let recipient = kit.age_keygen("me.txt");
    kit.ssh_keygen("ssh", "ed25519", None, "");
    // A bundle document, as the age CLI would get it from any omsso sender.
    kit.seal(&["-r", &recipient, "-o", "orig.age"]);
    std::fs::write(
        kit.path("bundle.json"),
        kit.age_decrypt("me.txt", "orig.age"),
    )
    .unwrap();
    kit.write(
        "recipients.txt",
        &format!(
            "# the receiving team\n{recipient}\n\n# an SSH key too\n{}\n",
            { String::from_utf8(kit.read("ssh.pub")).unwrap().trim() }
        ),
    );

    kit.tool("age", &["-r", &recipient, "-o", "by-r.age", "bundle.json"]);
    kit.tool(
        "age",
        &["-R", "recipients.txt", "-o", "by-R.age", "bundle.json"],
    );
    kit.tool(
        "age",
        &["-a", "-r", &recipient, "-o", "armored.age", "bundle.json"],
    );
    let expected: Value = serde_json::from_slice(&kit.read("bundle.json")).unwrap();
    for (file, identity) in [
        ("by-r.age", "me.txt"),
        ("by-R.age", "me.txt"),
        ("by-R.age", "ssh"),
        ("armored.age", "me.txt"),
    ] {
        let r = kit.open(&[file, "-i", identity, "--show-secret", "--format", "json"]);
        assert_eq!(opened_bundle(&r), expected, "{file} with {identity}");
    }

    // Text summary: secret redacted unless asked for.
    let r = kit.open(&["by-r.age", "-i", "me.txt"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("client_id         open-metadata"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains(SECRET));
    assert!(r.stderr.contains("signature was not checked"));
    let r = kit.open(&["by-r.age", "-i", "me.txt", "--show-secret"]);
    assert!(r.stdout.contains(SECRET));
}

#[test]
fn protected_identities_open_with_their_passphrase() {
    let kit = Kit::new();
    let ssh = kit.ssh_keygen("locked", "ed25519", None, "key-pass-1");
    let recipient = kit.age_keygen("plain.txt");
    kit.age_encrypt_with_passphrase("plain.txt", "plain.txt.age", "id-pass-2");
    std::fs::remove_file(kit.path("plain.txt")).unwrap();
    assert_eq!(kit.seal(&["-r", &ssh, "-r", &recipient]).code, 0);
    let file = "out/collate-handoff.age";

    for (identity, pass) in [("locked", "key-pass-1"), ("plain.txt.age", "id-pass-2")] {
        let r = support::run(
            kit.omsso()
                .args([
                    "open",
                    file,
                    "-i",
                    identity,
                    "--expect-client-id",
                    CLIENT_ID,
                ])
                .env("OMSSO_IDENTITY_PASSPHRASE", pass),
        );
        assert_eq!(r.code, 0, "{identity}: {}", r.stderr);

        kit.write("wrong-pass", "nope\n");
        let r = kit.open(&[
            file,
            "-i",
            identity,
            "--identity-passphrase-file",
            "wrong-pass",
        ]);
        assert_clean_failure(&r, 1, &format!("wrong passphrase for {identity}"));
    }
    // Without a terminal, env var or file there is no passphrase: say how to give one.
    let r = kit.open(&[file, "-i", "locked"]);
    assert_clean_failure(&r, 2, "identity passphrase is not given");
}

#[test]
fn passphrase_seals_round_trip_and_never_mix_with_recipients() {
    let kit = Kit::new();
    kit.write("pass", "correct horse\n");
    let r = kit.seal(&["--passphrase-file", "pass", "-o", "p.age"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("a passphrase"), "{}", r.stdout);
    let r = support::run(
        kit.omsso()
            .args(["open", "p.age", "--format", "json", "--show-secret"])
            .env("OMSSO_SEAL_PASSPHRASE", "correct horse"),
    );
    let opened = opened_bundle(&r);
    assert_eq!(opened["client_secret"], SECRET);
    assert_eq!(opened["recipients"], serde_json::json!([]));

    kit.write("bad", "wrong horse\n");
    let r = kit.open(&["p.age", "--passphrase-file", "bad"]);
    assert_clean_failure(&r, 1, "wrong passphrase for p.age");
    let recipient = kit.age_keygen("k.txt");
    let r = kit.open(&["p.age", "-i", "k.txt"]);
    assert_clean_failure(&r, 2, "sealed with a passphrase");

    let before = kit.files();
    let r = kit.seal(&[
        "--passphrase-file",
        "pass",
        "-r",
        &recipient,
        "-o",
        "mixed.age",
    ]);
    assert_clean_failure(&r, 2, "passphrase cannot be combined with recipients");
    let r = support::run(
        kit.omsso()
            .args(["seal", "--credentials", "creds.json", "-r", &recipient])
            .env("OMSSO_SEAL_PASSPHRASE", "x"),
    );
    assert_clean_failure(&r, 2, "passphrase cannot be combined with recipients");
    let r = kit.seal(&[]);
    assert_clean_failure(&r, 2, "no recipients");
    assert_eq!(kit.files(), before, "nothing written");
}

#[test]
fn default_recipients_come_from_the_settings_file_and_the_command_line_replaces_them() {
    let kit = Kit::new();
    let team = kit.age_keygen("team.txt");
    let me = kit.age_keygen("me.txt");
    kit.write("collate.recipients", &format!("# Collate\n{team}\n"));
    kit.write(
        "omsso.yaml",
        "seal:\n  recipients_files: [collate.recipients]\n",
    );
    let r = support::run(kit.omsso().args(["config", "show", "--format", "json"]));
    let shown: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        shown["settings"]["seal.recipients_files"],
        serde_json::json!(["collate.recipients"])
    );
    assert_eq!(shown["sources"]["seal.recipients_files"]["kind"], "file");

    let r = kit.seal(&["-o", "a.age"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("(Collate)"), "{}", r.stderr);
    kit.age_decrypt("team.txt", "a.age");

    let r = kit.seal(&["-r", &me, "-o", "b.age", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(doc["recipients"].as_array().unwrap().len(), 1);
    assert_eq!(doc["recipients"][0]["fingerprint"], me.as_str());
    let r = kit.open(&["b.age", "-i", "team.txt"]);
    assert_clean_failure(&r, 1, "no identity matches b.age");
}

#[test]
fn existing_files_are_kept_without_force() {
    let kit = Kit::new();
    let recipient = kit.age_keygen("k.txt");
    assert_eq!(kit.seal(&["-r", &recipient, "-o", "h.age"]).code, 0);
    let first = kit.read("h.age");
    let r = kit.seal(&["-r", &recipient, "-o", "h.age"]);
    assert_clean_failure(&r, 2, "h.age already exists");
    assert_eq!(kit.read("h.age"), first);
    assert_eq!(
        kit.seal(&["-r", &recipient, "-o", "h.age", "--force"]).code,
        0
    );
    assert_ne!(kit.read("h.age"), first);

    // open --write-credentials: 0600, readable by `Credentials::load`, never replaced silently.
    let r = kit.open(&["h.age", "-i", "k.txt", "--write-credentials", "c.json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::metadata(kit.path("c.json"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o600
    );
    let creds: Value = serde_json::from_slice(&kit.read("c.json")).unwrap();
    assert_eq!(creds["client_secret"], SECRET);
    kit.write("c.json", "{}");
    let r = kit.open(&["h.age", "-i", "k.txt", "--write-credentials", "c.json"]);
    assert_clean_failure(&r, 2, "c.json already exists");
    // What open wrote is a valid credentials file for sealing again.
    let r = kit.open(&[
        "h.age",
        "-i",
        "k.txt",
        "--write-credentials",
        "c.json",
        "--force",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = support::run(kit.omsso().args([
        "seal",
        "--credentials",
        "c.json",
        "-r",
        &recipient,
        "-o",
        "again.age",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn keygen_writes_a_private_identity_and_prints_its_recipient() {
    let kit = Kit::new();
    let r = support::run(kit.omsso().args(["keygen", "-o", "id.txt"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let recipient = r.stdout.trim();
    assert!(recipient.starts_with("age1"), "{recipient}");
    assert!(!r.stdout.contains("AGE-SECRET-KEY") && !r.stderr.contains("AGE-SECRET-KEY"));
    assert_eq!(
        std::fs::metadata(kit.path("id.txt"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o600
    );
    // age-keygen agrees on the public key, and the age CLI opens what is sealed to it.
    let by_age = String::from_utf8(kit.tool("age-keygen", &["-y", "id.txt"])).unwrap();
    assert_eq!(by_age.trim(), recipient);
    assert_eq!(kit.seal(&["-r", recipient, "-o", "h.age"]).code, 0);
    kit.age_decrypt("id.txt", "h.age");

    let before = kit.read("id.txt");
    let r = support::run(kit.omsso().args(["keygen", "-o", "id.txt"]));
    assert_clean_failure(&r, 2, "id.txt already exists");
    assert_eq!(kit.read("id.txt"), before);

    let r = support::run(
        kit.omsso()
            .args(["keygen", "-o", "j.txt", "--format", "json"]),
    );
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(doc["recipient"].as_str().unwrap().starts_with("age1"));
}

#[test]
fn on_a_terminal_recipients_are_confirmed_and_a_new_passphrase_is_asked_twice() {
    let kit = Kit::new();
    let recipient = kit.age_keygen("me.txt");
    let seal = format!("seal --credentials creds.json -r {recipient} -o t.age");
    let (code, screen) = kit.omsso_on_terminal(&seal, &["n"]);
    assert_eq!(code, 1, "{screen}");
    assert!(screen.contains(&recipient) && screen.contains("Seal for these recipients? [y/N]"));
    assert!(
        screen.contains("sealing cancelled; nothing was written"),
        "{screen}"
    );
    assert!(!kit.exists("t.age"));
    let (code, screen) = kit.omsso_on_terminal(&seal, &["y"]);
    assert_eq!(code, 0, "{screen}");
    assert!(kit.exists("t.age"));

    let seal = "seal --credentials creds.json --passphrase -o p.age";
    let (code, screen) = kit.omsso_on_terminal(seal, &["first-pass", "other-pass"]);
    assert_eq!(code, 2, "{screen}");
    assert!(
        screen.contains("the two entries of the seal passphrase differ"),
        "{screen}"
    );
    assert!(
        !screen.contains("first-pass"),
        "the passphrase is not echoed"
    );
    assert!(!kit.exists("p.age"));
    let (code, screen) = kit.omsso_on_terminal(seal, &["first-pass", "first-pass"]);
    assert_eq!(code, 0, "{screen}");
    let (code, screen) = kit.omsso_on_terminal("open p.age", &["first-pass"]);
    assert_eq!(code, 0, "{screen}");
    assert!(
        screen.contains("sealed_for        a passphrase"),
        "{screen}"
    );
}
