//! `.sops.yaml`: the creation rules a GitOps repository already has. omsso looks for the file
//! from the output file's folder upward (the nearest one counts, as in sops, which starts
//! from the current folder), takes the first rule whose `path_regex` matches the output
//! file's path relative to that file's folder (or that has no `path_regex`), and uses its age
//! recipients (`age:` as a list or a comma-separated string, or one `key_groups` entry).
//!
//! A rule that also names keys omsso cannot encrypt to (PGP, cloud KMS, Vault) or several key
//! groups (Shamir) is refused rather than followed halfway: the file would lack recipients
//! the team expects.

use std::path::{Component, Path, PathBuf};

use regex::Regex;
use serde::Deserialize;

use crate::exit::{Diagnose, Exit};
use crate::hint::{Hint, Ref};

pub const FILE_NAME: &str = ".sops.yaml";

#[derive(Debug, Deserialize)]
struct ConfigFile {
    creation_rules: Option<Vec<RawRule>>,
}

#[derive(Debug, Default, Deserialize)]
struct RawRule {
    path_regex: Option<String>,
    age: Option<serde_yaml::Value>,
    key_groups: Option<Vec<RawGroup>>,
    pgp: Option<serde_yaml::Value>,
    kms: Option<serde_yaml::Value>,
    gcp_kms: Option<serde_yaml::Value>,
    azure_keyvault: Option<serde_yaml::Value>,
    hc_vault_transit_uri: Option<serde_yaml::Value>,
    hckms: Option<serde_yaml::Value>,
}

#[derive(Debug, Default, Deserialize)]
struct RawGroup {
    age: Option<Vec<String>>,
    pgp: Option<serde_yaml::Value>,
    kms: Option<serde_yaml::Value>,
    gcp_kms: Option<serde_yaml::Value>,
    azure_keyvault: Option<serde_yaml::Value>,
    hc_vault: Option<serde_yaml::Value>,
    hckms: Option<serde_yaml::Value>,
    merge: Option<serde_yaml::Value>,
}

/// The recipients of the rule that applies to a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub config: PathBuf,
    /// 1-based index of the rule among `creation_rules`.
    pub rule: usize,
    pub recipients: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
#[error("{}: {problem}", path.display())]
pub struct ConfigError {
    pub path: PathBuf,
    pub problem: Problem,
}

#[derive(Debug, thiserror::Error)]
pub enum Problem {
    #[error("cannot read it: {0}")]
    Read(std::io::Error),
    #[error("not a sops config: {0}")]
    Parse(String),
    #[error("creation rule {rule}: path_regex is not a valid regular expression")]
    Regex { rule: usize },
    #[error(
        "creation rule {rule} matches the file but lists {kinds}, which omsso cannot encrypt to"
    )]
    NonAge { rule: usize, kinds: String },
    #[error("creation rule {rule} matches the file but uses {groups} key groups (Shamir); omsso writes one")]
    Shamir { rule: usize, groups: usize },
    #[error("creation rule {rule} matches the file but lists no age recipient")]
    NoAge { rule: usize },
    #[error("it chooses who can decrypt the Secret, but {0}")]
    Untrusted(&'static str),
    #[error("creation rule {rule}: `age` is neither a string nor a list of strings")]
    AgeShape { rule: usize },
}

impl Diagnose for ConfigError {
    fn exit(&self) -> Exit {
        match self.problem {
            Problem::Read(_) => Exit::Runtime,
            _ => Exit::Usage,
        }
    }

    fn hint(&self) -> Option<Hint> {
        const AGE: Ref = Ref::Setting("helm.sops.age_recipients");
        Some(match self.problem {
            Problem::Read(_)
            | Problem::Parse(_)
            | Problem::Regex { .. }
            | Problem::AgeShape { .. } => Hint::new(
                "fix the file (sops reads it the same way), or name the recipients with {}, \
                 which takes precedence",
                [AGE],
            ),
            Problem::Untrusted(_) => Hint::new(
                "check who put it there; make it yours and not writable by others (chmod \
                 o-w), or name the recipients with {}, which takes precedence",
                [AGE],
            ),
            Problem::NonAge { .. } | Problem::Shamir { .. } | Problem::NoAge { .. } => Hint::new(
                "give the age recipients with {} (they take precedence over .sops.yaml), or \
                 add a rule for this file with age keys only",
                [AGE],
            ),
        })
    }
}

