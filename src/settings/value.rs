//! The value types a setting can have ([`Kind`]) and a parsed value ([`Value`]). Each kind
//! parses the same way from a flag or env var (text) and from omsso.yaml (YAML), and says how
//! `config show` prints it.

use std::fmt;
use std::path::PathBuf;

use serde::de::{DeserializeSeed, Deserializer};
use serde::Deserialize;

use super::openmetadata::{ClientType, Namespace, ResponseType, RoleSource, SecretName};
use super::HttpUrl;
use crate::jwt_keys::KeySize;
use crate::openmetadata::{ChartVersion, OmVersion};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An http(s) URL ([`HttpUrl`]).
    Url,
    /// A name that must not be empty (realm, user, client id).
    Name,
    /// Any text.
    Text,
    /// A file or folder; relative paths in omsso.yaml are relative to the file's folder.
    Path,
    /// Whole seconds.
    Seconds,
    /// A count (32 bits).
    Count,
    Bool,
    /// A list of text: repeatable flag, comma-separated env var, YAML list.
    Strings,
    /// A list of paths, like `Strings`.
    Paths,
    OmVersion,
    ClientType,
    ResponseType,
    RoleSource,
    SecretName,
    Namespace,
    ChartVersion,
    /// An RSA key size omsso makes: 2048, 3072 or 4096.
    KeySize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Path(PathBuf),
    Url(HttpUrl),
    Number(u64),
    Bool(bool),
    Strings(Vec<String>),
    Paths(Vec<PathBuf>),
    OmVersion(OmVersion),
    ClientType(ClientType),
    ResponseType(ResponseType),
    RoleSource(RoleSource),
    SecretName(SecretName),
    Namespace(Namespace),
    ChartVersion(ChartVersion),
    KeySize(KeySize),
}

impl Kind {
    pub fn is_list(self) -> bool {
        matches!(self, Kind::Strings | Kind::Paths)
    }

    pub fn is_path(self) -> bool {
        matches!(self, Kind::Path | Kind::Paths)
    }

    /// The values a flag of this kind accepts, when there are only a few.
    pub fn choices(self) -> Option<&'static [&'static str]> {
        match self {
            Kind::ClientType => Some(&["confidential", "public"]),
            Kind::ResponseType => Some(&["id_token", "code"]),
            Kind::KeySize => Some(&["2048", "3072", "4096"]),
            Kind::RoleSource => Some(&["realm", "client"]),
            _ => None,
        }
    }

    /// Parses one flag or env var value (one element, for lists).
    pub fn parse(self, s: &str) -> Result<Value, String> {
        Ok(match self {
            Kind::Url => Value::Url(s.parse()?),
            Kind::Name | Kind::Text => Value::Text(s.to_string()),
            Kind::Path => Value::Path(PathBuf::from(s)),
            Kind::Seconds => Value::Number(s.trim().parse().map_err(|e| format!("{e}"))?),
            Kind::Count => Value::Number(u64::from(
                s.trim().parse::<u32>().map_err(|e| format!("{e}"))?,
            )),
            Kind::Bool => Value::Bool(parse_bool(s)?),
            Kind::Strings => Value::Strings(vec![s.to_string()]),
            Kind::Paths => Value::Paths(vec![PathBuf::from(s)]),
            Kind::OmVersion => Value::OmVersion(OmVersion::asked(s)?),
            Kind::ClientType => Value::ClientType(enum_value(s)?),
            Kind::ResponseType => Value::ResponseType(enum_value(s)?),
            Kind::RoleSource => Value::RoleSource(enum_value(s)?),
            Kind::SecretName => Value::SecretName(s.parse()?),
            Kind::Namespace => Value::Namespace(s.parse()?),
            Kind::ChartVersion => Value::ChartVersion(s.parse()?),
            Kind::KeySize => Value::KeySize(s.parse()?),
        })
    }

    /// A default from the settings table; `""` is the empty list.
    pub fn parse_default(self, s: &str) -> Result<Value, String> {
        match self {
            Kind::Strings if s.is_empty() => Ok(Value::Strings(Vec::new())),
            Kind::Paths if s.is_empty() => Ok(Value::Paths(Vec::new())),
            _ => self.parse(s),
        }
    }

    /// Joins the elements of a repeated flag (or a comma-separated env var) into one value;
    /// `None` when there are none (an absent list is unset, not empty).
    pub fn join(self, parts: Vec<Value>) -> Option<Value> {
        if parts.is_empty() {
            return None;
        }
        let mut parts = parts.into_iter();
        let first = parts.next()?;
        Some(parts.fold(first, |acc, v| match (acc, v) {
            (Value::Strings(mut a), Value::Strings(b)) => {
                a.extend(b);
                Value::Strings(a)
            }
            (Value::Paths(mut a), Value::Paths(b)) => {
                a.extend(b);
                Value::Paths(a)
            }
            (_, last) => last,
        }))
    }
}

