//! Every bad input to seal and open: one clear error line with a hint, a non-zero exit, no
//! secret in any output, and no plaintext or partial file left behind.

use crate::support;

use crate::support::seal::{assert_clean_failure, Kit};

/// A kit with an identity `me.txt` and a sealed armored `h.age` and binary `b.age`.
fn sealed_kit() -> (Kit, String) {
    let kit = Kit::new();
    let recipient = kit.age_keygen("me.txt");
    assert_eq!(kit.seal(&["-r", &recipient, "-o", "h.age"]).code, 0);
    assert_eq!(
        kit.seal(&["-r", &recipient, "-o", "b.age", "--binary"])
            .code,
        0
    );
    (kit, recipient)
}

/// `omsso open FILE -i me.txt --write-credentials out.json` must fail with `needle` and
/// write nothing.
fn open_fails(kit: &Kit, file: &str, code: i32, needle: &str) {
    let before = kit.files();
    let r = kit.open(&[file, "-i", "me.txt", "--write-credentials", "out.json"]);
    assert_clean_failure(&r, code, needle);
    assert_eq!(kit.files(), before, "no file written for {file}");
}

#[test]
fn damaged_or_foreign_files_are_refused() {
    let (kit, _) = sealed_kit();
    let other = kit.age_keygen("other.txt");
    assert_eq!(kit.seal(&["-r", &other, "-o", "theirs.age"]).code, 0);
    open_fails(&kit, "theirs.age", 1, "no identity matches theirs.age");

    let binary = kit.read("b.age");
    std::fs::write(kit.path("truncated.age"), &binary[..binary.len() - 20]).unwrap();
    open_fails(
        &kit,
        "truncated.age",
        1,
        "truncated.age is damaged (truncated or modified)",
    );
    std::fs::write(kit.path("header-cut.age"), &binary[..40]).unwrap();
    open_fails(&kit, "header-cut.age", 1, "header-cut.age is damaged");
    // One bit flipped in the payload, and one in the header's MAC. (A flip inside a recipient
    // stanza reads as "no identity matches": age cannot tell it from a stanza for someone
    // else.)
    let mac = binary.windows(4).position(|w| w == b"--- ").unwrap() + 8;
    for (name, at) in [
        ("flip-body.age", binary.len() - 10),
        ("flip-header.age", mac),
    ] {
        let mut flipped = binary.clone();
        flipped[at] ^= 0x01;
        std::fs::write(kit.path(name), flipped).unwrap();
        open_fails(&kit, name, 1, &format!("{name} is damaged"));
    }

    // Armor: a line re-wrapped by a mail client, a lost end marker, a changed character.
    let armored = String::from_utf8(kit.read("h.age")).unwrap();
    let lines: Vec<&str> = armored.lines().collect();
    let rewrapped = format!(
        "{}\n{}{}\n{}\n",
        lines[0],
        lines[1],
        lines[2],
        lines[3..].join("\n")
    );
    kit.write("rewrapped.age", &rewrapped);
    open_fails(
        &kit,
        "rewrapped.age",
        1,
        "rewrapped.age: damaged ASCII armor",
    );
    kit.write("no-end.age", &lines[..lines.len() - 1].join("\n"));
    open_fails(&kit, "no-end.age", 1, "no-end.age");
    // One base64 character changed in the header's MAC (armor line 3, column 40: with one
    // X25519 recipient the MAC is header bytes 124..167) and in the payload.
    for (name, line, column) in [
        ("changed-header.age", 3, 40),
        ("changed-body.age", lines.len() - 2, 0),
    ] {
        let mut changed: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        let old = &changed[line][column..column + 1];
        let new = if old == "A" { "B" } else { "A" };
        changed[line].replace_range(column..column + 1, new);
        kit.write(name, &(changed.join("\n") + "\n"));
        open_fails(&kit, name, 1, &format!("{name} is damaged"));
    }

    kit.write("notes.txt", "client_secret: hunter2\n");
    open_fails(
        &kit,
        "notes.txt",
        1,
        "notes.txt is not an age-encrypted file",
    );
    kit.write("empty.age", "");
    open_fails(
        &kit,
        "empty.age",
        1,
        "empty.age is not an age-encrypted file",
    );
    let r = kit.open(&["missing.age", "-i", "me.txt"]);
    assert_clean_failure(&r, 1, "cannot read missing.age");
}

#[test]
fn payloads_that_are_not_omsso_bundles_are_refused_without_quoting_them() {
    let (kit, recipient) = sealed_kit();
    let encrypt = |name: &str, content: &str| {
        kit.write("payload", content);
        kit.tool("age", &["-r", &recipient, "-o", name, "payload"]);
    };
    encrypt("text.age", "client_secret=s3cr3t-VALUE-9f8e\n");
    open_fails(&kit, "text.age", 1, "not an omsso handoff bundle");
    encrypt(
        "other-json.age",
        r#"{"format": "something-else", "version": "1.0"}"#,
    );
    open_fails(&kit, "other-json.age", 1, "not an omsso handoff bundle");

    let bundle: serde_json::Value =
        serde_json::from_slice(&kit.age_decrypt("me.txt", "h.age")).unwrap();
    let mut v2 = bundle.clone();
    v2["version"] = "2.0".into();
    encrypt("v2.age", &v2.to_string());
    open_fails(&kit, "v2.age", 1, "unsupported handoff bundle version 2.0");
    let mut no_secret = bundle.clone();
    no_secret.as_object_mut().unwrap().remove("client_secret");
    encrypt("no-secret.age", &no_secret.to_string());
    open_fails(
        &kit,
        "no-secret.age",
        1,
        "lacks the required field `client_secret`",
    );
    let mut v1_1 = bundle;
    v1_1["version"] = "1.1".into();
    v1_1["field_from_the_future"] = true.into();
    encrypt("v1_1.age", &v1_1.to_string());
    assert_eq!(
        kit.open(&["v1_1.age", "-i", "me.txt"]).code,
        0,
        "minor versions are read"
    );

    let r = kit.open(&[
        "h.age",
        "-i",
        "me.txt",
        "--expect-client-id",
        "another-client",
    ]);
    assert_clean_failure(&r, 3, "not the expected `another-client`");
}

