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
                "chart {v} is older than the charts omsso writes values for ({OLDEST_SUPPORTED} and newer; no chart 1.6.0 was released)"
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

/// The first chart of the oldest line (no chart 1.6.0 was released).
const OLDEST_SUPPORTED: ChartVersion = ChartVersion(1, 6, 1);
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
    /// `--chart-version` when given; else the OpenMetadata release when it names a patch of a
    /// line with charts of its own (chart versions follow app versions), else the line's chart
    /// (2.0 has none: 1.13.1, with the image tag set, [`Chart::image_tag_for`]).
    pub fn resolve(om: OmVersion, configured: Option<ChartVersion>) -> Chart {
        let version = configured.unwrap_or_else(|| {
            let (major, minor) = om.line_number();
            let line_chart: ChartVersion = om
                .line()
                .chart
                .parse()
                .expect("LINES names released charts");
            match om.patch() {
                Some(patch) if (line_chart.0, line_chart.1) == (major.into(), minor.into()) => {
                    ChartVersion(major.into(), minor.into(), patch).max(OLDEST_SUPPORTED)
                }
                _ => line_chart,
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

    /// Whether the chart turns `customParams` into a quoted string (charts 1.6.1 – 1.6.3).
    pub fn quotes_custom_params(&self) -> bool {
        self.version < CUSTOM_PARAMS_UNQUOTED_SINCE
    }

    /// The server image tag the values must set for the chart to deploy `om`. A chart deploys
    /// its own release (image tag = appVersion = chart version), so none is needed when that
    /// is `om`, or a release of `om`'s line when no patch was named; otherwise (2.0 on chart
    /// 1.13.1, a chart of another line or patch) `helm upgrade` would deploy the chart's
    /// release: the tag is `om`, or the newest release of its line.
    pub fn image_tag_for(&self, om: OmVersion) -> Option<String> {
        let (major, minor) = om.line_number();
        let same_line = (self.version.0, self.version.1) == (major.into(), minor.into());
        match om.patch() {
            Some(patch) if !(same_line && self.version.2 == patch) => Some(om.to_string()),
            None if !same_line => Some(om.line().newest_release()),
            _ => None,
        }
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
        let tag = |c: Chart, om: &str| c.image_tag_for(om.parse().unwrap());
        assert_eq!(tag(c, "2.0"), Some("2.0.7".into()));
        assert_eq!(tag(chart("2.0.3", None), "2.0.3"), Some("2.0.3".into()));
        assert_eq!(tag(chart("1.13", None), "1.13"), None);
        assert_eq!(tag(chart("1.13.1", None), "1.13.1"), None);
        let newest = "1.12".parse::<OmVersion>().unwrap().line().newest_release();
        assert_eq!(tag(chart("1.12", Some("1.8.12")), "1.12"), Some(newest));
        assert_eq!(
            tag(chart("1.12.7", Some("1.12.12")), "1.12.7"),
            Some("1.12.7".into())
        );
        // No chart 1.6.0 was released: 1.6.0 gets the oldest chart, pinned to 1.6.0.
        let c = chart("1.6.0", None);
        assert_eq!(c.version.to_string(), "1.6.1");
        assert_eq!(tag(c, "1.6.0"), Some("1.6.0".into()));
        // 2.0 has no chart: a 2.0 patch takes the line's chart too (the image tag names it).
        let c = chart("2.0.7", None);
        assert_eq!((c.version.to_string(), c.known), ("1.13.1".into(), true));
        assert!(chart("2.0", Some("1.14.0")).newer_than_known());
        let c = chart("1.12", Some("1.8.12"));
        assert!(c.known && c.has(ChartBlock::Oidc, "sessionExpiry"));
        assert!(!chart("1.7", None).has(ChartBlock::Oidc, "sessionExpiry"));
    }

    #[test]
    fn chart_versions_parse() {
        assert!("1.13.1".parse::<ChartVersion>().is_ok());
        for bad in ["1.13", "1.5.9", "1.6.0", "x.y.z", "1.13.1.0", ""] {
            assert!(bad.parse::<ChartVersion>().is_err(), "{bad}");
        }
    }
}
