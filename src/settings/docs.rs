//! docs/SETTINGS.md, generated from the settings table (tests/settings_docs.rs keeps the
//! file in step: `UPDATE_DOCS=1 cargo test --test suite settings_docs::` rewrites it).

use super::table::{Default, SECTIONS, SETTINGS};

/// The whole of docs/SETTINGS.md.
pub fn markdown() -> String {
    let mut out = String::from(
        "# Settings\n\n\
         <!-- generated from src/settings/table.rs: do not edit; \
         UPDATE_DOCS=1 cargo test --test suite settings_docs:: -->\n\n\
         Every setting comes from a flag, an `OMSSO_*` environment variable or `omsso.yaml` \
         (precedence in that order, then the default). Paths in `omsso.yaml` are relative to \
         the file's folder. Lists take a repeated flag or a comma-separated variable. Secrets \
         are never flags: the `*_file` settings point to a file holding them, or set the \
         variable named in the description. `omsso <command> --help` lists the settings that \
         command reads; `omsso config show` prints the resolved values and their sources. \
         examples/omsso.yaml is a commented example.\n",
    );
    for (section, title) in SECTIONS {
        out.push_str(&format!(
            "\n## {title} (`{section}`)\n\n\
             | key | flag | environment variable | value | default | what it is |\n\
             |---|---|---|---|---|---|\n"
        ));
        for s in SETTINGS.iter().filter(|s| s.section() == *section) {
            let flag = match s.short {
                Some(c) => format!("`-{c}`, `--{}`", s.flag),
                None => format!("`--{}`", s.flag),
            };
            let default = match s.default {
                Default::None => String::new(),
                Default::Is("") => "none".to_string(),
                Default::Is(d) => format!("`{d}`"),
                Default::Derived(how) => how.to_string(),
            };
            out.push_str(&format!(
                "| `{}` | {flag} | `{}` | {} | {default} | {} |\n",
                s.key,
                s.env,
                s.kind,
                s.help.replace('|', "\\|")
            ));
        }
    }
    out
}
