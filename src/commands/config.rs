//! `omsso config show`: the resolved settings and the source of each value.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::Context;
use crate::cli::ConfigCommand;
use crate::commands::error::Result;
use crate::settings::Source;

pub fn run(cmd: ConfigCommand, ctx: &Context) -> Result<()> {
    match cmd {
        ConfigCommand::Show => show(ctx),
    }
}

/// `config show`'s JSON document: every setting's value and where it came from, by key.
#[derive(Serialize)]
struct ConfigReport<'a> {
    config_file: Option<String>,
    environment: Option<&'a str>,
    settings: BTreeMap<&'static str, &'a Value>,
    sources: BTreeMap<&'static str, &'a Source>,
}

fn show(ctx: &Context) -> Result<()> {
    let s = &ctx.settings;
    let rows = s.describe();
    let doc = ConfigReport {
        config_file: s.config_file.as_ref().map(|p| p.display().to_string()),
        environment: s.env_name.as_deref(),
        settings: rows.iter().map(|(key, value, _)| (*key, value)).collect(),
        sources: rows.iter().map(|(key, _, source)| (*key, source)).collect(),
    };
    ctx.ui.emit(&doc, || {
        let mut out = format!(
            "# settings file: {}\n",
            s.config_file
                .as_ref()
                .map_or("(none)".to_string(), |p| p.display().to_string())
        );
        if let Some(e) = &s.env_name {
            out.push_str(&format!("# environment: {e}\n"));
        }
        let width = rows.iter().map(|(k, ..)| k.len()).max().unwrap_or(0);
        for (key, value, source) in &rows {
            let shown = match value {
                Value::Null => "(not set)".to_string(),
                Value::String(v) => v.clone(),
                other => other.to_string(),
            };
            // Values come from the file and the environment: one line each.
            out.push_str(&format!(
                "{key:width$}  {}  [{}]\n",
                crate::output::one_line(&shown),
                crate::output::one_line(&source.to_string())
            ));
        }
        out
    });
    Ok(())
}
