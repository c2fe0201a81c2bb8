//! The offline lint of OpenMetadata auth configuration files: the text of one file in, its
//! findings out, no Keycloak and no network. `verify --file` runs it on the user's files and
//! render runs it on its own output before writing.
//!
//! Each format is read with a parser that keeps line numbers ([`yaml_tree`], [`env_file`]),
//! turned into one format-neutral [`view::AuthView`], and the semantic checks ([`checks`]) run
//! once for all formats; format-only checks live with their format ([`format`] for YAML slips
//! and env syntax, [`known_keys`] for schema keys and Helm types); [`quickstart`] checks what
//! every quickstart ships (its JWT key pair and Fernet key) whatever the login. [`sops_secret`]
//! lints the SOPS-encrypted Secret ([`sops_keys`] the names of its keys). Every check is
//! described once in [`registry`].

mod check_info;
mod checks;
pub(crate) mod env_file;
mod env_yaml;
mod finding;
mod format;
mod known_keys;
pub mod quickstart;
pub mod registry;
mod sops_keys;
pub mod sops_secret;
mod view;
mod yaml_tree;

pub use finding::{Finding, Severity};
pub use format::lint;
pub use registry::KEY_CHECKS;

/// The findings of [`registry::DEPLOYMENT_CHECKS`] in one file: the lint's own checks, for
/// the commands that report them outside `verify --file`.
pub fn deployment_findings(
    text: &str,
    kind: Kind,
    release: &crate::openmetadata::Release,
) -> Vec<Finding> {
    lint(text, kind, release)
        .into_iter()
        .filter(|f| registry::DEPLOYMENT_CHECKS.contains(&f.check))
        .collect()
}

/// The three shapes of OpenMetadata auth configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// openmetadata.yaml (the server config, or just its auth blocks)
    Yaml,
    /// docker env file (`KEY=value` lines, as `docker compose --env-file` reads them)
    Env,
    /// Helm values for the openmetadata chart
    Helm,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Yaml => "openmetadata.yaml",
            Kind::Env => "env file",
            Kind::Helm => "Helm values",
        }
    }

    /// Tells the format from the text alone, without parsing it (the file may be invalid).
    pub fn detect(text: &str) -> Option<Kind> {
        let mut helm_block = false;
        let (mut assignments, mut other) = (0usize, 0usize);
        for line in text.lines() {
            if line.starts_with("authenticationConfiguration:")
                || line.starts_with("authorizerConfiguration:")
            {
                return Some(Kind::Yaml);
            }
            if line.starts_with("openmetadata:") {
                return Some(Kind::Helm);
            }
            let body = line.trim();
            if body.is_empty() || body.starts_with('#') {
                continue;
            }
            if body.starts_with("authentication:") || body.starts_with("authorizer:") {
                helm_block = true;
            }
            if is_assignment(body) {
                assignments += 1;
            } else {
                other += 1;
            }
        }
        if helm_block {
            Some(Kind::Helm)
        } else if assignments > 0 && assignments >= other {
            Some(Kind::Env)
        } else {
            None
        }
    }
}

/// What `verify --file` lints: one of the three auth configuration formats, or a SOPS file
/// (the encrypted Kubernetes Secret a GitOps repository commits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    /// openmetadata.yaml (the server config, or just its auth blocks)
    Yaml,
    /// docker env file (`KEY=value` lines, as `docker compose --env-file` reads them)
    Env,
    /// Helm values for the openmetadata chart
    Helm,
    /// a SOPS-encrypted file, such as the Kubernetes Secret `render --sops-age` writes
    Sops,
}

impl FileKind {
    /// The auth configuration format, for the three that are one.
    pub fn auth(self) -> Option<Kind> {
        match self {
            FileKind::Yaml => Some(Kind::Yaml),
            FileKind::Env => Some(Kind::Env),
            FileKind::Helm => Some(Kind::Helm),
            FileKind::Sops => None,
        }
    }

    pub fn label(self) -> &'static str {
        self.auth().map_or("SOPS file", Kind::label)
    }

    /// A file with a top-level `sops:` block is a SOPS file; others are told apart by
    /// [`Kind::detect`].
    pub fn detect(text: &str) -> Option<FileKind> {
        if text.lines().any(|l| l.starts_with("sops:")) {
            return Some(FileKind::Sops);
        }
        Kind::detect(text).map(FileKind::from)
    }
}

impl From<Kind> for FileKind {
    fn from(kind: Kind) -> FileKind {
        match kind {
            Kind::Yaml => FileKind::Yaml,
            Kind::Env => FileKind::Env,
            Kind::Helm => FileKind::Helm,
        }
    }
}

fn is_assignment(line: &str) -> bool {
    let body = line.strip_prefix("export ").unwrap_or(line);
    let key_len = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.')))
        .unwrap_or(body.len());
    key_len > 0 && body[key_len..].trim_start().starts_with('=')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_the_format() {
        assert_eq!(
            Kind::detect("# c\nauthenticationConfiguration:\n  provider: x\n"),
            Some(Kind::Yaml)
        );
        assert_eq!(Kind::detect("openmetadata:\n  config:\n"), Some(Kind::Helm));
        assert_eq!(
            Kind::detect("authentication:\n  clientType: public\n"),
            Some(Kind::Helm)
        );
        assert_eq!(
            Kind::detect("# x\nAUTHENTICATION_PROVIDER=custom-oidc\nOIDC_TYPE: bad\n"),
            Some(Kind::Env)
        );
        assert_eq!(Kind::detect("foo:\n  bar: 1\n"), None);
        assert_eq!(
            FileKind::detect("kind: Secret\nstringData:\n  a: ENC[x]\nsops:\n  mac: x\n"),
            Some(FileKind::Sops)
        );
        assert_eq!(
            FileKind::detect("openmetadata:\n  config:\n"),
            Some(FileKind::Helm)
        );
        assert_eq!(Kind::detect(""), None);
    }
}
