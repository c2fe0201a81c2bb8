//! Which OpenMetadata release to write for: the configured line; else, when the running server
//! answers, the line it runs; else the newest. A configured line that differs from the
//! server's is a warning naming both. Asking costs one request, sent once with a short
//! timeout: render also runs where no OpenMetadata is (offline, before the first deploy).

use std::time::Duration;

use super::Progress;
use crate::http::Http;
use crate::omapi::{Client, ServerVersion};
use crate::openmetadata::OmVersion;
use crate::settings::table::OPENMETADATA_VERSION;
use crate::settings::Settings;

/// How long `render` waits for the server's version: it is a courtesy, not a requirement.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(3);

/// The release line (no patch: the chart follows the line, not the server's patch) of a
/// server's version, when omsso writes for it.
pub fn line_of(v: &ServerVersion) -> Option<OmVersion> {
    let (major, minor) = v.version.as_ref().ok()?.line_number();
    Some(OmVersion::line_of(major, minor))
}

/// Asks the server at `om_url` (if any) and decides; warnings go to `progress`.
pub async fn resolve(
    settings: &Settings,
    progress: &dyn Progress,
    om_url: Option<&str>,
    insecure: bool,
) -> OmVersion {
    let Some(om_url) = om_url else {
        return settings.om_version();
    };
    let timeout = settings.timeout().min(PROBE_TIMEOUT);
    let server = match Http::new(timeout, settings.cacert(), insecure) {
        Ok(http) => match Client::new(&http, om_url).version().await {
            Ok(v) => v,
            Err(e) => {
                tracing::info!("no release from OpenMetadata at {om_url}: {e}");
                None
            }
        },
        Err(_) => None,
    };
    decide(settings, progress, om_url, server.as_ref())
}

/// The decision itself (and its messages), once the server's answer is known.
pub fn decide(
    settings: &Settings,
    progress: &dyn Progress,
    om_url: &str,
    server: Option<&ServerVersion>,
) -> OmVersion {
    let Some(server) = server else {
        return settings.om_version();
    };
    match (line_of(server), settings.om_version_given()) {
        (Some(line), Some((mine, source))) if !line.same_line(&mine) => {
            progress.warn(&format!(
                "openmetadata.version is {mine} ({source}), but OpenMetadata at {om_url} runs \
                 {}: writing for {mine} as configured; use {} {} to match the server",
                server.reported,
                OPENMETADATA_VERSION.flag_name(),
                line.line().name()
            ));
            mine
        }
        (_, Some((mine, _))) => mine,
        (Some(line), None) => {
            progress.step(&format!(
                "OpenMetadata at {om_url} runs {}: writing for release line {}",
                server.reported,
                line.line().name()
            ));
            line
        }
        (None, None) => {
            let newest = settings.om_version();
            progress.warn(&format!(
                "OpenMetadata at {om_url} runs {}, a release omsso does not write for: writing \
                 for {newest}; set {} to choose",
                server.reported,
                OPENMETADATA_VERSION.flag_name()
            ));
            newest
        }
    }
}
