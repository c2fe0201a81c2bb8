//! `omsso config show`: the resolved settings and the source of each value.

use serde_json::{json, Map, Value};

use super::Context;
use crate::cli::ConfigCommand;
use crate::commands::error::Result;

pub fn run(cmd: ConfigCommand, ctx: &Context) -> Result<()> {
    match cmd {
        ConfigCommand::Show => show(ctx),
    }
}

fn show(ctx: &Context) -> Result<()> {
    let s = &ctx.settings;
    let rows = s.describe();
    let mut settings = Map::new();
    let mut sources = Map::new();
    for (key, value, source) in &rows {
        settings.insert((*key).to_string(), value.clone());
        sources.insert((*key).to_string(), json!(source));
    }
    let doc = json!({
        "config_file": s.config_file.as_ref().map(|p| p.display().to_string()),
        "environment": s.env_name,
        "settings": settings,
        "sources": sources,
    });
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
