//! The docs' examples run as tests (trycmd), so they cannot drift from what omsso prints.
//!
//! In the pages below, every ```` ```console ```` block is a transcript: `$ omsso …` runs the
//! binary just built, the lines under it are its stdout and stderr together, and `? N` is its
//! exit code (none: 0). `...` on a line of its own matches any lines, `[..]` any text within a
//! line (a timestamp, a freshly generated key). Blocks with another language (`text`, `sh`,
//! `yaml`) are not run: they show what needs Keycloak or a running OpenMetadata.
//!
//! Each page runs, top to bottom, in a fresh copy of `tests/fixtures/docs/` (the `omsso.yaml`,
//! credentials file, keys and handoffs its examples name), so a page's later blocks see the
//! files its earlier ones wrote. trycmd looks for that folder beside the page (`PAGE.in/`), so
//! the page is linked into a temporary folder next to its copy.
//!
//! On a mismatch trycmd prints the expected and the actual output. After a deliberate change of
//! output, `TRYCMD=overwrite cargo test --test suite docs_examples::` rewrites the transcripts in place
//! (through the link); check the diff and keep the wildcards it replaced.

use std::path::{Path, PathBuf};

/// The pages whose `console` blocks are offline examples.
const PAGES: &[&str] = &[
    "README.md",
    "docs/GUIDE.md",
    "docs/HANDOFF.md",
    "docs/DEPLOY.md",
    "docs/EXIT-CODES.md",
    "docs/SECURITY.md",
];

/// Variables of the test set-up (scripts/keycloak, support), which omsso itself never reads.
const TEST_ONLY: &[&str] = &[
    "OMSSO_KC_PORT",
    "OMSSO_KC_MGMT_PORT",
    "OMSSO_REFERENCE",
    "OMSSO_OM_MODELS_CACHE",
    "OMSSO_KC_HOME",
    "OMSSO_KC_START_TIMEOUT",
    "OMSSO_KC_VERSION",
];

/// Programs other than omsso that a transcript may run.
const TOOLS: &[&str] = &["cat", "git"];

#[test]
fn the_console_examples_in_the_docs_print_what_they_show() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // omsso reads settings from OMSSO_* variables and the transcripts assume the caller set
    // none. This test shares its process with the others, so it cannot unset them: it names them.
    let set: Vec<String> = std::env::vars_os()
        .map(|(key, _)| key.to_string_lossy().into_owned())
        .filter(|key| key.starts_with("OMSSO_") && !TEST_ONLY.contains(&key.as_str()))
        .collect();
    assert!(
        set.is_empty(),
        "the docs examples run omsso without settings from the environment: unset {}",
        set.join(", ")
    );
    let work = tempfile::tempdir().unwrap();
    let cases = trycmd::TestCases::new();
    cases.register_bin("omsso", PathBuf::from(env!("CARGO_BIN_EXE_omsso")));
    for tool in TOOLS {
        cases.register_bin(*tool, which(tool));
    }
    for page in PAGES {
        let source = root.join(page);
        assert!(source.is_file(), "{page} is missing");
        let linked = work.path().join(source.file_name().unwrap());
        std::os::unix::fs::symlink(&source, &linked).unwrap();
        copy_dir(
            &root.join("tests/fixtures/docs"),
            &linked.with_extension("in"),
        );
        cases.case(&linked);
    }
    cases.run();
}

fn which(tool: &str) -> PathBuf {
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join(tool))
        .find(|path| path.is_file())
        .unwrap_or_else(|| panic!("`{tool}` (run by a docs example) is not on PATH"))
}

/// Copies a folder of plain files and folders (with their modes).
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
