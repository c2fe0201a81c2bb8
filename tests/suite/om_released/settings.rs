//! The settings sets the release matrix renders every line and client type with.

use crate::support::render::SECRET;

/// A set of settings every line and client type is rendered with.
pub(super) struct Setting {
    pub(super) label: &'static str,
    pub(super) client_id: &'static str,
    pub(super) secret: &'static str,
    pub(super) args: &'static [&'static str],
    /// The lines this set applies to (settings only some lines have); empty: every line.
    pub(super) lines: &'static [&'static str],
    /// Only for confidential clients (settings only those have).
    pub(super) confidential_only: bool,
}

impl Setting {
    pub(super) fn applies(&self, line: &str, client_type: &str) -> bool {
        (self.lines.is_empty() || self.lines.contains(&line))
            && (!self.confidential_only || client_type == "confidential")
    }
}

pub(super) const SETTINGS: &[Setting] = &[
    Setting {
        label: "default",
        client_id: "open-metadata",
        secret: SECRET,
        args: &[],
        lines: &[],
        confidential_only: false,
    },
    // Other names and addresses, and values YAML reads as something else (`yes` a boolean,
    // `0123` an octal number, `a: b` a map).
    Setting {
        label: "custom",
        client_id: "0123",
        secret: "yes",
        args: &[
            "--om-url=http://om.internal:8585",
            "--keycloak-internal-url=http://keycloak:8080",
            "--provider-name=a: b",
            "--principal-domain=corp.example.org",
            "--admin-principal=yes",
            "--admin-principal=jane.doe",
        ],
        lines: &[],
        confidential_only: false,
    },
    // `${…}` that OpenMetadata's loader would substitute unless escaped. The env file cannot
    // carry it (render refuses, tested in render_compose.rs), so this set has no compose route.
    Setting {
        label: "dollar",
        client_id: "open-metadata",
        secret: "s${x}e",
        args: &[
            "--provider-name=${x}",
            "--principal-domain=d${HOME}",
            "--admin-principal=$${y}",
        ],
        lines: &[],
        confidential_only: false,
    },
    // The public code flow (PKCE) and the server's own address set explicitly.
    Setting {
        label: "code",
        client_id: "open-metadata",
        secret: SECRET,
        args: &[
            "--response-type=code",
            "--om-internal-url=http://openmetadata:8585",
        ],
        lines: &[],
        confidential_only: false,
    },
    // 2.0's session settings. The second redirect URI's query string (`?`, `&`, `=`) travels
    // in a flow list through the env routes, where SnakeYAML reads a plain `?` as an indicator
    // (issue 21: the server refused `[https://a/cb, https://b/cb?x=1&y=2]`).
    Setting {
        label: "sessions",
        client_id: "open-metadata",
        secret: SECRET,
        args: &[
            "--session-expiry=7200",
            "--max-active-sessions-per-user=3",
            "--trusted-redirect-uri=https://abcdefgh.chromiumapp.org/callback",
            "--trusted-redirect-uri=https://b.example.org/cb?x=1&y=2",
        ],
        lines: &["2.0"],
        confidential_only: false,
    },
    // The session lifetime of 1.8 – 1.13, which only confidential clients have.
    Setting {
        label: "oidc-session",
        client_id: "open-metadata",
        secret: SECRET,
        args: &["--session-expiry=7200"],
        lines: &["1.8", "1.9", "1.10", "1.11", "1.12", "1.13"],
        confidential_only: true,
    },
    // Keycloak's realm roles as OpenMetadata roles (useRolesFromProvider, every line).
    Setting {
        label: "roles",
        client_id: "open-metadata",
        secret: SECRET,
        args: &["--roles-from=realm"],
        lines: &[],
        confidential_only: false,
    },
    // Groups as teams (jwtTeamClaimMapping, 1.11+): OpenMetadata has no variable for it, so
    // only openmetadata.yaml carries it, and render says so for the env file and Helm values.
    Setting {
        label: "teams",
        client_id: "open-metadata",
        secret: SECRET,
        args: &["--team-claim=groups", "--roles-from=client"],
        lines: &["1.11", "1.12", "1.13", "2.0"],
        confidential_only: false,
    },
];

/// The warning render gives when a file cannot carry the team claim.
pub(super) const TEAM_CLAIM_WARNING: &str = "cannot carry openmetadata.team_claim";
/// Where the yaml route puts the team claim.
pub(super) const TEAM_CLAIM_PATH: &str = "authenticationConfiguration.jwtTeamClaimMapping";
