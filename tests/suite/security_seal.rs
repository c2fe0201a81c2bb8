//! Crafted handoffs, recipients and signer files (security review, issue 13): terminal escape
//! sequences in what a sender or a recipients file wrote, allowed_signers entries that
//! `ssh-keygen -Y verify` would refuse, a passphrase file asking for 8 GiB of scrypt, and age
//! headers the age CLI refuses. omsso's verdict must be the real tools' verdict.

use crate::support;

use std::collections::HashSet;
use std::io::Write;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::sync::Mutex;

use crate::support::seal::{assert_clean_failure, Kit, SECRET};
use base64::Engine;
use sha2::{Digest, Sha256};

// --- Terminal escapes -------------------------------------------------------------------

/// A comment line above a recipient names it in the confirmation list; escape sequences in
/// it could erase the attacker's own line from that list before anyone saw it.
#[test]
fn a_recipient_name_cannot_drive_the_terminal() {
    let kit = Kit::new();
    let good = kit.age_keygen("good.key");
    let attacker = kit.age_keygen("attacker.key");
    kit.write(
        "keys.txt",
        &format!(
            "# Collate support\n{good}\n\n# \u{1b}[1A\u{1b}[2K\r\u{9b}2K\u{202e}hidden\n{attacker}\n"
        ),
    );
    let r = kit.seal(&["-R", "keys.txt", "--yes"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for raw in ['\u{1b}', '\r', '\u{9b}', '\u{202e}'] {
        assert!(
            !r.stderr.contains(raw),
            "{raw:?} reached the terminal: {:?}",
            r.stderr
        );
    }
    let attacker_line = r
        .stderr
        .lines()
        .find(|l| l.contains(&attacker))
        .unwrap_or_else(|| panic!("the attacker's recipient is not listed: {}", r.stderr));
    assert!(
        attacker_line.contains("(\\u{1b}[1A\\u{1b}[2K\\r\\u{9b}2K\\u{202e}hidden)"),
        "{attacker_line}"
    );
}

/// A bundle anyone could have sealed: its `note` erased the "signature was not checked"
/// warning and drew a `signed_by` row of its own.
#[test]
fn a_forged_bundle_cannot_fake_lines_of_the_open_report() {
    let kit = Kit::new();
    let recipient = kit.age_keygen("collate.key");
    let bundle = serde_json::json!({
        "format": "omsso-handoff", "version": "1.0",
        "created_at": "2026-01-01T00:00:00Z",
        "note": "prod\u{1b}[2A\u{1b}[2K\r\n  signed_by         ops@customer.example (SHA256:forged)",
        "client_id": "open-metadata\u{1b}]0;title\u{7}",
        "client_secret": SECRET, "realm": "data",
        "issuer": "http://kc/realms/data",
        "discovery_uri": "http://kc/realms/data/.well-known/openid-configuration",
        "jwks_uri": "http://kc/realms/data/protocol/openid-connect/certs",
        "recipients": [{"type": "age\u{1b}[31m", "name": "x\ny", "fingerprint": "age1forged"}],
    });
    kit.write("bundle.json", &bundle.to_string());
    kit.tool(
        "age",
        &["-r", &recipient, "-o", "forged.age", "bundle.json"],
    );
    let r = kit.open(&["forged.age", "-i", "collate.key"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let all = format!("{}{}", r.stdout, r.stderr);
    for raw in ['\u{1b}', '\r', '\u{7}'] {
        assert!(!all.contains(raw), "{raw:?} reached the terminal: {all:?}");
    }
    let signed_by: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.trim_start().starts_with("signed_by"))
        .collect();
    assert_eq!(signed_by.len(), 1, "{}", r.stdout);
    assert!(signed_by[0].ends_with("not checked"), "{}", r.stdout);
    assert!(
        r.stderr.contains("signature was not checked"),
        "{}",
        r.stderr
    );
}

/// `--expires-in 4000000` (days) made a date past the year 9999, which cannot be written as
/// RFC 3339: omsso panicked. Now it is a usage error.
#[test]
fn an_expiry_beyond_the_year_9999_is_a_usage_error() {
    let kit = Kit::new();
    let recipient = kit.age_keygen("collate.key");
    let r = kit.seal(&["-r", &recipient, "--expires-in", "4000000"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert!(r.stderr.contains("--expires-in"), "{}", r.stderr);
    assert!(!kit.exists("out"));
}

// --- allowed_signers as strict as ssh-keygen -Y verify ------------------------------------

/// omsso's verdict (`open --signers F [--signer P]`) on every entry below equals
/// `ssh-keygen -Y verify -f F -I P -n omsso-handoff`'s on the same files.
#[test]
fn allowed_signers_verdicts_match_ssh_keygen() {
    let kit = Kit::new();
    let recipient = kit.age_keygen("collate.key");
    let key = kit.ssh_keygen("ops", "ed25519", None, "");
    let other = kit.ssh_keygen("other", "ed25519", None, "");
    let r = kit.seal(&["-r", &recipient, "--sign-with", "ops", "-o", "h.age"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let key = key.rsplit_once(' ').unwrap().0;
    let other = other.rsplit_once(' ').unwrap().0;
    let cases: &[(&str, String)] = &[
        ("ops@x", format!("ops@x {key}")),
        ("ops@x", format!("ops@x namespaces=\"omsso-*\" {key}")),
        ("ops@x", format!("ops@x namespaces=\"git\" {key}")),
        // Negation, as OpenSSH's match_pattern_list: a negated match rejects.
        (
            "ops@x",
            format!("ops@x namespaces=\"*,!omsso-handoff\" {key}"),
        ),
        (
            "ops@x",
            format!("ops@x namespaces=\"!omsso-handoff,*\" {key}"),
        ),
        ("ops@x", format!("ops@x namespaces=\"*,!git\" {key}")),
        // Principal pinning: the key must be listed for that principal.
        ("mallory@x", format!("ops@x {key}")),
        ("mallory@x", format!("mallory@x {other}\nops@x {key}")),
        ("ops@x", format!("*@x,!mallory@x {key}")),
        ("mallory@x", format!("*@x,!mallory@x {key}")),
        ("ops@x", format!("ops@x valid-before=\"20200101Z\" {key}")),
        ("ops@x", format!("ops@x cert-authority {key}")),
    ];
    let mut accepted = 0;
    for (principal, signers) in cases {
        kit.write("allowed_signers", &format!("{signers}\n"));
        let ssh = Command::new("ssh-keygen")
            .args(["-Y", "verify", "-f", "allowed_signers", "-I", principal])
            .args(["-n", "omsso-handoff", "-s", "h.age.sig"])
            .current_dir(kit.dir.path())
            .stdin(std::fs::File::open(kit.path("h.age")).unwrap())
            .output()
            .expect("ssh-keygen must be installed");
        let r = kit.open(&[
            "h.age",
            "-i",
            "collate.key",
            "--signers",
            "allowed_signers",
            "--signer",
            principal,
        ]);
        assert_eq!(
            r.code == 0,
            ssh.status.success(),
            "{principal} with {signers:?}: ssh-keygen says {}, omsso exits {}: {}",
            String::from_utf8_lossy(&ssh.stderr).trim(),
            r.code,
            r.stderr
        );
        if r.code != 0 {
            assert_clean_failure(&r, 1, "h.age.sig");
        }
        accepted += usize::from(r.code == 0);
    }
    // Both verdicts occur: the files above are not all refused for some other reason.
    assert_eq!(accepted, 4);
}

// --- scrypt work factor --------------------------------------------------------------------

/// A passphrase file asking for scrypt 2^23 (8 GiB of memory, 42 s) was tried. Like the age
/// CLI, omsso refuses anything above 2^22 before any work. (omsso runs with its address space
/// limited to 2 GiB here, so an attempt cannot take the machine with it.)
#[test]
fn a_passphrase_file_with_an_excessive_work_factor_is_refused_before_any_work() {
    let kit = Kit::new();
    kit.write("pass.txt", "correct horse\n");
    let r = kit.seal(&["--passphrase-file", "pass.txt", "--binary", "-o", "h.age"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // `-> scrypt SALT 18` → `… 23`: the header MAC no longer matches, but scrypt comes first.
    let bytes = kit.read("h.age");
    let line_end = bytes.iter().skip(22).position(|b| *b == b'\n').unwrap() + 22;
    let line = String::from_utf8(bytes[22..line_end].to_vec()).unwrap();
    let (head, _) = line.rsplit_once(' ').unwrap();
    assert!(head.starts_with("-> scrypt "), "{line}");
    let mut crafted = bytes[..22].to_vec();
    crafted.extend_from_slice(format!("{head} 23").as_bytes());
    crafted.extend_from_slice(&bytes[line_end..]);
    std::fs::write(kit.path("wf23.age"), &crafted).unwrap();

    let mut open = kit.omsso();
    open.args(["open", "wf23.age", "--passphrase-file", "pass.txt"]);
    // SAFETY: only async-signal-safe setrlimit runs between fork and exec.
    unsafe {
        open.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 2 << 30,
                rlim_max: 2 << 30,
            };
            libc::setrlimit(libc::RLIMIT_AS, &limit);
            Ok(())
        });
    }
    let started = std::time::Instant::now();
    let r = support::run(&mut open);
    assert_clean_failure(&r, 1, "work factor 2^23 is above the limit of 2^22");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    // The age CLI refuses it too.
    let age = Command::new("sh")
        .args(["-c", "printf 'correct horse\\n' | age -d wf23.age"])
        .current_dir(kit.dir.path())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert!(!age.status.success());
}

// --- age header strictness ----------------------------------------------------------------

/// An age recipient that also hands the file key to the test, so it can write a header of
/// its own with a valid MAC.
struct KeyTap {
    inner: age::x25519::Recipient,
    key: Mutex<Option<Vec<u8>>>,
}

impl age::Recipient for KeyTap {
    fn wrap_file_key(
        &self,
        file_key: &age_core::format::FileKey,
    ) -> Result<(Vec<age_core::format::Stanza>, HashSet<String>), age::EncryptError> {
        use age_core::secrecy::ExposeSecret;
        *self.key.lock().unwrap() = Some(file_key.expose_secret().to_vec());
        self.inner.wrap_file_key(file_key)
    }
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut k = [0u8; 64];
    k[..key.len()].copy_from_slice(key);
    let mut inner = Sha256::new();
    inner.update(k.map(|b| b ^ 0x36));
    inner.update(message);
    let mut outer = Sha256::new();
    outer.update(k.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

/// A binary age file for `identity` whose header gets `extra` (stanza lines) added before its
/// MAC line, the MAC recomputed as the age format defines it
/// (HMAC-SHA256 keyed with HKDF-SHA256(file key, info "header")).
fn with_extra_stanza(identity: &age::x25519::Identity, plaintext: &[u8], extra: &str) -> Vec<u8> {
    let tap = KeyTap {
        inner: identity.to_public(),
        key: Mutex::new(None),
    };
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(&tap as &dyn age::Recipient)).unwrap();
    let mut file = Vec::new();
    let mut w = encryptor.wrap_output(&mut file).unwrap();
    w.write_all(plaintext).unwrap();
    w.finish().unwrap();
    let file_key = tap.key.lock().unwrap().clone().unwrap();
    let mac_at = file.windows(4).position(|w| w == b"\n---").unwrap() + 1;
    let mac_end = mac_at + file[mac_at..].iter().position(|b| *b == b'\n').unwrap();
    let mut header = file[..mac_at].to_vec();
    header.extend_from_slice(extra.as_bytes());
    header.extend_from_slice(b"---");
    let prk = hmac_sha256(&[0u8; 32], &file_key);
    let header_key = hmac_sha256(&prk, b"header\x01");
    let mac = hmac_sha256(&header_key, &header);
    let mut out = header;
    out.push(b' ');
    out.extend_from_slice(
        base64::engine::general_purpose::STANDARD_NO_PAD
            .encode(mac)
            .as_bytes(),
    );
    out.extend_from_slice(&file[mac_end..]);
    out
}

/// The age crate still reads the legacy stanza encoding of pre-release files: a stanza with no
/// body line, or whose body ends in a full 64-column line without the final short one. The
/// age CLI refuses both; so must omsso, which opened them.
#[test]
fn headers_the_age_cli_refuses_are_refused() {
    let kit = Kit::new();
    let identity = age::x25519::Identity::generate();
    {
        use secrecy::ExposeSecret;
        kit.write(
            "collate.key",
            &format!("{}\n", identity.to_string().expose_secret()),
        );
    }
    let bundle = kit.seal(&["-r", &identity.to_public().to_string(), "-o", "good.age"]);
    assert_eq!(bundle.code, 0, "{}", bundle.stderr);
    let plaintext = kit.age_decrypt("collate.key", "good.age");
    let full_line = "A".repeat(64);
    let cases = [
        ("control.age", "-> fine-grease\n\n".to_string()),
        ("no-body.age", "-> bogus-grease\n".to_string()),
        (
            "no-final-line.age",
            format!("-> bogus-grease\n{full_line}\n"),
        ),
    ];
    for (name, extra) in &cases {
        std::fs::write(
            kit.path(name),
            with_extra_stanza(&identity, &plaintext, extra),
        )
        .unwrap();
        let age_ok = Command::new("age")
            .args(["-d", "-i", "collate.key", name])
            .current_dir(kit.dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap()
            .success();
        let r = kit.open(&[name, "-i", "collate.key"]);
        assert_eq!(
            r.code == 0,
            age_ok,
            "{name}: age CLI {age_ok}; omsso: {}",
            r.stderr
        );
        if *name == "control.age" {
            assert!(age_ok, "the crafted control file must be valid");
        } else {
            assert_clean_failure(&r, 1, "is not encoded as the age format requires");
        }
    }
}
