//! The `openmetadata` Helm chart by version: which auth values it accepts (from each released
//! chart's `values.schema.json`, in `released/`) and its quirks.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer};
use serde::Deserialize;

use super::fields::{ChartValues, ValueType};
use super::released::CHARTS;
use super::OmVersion;

/// A chart release, `X.Y.Z` (chart versions equal OpenMetadata's app versions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ChartVersion(u16, u16, u16);

impl fmt::Display for ChartVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

impl FromStr for ChartVersion {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            format!("`{s}` is not a chart version (expected X.Y.Z, e.g. 1.13.1, as `helm search repo open-metadata/openmetadata --versions` lists them)")
        };
        let parts: Vec<u16> = s
            .trim()
            .split('.')
            .map(|p| {
                (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| p.parse().ok())
                    .flatten()
            })
            .collect::<Option<_>>()
            .ok_or_else(bad)?;
        let [a, b, c] = parts[..] else {
            return Err(bad());
        };
        let v = ChartVersion(a, b, c);
        if v < OLDEST_SUPPORTED {
            return Err(format!(
                "chart {v} is older than the charts omsso writes values for ({OLDEST_SUPPORTED} and newer)"
            ));
        }
        Ok(v)
    }
}

impl<'de> Deserialize<'de> for ChartVersion {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match serde_yaml::Value::deserialize(d)? {
            serde_yaml::Value::String(s) => s.parse().map_err(de::Error::custom),
            _ => Err(de::Error::custom(
                "write the chart version as a string in quotes, e.g. \"1.13.1\"",
            )),
        }
    }
}

const OLDEST_SUPPORTED: ChartVersion = ChartVersion(1, 6, 0);
/// Charts before 1.6.4 pass `customParams` through `quote` (openmetadata-helm-charts issue
/// 245): the server gets the string "{}" where it needs a map and refuses to start.
const CUSTOM_PARAMS_UNQUOTED_SINCE: ChartVersion = ChartVersion(1, 6, 4);

/// The chart the Helm values are written for.
#[derive(Clone, Copy)]
pub struct Chart {
    pub version: ChartVersion,
    /// The released chart whose value keys apply: the newest known one at or below
    /// `version` (the oldest known one for older 1.6 charts).
    pub values: &'static ChartValues,
    /// Whether `version` is itself one of the released charts omsso was checked against.
    pub known: bool,
}

impl Chart {
    /// `--chart-version` when given; else the OpenMetadata release when it names a patch
    /// (chart versions follow app versions), else the line's chart.
    pub fn resolve(om: OmVersion, configured: Option<ChartVersion>) -> Chart {
        let version = configured.unwrap_or_else(|| {
            let (major, minor) = om.line_number();
            match om.patch() {
                Some(patch) => ChartVersion(major.into(), minor.into(), patch),
                None => om
                    .line()
                    .chart
                    .parse()
                    .expect("LINES names released charts"),
            }
        });
        let parsed = |c: &ChartValues| -> ChartVersion { c.version.parse().expect("released") };
        let values = CHARTS
            .iter()
            .rev()
            .find(|c| parsed(c) <= version)
            .unwrap_or(&CHARTS[0]);
        Chart {
            version,
            values,
            known: parsed(values) == version,
        }
    }

    /// Whether the chart turns `customParams` into a quoted string (charts 1.6.0 – 1.6.3).
    pub fn quotes_custom_params(&self) -> bool {
        self.version < CUSTOM_PARAMS_UNQUOTED_SINCE
    }

    /// Whether the newest released chart omsso knows is older than this one.
    pub fn newer_than_known(&self) -> bool {
        let newest: ChartVersion = CHARTS[CHARTS.len() - 1].version.parse().expect("released");
        self.version > newest
    }

    pub fn value_type(&self, block: ChartBlock, key: &str) -> Option<ValueType> {
        let table = match block {
            ChartBlock::Authentication => self.values.authentication,
            ChartBlock::Oidc => self.values.oidc,
            ChartBlock::Authorizer => self.values.authorizer,
        };
        table.iter().find(|(k, _)| *k == key).map(|(_, t)| *t)
    }

    pub fn has(&self, block: ChartBlock, key: &str) -> bool {
        self.value_type(block, key).is_some()
    }
}

/// The chart's auth value blocks under `openmetadata.config`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartBlock {
    Authentication,
    Oidc,
    Authorizer,
}

#[cfg(test)]
pub fn find_known(version: &str) -> Option<&'static ChartValues> {
    CHARTS.iter().find(|c| c.version == version)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(om: &str, configured: Option<&str>) -> Chart {
        Chart::resolve(om.parse().unwrap(), configured.map(|c| c.parse().unwrap()))
    }

    #[test]
    fn the_chart_follows_the_openmetadata_release() {
        let c = chart("1.6", None);
        assert_eq!((c.version.to_string(), c.known), ("1.6.13".into(), true));
        assert!(!c.quotes_custom_params());
        let c = chart("1.6.3", None);
        assert!(c.quotes_custom_params() && c.known);
        let c = chart("1.6.1", None);
        assert_eq!(c.values.version, "1.6.3");
        assert!(c.quotes_custom_params() && !c.known);
        let c = chart("2.0", None);
        assert_eq!(c.version.to_string(), "1.13.1");
        let c = chart("2.0.7", None);
        assert_eq!(c.values.version, "1.13.1");
        assert!(c.newer_than_known());
        let c = chart("1.12", Some("1.8.12"));
        assert!(c.known && c.has(ChartBlock::Oidc, "sessionExpiry"));
        assert!(!chart("1.7", None).has(ChartBlock::Oidc, "sessionExpiry"));
    }

    #[test]
    fn chart_versions_parse() {
        assert!("1.13.1".parse::<ChartVersion>().is_ok());
        for bad in ["1.13", "1.5.9", "x.y.z", "1.13.1.0", ""] {
            assert!(bad.parse::<ChartVersion>().is_err(), "{bad}");
        }
    }
}
