//! `omsso verify --file` on the snippets of OpenMetadata's own Keycloak doc pages, verbatim: what
//! the docs hand users, and what is wrong with it. The snippets are read at test time from the
//! reference NOTES.md §1–3, which quotes the `authcode` tab (a confidential client) of each page
//! (open-metadata/docs-om @3cbae06, `v1.12.x-SNAPSHOT/deployment/security/keycloak/{docker,
//! bare-metal,kubernetes}.mdx`) without its leading `# Auth Code Flow` comment lines for §2–3.
//! NOTES.md is the source because the docs repository is not reachable from every machine the
//! tests run on (this project's CI among them), while the reference folder is.

use std::path::{Path, PathBuf};

use crate::support::reference;
use crate::verify_file::expect;

/// The first fenced block after the heading `## {section}.` of the reference NOTES.md, written
/// to a file in `dir`.
fn doc_snippet(section: u32, ext: &str, dir: &Path) -> PathBuf {
    let path = reference("openmetadata/NOTES.md");
    let notes = std::fs::read_to_string(&path).unwrap();
    let heading = format!("\n## {section}.");
    let at = notes
        .find(&heading)
        .unwrap_or_else(|| panic!("{}: no section {section}", path.display()));
    let section_text = &notes[at..];
    let start = section_text.find("```\n").expect("code block") + 4;
    let block = &section_text[start..];
    let block = &block[..block.find("```").expect("block end")];
    let file = dir.join(format!("notes-section-{section}.{ext}"));
    std::fs::write(&file, block).unwrap();
    file
}

#[test]
fn docs_docker_env_snippet() {
    let dir = tempfile::tempdir().unwrap();
    let got = expect(
        &doc_snippet(1, "env", dir.path()),
        &[
            // Trailing `# comments` on unquoted values.
            ("env-inline-comment", Some(4)),
            ("env-inline-comment", Some(5)),
            ("principal-domain-example", Some(5)),
            ("env-inline-comment", Some(7)),
            ("env-inline-comment", Some(8)),
            // AUTHENTICATION_PUBLIC_KEYS: {your domain}, a localhost realm URL, a comment.
            ("placeholder", Some(9)),
            ("env-inline-comment", Some(9)),
            ("localhost-from-container", Some(9)),
            // AUTHENTICATION_AUTHORITY={http://…}: braces around the whole value.
            ("authority-not-issuer", Some(10)),
            ("placeholder", Some(12)),
            ("env-inline-comment", Some(15)),
            // OIDC_CLIENT_SECRET="{CLIENT_SECRET}"
            ("placeholder", Some(16)),
            // OIDC_DISCOVERY_URI="OIDC_DISCOVERY_URI=http://…/realms/openmetadata/…"
            ("key-in-value", Some(18)),
            ("realm-path-mixed", Some(18)),
            ("realm-mismatch", Some(18)),
        ],
    );
    assert!(got
        .iter()
        .any(|(c, _, s)| c == "key-in-value" && s == "error"));
}

#[test]
fn docs_openmetadata_yaml_snippet() {
    let dir = tempfile::tempdir().unwrap();
    expect(
        &doc_snippet(2, "yaml", dir.path()),
        &[
            ("principal-domain-example", Some(8)),
            // No providerName (a doc omission the notes point out).
            ("missing-key", Some(9)),
            ("placeholder", Some(12)),
            ("placeholder", Some(13)),
            ("authority-not-issuer", Some(14)),
            ("placeholder", Some(15)),
            // No tenant, which the schema requires.
            ("missing-key", Some(18)),
            ("placeholder", Some(19)),
            ("placeholder", Some(21)),
            // discoveryUri:"{Keycloak-server-URL}/realms/…" (no space; /realms vs /auth/realms)
            ("yaml-missing-space", Some(22)),
            ("placeholder", Some(22)),
            ("realm-path-mixed", Some(22)),
            // callbackUrl: http://localhost:8585/callback"
            ("stray-quote", Some(23)),
        ],
    );
}

#[test]
fn docs_helm_values_snippet() {
    let dir = tempfile::tempdir().unwrap();
    expect(
        &doc_snippet(3, "yaml", dir.path()),
        &[
            ("principal-domain-example", Some(10)),
            ("placeholder", Some(16)),
            ("placeholder", Some(17)),
            // authority: "{Keycloak-server-URL}/realms/{…}/protocol/openid-connect/auth"
            ("authority-not-issuer", Some(18)),
            ("placeholder", Some(19)),
            ("yaml-missing-space", Some(30)),
            ("placeholder", Some(30)),
        ],
    );
}
