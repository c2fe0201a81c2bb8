//! One target: an OpenMetadata release and the Helm chart the values are for. Render writes
//! for it, and `verify --file` judges files by it, so both agree on which keys exist.

use super::chart::{Chart, ChartBlock, ChartVersion};
use super::fields::ValueType;
use super::lines::{Block, Line, LINES};
use super::server;
use super::OmVersion;

#[derive(Clone, Copy)]
pub struct Release {
    pub version: OmVersion,
    pub chart: Chart,
}

/// Why a release does not accept a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyProblem {
    /// A later release line added it.
    Later { since: String },
    /// Only OpenMetadata's unreleased main branch has it.
    MainOnly,
    /// No release line has it.
    Unknown,
}

impl Release {
    pub fn new(version: OmVersion, chart_version: Option<ChartVersion>) -> Release {
        Release {
            version,
            chart: Chart::resolve(version, chart_version),
        }
    }

    pub fn line(&self) -> &'static Line {
        self.version.line()
    }

    /// Why `block.key` is not a key of this release's configuration, or `None` when it is.
    pub fn key_problem(&self, block: Block, key: &str) -> Option<KeyProblem> {
        if self.line().has(block, key) {
            return None;
        }
        if let Some(l) = LINES
            .iter()
            .filter(|l| l.version > self.line().version)
            .find(|l| l.has(block, key))
        {
            return Some(KeyProblem::Later { since: l.name() });
        }
        if server::MAIN_ONLY
            .iter()
            .any(|(b, k, _)| *b == block && *k == key)
        {
            return Some(KeyProblem::MainOnly);
        }
        Some(KeyProblem::Unknown)
    }

    /// The chart's value type for `block.key`, `None` when the chart does not accept it.
    pub fn chart_value(&self, block: ChartBlock, key: &str) -> Option<ValueType> {
        self.chart.value_type(block, key)
    }
}

impl KeyProblem {
    /// The reason, for messages: "added in 2.0", "exists only on …".
    pub fn reason(&self, version: &OmVersion) -> String {
        match self {
            KeyProblem::Later { since } => {
                format!("it was added in OpenMetadata {since}, after {version}")
            }
            KeyProblem::MainOnly => format!(
                "it exists only on OpenMetadata's unreleased main branch; no release up to {} has it",
                super::lines::newest().newest_release()
            ),
            KeyProblem::Unknown => format!("OpenMetadata {version} has no such key"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_judged_by_release() {
        let r = |v: &str| Release::new(v.parse().unwrap(), None);
        assert_eq!(
            r("1.13").key_problem(Block::Authorizer, "adminEmails"),
            Some(KeyProblem::MainOnly)
        );
        assert_eq!(
            r("1.12").key_problem(Block::Authentication, "sessionExpiry"),
            Some(KeyProblem::Later {
                since: "2.0".into()
            })
        );
        assert_eq!(
            r("2.0").key_problem(Block::Authentication, "sessionExpiry"),
            None
        );
        assert_eq!(
            r("1.6").key_problem(Block::Authentication, "emailClaim"),
            Some(KeyProblem::MainOnly)
        );
        assert_eq!(
            r("1.6").key_problem(Block::Oidc, "nonsense"),
            Some(KeyProblem::Unknown)
        );
    }
}
