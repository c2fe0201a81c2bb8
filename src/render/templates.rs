//! The template environment: the built-in templates (embedded at build time), per-file
//! overrides from `--templates DIR`, strict undefined, and escaping chosen by the output
//! format of each template, so templates never quote values by hand.

use std::path::Path;
use std::sync::Arc;

use minijinja::syntax::SyntaxConfig;
use minijinja::value::{Object, ObjectRepr};
use minijinja::{
    AutoEscape, Environment, Error, ErrorKind, Output, State, UndefinedBehavior, Value,
};

use super::RenderError;
use crate::escape::{self, Fragment};

/// Every template, by the path of the file it renders (relative to the output folder).
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "openmetadata.yaml",
        include_str!("../../templates/openmetadata.yaml"),
    ),
    (
        "openmetadata.env",
        include_str!("../../templates/openmetadata.env"),
    ),
    (
        "helm/values.yaml",
        include_str!("../../templates/helm/values.yaml"),
    ),
    (
        "helm/oidc-secrets.yaml",
        include_str!("../../templates/helm/oidc-secrets.yaml"),
    ),
    (
        "docker-compose.jwt-keys.yml",
        include_str!("../../templates/docker-compose.jwt-keys.yml"),
    ),
    (
        "helm/jwt-keys.yaml",
        include_str!("../../templates/helm/jwt-keys.yaml"),
    ),
];

/// What a printed value is escaped for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// `openmetadata.yaml`: YAML that OpenMetadata's config loader reads, which substitutes
    /// `${…}` before parsing.
    OmConfigYaml,
    /// Other YAML (Helm values, the Kubernetes Secret).
    Yaml,
    /// A docker compose env file whose values OpenMetadata reads.
    Env,
}

impl Format {
    fn of(name: &str) -> Format {
        if name.ends_with(".env") {
            Format::Env
        } else if name == "openmetadata.yaml" {
            Format::OmConfigYaml
        } else {
            Format::Yaml
        }
    }

    fn name(self) -> &'static str {
        match self {
            Format::OmConfigYaml => "om-config-yaml",
            Format::Yaml => "yaml",
            Format::Env => "env",
        }
    }

    fn from_name(name: &str) -> Option<Format> {
        [Format::OmConfigYaml, Format::Yaml, Format::Env]
            .into_iter()
            .find(|f| f.name() == name)
    }
}

/// Written where a secret would be, in the redacted rendering shown in diffs.
pub const REDACTED: &str = "<redacted>";

/// Stands for the client secret in the redacted rendering.
#[derive(Debug)]
pub struct Redacted;

impl Object for Redacted {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(REDACTED)
    }
}

fn is_redacted(value: &Value) -> bool {
    value.downcast_object_ref::<Redacted>().is_some()
}

/// Builds the environment with the built-in templates named in `wanted`, each replaced by
/// `DIR/<name>` when that file exists. Templates that are not wanted are neither read nor
/// compiled.
pub fn environment(
    templates_dir: Option<&Path>,
    wanted: &[&str],
) -> Result<Environment<'static>, RenderError> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_syntax(
        SyntaxConfig::builder()
            .keep_trailing_newline(true)
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .expect("the default delimiters are valid"),
    );
    env.set_auto_escape_callback(|name| AutoEscape::Custom(Format::of(name).name().into()));
    env.set_formatter(format_value);
    env.add_filter("om_value", om_value);
    env.add_filter("om_quoted", om_quoted);
    env.add_filter("kube_env", kube_env);

    if let Some(dir) = templates_dir {
        if !dir.is_dir() {
            return Err(RenderError::TemplatesDir {
                path: dir.to_path_buf(),
            });
        }
    }
    for (name, builtin) in BUILTIN.iter().filter(|(name, _)| wanted.contains(name)) {
        let source = match templates_dir.map(|d| d.join(name)).filter(|p| p.exists()) {
            Some(path) => crate::input::read_to_string(&path, crate::input::Accept::File)
                .map_err(|source| RenderError::ReadTemplate { path, source })?,
            None => (*builtin).to_string(),
        };
        env.add_template_owned(*name, source)
            .map_err(|e| RenderError::from_template_error(e, name))?;
    }
    Ok(env)
}

/// Files in an override folder that match no template name (probably a typo).
///
/// Symbolic links are listed by name but never followed into: a link back up the tree would
/// otherwise make the walk endless. The walk is bounded too (templates live at most one
/// folder deep), since it only feeds a warning.
pub fn unknown_overrides(dir: &Path) -> Vec<String> {
    const MAX_DEPTH: usize = 4;
    const MAX_ENTRIES: usize = 1000;
    let mut unknown = Vec::new();
    let mut seen = 0;
    let mut stack = vec![(dir.to_path_buf(), 0)];
    while let Some((d, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            seen += 1;
            if seen > MAX_ENTRIES {
                return sorted(unknown);
            }
            let path = entry.path();
            // `DirEntry::file_type` does not follow links.
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if depth < MAX_DEPTH {
                    stack.push((path, depth + 1));
                }
            } else if kind.is_symlink() && path.is_dir() {
                // A linked folder (`helm -> ../shared/helm`): its templates are read through
                // the link, but the walk does not go in.
            } else if let Ok(rel) = path.strip_prefix(dir) {
                let rel = rel.to_string_lossy().into_owned();
                if !BUILTIN.iter().any(|(name, _)| *name == rel) {
                    unknown.push(rel);
                }
            }
        }
    }
    sorted(unknown)
}

