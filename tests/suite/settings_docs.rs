//! The settings table is the one description of the settings: docs/SETTINGS.md is generated
//! from it (`UPDATE_DOCS=1 cargo test --test suite settings_docs::` rewrites it), and the commented
//! example file names exactly the table's keys.

use crate::support;

use omsso::settings::SETTINGS;

#[test]
fn docs_settings_md_is_generated_from_the_table() {
    let path = support::repo_root().join("docs/SETTINGS.md");
    let wanted = omsso::settings::markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &wanted).unwrap();
        return;
    }
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        text == wanted,
        "docs/SETTINGS.md is stale: UPDATE_DOCS=1 cargo test --test suite settings_docs::"
    );
}

/// The dotted keys of `text` before its `environments:` section, set or commented out
/// (`  # cacert: …`): a line `key:` whose indentation says how deep it is.
fn example_keys(text: &str) -> Vec<String> {
    let mut path: Vec<String> = Vec::new();
    let mut keys = Vec::new();
    for line in text.lines() {
        let indent = line.len() - line.trim_start().len();
        let body = line.trim_start();
        let body = body.strip_prefix("# ").unwrap_or(body);
        let Some((key, rest)) = body.split_once(':') else {
            continue;
        };
        if !(rest.is_empty() || rest.starts_with(' ')) {
            continue;
        }
        let is_key = !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !is_key || (indent == 0 && line.starts_with('#')) {
            continue;
        }
        if key == "environments" && indent == 0 {
            break;
        }
        path.truncate(indent / 2);
        path.push(key.to_string());
        keys.push(path.join("."));
    }
    keys
}

#[test]
fn the_example_file_names_every_setting_and_nothing_else() {
    let text = std::fs::read_to_string(support::repo_root().join("examples/omsso.yaml")).unwrap();
    let keys = example_keys(&text);
    let known = |k: &str| {
        SETTINGS
            .iter()
            .any(|s| s.key == k || s.key.starts_with(&format!("{k}.")))
    };
    let unknown: Vec<&String> = keys.iter().filter(|k| !known(k)).collect();
    assert!(unknown.is_empty(), "not in the settings table: {unknown:?}");
    let missing: Vec<&str> = SETTINGS
        .iter()
        .map(|s| s.key)
        .filter(|k| !keys.iter().any(|e| e == k))
        .collect();
    assert!(missing.is_empty(), "examples/omsso.yaml lacks {missing:?}");
}