#[test]
fn malformed_recipients_are_named_by_file_and_line_without_echoing_them() {
    let kit = Kit::new();
    let good = kit.age_keygen("me.txt");
    let before = kit.files();
    let seal_fails = |args: &[&str], code: i32, needle: &str| {
        let r = kit.seal(args);
        assert_clean_failure(&r, code, needle);
        assert!(
            !r.stderr.contains("AAAAC3Nza"),
            "key material echoed: {}",
            r.stderr
        );
        assert!(
            !r.stderr.contains("SECRET-KEY-1"),
            "key material echoed: {}",
            r.stderr
        );
    };

    kit.write(
        "keys.txt",
        &format!("# team\n{good}\n\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAbroken alice\n"),
    );
    seal_fails(&["-R", "keys.txt"], 2, "keys.txt:4: not a recipient");
    seal_fails(
        &["-r", &good, "-r", "age1notarecipient"],
        2,
        "recipient 2 (flag --recipient)",
    );
    let secret_key = String::from_utf8(kit.read("me.txt")).unwrap();
    kit.write("oops.txt", &secret_key);
    seal_fails(&["-R", "oops.txt"], 2, "oops.txt:3: this is a private key");
    kit.write("empty.txt", "# nobody yet\n");
    seal_fails(&["-R", "empty.txt"], 2, "empty.txt lists no recipient");
    seal_fails(
        &["-R", "absent.txt"],
        2,
        "cannot read recipients file absent.txt",
    );

    let weak = kit.ssh_keygen("weak", "rsa", Some("1024"), "");
    seal_fails(&["-r", &weak], 2, "RSA key of 1024 bits is too weak");
    kit.write("authorized_keys", &format!("{good}\n{weak}\n"));
    seal_fails(
        &["-R", "authorized_keys"],
        2,
        "authorized_keys:2: RSA key of 1024 bits",
    );
    let ecdsa = kit.ssh_keygen("ec", "ecdsa", None, "");
    seal_fails(
        &["-r", &ecdsa],
        2,
        "unsupported key type ecdsa-sha2-nistp256",
    );

    // Nothing was created: no out/ folder, no partial file.
    let mut after = kit.files();
    after.retain(|f| {
        !["keys.txt", "oops.txt", "empty.txt", "authorized_keys"].contains(&f.as_str())
            && !f.starts_with("weak")
            && !f.starts_with("ec")
    });
    assert_eq!(after, before);
    assert!(!kit.exists("out"));
}

#[test]
fn bad_identities_are_refused_clearly() {
    let (kit, _) = sealed_kit();
    kit.ssh_keygen("ec", "ecdsa", None, "");
    let r = kit.open(&["h.age", "-i", "ec"]);
    assert_clean_failure(&r, 2, "ec: unsupported key type ecdsa-sha2-nistp256");
    let r = kit.open(&["h.age", "-i", "ec.pub"]);
    assert_clean_failure(&r, 2, "ec.pub is a public key");
    kit.write("junk.txt", "hello\n");
    let r = kit.open(&["h.age", "-i", "junk.txt"]);
    assert_clean_failure(
        &r,
        2,
        "junk.txt: not an identity file: contains non-identity data on line 1",
    );
    let r = kit.open(&["h.age"]);
    assert_clean_failure(&r, 2, "no identity was given");
    let r = kit.open(&["h.age", "-i", "nowhere.txt"]);
    assert_clean_failure(&r, 2, "cannot read identity file nowhere.txt");
}

#[test]
fn a_confidential_client_without_secret_is_not_sealed() {
    let kit = Kit::new();
    let recipient = kit.age_keygen("me.txt");
    // No client_type: confidential, so its secret is missing (a public client's bundle is
    // sealed: tests/suite/public_client.rs).
    kit.write(
        "public.json",
        r#"{"client_id":"x","realm":"r","issuer":"i","discovery_uri":"d","jwks_uri":"j"}"#,
    );
    let r =
        support::run(
            kit.omsso()
                .args(["seal", "--credentials", "public.json", "-r", &recipient]),
        );
    assert_clean_failure(&r, 2, "no client secret");
    assert!(!kit.exists("out"));
}

/// seal looks at its destination once, before anything is asked for or sealed: the handoff,
/// its signature and its recipients record. A folder where the signature goes (every unsigned
/// seal removes a stale one) is refused up front and nothing is written. Before, the handoff
/// and its record were written, and only then did removing the "stale signature" fail.
#[test]
fn a_folder_where_the_signature_goes_is_refused_before_anything_is_written() {
    let kit = Kit::new();
    let recipient = kit.age_keygen("me.txt");
    std::fs::create_dir(kit.path("h.age.sig")).unwrap();
    let before = kit.files();
    let r = kit.seal(&["-r", &recipient, "-o", "h.age"]);
    assert_clean_failure(&r, 1, "cannot write h.age.sig");
    assert!(r.stderr.contains("nothing was written"), "{}", r.stderr);
    assert!(
        !r.stderr.contains("Sealing"),
        "refused before the recipient list: {}",
        r.stderr
    );
    assert_eq!(kit.files(), before, "no handoff beside the folder");
}
