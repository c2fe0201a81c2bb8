//! `--om-version`: the OpenMetadata release the output is written for, as `X.Y` (a release
//! line) or `X.Y.Z` (one release of it). Only lines in [`super::LINES`] are accepted, so a
//! version is always one whose released models omsso was checked against.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use super::lines::{self, Line};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OmVersion {
    major: u8,
    minor: u8,
    patch: Option<u16>,
}

impl OmVersion {
    /// The newest release line (the default).
    pub fn newest() -> OmVersion {
        let (major, minor) = lines::newest().version;
        OmVersion {
            major,
            minor,
            patch: None,
        }
    }

    /// A release line, e.g. `OmVersion::line(1, 13)`. Panics on a line omsso does not know
    /// (for tests and constants only; user input goes through `FromStr`).
    pub fn line_of(major: u8, minor: u8) -> OmVersion {
        let v = OmVersion {
            major,
            minor,
            patch: None,
        };
        assert!(lines::find(v.major, v.minor).is_some(), "unknown line {v}");
        v
    }

    /// The release line's knowledge.
    pub fn line(&self) -> &'static Line {
        lines::find(self.major, self.minor).expect("checked when parsed")
    }

    /// `(major, minor)`, comparable.
    pub fn line_number(&self) -> (u8, u8) {
        (self.major, self.minor)
    }

    /// The patch release, when one was named (`1.6.3`).
    pub fn patch(&self) -> Option<u16> {
        self.patch
    }

    /// The release a running server reports (`GET /api/v1/system/version`: `1.12.7`,
    /// `1.13.6.3`, `1.6.0-SNAPSHOT`): its line and patch, or why omsso cannot write for it.
    pub fn from_server(reported: &str) -> Result<OmVersion, String> {
        let release = reported.trim().split(['-', '+']).next().unwrap_or_default();
        let parts: Vec<&str> = release.split('.').take(3).collect();
        parts.join(".").parse()
    }

    /// A version a user asks for (`--om-version`, `openmetadata.version`): as [`FromStr`], but
    /// a patch newer than the line's newest release omsso knows is refused, since the Helm
    /// values would name a chart version that does not exist (`1.12.99`). A running server's
    /// report ([`OmVersion::from_server`]) is not judged so: it exists.
    pub fn asked(s: &str) -> Result<OmVersion, String> {
        let v: OmVersion = s.parse()?;
        let line = v.line();
        let newest = line.newest_release();
        let known_patch = newest
            .rsplit('.')
            .next()
            .and_then(|p| p.parse::<u16>().ok());
        match (v.patch, known_patch) {
            (Some(patch), Some(known)) if patch > known => Err(format!(
                "OpenMetadata {v} is newer than the newest {} release omsso knows ({newest}): \
                 its Helm chart {v} may not exist; write the line, {}, for the newest known \
                 release (or set the chart version yourself)",
                line.name(),
                line.name()
            )),
            _ => Ok(v),
        }
    }

    /// Whether both name the same release line.
    pub fn same_line(&self, other: &OmVersion) -> bool {
        self.line_number() == other.line_number()
    }
}

impl Default for OmVersion {
    fn default() -> Self {
        Self::newest()
    }
}

impl fmt::Display for OmVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)?;
        if let Some(p) = self.patch {
            write!(f, ".{p}")?;
        }
        Ok(())
    }
}

impl FromStr for OmVersion {
    type Err = String;

    /// Accepts `X.Y` or `X.Y.Z` for a release line omsso knows.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let supported = lines::supported_list();
        let bad = || {
            format!("`{s}` is not an OpenMetadata version (expected X.Y or X.Y.Z, e.g. 2.0 or 1.12.7; supported lines: {supported})")
        };
        let parts: Vec<&str> = s.trim().split('.').collect();
        if !(2..=3).contains(&parts.len()) {
            return Err(bad());
        }
        let num = |p: &str| -> Option<u16> {
            (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse().ok())
                .flatten()
        };
        let (Some(major), Some(minor)) = (num(parts[0]), num(parts[1])) else {
            return Err(bad());
        };
        let patch = match parts.get(2) {
            None => None,
            Some(p) => Some(num(p).ok_or_else(bad)?),
        };
        let (Ok(major), Ok(minor)) = (u8::try_from(major), u8::try_from(minor)) else {
            return Err(bad());
        };
        if lines::find(major, minor).is_none() {
            return Err(format!(
                "OpenMetadata {major}.{minor} is not a release line omsso writes configuration for (supported: {supported})"
            ));
        }
        Ok(OmVersion {
            major,
            minor,
            patch,
        })
    }
}

