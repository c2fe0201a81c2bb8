//! The table of docs/SECURITY.md that says which request carries which credential to whom,
//! generated from [`Purpose`] (a new purpose cannot be added without its row); the test
//! below fails when the page is stale, and `UPDATE_DOCS=1 cargo test --lib requests_doc`
//! rewrites the table.

use super::Purpose;

const ALL: [Purpose; 6] = [
    Purpose::Api,
    Purpose::Probe,
    Purpose::ServerFetch,
    Purpose::Admin,
    Purpose::Token,
    Purpose::Login,
];

/// Which requests are of this class, and where they may go.
fn row(p: Purpose) -> (&'static str, &'static str) {
    match p {
        Purpose::Api => (
            "public reads: discovery documents, JWKS, Keycloak's realm info, OpenMetadata's \
             version",
            "wherever the settings, the file or a discovery document point",
        ),
        Purpose::Probe => (
            "a public read of a server that may not be there (OpenMetadata's version while \
             rendering), sent once",
            "wherever the settings or the file point",
        ),
        Purpose::ServerFetch => (
            "the realm keys in publicKeyUrls, fetched as OpenMetadata's server fetches them",
            "wherever the file points",
        ),
        Purpose::Admin => (
            "Keycloak's admin API; OpenMetadata's security endpoints (`apply`, and `run`'s apply \
             step) and user look-ups (`default-admin-gone` in `verify` and `run`, \
             `remove-default-admin`)",
            "the Keycloak URL (`keycloak.url`; for `verify`, the file's authority); the \
             OpenMetadata URL (`openmetadata.url`, else the file's)",
        ),
        Purpose::Token => (
            "the Keycloak admin login and its refreshes; `secret-authenticates`' \
             client-credentials grant; the code exchange of the test login",
            "the Keycloak URL; for `verify`, the file's authority and discoveryUri: never an \
             endpoint only the discovery document names",
        ),
        Purpose::Login => (
            "the test login of `verify`: the authorization request, the login form, Keycloak's \
             redirects (the redirect back to OpenMetadata is read, not followed)",
            "the file's authority alone, scheme included: a form or a redirect pointing \
             elsewhere is refused; cookies kept per origin (RFC 6265), one jar per login",
        ),
    }
}

/// The table, as docs/SECURITY.md holds it between its markers.
pub fn markdown() -> String {
    let mut out =
        String::from("| requests | carry | may go to | redirects followed |\n|---|---|---|---|\n");
    for p in ALL {
        let (requests, to) = row(p);
        let (carries, redirects) = match p.credentials() {
            None if p == Purpose::ServerFetch => (
                "nothing secret",
                "any origin, but never from one scheme to another (as the server's Java fetch)",
            ),
            None => (
                "nothing secret",
                "any origin, never down from https to plain http",
            ),
            Some(what) => (
                what,
                "within the origin, or up to https on the same host; never elsewhere",
            ),
        };
        out.push_str(&format!(
            "| {requests} | {carries} | {to} | {redirects} |\n"
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEGIN: &str = "<!-- requests: generated from src/http/requests_doc.rs -->\n";
    const END: &str = "<!-- /requests -->";

    /// The table in docs/SECURITY.md is generated; `UPDATE_DOCS=1 cargo test --lib
    /// requests_doc` rewrites it.
    #[test]
    fn requests_doc_is_the_one_the_code_makes() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/SECURITY.md");
        let text = std::fs::read_to_string(&path).unwrap();
        let start = text
            .find(BEGIN)
            .expect("SECURITY.md has the requests markers")
            + BEGIN.len();
        let end = start
            + text[start..]
                .find(END)
                .expect("SECURITY.md closes the markers");
        let table = markdown();
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(&path, format!("{}{table}{}", &text[..start], &text[end..])).unwrap();
            return;
        }
        assert!(
            text[start..end] == table,
            "docs/SECURITY.md's request table is stale: UPDATE_DOCS=1 cargo test --lib requests_doc"
        );
    }
}
