//! Which settings each command reads and which it requires, declared here once. `--help` of
//! a command lists only the settings it reads, a settings flag it does not read is an error
//! (env vars and omsso.yaml keys are shared by all commands and never are), and everything a
//! command requires is checked at once, before any request.

use crate::exit::{Diagnose, Exit};
use crate::settings::{Required, SETTINGS};

use super::{Command, KeycloakCommand, RunArgs, SourceArgs};

/// How omsso reaches Keycloak.
const KEYCLOAK: &[&str] = &["keycloak.url", "keycloak.cacert", "keycloak.timeout"];
/// The admin login to Keycloak's admin API.
const ADMIN: &[&str] = &[
    "admin.realm",
    "admin.username",
    "admin.password_file",
    "admin.client_id",
    "admin.client_secret_file",
];
/// Which client in which realm.
const CLIENT: &[&str] = &[
    "keycloak.realm",
    "openmetadata.client_id",
    "openmetadata.client_type",
];
/// The desired state of the client (ensure).
const DESIRED: &[&str] = &[
    "openmetadata.url",
    "openmetadata.response_type",
    "openmetadata.implicit_flow",
    "openmetadata.team_claim",
    "openmetadata.roles_from",
];
/// Reaching OpenMetadata and choosing its release.
const OPENMETADATA: &[&str] = &["openmetadata.url", "openmetadata.version"];
const SEALING: &[&str] = &["seal.recipients", "seal.recipients_files", "output.dir"];

/// The settings `path` (`keycloak ensure`, `render`, …) reads.
pub fn reads(path: &str) -> Vec<&'static str> {
    let groups: &[&[&str]] = match path {
        "config show" | "run" => return SETTINGS.iter().map(|s| s.key).collect(),
        "keycloak ensure" => &[KEYCLOAK, ADMIN, CLIENT, DESIRED],
        "keycloak fetch" | "keycloak rotate" => &[KEYCLOAK, ADMIN, CLIENT, &["output.dir"]],
        "render" => &[KEYCLOAK, ADMIN, CLIENT, &RENDERED],
        "seal" => &[KEYCLOAK, ADMIN, CLIENT, SEALING],
        "verify" => &[
            KEYCLOAK,
            ADMIN,
            OPENMETADATA,
            &["keycloak.realm", "helm.chart_version", "output.dir"],
        ],
        "apply" => &[
            OPENMETADATA,
            &["keycloak.cacert", "keycloak.timeout", "output.dir"],
        ],
        "remove-default-admin" => &[OPENMETADATA, &["keycloak.cacert", "keycloak.timeout"]],
        _ => &[],
    };
    let mut keys: Vec<&'static str> = Vec::new();
    for key in groups.iter().flat_map(|g| g.iter()) {
        if !keys.contains(key) {
            keys.push(key);
        }
    }
    keys
}

/// What render writes from: every OpenMetadata, JWT key and Helm setting, the internal Keycloak
/// URL and the output folder.
const RENDERED: [&str; 27] = [
    "keycloak.internal_url",
    "openmetadata.url",
    "openmetadata.client_id",
    "openmetadata.admin_principals",
    "openmetadata.principal_domain",
    "openmetadata.implicit_flow",
    "openmetadata.version",
    "openmetadata.client_type",
    "openmetadata.response_type",
    "openmetadata.provider_name",
    "openmetadata.internal_url",
    "openmetadata.session_expiry",
    "openmetadata.max_active_sessions_per_user",
    "openmetadata.additional_trusted_redirect_uris",
    "openmetadata.team_claim",
    "openmetadata.roles_from",
    "jwt.enabled",
    "jwt.key_size",
    "jwt.key_id",
    "jwt.issuer",
    "jwt.server_dir",
    "helm.secret_name",
    "helm.jwt_secret_name",
    "helm.namespace",
    "helm.chart_version",
    "helm.sops.age_recipients",
    "output.dir",
];