impl<'de> Deserialize<'de> for OmVersion {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = OmVersion;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an OpenMetadata version as a string, e.g. \"2.0\" or \"1.12\"")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<OmVersion, E> {
                OmVersion::asked(s).map_err(E::custom)
            }
            // YAML reads `1.10` as the number 1.1, so a number is refused rather than guessed;
            // the hint names the lines that read as this number (1.10 for 1.1).
            fn visit_f64<E: de::Error>(self, n: f64) -> Result<OmVersion, E> {
                let lines: Vec<String> = lines::LINES
                    .iter()
                    .map(|l| l.name())
                    .filter(|name| name.parse::<f64>() == Ok(n))
                    .map(|name| format!("\"{name}\""))
                    .collect();
                let example = if lines.is_empty() {
                    "\"2.0\"".to_string()
                } else {
                    lines.join(" or ")
                };
                Err(E::custom(format!(
                    "write the version in quotes, e.g. {example}: unquoted, YAML reads it as \
                     the number {n} (1.10 becomes 1.1)"
                )))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<OmVersion, E> {
                Err(E::custom(format!(
                    "`{n}` is not an OpenMetadata version: write it in quotes, e.g. \"2.0\""
                )))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<OmVersion, E> {
                self.visit_u64(n.unsigned_abs())
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    /// Issue 21: `version: 1.10` unquoted was told to write "1.1"; 1.12.99 was accepted and
    /// named a chart that does not exist.
    #[test]
    fn unquoted_and_unknown_patch_versions_are_told_what_to_write() {
        let err = serde_yaml::from_str::<OmVersion>("1.10")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("\"1.10\"") && !err.contains("\"1.1\""),
            "{err}"
        );
        let err = OmVersion::asked("1.12.99").unwrap_err();
        assert!(err.contains("write the line, 1.12"), "{err}");
        assert!(OmVersion::asked("1.12.12").is_ok());
        assert!(OmVersion::asked("1.13.6").is_ok());
        assert!(OmVersion::asked("2.0.7").is_ok());
        assert!(OmVersion::from_server("1.12.99").is_ok());
    }

    use super::*;

    #[test]
    fn versions_parse_for_known_lines_only() {
        assert_eq!(
            "1.6".parse::<OmVersion>().unwrap(),
            OmVersion::line_of(1, 6)
        );
        let v: OmVersion = "1.12.7".parse().unwrap();
        assert_eq!(v.line_number(), (1, 12));
        assert_eq!(v.patch(), Some(7));
        assert_eq!(v.to_string(), "1.12.7");
        assert_eq!("2.0".parse::<OmVersion>().unwrap().to_string(), "2.0");
        assert_eq!(OmVersion::newest().to_string(), "2.0");
        for bad in [
            "1.5", "1.14", "3.0", "1", "1.x", "1.6.x", "v1.6", "", "1.6.3.1", "1..6", "1.06x",
        ] {
            assert!(bad.parse::<OmVersion>().is_err(), "{bad}");
        }
        let msg = "1.14".parse::<OmVersion>().unwrap_err();
        assert!(msg.contains("1.6") && msg.contains("2.0"), "{msg}");
    }

    #[test]
    fn a_servers_version_names_its_line() {
        let v = OmVersion::from_server("1.12.7").unwrap();
        assert_eq!((v.line_number(), v.patch()), ((1, 12), Some(7)));
        let v = OmVersion::from_server("1.13.6.3").unwrap();
        assert_eq!(v.to_string(), "1.13.6");
        assert_eq!(
            OmVersion::from_server("2.0.0-SNAPSHOT")
                .unwrap()
                .line_number(),
            (2, 0)
        );
        assert!(OmVersion::from_server("1.5.3").is_err());
        assert!(OmVersion::from_server("unknown").is_err());
        assert!(v.same_line(&OmVersion::line_of(1, 13)));
    }

    #[test]
    fn a_yaml_number_version_is_refused_not_guessed() {
        let v: Result<OmVersion, _> = serde_yaml::from_str("1.10");
        let msg = v.unwrap_err().to_string();
        assert!(msg.contains("quotes"), "{msg}");
        let v: OmVersion = serde_yaml::from_str("\"1.10\"").unwrap();
        assert_eq!(v, OmVersion::line_of(1, 10));
    }
}
