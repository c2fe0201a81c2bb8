//! The result of the live checks: each check named, with its status and a fix hint, and one
//! honest summary that counts ok, warn, skip and FAIL apart (only ok counts as passed). `verify`
//! and `run` print the same report through [`Report`].

use serde::Serialize;

use super::registry::{self, CheckInfo};
use crate::output::one_line;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    /// Ran, but could not be decided from here (e.g. an internal URL this machine cannot
    /// reach), or found something to look at that does not break the login.
    Warn,
    /// Did not run: it needs something this run does not have (an admin login, a reachable
    /// OpenMetadata, a user to log in as).
    Skip,
}

impl Status {
    /// The mark in the text report.
    pub fn mark(self) -> &'static str {
        match self {
            Status::Pass => "ok  ",
            Status::Fail => "FAIL",
            Status::Warn => "warn",
            Status::Skip => "skip",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// Stable id, e.g. `issuer-matches-authority`.
    pub name: &'static str,
    pub status: Status,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// Why a check was skipped because no admin login was given.
pub const NO_ADMIN_LOGIN: &str = "no admin login";

/// The checks of one run, in the order they ran.
#[derive(Debug, Default)]
pub struct Checks(pub Vec<Check>);

impl Checks {
    pub fn pass(&mut self, check: CheckInfo, detail: impl Into<String>) {
        self.push(check, Status::Pass, detail, None::<String>);
    }

    pub fn fail(&mut self, check: CheckInfo, detail: impl Into<String>, hint: impl Into<String>) {
        self.push(check, Status::Fail, detail, Some(hint));
    }

    pub fn warn(&mut self, check: CheckInfo, detail: impl Into<String>, hint: impl Into<String>) {
        self.push(check, Status::Warn, detail, Some(hint));
    }

    pub fn skip(&mut self, check: CheckInfo, detail: impl Into<String>, hint: impl Into<String>) {
        self.push(check, Status::Skip, detail, Some(hint));
    }

    /// A check that needs the admin API, in a run without an admin login.
    pub fn skip_no_admin(&mut self, check: CheckInfo) {
        self.skip(
            check,
            NO_ADMIN_LOGIN,
            format!(
                "give an admin login ({}) to check the client in Keycloak",
                crate::settings::admin_login_choices()
            ),
        );
    }

    pub fn push(
        &mut self,
        check: CheckInfo,
        status: Status,
        detail: impl Into<String>,
        hint: Option<impl Into<String>>,
    ) {
        debug_assert!(
            registry::is_live(check.name),
            "{} is not registered",
            check.name
        );
        debug_assert!(
            status != Status::Fail || check.severity == crate::lint::Severity::Error,
            "{} fails, but the registry says it only warns",
            check.name
        );
        self.0.push(Check {
            name: check.name,
            status,
            detail: detail.into(),
            hint: hint.map(Into::into),
        });
    }

    /// A lint finding about a file the live checks read beside theirs, under the lint's own
    /// check name (a file check of [`crate::lint::registry`]).
    pub fn finding(&mut self, file: &str, f: &crate::lint::Finding) {
        debug_assert!(
            crate::lint::registry::FILE_CHECKS
                .iter()
                .any(|c| c.name == f.check),
            "{} is not registered",
            f.check
        );
        let at = match f.line {
            Some(l) => format!("{file}:{l}"),
            None => file.to_string(),
        };
        self.0.push(Check {
            name: f.check,
            status: match f.severity {
                crate::lint::Severity::Error => Status::Fail,
                _ => Status::Warn,
            },
            detail: format!("{at}: {}", f.message),
            hint: Some(f.hint.clone()),
        });
    }

    /// Records `ok` as a pass, anything else as a failure.
    pub fn expect(&mut self, check: CheckInfo, ok: Result<String, (String, String)>) {
        match ok {
            Ok(detail) => self.pass(check, detail),
            Err((detail, hint)) => self.fail(check, detail, hint),
        }
    }
}

/// How many checks ended in each status. Only `pass` counts as passed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub pass: usize,
    pub warn: usize,
    pub skip: usize,
    pub fail: usize,
}

impl Counts {
    pub fn of(checks: &[Check]) -> Counts {
        let mut c = Counts::default();
        for check in checks {
            match check.status {
                Status::Pass => c.pass += 1,
                Status::Warn => c.warn += 1,
                Status::Skip => c.skip += 1,
                Status::Fail => c.fail += 1,
            }
        }
        c
    }

