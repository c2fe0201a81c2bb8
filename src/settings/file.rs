//! omsso.yaml: the base sections plus named environments (`environments: {dev: …}`) that
//! overlay them; `--environment NAME` picks one.

use std::collections::BTreeMap;
use std::path::Path;

use super::layer::{FileLayers, Layer, Source, Sources};
use super::SettingsError;

/// The whole settings file. Public for the fuzzer (`fuzz/`), which feeds
/// [`SettingsFile::parse`] arbitrary text.
#[derive(Debug, Default)]
pub struct SettingsFile {
    base: Layer,
    environments: BTreeMap<String, Layer>,
}

impl SettingsFile {
    pub(super) fn load(path: &Path) -> Result<SettingsFile, SettingsError> {
        let text =
            crate::input::read_to_string(path, crate::input::Accept::File).map_err(|source| {
                SettingsError::Read {
                    path: path.to_path_buf(),
                    source,
                }
            })?;
        SettingsFile::parse(path, &text)
    }

    /// Parses the text of the settings file `path` (named in errors).
    pub fn parse(path: &Path, text: &str) -> Result<SettingsFile, SettingsError> {
        // An empty (or comments-only) file is a valid file with nothing in it.
        let value: serde_yaml::Value =
            serde_yaml::from_str(text).map_err(|e| parse_error(path, text, e))?;
        if value.is_null() {
            return Ok(SettingsFile::default());
        }
        let FileLayers { base, environments } =
            serde_yaml::from_str(text).map_err(|e| parse_error(path, text, e))?;
        Ok(SettingsFile { base, environments })
    }

    /// The names under `environments:`.
    pub fn environment_names(&self) -> Vec<String> {
        self.environments.keys().cloned().collect()
    }

    /// Overlays the file's base sections onto `values`, then environment `env_name` when
    /// given; relative paths become relative to the file's folder.
    pub fn apply(
        self,
        path: &Path,
        env_name: Option<&str>,
        values: &mut Layer,
        sources: &mut Sources,
    ) -> Result<(), SettingsError> {
        let dir = path.parent().unwrap_or(Path::new("."));
        let shown = path.display().to_string();
        let mut base = self.base;
        base.rebase_paths(dir);
        values.overlay(base, sources, |_| Source::File(shown.clone()));
        if let Some(name) = env_name {
            let mut envs = self.environments;
            let available: Vec<String> = envs.keys().cloned().collect();
            let mut env = envs.remove(name).ok_or_else(|| SettingsError::UnknownEnv {
                name: name.to_string(),
                path: path.to_path_buf(),
                available,
            })?;
            env.rebase_paths(dir);
            let shown = format!("{shown} (environments.{name})");
            values.overlay(env, sources, |_| Source::File(shown.clone()));
        }
        Ok(())
    }
}

fn parse_error(path: &Path, text: &str, e: serde_yaml::Error) -> SettingsError {
    let mut message = e.to_string();
    // The parser gives no position for an unknown key at the top level; find its line.
    if !message.contains(" at line ") {
        if let Some(line) = unknown_field(&message).and_then(|k| key_line(text, k)) {
            message.push_str(&format!(" at line {line}"));
        }
    }
    SettingsError::Parse {
        path: path.to_path_buf(),
        message,
    }
}

fn unknown_field(message: &str) -> Option<&str> {
    let rest = message.split("unknown field `").nth(1)?;
    rest.split('`').next()
}

/// 1-based line of the first top-level `key:` in `text`.
fn key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map(|i| i + 1)
}
