//! What the dependency tree must (not) contain, read from Cargo.lock (the advisory database
//! `cargo deny` checks against cannot be fetched on every machine; these facts can).

use crate::support;

/// `(name, version)` of every package in Cargo.lock.
fn locked() -> Vec<(String, String)> {
    let lock = std::fs::read_to_string(support::repo_root().join("Cargo.lock")).unwrap();
    let mut out = Vec::new();
    let mut name = None;
    for line in lock.lines() {
        if let Some(n) = line.strip_prefix("name = ") {
            name = Some(n.trim_matches('"').to_string());
        } else if let (Some(v), Some(n)) = (line.strip_prefix("version = "), name.take()) {
            out.push((n, v.trim_matches('"').to_string()));
        }
    }
    out
}

/// RUSTSEC-2026-0173: `proc-macro-error2` is unmaintained. It came in through age 0.11's
/// i18n stack; age 0.12.1 uses the maintained fork `proc-macro-error3` (deny.toml).
#[test]
fn no_unmaintained_proc_macro_error2() {
    let found: Vec<_> = locked()
        .into_iter()
        .filter(|(n, _)| n == "proc-macro-error2" || n == "proc-macro-error")
        .collect();
    assert!(found.is_empty(), "{found:?}");
}

/// age 0.12.1 or newer (0.12.1, 2026-07-14: the current release, with the strict armor fix);
/// see src/seal/age_file.rs for the header strictness omsso adds on top.
#[test]
fn the_age_crate_is_0_12_1_or_newer() {
    let versions: Vec<Vec<u64>> = locked()
        .into_iter()
        .filter(|(n, _)| n == "age")
        .map(|(_, v)| v.split('.').map(|p| p.parse().unwrap_or(0)).collect())
        .collect();
    assert_eq!(versions.len(), 1, "{versions:?}");
    assert!(versions[0] >= vec![0, 12, 1], "{versions:?}");
}