/// The `.sops.yaml` rule for the file at `file` (need not exist yet), if any: the nearest
/// `.sops.yaml` above it, and its first matching rule. `None` when there is no such file,
/// it has no creation rules, or none matches.
pub fn find(file: &Path) -> Result<Option<Found>, ConfigError> {
    let file = absolute(file);
    let Some(config) = file
        .ancestors()
        .skip(1)
        .map(|dir| dir.join(FILE_NAME))
        .find(|p| p.is_file())
    else {
        return Ok(None);
    };
    let fail = |problem| ConfigError {
        path: config.clone(),
        problem,
    };
    // Bounded and regular files only, like every file omsso reads (a FIFO or /dev/zero
    // named .sops.yaml must not hang or fill memory).
    let text = crate::input::read_to_string(&config, crate::input::Accept::File)
        .map_err(|e| fail(Problem::Read(e)))?;
    // The file chooses who can read the Secret: one that another user owns or may change
    // (a `.sops.yaml` in a shared parent folder such as /tmp or /home) is not trusted.
    let meta = std::fs::metadata(&config).map_err(|e| fail(Problem::Read(e)))?;
    if let Some(why) = untrusted(&meta) {
        return Err(fail(Problem::Untrusted(why)));
    }
    let parsed: ConfigFile =
        serde_yaml::from_str(&text).map_err(|e| fail(Problem::Parse(e.to_string())))?;
    let Some(rules) = parsed.creation_rules else {
        return Ok(None);
    };
    // sops compares the path relative to the config file's folder.
    let dir = config.parent().unwrap_or(Path::new("/"));
    let relative = file
        .strip_prefix(dir)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| file.clone());
    let relative = relative.to_string_lossy();
    for (i, rule) in rules.iter().enumerate() {
        let n = i + 1;
        let matches = match rule.path_regex.as_deref().filter(|r| !r.is_empty()) {
            None => true,
            Some(r) => Regex::new(r)
                .map_err(|_| fail(Problem::Regex { rule: n }))?
                .is_match(&relative),
        };
        if matches {
            let recipients = age_of(rule, n).map_err(fail)?;
            return Ok(Some(Found {
                config,
                rule: n,
                recipients,
            }));
        }
    }
    Ok(None)
}

/// Why a `.sops.yaml` cannot be trusted to choose recipients: it belongs to another user
/// (root excepted, who could change anything anyway), or others may write it.
fn untrusted(meta: &std::fs::Metadata) -> Option<&'static str> {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    untrusted_by(meta.uid(), meta.mode(), me)
}

fn untrusted_by(owner: u32, mode: u32, me: u32) -> Option<&'static str> {
    if owner != me && owner != 0 {
        Some("it belongs to another user")
    } else if mode & 0o002 != 0 {
        Some("every user may write it")
    } else {
        None
    }
}

