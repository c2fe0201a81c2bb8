//! docs/CHECKS.md, generated from the two check registries ([`super::registry`] and
//! [`crate::lint::registry`]); the test below fails when the file is stale, and
//! `UPDATE_DOCS=1 cargo test --lib checks_doc` rewrites it.

use super::registry::LIVE_CHECKS;
use crate::hint::Opt;
use crate::lint::registry::{Clients, Scope, FILE_CHECKS};
use crate::lint::{FileKind, Severity};

/// docs/CHECKS.md: every check `verify` can print, live and file.
pub fn markdown() -> String {
    let mut out = String::from(
        "# The checks of `omsso verify`\n\n\
         Generated from the check registries (src/verify/registry.rs, src/lint/registry.rs); \
         regenerate with `UPDATE_DOCS=1 cargo test --lib checks_doc`.\n\n\
         ## Live checks (`omsso verify`, `omsso run`)\n\n\
         A failure is `FAIL` (exit 3), a warning `warn`; a check that cannot run prints \
         `skip` with the reason.\n\n\
         | check | client | admin login | on failure | what it checks | skipped when |\n\
         |---|---|---|---|---|---|\n",
    );
    for c in LIVE_CHECKS {
        let Scope::Live {
            client,
            admin_login,
        } = c.scope
        else {
            continue;
        };
        let client = match client {
            Clients::Both => "both",
            Clients::Public => "public",
            Clients::Confidential => "confidential",
        };
        let outcome = if c.severity == Severity::Error {
            "FAIL"
        } else {
            "warn"
        };
        out.push_str(&format!(
            "| `{}` | {client} | {} | {outcome} | {} | {} |\n",
            c.name,
            if admin_login { "needed" } else { "no" },
            c.what,
            or_never(c.skipped)
        ));
    }
    out.push_str(&format!(
        "\n## File checks (`omsso verify {}`; render lints its own output with them)\n\n\
         An `error` makes verify exit 3; a `warning` or `info` does not. A value that is only \
         the default of `${{VAR:-default}}` is reported as a warning at most.\n\n\
         | check | formats | severity | what it checks | skipped when |\n\
         |---|---|---|---|---|\n",
        Opt::File
    ));
    for c in FILE_CHECKS {
        let Scope::File(formats) = c.scope else {
            continue;
        };
        let formats: Vec<&str> = formats.iter().map(|k| format_name(*k)).collect();
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            c.name,
            formats.join(", "),
            c.severity.label(),
            c.what,
            or_never(c.skipped)
        ));
    }
    out
}

fn format_name(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Yaml => "yaml",
        FileKind::Env => "env",
        FileKind::Helm => "helm",
        FileKind::Sops => "sops",
    }
}

fn or_never(skipped: &str) -> &str {
    if skipped.is_empty() {
        "never"
    } else {
        skipped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/CHECKS.md is generated; `UPDATE_DOCS=1 cargo test --lib checks_doc` rewrites it.
    #[test]
    fn checks_doc_is_the_one_the_registries_make() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/CHECKS.md");
        let doc = markdown();
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(&path, &doc).unwrap();
            return;
        }
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            on_disk == doc,
            "docs/CHECKS.md is stale: UPDATE_DOCS=1 cargo test --lib checks_doc"
        );
    }
}