/// What clap's boolish parser accepts, so a flag, an env var and the file agree.
fn parse_bool(s: &str) -> Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" | "t" | "true" | "on" | "1" => Ok(true),
        "n" | "no" | "f" | "false" | "off" | "0" => Ok(false),
        _ => Err(format!("`{s}` is not true or false")),
    }
}

fn enum_value<T: clap::ValueEnum>(s: &str) -> Result<T, String> {
    T::from_str(s.trim(), false).map_err(|_| {
        let names: Vec<String> = T::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value().map(|p| p.get_name().to_string()))
            .collect();
        format!("`{s}` is not one of {}", names.join(", "))
    })
}

impl Value {
    /// The value as `config show` prints it in JSON.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        let path = |p: &PathBuf| p.display().to_string();
        match self {
            Value::Text(s) => json!(s),
            Value::Path(p) => json!(path(p)),
            Value::Url(u) => json!(u.as_str()),
            Value::Number(n) => json!(n),
            Value::Bool(b) => json!(b),
            Value::Strings(v) => json!(v),
            Value::Paths(v) => json!(v.iter().map(path).collect::<Vec<_>>()),
            Value::OmVersion(v) => json!(v.to_string()),
            Value::ClientType(v) => json!(v.as_str()),
            Value::ResponseType(v) => json!(v.as_str()),
            Value::RoleSource(v) => json!(v.as_str()),
            Value::SecretName(v) => json!(v.as_str()),
            Value::Namespace(v) => json!(v.as_str()),
            Value::ChartVersion(v) => json!(v.to_string()),
            Value::KeySize(v) => json!(v.bits()),
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Url => "URL",
            Kind::Name => "name",
            Kind::Text => "text",
            Kind::Path => "path",
            Kind::Seconds => "seconds",
            Kind::Count => "number",
            Kind::Bool => "true/false",
            Kind::Strings => "list",
            Kind::Paths => "list of paths",
            Kind::OmVersion => "X.Y or X.Y.Z",
            Kind::ClientType => "confidential/public",
            Kind::ResponseType => "id_token/code",
            Kind::RoleSource => "realm/client",
            Kind::SecretName | Kind::Namespace => "Kubernetes name",
            Kind::ChartVersion => "X.Y.Z",
            Kind::KeySize => "2048/3072/4096",
        })
    }
}

/// Reads one value of `Kind` from omsso.yaml; `null` is no value. Errors carry the parser's
/// key path and line.
pub struct FileValue(pub Kind);

impl<'de> DeserializeSeed<'de> for FileValue {
    type Value = Option<Value>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<Value>, D::Error> {
        fn read<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
            d: D,
            f: impl FnOnce(T) -> Value,
        ) -> Result<Option<Value>, D::Error> {
            Ok(Option::<T>::deserialize(d)?.map(f))
        }
        match self.0 {
            Kind::Url => read(d, Value::Url),
            Kind::Name | Kind::Text => read(d, Value::Text),
            Kind::Path => read(d, Value::Path),
            Kind::Seconds => read(d, Value::Number),
            Kind::Count => read(d, |n: u32| Value::Number(u64::from(n))),
            Kind::Bool => read(d, Value::Bool),
            Kind::Strings => read(d, Value::Strings),
            Kind::Paths => read(d, Value::Paths),
            Kind::OmVersion => read(d, Value::OmVersion),
            Kind::ClientType => read(d, Value::ClientType),
            Kind::ResponseType => read(d, Value::ResponseType),
            Kind::RoleSource => read(d, Value::RoleSource),
            Kind::SecretName => read(d, Value::SecretName),
            Kind::Namespace => read(d, Value::Namespace),
            Kind::ChartVersion => read(d, Value::ChartVersion),
            Kind::KeySize => read(d, Value::KeySize),
        }
    }
}