fn age_of(rule: &RawRule, n: usize) -> Result<Vec<String>, Problem> {
    let named = |pairs: &[(&str, bool)]| {
        pairs
            .iter()
            .filter(|(_, set)| *set)
            .map(|(k, _)| *k)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let set = |v: &Option<serde_yaml::Value>| v.as_ref().is_some_and(|v| !is_empty(v));
    let recipients = match rule.key_groups.as_deref() {
        Some(groups) if !groups.is_empty() => {
            if groups.len() > 1 {
                return Err(Problem::Shamir {
                    rule: n,
                    groups: groups.len(),
                });
            }
            let g = &groups[0];
            let others = named(&[
                ("pgp", set(&g.pgp)),
                ("kms", set(&g.kms)),
                ("gcp_kms", set(&g.gcp_kms)),
                ("azure_keyvault", set(&g.azure_keyvault)),
                ("hc_vault", set(&g.hc_vault)),
                ("hckms", set(&g.hckms)),
                ("merge", set(&g.merge)),
            ]);
            if !others.is_empty() {
                return Err(Problem::NonAge {
                    rule: n,
                    kinds: others,
                });
            }
            g.age.clone().unwrap_or_default()
        }
        _ => {
            let others = named(&[
                ("pgp", set(&rule.pgp)),
                ("kms", set(&rule.kms)),
                ("gcp_kms", set(&rule.gcp_kms)),
                ("azure_keyvault", set(&rule.azure_keyvault)),
                ("hc_vault_transit_uri", set(&rule.hc_vault_transit_uri)),
                ("hckms", set(&rule.hckms)),
            ]);
            if !others.is_empty() {
                return Err(Problem::NonAge {
                    rule: n,
                    kinds: others,
                });
            }
            match &rule.age {
                None | Some(serde_yaml::Value::Null) => Vec::new(),
                // sops splits a string at commas and drops empty parts.
                Some(serde_yaml::Value::String(s)) => s
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
                Some(serde_yaml::Value::Sequence(items)) => items
                    .iter()
                    .map(|v| v.as_str().map(str::to_string))
                    .collect::<Option<_>>()
                    .ok_or(Problem::AgeShape { rule: n })?,
                Some(_) => return Err(Problem::AgeShape { rule: n }),
            }
        }
    };
    if recipients.is_empty() {
        return Err(Problem::NoAge { rule: n });
    }
    Ok(recipients)
}

fn is_empty(v: &serde_yaml::Value) -> bool {
    match v {
        serde_yaml::Value::Null => true,
        serde_yaml::Value::String(s) => s.trim().is_empty(),
        serde_yaml::Value::Sequence(s) => s.is_empty(),
        serde_yaml::Value::Mapping(m) => m.is_empty(),
        _ => false,
    }
}

/// `path` made absolute against the current folder and cleaned of `.` and `..` without
/// touching the file system (the file may not exist yet), as Go's filepath.Abs does.
fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .unwrap_or_else(|_| PathBuf::from("/"))
            .join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "age1mn9lg3kka098cx80jdtgpwrk9dkl2c4ru9vwa8uhuds0caegxsusemzr6h";

    fn scene(config: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("repo/apps/om")).unwrap();
        std::fs::write(dir.path().join("repo").join(FILE_NAME), config).unwrap();
        dir
    }

    #[test]
    fn the_first_matching_rule_of_the_nearest_file_counts() {
        let dir = scene(&format!(
            "creation_rules:\n  - path_regex: ^other/\n    age: age1other\n  - path_regex: apps/.*\\.sops\\.yaml$\n    age: \"{A}, ,{A}\"\n  - age: [age1fallback]\n"
        ));
        let file = dir.path().join("repo/apps/om/../om/helm/s.sops.yaml");
        let found = find(&file).unwrap().unwrap();
        assert_eq!(found.rule, 2);
        assert_eq!(found.recipients, [A, A]);
        assert_eq!(found.config, dir.path().join("repo").join(FILE_NAME));

        let found = find(&dir.path().join("repo/apps/om/plain.yaml"))
            .unwrap()
            .unwrap();
        assert_eq!(
            (found.rule, found.recipients),
            (3, vec!["age1fallback".to_string()])
        );
        // Nothing above this one.
        assert_eq!(find(&dir.path().join("elsewhere/x.yaml")).unwrap(), None);
    }

    #[test]
    fn a_config_another_user_owns_or_anyone_may_write_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = scene(&format!("creation_rules:\n  - age: {A}\n"));
        let config = dir.path().join("repo").join(FILE_NAME);
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o666)).unwrap();
        let e = find(&dir.path().join("repo/x.yaml")).unwrap_err();
        assert!(
            matches!(e.problem, Problem::Untrusted("every user may write it")),
            "{e}"
        );
        assert!(e
            .hint()
            .unwrap()
            .to_string()
            .contains("helm.sops.age_recipients"));
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o664)).unwrap();
        assert!(find(&dir.path().join("repo/x.yaml")).unwrap().is_some());
        // Owners: this user or root, never another.
        assert_eq!(untrusted_by(1000, 0o644, 1000), None);
        assert_eq!(untrusted_by(0, 0o644, 1000), None);
        assert_eq!(
            untrusted_by(1001, 0o600, 1000),
            Some("it belongs to another user")
        );
        assert_eq!(
            untrusted_by(1001, 0o644, 0),
            Some("it belongs to another user")
        );
    }

    #[test]
    fn rules_omsso_cannot_follow_are_refused() {
        let dir = scene("creation_rules:\n  - pgp: ABCDEF\n    age: age1x\n");
        let e = find(&dir.path().join("repo/x.yaml")).unwrap_err();
        assert!(
            matches!(e.problem, Problem::NonAge { rule: 1, ref kinds } if kinds == "pgp"),
            "{e}"
        );

        let dir =
            scene("creation_rules:\n  - key_groups:\n      - age: [age1a]\n      - age: [age1b]\n");
        let e = find(&dir.path().join("repo/x.yaml")).unwrap_err();
        assert!(
            matches!(e.problem, Problem::Shamir { groups: 2, .. }),
            "{e}"
        );

        let dir = scene("creation_rules:\n  - key_groups:\n      - age: [age1a]\n");
        let found = find(&dir.path().join("repo/x.yaml")).unwrap().unwrap();
        assert_eq!(found.recipients, ["age1a"]);

        let dir = scene("creation_rules:\n  - path_regex: '['\n");
        assert!(matches!(
            find(&dir.path().join("repo/x.yaml")).unwrap_err().problem,
            Problem::Regex { rule: 1 }
        ));
        // No creation rules: as if there were no file.
        let dir = scene("destination_rules: []\n");
        assert_eq!(find(&dir.path().join("repo/x.yaml")).unwrap(), None);
    }
}
