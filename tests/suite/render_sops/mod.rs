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
            .contains("wrote out/helm/oidc-secrets.sops.yaml (0600)"),
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
    // Meant for git, and for no other user of the machine (issue 20, L7): 0600, no plaintext
    // Secret beside it, no `.gitignore` hiding it.
    assert_eq!(mode(&s, FILE), 0o600);
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
    assert_eq!(mode(&s, FILE), 0o600);
    assert_eq!(mode(&s, "out/openmetadata.env"), 0o600);
}

mod planted;
mod recipients;
mod rerender;
mod verify;