fn sorted(mut names: Vec<String>) -> Vec<String> {
    names.sort();
    names
}

/// Prints a value escaped for the format of the template being rendered.
fn format_value(out: &mut Output, state: &mut State, value: &Value) -> Result<(), Error> {
    let AutoEscape::Custom(name) = state.auto_escape() else {
        return minijinja::escape_formatter(out, state, value);
    };
    let format = Format::from_name(name).expect("every template gets one of our formats");
    if value.is_safe() {
        return write!(out, "{value}").map_err(Error::from);
    }
    if is_redacted(value) {
        return out.write_str(REDACTED).map_err(Error::from);
    }
    let text = match format {
        Format::OmConfigYaml => escape::escape_substitution_quoted(&yaml_value(value)?),
        Format::Yaml => yaml_value(value)?,
        Format::Env => escape::env_value(&fragment(value)?).map_err(|refusal| {
            Error::new(ErrorKind::InvalidOperation, "value cannot be written").with_source(refusal)
        })?,
    };
    out.write_str(&text).map_err(Error::from)
}

/// A value as YAML: strings double-quoted, collections in flow style.
fn yaml_value(value: &Value) -> Result<String, Error> {
    use minijinja::value::ValueKind;
    Ok(match value.kind() {
        ValueKind::String => escape::yaml_quoted(value.as_str().unwrap_or_default()),
        ValueKind::Bool | ValueKind::Number => scalar_text(value),
        ValueKind::Seq | ValueKind::Iterable => {
            let items: Result<Vec<String>, Error> =
                value.try_iter()?.map(|v| yaml_value(&v)).collect();
            format!("[{}]", items?.join(", "))
        }
        ValueKind::Map => {
            let mut entries = Vec::new();
            for key in value.try_iter()? {
                let v = value.get_item(&key)?;
                entries.push(format!("{}: {}", yaml_value(&key)?, yaml_value(&v)?));
            }
            format!("{{{}}}", entries.join(", "))
        }
        other => return Err(not_printable(other)),
    })
}

/// A boolean or number as YAML writes it (minijinja prints booleans the Python way, `True`).
fn scalar_text(value: &Value) -> String {
    if value.kind() == minijinja::value::ValueKind::Bool {
        value.is_true().to_string()
    } else {
        value.to_string()
    }
}

/// A value in the shape OpenMetadata reads from one environment variable.
fn fragment(value: &Value) -> Result<Fragment, Error> {
    use minijinja::value::ValueKind;
    let scalar = |v: &Value| -> Result<String, Error> {
        match v.kind() {
            ValueKind::String => Ok(v.as_str().unwrap_or_default().to_string()),
            ValueKind::Bool | ValueKind::Number => Ok(scalar_text(v)),
            other => Err(not_printable(other)),
        }
    };
    Ok(match value.kind() {
        ValueKind::String => Fragment::Str(scalar(value)?),
        ValueKind::Bool | ValueKind::Number => Fragment::Raw(scalar_text(value)),
        ValueKind::Seq | ValueKind::Iterable => Fragment::Seq(
            value
                .try_iter()?
                .map(|v| scalar(&v))
                .collect::<Result<_, _>>()?,
        ),
        ValueKind::Map => {
            let mut entries = Vec::new();
            for key in value.try_iter()? {
                let v = value.get_item(&key)?;
                entries.push((scalar(&key)?, scalar(&v)?));
            }
            Fragment::Map(entries)
        }
        other => return Err(not_printable(other)),
    })
}

fn not_printable(kind: minijinja::value::ValueKind) -> Error {
    Error::new(
        ErrorKind::InvalidOperation,
        format!("cannot write a value of kind {kind} (guard optional values with `{{% if … %}}`)"),
    )
}

/// `{{ x | om_value }}`: for YAML values that OpenMetadata later reads from an environment
/// variable (Helm values and the Secret): the value as OpenMetadata's loader must find it.
/// The YAML escaping of the printed result still happens as usual.
fn om_value(value: Value) -> Result<Value, Error> {
    if is_redacted(&value) {
        return Ok(value);
    }
    Ok(Value::from(escape::om_fragment(&fragment(&value)?)))
}

/// `{{ x | om_quoted }}`: for Helm values the chart passes through its own `quote` before
/// OpenMetadata's loader reads them: the value stays as it is (the chart's quoting carries it),
/// only a literal `${` is escaped as `$${`, because the loader substitutes variables in what
/// it reads. Lists are escaped item by item.
fn om_quoted(value: Value) -> Result<Value, Error> {
    use minijinja::value::ValueKind;
    if is_redacted(&value) {
        return Ok(value);
    }
    Ok(match value.kind() {
        ValueKind::String => Value::from(escape::escape_substitution(
            value.as_str().unwrap_or_default(),
        )),
        ValueKind::Seq | ValueKind::Iterable => Value::from(
            value
                .try_iter()?
                .map(om_quoted)
                .collect::<Result<Vec<_>, _>>()?,
        ),
        _ => value,
    })
}

/// `{{ x | om_value | kube_env }}`: for a container env `value` in a Kubernetes manifest
/// (the chart's `extraEnvs`). Kubernetes expands `$(VAR)` there and reduces `$$` to `$`, so
/// every `$` is doubled to arrive as written (a loader escape `$${` must arrive intact).
fn kube_env(value: Value) -> Result<Value, Error> {
    if is_redacted(&value) {
        return Ok(value);
    }
    match value.as_str() {
        Some(s) => Ok(Value::from(s.replace('$', "$$"))),
        None => Err(not_printable(value.kind())),
    }
}
