//! The OpenMetadata release lines omsso writes configuration for. Adding the next line is one
//! entry in [`LINES`] plus `scripts/om-models generate` (which adds its released models to
//! `released/`) and the tests that prove it (tests/suite/om_released.rs).

use super::fields::{ModelField, ReleasedModels};
use super::released::MODELS;

/// What one release line is, beyond its models.
pub struct Line {
    pub version: (u8, u8),
    /// The chart release omsso writes Helm values for by default: the line's newest chart in
    /// the reference folder (2.0 has no released chart there; its values are written for the
    /// newest chart that exists, 1.13.1, whose auth values did not change since 1.8).
    pub chart: &'static str,
    /// From 1.10 on the server keeps its security configuration in its database once saved
    /// (Settings > SSO, or the first start); a changed file is then ignored until
    /// `remove-security-config --force` and a restart, or an update through its API.
    pub security_config_in_db: bool,
}

pub const LINES: &[Line] = &[
    line(1, 6, "1.6.13", false),
    line(1, 7, "1.7.7", false),
    line(1, 8, "1.8.12", false),
    line(1, 9, "1.9.17", false),
    line(1, 10, "1.10.14", true),
    line(1, 11, "1.11.13", true),
    line(1, 12, "1.12.12", true),
    line(1, 13, "1.13.1", true),
    line(2, 0, "1.13.1", true),
];

const fn line(major: u8, minor: u8, chart: &'static str, db: bool) -> Line {
    Line {
        version: (major, minor),
        chart,
        security_config_in_db: db,
    }
}

/// The three auth blocks of OpenMetadata's configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Block {
    /// `authenticationConfiguration`
    Authentication,
    /// `authorizerConfiguration`
    Authorizer,
    /// `authenticationConfiguration.oidcConfiguration`
    Oidc,
}

impl Block {
    pub fn path(self) -> &'static str {
        match self {
            Block::Authentication => "authenticationConfiguration",
            Block::Authorizer => "authorizerConfiguration",
            Block::Oidc => "authenticationConfiguration.oidcConfiguration",
        }
    }
}

impl Line {
    pub fn name(&self) -> String {
        format!("{}.{}", self.version.0, self.version.1)
    }

    /// The released models of this line (from its newest `openmetadata-ingestion` wheel).
    pub fn models(&self) -> &'static ReleasedModels {
        MODELS
            .iter()
            .find(|m| m.line == self.version)
            .expect("every line has its released models (scripts/om-models generate)")
    }

    /// The newest release of the line whose models were checked, e.g. `2.0.7`.
    pub fn newest_release(&self) -> String {
        self.models()
            .wheel
            .split('.')
            .take(3)
            .collect::<Vec<_>>()
            .join(".")
    }

    pub fn fields(&self, block: Block) -> &'static [ModelField] {
        let m = self.models();
        match block {
            Block::Authentication => m.authentication,
            Block::Authorizer => m.authorizer,
            Block::Oidc => m.oidc,
        }
    }

    /// Whether the line's released model has this key in `block`.
    pub fn has(&self, block: Block, key: &str) -> bool {
        self.fields(block).iter().any(|f| f.key == key)
    }

    /// The oldest line whose model has `key` in `block`, for hints ("added in 2.0").
    pub fn first_with(block: Block, key: &str) -> Option<&'static Line> {
        LINES.iter().find(|l| l.has(block, key))
    }
}

pub fn find(major: u8, minor: u8) -> Option<&'static Line> {
    LINES.iter().find(|l| l.version == (major, minor))
}

pub fn newest() -> &'static Line {
    LINES.last().expect("at least one line")
}

/// `1.6, 1.7, …, 2.0` for messages and help.
pub fn supported_list() -> String {
    LINES.iter().map(Line::name).collect::<Vec<_>>().join(", ")
}

/// `--om-version`'s long help, listing the lines and the releases they were checked against.
pub fn version_help() -> String {
    let newest = newest();
    format!(
        "OpenMetadata release the configuration is for: X.Y (a release line) or X.Y.Z (one \
         release, which also picks the Helm chart of that version). Supported lines: {} \
         (checked against their newest releases, e.g. {} for {}). [openmetadata.version, \
         default {}]",
        supported_list(),
        newest.newest_release(),
        newest.name(),
        newest.name()
    )
}

/// The release-line table of the docs (README, docs/OPENMETADATA-RELEASES.md), generated from
/// [`LINES`] and the released models, so the docs cannot drift (tests/suite/docs_tables.rs).
pub fn markdown_table() -> String {
    let mut out = String::from(
        "| line | checked against | default chart | changes in the auth models (from the line before) |\n\
         |---|---|---|---|\n",
    );
    let mut previous: Option<&Line> = None;
    for l in LINES {
        let mut changes = Vec::new();
        if let Some(p) = previous {
            for block in [Block::Authentication, Block::Oidc, Block::Authorizer] {
                let short = block.path().rsplit('.').next().unwrap_or_default();
                for f in l.fields(block) {
                    match p.fields(block).iter().find(|old| old.key == f.key) {
                        None => changes.push(format!("adds `{short}.{}`", f.key)),
                        Some(old) if old.required != f.required => changes.push(format!(
                            "`{short}.{}` {}",
                            f.key,
                            if f.required { "required" } else { "optional" }
                        )),
                        Some(_) => {}
                    }
                }
            }
            if l.security_config_in_db && !p.security_config_in_db {
                changes.insert(
                    0,
                    "the server keeps its security config in its database".into(),
                );
            }
        } else {
            changes.push("oldest supported line".into());
        }
        if changes.is_empty() {
            changes.push("none".into());
        }
        let chart = if l.chart.starts_with(&format!("{}.", l.name())) {
            l.chart.to_string()
        } else {
            format!("{} (newest chart checked; none for {})", l.chart, l.name())
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            l.name(),
            l.newest_release(),
            chart,
            changes.join("; ")
        ));
        previous = Some(l);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_has_models_and_lines_are_ordered() {
        for pair in LINES.windows(2) {
            assert!(pair[0].version < pair[1].version);
        }
        for l in LINES {
            assert!(l.models().wheel.starts_with(&l.name()), "{}", l.name());
            assert!(
                super::super::chart::find_known(l.chart).is_some(),
                "{}",
                l.chart
            );
        }
        assert_eq!(
            MODELS.len(),
            LINES.len(),
            "a model without a line, or the reverse"
        );
    }

    #[test]
    fn keys_that_exist_only_on_main_are_in_no_line() {
        for l in LINES {
            for key in ["adminEmails", "allowedEmailDomains", "botDomain"] {
                assert!(!l.has(Block::Authorizer, key), "{} {key}", l.name());
            }
            for key in ["emailClaim", "displayNameClaim", "configSource"] {
                assert!(!l.has(Block::Authentication, key), "{} {key}", l.name());
            }
        }
        let v2 = find(2, 0).unwrap();
        assert!(v2.has(Block::Authentication, "sessionExpiry"));
        assert!(!find(1, 13)
            .unwrap()
            .has(Block::Authentication, "sessionExpiry"));
        assert_eq!(
            Line::first_with(Block::Oidc, "sessionExpiry").map(Line::name),
            Some("1.8".to_string())
        );
    }
}
