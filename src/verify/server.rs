//! The running OpenMetadata, as far as this machine reaches it: the release it runs
//! (`GET /api/v1/system/version`) and the security configuration it actually uses (`GET
//! /api/v1/system/config/auth`, no login, database-aware), compared with the file. From 1.10
//! on a saved configuration lives in the server's database and a changed file is ignored, so
//! this is where a redeploy that changed nothing shows. An OpenMetadata out of reach is a
//! visible skip, never a pass.

use serde_json::Value;

use super::registry::{CheckInfo, SERVER_CONFIG, SERVER_VERSION};
use super::report::Checks;
use crate::hint::Opt;
use crate::http::Http;
use crate::omapi::{compare, Client, OmError, ServerVersion};
use crate::openmetadata::{api, lines, OmVersion};
use crate::settings::table::{OPENMETADATA_URL, OPENMETADATA_VERSION};
use crate::settings::Source;

/// How a difference between the file and the server counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// The file is what the server should run (`verify`): a difference fails.
    Deployed,
    /// The file was just written (`run` without `--apply`; for the back-door key checks, `run`
    /// that just made the JWT key pair): the server cannot have it yet, so a difference is a
    /// warning that says how to deploy it.
    JustRendered,
}

/// What the checks learned about the server.
#[derive(Debug, Default)]
pub struct Found {
    pub version: Option<ServerVersion>,
}

/// The release line hints and keys follow: the server's, else the configured one, else the
/// newest.
pub fn line_for(found: &Found, configured: Option<OmVersion>) -> OmVersion {
    found
        .version
        .as_ref()
        .and_then(|v| v.version.clone().ok())
        .or(configured)
        .unwrap_or_default()
}

pub async fn run(
    c: &mut Checks,
    http: &Http,
    om_url: Option<&str>,
    blocks: &Value,
    configured: Option<(OmVersion, Source)>,
    expect: Expect,
) -> Found {
    run_answered(c, http, om_url, None, blocks, configured, expect).await
}

/// [`run`] with the server's answer to the version request already in hand (`answer`; `None`:
/// ask it here), so one `omsso run` asks once.
pub async fn run_answered(
    c: &mut Checks,
    http: &Http,
    om_url: Option<&str>,
    answer: Option<Result<Option<ServerVersion>, OmError>>,
    blocks: &Value,
    configured: Option<(OmVersion, Source)>,
    expect: Expect,
) -> Found {
    let mut found = Found::default();
    let Some(om_url) = om_url else {
        for name in [SERVER_VERSION, SERVER_CONFIG] {
            c.skip(
                name,
                "no OpenMetadata URL (the file names none and openmetadata.url is not set)",
                format!("set {}", OPENMETADATA_URL.flag_name()),
            );
        }
        return found;
    };
    let client = Client::new(http, om_url);
    let answer = match answer {
        Some(a) => a,
        None => client.version().await,
    };
    match answer {
        Err(e) => {
            let detail = unreachable(&e, om_url);
            for name in [SERVER_VERSION, SERVER_CONFIG] {
                c.skip(
                    name,
                    detail.clone(),
                    format!(
                        "run verify where OpenMetadata is reachable (set {} to its address \
                         from here)",
                        OPENMETADATA_URL.flag_name()
                    ),
                );
            }
            return found;
        }
        Ok(None) => c.warn(
            SERVER_VERSION,
            format!(
                "{om_url}/{} did not answer with OpenMetadata's version",
                api::VERSION_PATH
            ),
            format!(
                "check {}: it is OpenMetadata's base URL",
                OPENMETADATA_URL.flag_name()
            ),
        ),
        Ok(Some(v)) => {
            version_check(c, om_url, &v, configured.as_ref());
            found.version = Some(v);
        }
    }
    let line = line_for(&found, configured.map(|(v, _)| v));
    config_check(c, &client, blocks, line, expect).await;
    found
}

fn unreachable(e: &OmError, om_url: &str) -> String {
    match e {
        OmError::Unreachable { reason, .. } => {
            format!("OpenMetadata at {om_url} is not reachable from here: {reason}")
        }
        other => format!("OpenMetadata at {om_url}: {other}"),
    }
}

/// The server's release against the configured one (a configured line that differs is a
/// warning naming both).
fn version_check(
    c: &mut Checks,
    om_url: &str,
    v: &ServerVersion,
    configured: Option<&(OmVersion, Source)>,
) {
    match (&v.version, configured) {
        (Err(why), _) => c.warn(
            SERVER_VERSION,
            format!("OpenMetadata at {om_url} runs {}: {why}", v.reported),
            format!(
                "omsso writes for {}; check the configuration against that server's release \
                 notes",
                lines::supported_list()
            ),
        ),
        (Ok(server), Some((mine, source))) if !server.same_line(mine) => c.warn(
            SERVER_VERSION,
            format!(
                "openmetadata.version is {mine} ({source}), but OpenMetadata at {om_url} runs {}",
                v.reported
            ),
            format!(
                "render for the server's release ({} {}, or leave it unset and omsso asks the \
                 server), or upgrade the server",
                OPENMETADATA_VERSION.flag_name(),
                server.line().name()
            ),
        ),
        (Ok(server), _) => c.pass(
            SERVER_VERSION,
            format!(
                "OpenMetadata at {om_url} runs {} (release line {})",
                v.reported,
                server.line().name()
            ),
        ),
    }
}

async fn config_check(
    c: &mut Checks,
    client: &Client<'_>,
    blocks: &Value,
    line: OmVersion,
    expect: Expect,
) {
    const NAME: CheckInfo = SERVER_CONFIG;
    let served = match client.public_auth_config().await {
        Ok(v) => v,
        Err(e @ OmError::Unreachable { .. }) => {
            c.skip(
                NAME,
                unreachable(&e, client.base()),
                "run verify where OpenMetadata is reachable",
            );
            return;
        }
        Err(e) => {
            c.fail(
                NAME,
                e.to_string(),
                format!(
                    "check {}: it is OpenMetadata's base URL",
                    OPENMETADATA_URL.flag_name()
                ),
            );
            return;
        }
    };
    let file_auth = &blocks["authenticationConfiguration"];
    let differences = compare::public_differences(file_auth, &served);
    if differences.is_empty() {
        let compared: Vec<&str> = api::PUBLIC_AUTH_FIELDS
            .iter()
            .copied()
            .filter(|k| !file_auth.get(*k).is_none_or(Value::is_null))
            .collect();
        c.pass(
            NAME,
            format!(
                "the running OpenMetadata uses the file's {}",
                compared.join(", ")
            ),
        );
        return;
    }
    let listed: Vec<String> = differences.iter().map(ToString::to_string).collect();
    let detail = format!(
        "the running OpenMetadata uses another configuration than the file (server → file): {}",
        listed.join("; ")
    );
    let how = api::how_to_deploy(line.line());
    match expect {
        Expect::Deployed => c.fail(NAME, detail, how),
        Expect::JustRendered => c.warn(
            NAME,
            detail,
            format!(
                "the files were just written; {how} (or use `omsso run {}`)",
                Opt::Apply
            ),
        ),
    }
}