/// What `command` cannot run without, given its other flags.
pub fn required(command: &Command) -> Vec<Required> {
    use Required::{AdminLogin, Key};
    let live = [Key("keycloak.url"), Key("keycloak.realm"), AdminLogin];
    let rendered = [
        Key("openmetadata.principal_domain"),
        Key("openmetadata.admin_principals"),
    ];
    // render and seal read the credentials from Keycloak unless given a file.
    let live_or_file = [
        Key("keycloak.url"),
        Key("keycloak.realm"),
        Required::AdminLoginOr(
            "give the client's credentials file instead: --credentials FILE (`omsso keycloak \
             fetch --write FILE` writes it)",
        ),
    ];
    let from_keycloak = |s: &SourceArgs| s.credentials.is_none() && s.from_bundle.is_none();
    let mut needs = Vec::new();
    match command {
        Command::Keycloak(KeycloakCommand::Ensure(_)) => {
            needs.extend(live);
            needs.push(Key("openmetadata.url"));
        }
        Command::Keycloak(KeycloakCommand::Fetch(_) | KeycloakCommand::Rotate(_)) => {
            needs.extend(live)
        }
        Command::Render(a) => {
            if from_keycloak(&a.source) {
                needs.extend(live_or_file);
            }
            needs.extend(rendered);
        }
        Command::Seal(a) if from_keycloak(&a.source) => needs.extend(live_or_file),
        // Each environment of --all-envs is checked when it runs (commands::run): the base
        // settings alone may lack what every environment sets.
        Command::Run(a) if !a.all_envs => needs = run_required(a),
        _ => {}
    }
    needs
}

/// What one `omsso run` (or one environment of `run --all-envs`) cannot run without.
pub fn run_required(a: &RunArgs) -> Vec<Required> {
    use Required::{AdminLogin, Key};
    let mut needs = vec![
        Key("keycloak.url"),
        Key("keycloak.realm"),
        AdminLogin,
        Key("openmetadata.principal_domain"),
        Key("openmetadata.admin_principals"),
    ];
    if !a.no_ensure {
        needs.push(Key("openmetadata.url"));
    }
    needs
}

/// `keycloak ensure` for `omsso keycloak ensure …`.
pub fn command_path(matches: &clap::ArgMatches) -> String {
    let mut names = Vec::new();
    let mut m = matches;
    while let Some((name, sub)) = m.subcommand() {
        names.push(name);
        m = sub;
    }
    names.join(" ")
}

/// Every command path, for the error that names where a flag applies.
pub const PATHS: &[&str] = &[
    "config show",
    "keycloak ensure",
    "keycloak fetch",
    "keycloak rotate",
    "render",
    "run",
    "seal",
    "open",
    "keygen",
    "verify",
    "apply",
    "remove-default-admin",
    "completions",
    "man",
];

/// A settings flag given to a command that does not read that setting.
#[derive(Debug, thiserror::Error)]
#[error("{flag} does not apply to `omsso {command}`")]
pub struct NotRead {
    pub flag: String,
    pub key: &'static str,
    pub command: String,
}

impl Diagnose for NotRead {
    fn exit(&self) -> Exit {
        Exit::Usage
    }

    fn hint(&self) -> Option<crate::hint::Hint> {
        let readers: Vec<String> = PATHS
            .iter()
            .filter(|p| reads(p).contains(&self.key))
            .map(|p| format!("`omsso {p}`"))
            .collect();
        Some(
            format!(
                "{} ({}) is read by {}; `omsso {} --help` lists the settings this command reads",
                self.flag,
                self.key,
                readers.join(", "),
                self.command
            )
            .into(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_read_is_a_setting_and_every_setting_is_read_somewhere_besides_config() {
        for path in PATHS {
            for key in reads(path) {
                assert!(crate::settings::table::find(key).is_some(), "{path}: {key}");
            }
        }
        for s in SETTINGS {
            assert!(
                PATHS
                    .iter()
                    .filter(|p| !matches!(**p, "config show" | "run"))
                    .any(|p| reads(p).contains(&s.key)),
                "{} is read only by config show and run",
                s.key
            );
        }
    }
}
