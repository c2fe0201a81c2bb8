//! Tables in the docs that are generated from the code: the release-line table in
//! docs/OPENMETADATA-RELEASES.md comes from `omsso::openmetadata::lines::markdown_table()`.
//! Regenerate with `UPDATE_DOCS=1 cargo test --test suite docs_tables::`.

use crate::support;

/// The page that holds the table.
const PAGE: &str = "docs/OPENMETADATA-RELEASES.md";
const BEGIN: &str =
    "<!-- release-lines: generated from src/openmetadata (tests/suite/docs_tables.rs) -->\n";
const END: &str = "<!-- /release-lines -->";

#[test]
fn the_release_table_in_the_docs_is_the_one_the_code_knows() {
    let path = support::repo_root().join(PAGE);
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text
        .find(BEGIN)
        .expect("the page has the release-lines markers")
        + BEGIN.len();
    let end = start
        + text[start..]
            .find(END)
            .expect("the page closes the release-lines markers");
    let table = omsso::openmetadata::lines::markdown_table();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        let updated = format!("{}{table}{}", &text[..start], &text[end..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    assert_eq!(
        &text[start..end],
        table,
        "{PAGE}'s release table is stale: UPDATE_DOCS=1 cargo test --test suite docs_tables::"
    );
}
