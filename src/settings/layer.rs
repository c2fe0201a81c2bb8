//! One layer of settings (the file's base, one of its environments, env vars, flags): the
//! values it sets, by key of the settings table. Layers stack with [`Layer::overlay`], the
//! higher one winning per key. omsso.yaml is read through the table too, so a key the table
//! does not know is an error naming its line.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use super::table::{self, Setting, SECTIONS, SETTINGS};
use super::value::{FileValue, Value};

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Layer {
    values: BTreeMap<&'static str, Value>,
}

/// Where a value came from, for `config show` and for error messages.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum Source {
    Default,
    File(String),
    Env(String),
    Flag(String),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Default => f.write_str("default"),
            Source::File(s) => write!(f, "file {s}"),
            Source::Env(s) => write!(f, "env {s}"),
            Source::Flag(s) => write!(f, "flag {s}"),
        }
    }
}

pub type Sources = BTreeMap<&'static str, Source>;

/// The settings given on the command line (flags and env vars), each with its source. Built
/// by the command-line layer from the settings table.
#[derive(Debug, Default, Clone)]
pub struct Given {
    pub values: Layer,
    pub sources: Sources,
}

impl Given {
    /// Records `value` for setting `s`, set by `source`.
    pub fn set(&mut self, s: &'static Setting, value: Value, source: Source) {
        self.values.values.insert(s.key, value);
        self.sources.insert(s.key, source);
    }
}

impl Layer {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.values.get(key)
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Copies each value `top` sets over this layer and records where it came from; `source`
    /// maps a key to the source of its value in `top`.
    pub fn overlay(&mut self, top: Layer, sources: &mut Sources, source: impl Fn(&str) -> Source) {
        for (key, value) in top.values {
            sources.insert(key, source(key));
            self.values.insert(key, value);
        }
    }

    /// Makes relative paths from a settings file relative to that file's folder, which is what
    /// a user reading the file expects (not the folder omsso happens to be run from). `-`
    /// (stdin) stays as it is.
    pub fn rebase_paths(&mut self, dir: &Path) {
        let rebase = |p: &mut std::path::PathBuf| {
            if p.is_relative() && p.as_os_str() != "-" {
                *p = dir.join(&*p);
            }
        };
        for value in self.values.values_mut() {
            match value {
                Value::Path(p) => rebase(p),
                Value::Paths(ps) => ps.iter_mut().for_each(rebase),
                _ => {}
            }
        }
    }
}

/// A layer in omsso.yaml: the sections of the table, nothing else.
impl<'de> Deserialize<'de> for Layer {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Layer, D::Error> {
        let mut layer = Layer::default();
        d.deserialize_map(Sections {
            layer: &mut layer,
            prefix: None,
        })?;
        Ok(layer)
    }
}

/// Reads a map of sections (`prefix` None) or of one section's keys (`prefix` "keycloak",
/// "helm.sops") into `layer`.
struct Sections<'a> {
    layer: &'a mut Layer,
    prefix: Option<String>,
}

impl Sections<'_> {
    /// The keys allowed at this level, for the unknown-key error.
    fn expected(&self) -> Vec<String> {
        let Some(prefix) = &self.prefix else {
            return SECTIONS.iter().map(|(s, _)| (*s).to_string()).collect();
        };
        let mut keys: Vec<String> = Vec::new();
        for s in SETTINGS {
            if let Some(rest) = s.key.strip_prefix(&format!("{prefix}.")) {
                let first = rest.split('.').next().unwrap_or(rest).to_string();
                if !keys.contains(&first) {
                    keys.push(first);
                }
            }
        }
        keys
    }
}

impl<'de> DeserializeSeed<'de> for Sections<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Sections<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match &self.prefix {
            None => f.write_str("a map of settings sections"),
            Some(p) => write!(f, "the keys of section `{p}`"),
        }
    }

    /// `keycloak:` with nothing under it sets nothing.
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let expected = self.expected();
        while let Some(name) = map.next_key_seed(Key(&expected))? {
            let full = match &self.prefix {
                None => name,
                Some(p) => format!("{p}.{name}"),
            };
            match table::find(&full) {
                Some(setting) => {
                    if let Some(v) = map.next_value_seed(FileValue(setting.kind))? {
                        self.layer.values.insert(setting.key, v);
                    }
                }
                None => map.next_value_seed(Sections {
                    layer: &mut *self.layer,
                    prefix: Some(full),
                })?,
            }
        }
        Ok(())
    }
}

/// A key of a map, refused unless `expected` holds it; refused here, while the parser is at
/// the key, the error names the key's line.
struct Key<'a>(&'a [String]);

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key<'_> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a settings key")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<String, E> {
        if self.0.iter().any(|k| k == name) {
            return Ok(name.to_string());
        }
        let expected: Vec<String> = self.0.iter().map(|k| format!("`{k}`")).collect();
        Err(E::custom(format!(
            "unknown field `{name}`, expected one of {}",
            expected.join(", ")
        )))
    }
}

/// The whole settings file: the base sections plus named environments.
pub(super) struct FileLayers {
    pub base: Layer,
    pub environments: BTreeMap<String, Layer>,
}

impl<'de> Deserialize<'de> for FileLayers {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<FileLayers, D::Error> {
        d.deserialize_map(FileVisitor)
    }
}

struct FileVisitor;

impl<'de> Visitor<'de> for FileVisitor {
    type Value = FileLayers;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map of settings sections and `environments`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FileLayers, A::Error> {
        let mut file = FileLayers {
            base: Layer::default(),
            environments: BTreeMap::new(),
        };
        let mut expected: Vec<String> = SECTIONS.iter().map(|(s, _)| (*s).to_string()).collect();
        expected.push("environments".to_string());
        while let Some(name) = map.next_key_seed(Key(&expected))? {
            if name == "environments" {
                let envs: Option<BTreeMap<String, Layer>> = map.next_value()?;
                file.environments.extend(envs.unwrap_or_default());
            } else {
                map.next_value_seed(Sections {
                    layer: &mut file.base,
                    prefix: Some(name),
                })?;
            }
        }
        Ok(file)
    }
}