    pub fn total(&self) -> usize {
        self.pass + self.warn + self.skip + self.fail
    }
}

impl std::fmt::Display for Counts {
    /// `11 checks: 8 ok, 2 warn, 1 skip, 0 FAIL`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} checks: {} ok, {} warn, {} skip, {} FAIL",
            self.total(),
            self.pass,
            self.warn,
            self.skip,
            self.fail
        )
    }
}

/// `11 checks: 8 ok, 2 warn, 1 skip, 0 FAIL (warn: a, b; skip: c)`: the counts, and which
/// checks did not pass, for one-line summaries (`run`'s verify step).
pub fn summary_line(checks: &[Check]) -> String {
    let mut line = Counts::of(checks).to_string();
    let named: Vec<String> = [(Status::Warn, "warn"), (Status::Skip, "skip")]
        .into_iter()
        .filter_map(|(status, label)| {
            let names: Vec<&str> = checks
                .iter()
                .filter(|c| c.status == status)
                .map(|c| c.name)
                .collect();
            (!names.is_empty()).then(|| format!("{label}: {}", names.join(", ")))
        })
        .collect();
    if !named.is_empty() {
        line.push_str(&format!(" ({})", named.join("; ")));
    }
    line
}

/// The names of the failed checks, in order.
pub fn failed(checks: &[Check]) -> Vec<&'static str> {
    checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .map(|c| c.name)
        .collect()
}

/// One line per check (and its hint), as `verify` prints them. A hint the check before
/// already gave (the skipped admin checks share one) is not repeated.
pub fn text(checks: &[Check]) -> String {
    let mut out = String::new();
    let mut last_hint = None;
    for c in checks {
        // Details quote the file and the servers' answers: one line each.
        out.push_str(&format!(
            "  {} {:<26} {}\n",
            c.status.mark(),
            c.name,
            one_line(&c.detail)
        ));
        if let Some(h) = &c.hint {
            if last_hint != Some(h) {
                out.push_str(&format!("       hint: {}\n", one_line(h)));
            }
        }
        last_hint = c.hint.as_ref();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_passes_count_as_passed_and_each_status_is_counted_apart() {
        let mut c = Checks::default();
        use super::registry::{
            CLIENT_EXISTS, DEFAULT_SCOPES, LOGIN, SERVER_CONFIG, SERVER_VERSION,
        };
        c.pass(LOGIN, "x");
        c.warn(SERVER_VERSION, "x", "h");
        c.warn(SERVER_CONFIG, "x", "h");
        c.skip_no_admin(CLIENT_EXISTS);
        c.fail(DEFAULT_SCOPES, "x", "h");
        let n = Counts::of(&c.0);
        assert_eq!(
            n,
            Counts {
                pass: 1,
                warn: 2,
                skip: 1,
                fail: 1
            }
        );
        assert_eq!(n.to_string(), "5 checks: 1 ok, 2 warn, 1 skip, 1 FAIL");
        assert_eq!(failed(&c.0), ["default-scopes"]);
        assert_eq!(
            summary_line(&c.0),
            "5 checks: 1 ok, 2 warn, 1 skip, 1 FAIL (warn: server-version, server-config; skip: \
             client-exists)"
        );
        assert!(text(&c.0).contains("skip client-exists"), "{}", text(&c.0));
        assert!(text(&c.0).contains(NO_ADMIN_LOGIN));
        // One hint for consecutive checks that share it.
        assert_eq!(text(&c.0).matches("hint: h").count(), 2, "{}", text(&c.0));
    }
}
