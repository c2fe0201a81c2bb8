//! `omsso verify --file` on the snippets of OpenMetadata's own Keycloak doc pages, verbatim
//! (read from the reference folder at test time): what the docs hand users, and what is wrong
//! with it.

use std::path::{Path, PathBuf};

use crate::support::reference;
use crate::verify_file::expect;

// The docs' own snippets (NOTES.md §1–3), verbatim: the `authcode` tab (a confidential client)
// of OpenMetadata's Keycloak page for each deployment.

/// The Keycloak doc pages whose snippets these tests lint: Docker (an env file), bare metal
/// (openmetadata.yaml), Kubernetes (Helm values). open-metadata/docs-om at the commit
/// scripts/reference-files.tsv pins.
pub const DOC_PAGES: [&str; 3] = ["docker", "bare-metal", "kubernetes"];

/// Where the doc page `page` (one of [`DOC_PAGES`]) is in the reference folder: the upstream path.
pub fn doc_page(page: &str) -> String {
    format!("openmetadata/docs/v1.12.x-SNAPSHOT/deployment/security/keycloak/{page}.mdx")
}

/// The fenced block of the `authcode` tab of the doc page `page`, written to a file in `dir`.
fn doc_snippet(page: &str, ext: &str, dir: &Path) -> PathBuf {
    assert!(DOC_PAGES.contains(&page), "{page} is not in DOC_PAGES");
    let mdx = reference(&doc_page(page));
    let text = std::fs::read_to_string(&mdx).unwrap();
    let tab = &text[text
        .find("<Tab title=\"authcode\">")
        .unwrap_or_else(|| panic!("{}: no authcode tab", mdx.display()))..];
    let start = tab.find("```\n").expect("code block") + 4;
    let block = &tab[start..];
    let block = &block[..block.find("```").expect("block end")];
    let path = dir.join(format!("{page}-authcode.{ext}"));
    std::fs::write(&path, block).unwrap();
    path
}

#[test]
fn docs_docker_env_snippet() {
    let dir = tempfile::tempdir().unwrap();
    let got = expect(
        &doc_snippet("docker", "env", dir.path()),
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
        &doc_snippet("bare-metal", "yaml", dir.path()),
        &[
            ("principal-domain-example", Some(9)),
            // No providerName (a doc omission the notes point out).
            ("missing-key", Some(10)),
            ("placeholder", Some(13)),
            ("placeholder", Some(14)),
            ("authority-not-issuer", Some(15)),
            ("placeholder", Some(16)),
            // No tenant, which the schema requires.
            ("missing-key", Some(19)),
            ("placeholder", Some(20)),
            ("placeholder", Some(22)),
            // discoveryUri:"{Keycloak-server-URL}/realms/…" (no space; /realms vs /auth/realms)
            ("yaml-missing-space", Some(23)),
            ("placeholder", Some(23)),
            ("realm-path-mixed", Some(23)),
            // callbackUrl: http://localhost:8585/callback"
            ("stray-quote", Some(24)),
        ],
    );
}

#[test]
fn docs_helm_values_snippet() {
    let dir = tempfile::tempdir().unwrap();
    expect(
        &doc_snippet("kubernetes", "yaml", dir.path()),
        &[
            ("principal-domain-example", Some(12)),
            ("placeholder", Some(18)),
            ("placeholder", Some(19)),
            // authority: "{Keycloak-server-URL}/realms/{…}/protocol/openid-connect/auth"
            ("authority-not-issuer", Some(20)),
            ("placeholder", Some(21)),
            ("yaml-missing-space", Some(32)),
            ("placeholder", Some(32)),
        ],
    );
}
