//! A SOPS file omsso did not write (issue 20, M1): whoever can write the output folder can
//! plant a file whose data key they know. sops itself accepts such a file (its MAC is valid:
//! whoever holds the data key computes it), so omsso never reuses a data key it finds: a
//! changed Secret or recipient list gets a fresh one.

use super::*;

/// A SOPS file's text split around its `sops.age` list: the lines before the first entry,
/// each entry's lines, and the lines after (as text, so that nothing else is reformatted:
/// sops reads `lastmodified` only as the quoted string it wrote).
fn split_age(text: &str) -> (String, Vec<String>, String) {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let start = lines
        .iter()
        .position(|l| l.trim_end() == "    age:")
        .unwrap()
        + 1;
    let indent = lines[start].len() - lines[start].trim_start().len();
    let mut entries: Vec<String> = Vec::new();
    let mut end = start;
    while end < lines.len() {
        let l = lines[end];
        let depth = l.len() - l.trim_start().len();
        if depth < indent || (depth == indent && !l.trim_start().starts_with("- ")) {
            break;
        }
        if depth == indent {
            entries.push(String::new());
        }
        entries.last_mut().unwrap().push_str(l);
        end += 1;
    }
    (lines[..start].concat(), entries, lines[end..].concat())
}

/// The age entry of `recipient` in a SOPS file, as text.
fn age_entry(text: &str, recipient: &str) -> String {
    let (_, entries, _) = split_age(text);
    entries
        .into_iter()
        .find(|e| e.contains(&format!("recipient: {recipient}\n")))
        .unwrap_or_else(|| panic!("no entry for {recipient}: {text}"))
}

/// `text` with `remove`'s age entry taken out and `add` appended.
fn edit_age(text: &str, remove: Option<&str>, add: Option<String>) -> String {
    let (before, mut entries, after) = split_age(text);
    if let Some(r) = remove {
        entries.retain(|e| !e.contains(&format!("recipient: {r}\n")));
    }
    entries.extend(add);
    format!("{before}{}{after}", entries.concat())
}

/// Mallory, who can write the repository but holds no key of alice's, encrypts a Secret with
/// the real sops for alice and for herself, then removes her own entry: the file decrypts
/// for alice alone and `sops -d` accepts it. After the client secret is rendered into it
/// (`--force`), putting her old entry back must not let her read the new secret.
#[test]
fn a_planted_file_never_lends_its_data_key_to_the_next_secret() {
    let s = Scene::new();
    let alice = s.age_key("alice.key");
    let mallory = s.age_key("mallory.key");
    let plain = s.plaintext_secret();
    s.write("planted.yaml", &plain.replace(SECRET, "planted-by-mallory"));
    let r = s.sops_in(
        "",
        &[],
        &[
            "encrypt",
            "--age",
            &format!("{alice},{mallory}"),
            "--encrypted-regex",
            "^(data|stringData)$",
            "planted.yaml",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let hers = age_entry(&r.stdout, &mallory);
    s.write(FILE, &edit_age(&r.stdout, Some(&mallory), None));
    let r = s.sops_decrypt("alice.key", FILE);
    assert_eq!(r.code, 0, "sops accepts the planted file: {}", r.stderr);
    assert_ne!(s.sops_decrypt("mallory.key", FILE).code, 0);

    let args = ["--target", "helm-secret", "--sops-age", &alice, "--force"];
    let r = s.render_with(&[(KEY_ENV, "alice.key")], &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_decrypts_to(&s, "alice.key", FILE, &plain);

    // Her old entry wraps the planted data key: with a fresh one it opens nothing.
    s.write(
        "stolen.sops.yaml",
        &edit_age(&s.read(FILE), None, Some(hers)),
    );
    let r = s.sops_decrypt("mallory.key", "stolen.sops.yaml");
    assert!(
        r.code != 0 && !r.stdout.contains(SECRET),
        "mallory read the new secret with the planted data key: {}",
        r.stdout
    );
}

/// prod's SOPS file copied over dev's (by mistake or on purpose): a user who holds both keys
/// renders dev's Secret for dev's recipient; prod's data key must not be wrapped for dev.
#[test]
fn another_environments_file_does_not_pass_its_data_key_on() {
    let s = Scene::new();
    let prod = s.age_key("prod.key");
    let dev = s.age_key("dev.key");
    // One identity file that holds both keys, as an operator's keys.txt may.
    s.write(
        "both.key",
        &format!("{}{}", s.read("prod.key"), s.read("dev.key")),
    );
    let r = s.render(&["--target", "helm-secret", "--sops-age", &prod]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let prods = s.read(FILE);
    let r = s.render_with(
        &[(KEY_ENV, "both.key")],
        &[
            "--target",
            "helm-secret",
            "--sops-age",
            &format!("{prod},{dev}"),
            "--force",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // prod's entry in the new file no longer opens values encrypted with prod's data key:
    // the new file with prod's old entry put back fails for prod.
    let mixed = edit_age(
        &edit_age(&s.read(FILE), Some(&prod), None),
        None,
        Some(age_entry(&prods, &prod)),
    );
    s.write("mixed.sops.yaml", &mixed);
    assert_ne!(s.sops_decrypt("prod.key", "mixed.sops.yaml").code, 0);
    assert_decrypts_to(&s, "dev.key", FILE, &s.plaintext_secret());
}
