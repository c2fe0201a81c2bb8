//! Which settings each command reads and which it requires, declared here once. `--help` of
//! a command lists only the settings it reads, a settings flag it does not read is an error
//! (env vars and omsso.yaml keys are shared by all commands and never are), and everything a
//! command requires is checked at once, before any request.

use crate::exit::{Diagnose, Exit};
use crate::settings::table::{
    ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET_FILE, ADMIN_PASSWORD_FILE, ADMIN_REALM, ADMIN_USERNAME,
    HELM_CHART_VERSION, KEYCLOAK_CACERT, KEYCLOAK_INTERNAL_URL, KEYCLOAK_REALM, KEYCLOAK_TIMEOUT,
    KEYCLOAK_URL, OPENMETADATA_ADMIN_PRINCIPALS, OPENMETADATA_CLIENT_ID, OPENMETADATA_CLIENT_TYPE,
    OPENMETADATA_IMPLICIT_FLOW, OPENMETADATA_PRINCIPAL_DOMAIN, OPENMETADATA_RESPONSE_TYPE,
    OPENMETADATA_ROLES_FROM, OPENMETADATA_TEAM_CLAIM, OPENMETADATA_URL, OPENMETADATA_VERSION,
    OUTPUT_DIR, SEAL_RECIPIENTS, SEAL_RECIPIENTS_FILES,
};
use crate::settings::{Required, Setting, SETTINGS};

use super::{Command, ConfigCommand, KeycloakCommand, RunArgs, SourceArgs};

/// Every command that runs (a leaf of the command tree). [`CommandPath::of`] and [`reads`]
/// match on it exhaustively, so a new command does not build until it says what it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandPath {
    ConfigShow,
    KeycloakEnsure,
    KeycloakFetch,
    KeycloakRotate,
    Render,
    Run,
    Seal,
    Open,
    Keygen,
    Verify,
    Apply,
    RemoveDefaultAdmin,
    Completions,
    Man,
}

impl CommandPath {
    /// Every command, in `--help`'s order (a test checks that the command tree has no other).
    pub const ALL: &'static [CommandPath] = &[
        CommandPath::ConfigShow,
        CommandPath::KeycloakEnsure,
        CommandPath::KeycloakFetch,
        CommandPath::KeycloakRotate,
        CommandPath::Render,
        CommandPath::Run,
        CommandPath::Seal,
        CommandPath::Open,
        CommandPath::Keygen,
        CommandPath::Verify,
        CommandPath::Apply,
        CommandPath::RemoveDefaultAdmin,
        CommandPath::Completions,
        CommandPath::Man,
    ];

    /// The command the user ran.
    pub fn of(command: &Command) -> CommandPath {
        match command {
            Command::Config(ConfigCommand::Show) => CommandPath::ConfigShow,
            Command::Keycloak(KeycloakCommand::Ensure(_)) => CommandPath::KeycloakEnsure,
            Command::Keycloak(KeycloakCommand::Fetch(_)) => CommandPath::KeycloakFetch,
            Command::Keycloak(KeycloakCommand::Rotate(_)) => CommandPath::KeycloakRotate,
            Command::Render(_) => CommandPath::Render,
            Command::Run(_) => CommandPath::Run,
            Command::Seal(_) => CommandPath::Seal,
            Command::Open(_) => CommandPath::Open,
            Command::Keygen(_) => CommandPath::Keygen,
            Command::Verify(_) => CommandPath::Verify,
            Command::Apply(_) => CommandPath::Apply,
            Command::RemoveDefaultAdmin(_) => CommandPath::RemoveDefaultAdmin,
            Command::Completions(_) => CommandPath::Completions,
            Command::Man => CommandPath::Man,
        }
    }

    /// `keycloak ensure`, as typed after `omsso`.
    pub fn name(self) -> &'static str {
        match self {
            CommandPath::ConfigShow => "config show",
            CommandPath::KeycloakEnsure => "keycloak ensure",
            CommandPath::KeycloakFetch => "keycloak fetch",
            CommandPath::KeycloakRotate => "keycloak rotate",
            CommandPath::Render => "render",
            CommandPath::Run => "run",
            CommandPath::Seal => "seal",
            CommandPath::Open => "open",
            CommandPath::Keygen => "keygen",
            CommandPath::Verify => "verify",
            CommandPath::Apply => "apply",
            CommandPath::RemoveDefaultAdmin => "remove-default-admin",
            CommandPath::Completions => "completions",
            CommandPath::Man => "man",
        }
    }

    /// The command whose path (in the clap command tree) is `path`.
    pub fn named(path: &str) -> Option<CommandPath> {
        Self::ALL.iter().copied().find(|c| c.name() == path)
    }
}

/// How omsso reaches Keycloak.
const KEYCLOAK: &[&Setting] = &[&KEYCLOAK_URL, &KEYCLOAK_CACERT, &KEYCLOAK_TIMEOUT];
/// The admin login to Keycloak's admin API.
const ADMIN: &[&Setting] = &[
    &ADMIN_REALM,
    &ADMIN_USERNAME,
    &ADMIN_PASSWORD_FILE,
    &ADMIN_CLIENT_ID,
    &ADMIN_CLIENT_SECRET_FILE,
];
/// Which client in which realm.
const CLIENT: &[&Setting] = &[
    &KEYCLOAK_REALM,
    &OPENMETADATA_CLIENT_ID,
    &OPENMETADATA_CLIENT_TYPE,
];
/// The desired state of the client (ensure).
const DESIRED: &[&Setting] = &[
    &OPENMETADATA_URL,
    &OPENMETADATA_RESPONSE_TYPE,
    &OPENMETADATA_IMPLICIT_FLOW,
    &OPENMETADATA_TEAM_CLAIM,
    &OPENMETADATA_ROLES_FROM,
];
/// Reaching OpenMetadata and choosing its release.
const OPENMETADATA: &[&Setting] = &[&OPENMETADATA_URL, &OPENMETADATA_VERSION];
const SEALING: &[&Setting] = &[&SEAL_RECIPIENTS, &SEAL_RECIPIENTS_FILES, &OUTPUT_DIR];

/// The settings `command` reads.
pub fn reads(command: CommandPath) -> Vec<&'static Setting> {
    let rendered = rendered();
    let groups: &[&[&'static Setting]] = match command {
        CommandPath::ConfigShow | CommandPath::Run => return SETTINGS.to_vec(),
        CommandPath::KeycloakEnsure => &[KEYCLOAK, ADMIN, CLIENT, DESIRED],
        CommandPath::KeycloakFetch | CommandPath::KeycloakRotate => {
            &[KEYCLOAK, ADMIN, CLIENT, &[&OUTPUT_DIR]]
        }
        CommandPath::Render => &[KEYCLOAK, ADMIN, CLIENT, &rendered],
        CommandPath::Seal => &[KEYCLOAK, ADMIN, CLIENT, SEALING],
        CommandPath::Verify => &[
            KEYCLOAK,
            ADMIN,
            OPENMETADATA,
            &[&KEYCLOAK_REALM, &HELM_CHART_VERSION, &OUTPUT_DIR],
        ],
        CommandPath::Apply => &[
            OPENMETADATA,
            &[&KEYCLOAK_CACERT, &KEYCLOAK_TIMEOUT, &OUTPUT_DIR],
        ],
        CommandPath::RemoveDefaultAdmin => &[OPENMETADATA, &[&KEYCLOAK_CACERT, &KEYCLOAK_TIMEOUT]],
        // These read no settings: open and keygen work on files, the others describe omsso.
        CommandPath::Open | CommandPath::Keygen | CommandPath::Completions | CommandPath::Man => {
            &[]
        }
    };
    let mut read: Vec<&'static Setting> = Vec::new();
    for s in groups.iter().flat_map(|g| g.iter()) {
        if !read.contains(s) {
            read.push(s);
        }
    }
    read
}

/// What render writes from: every OpenMetadata, JWT key and Helm setting (so a new one in
/// those sections reaches render by its row alone), the internal Keycloak URL and the output
/// folder.
fn rendered() -> Vec<&'static Setting> {
    let sections = ["openmetadata", "jwt", "helm"];
    SETTINGS
        .iter()
        .copied()
        .filter(|s| sections.contains(&s.section()))
        .chain([&KEYCLOAK_INTERNAL_URL, &OUTPUT_DIR])
        .collect()
}

/// What `command` cannot run without, given its other flags.
pub fn required(command: &Command) -> Vec<Required> {
    use Required::{AdminLogin, Key};
    let live = [Key(&KEYCLOAK_URL), Key(&KEYCLOAK_REALM), AdminLogin];
    let rendered = [
        Key(&OPENMETADATA_PRINCIPAL_DOMAIN),
        Key(&OPENMETADATA_ADMIN_PRINCIPALS),
    ];
    // render and seal read the credentials from Keycloak unless given a file.
    let live_or_file = [
        Key(&KEYCLOAK_URL),
        Key(&KEYCLOAK_REALM),
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
            needs.push(Key(&OPENMETADATA_URL));
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
        Command::Seal(_) | Command::Run(_) => {}
        // Each reads what it needs from its own arguments (or nothing), and says so when
        // something is missing.
        Command::Config(_)
        | Command::Open(_)
        | Command::Keygen(_)
        | Command::Verify(_)
        | Command::Apply(_)
        | Command::RemoveDefaultAdmin(_)
        | Command::Completions(_)
        | Command::Man => {}
    }
    needs
}

/// What one `omsso run` (or one environment of `run --all-envs`) cannot run without.
pub fn run_required(a: &RunArgs) -> Vec<Required> {
    use Required::{AdminLogin, Key};
    let mut needs = vec![
        Key(&KEYCLOAK_URL),
        Key(&KEYCLOAK_REALM),
        AdminLogin,
        Key(&OPENMETADATA_PRINCIPAL_DOMAIN),
        Key(&OPENMETADATA_ADMIN_PRINCIPALS),
    ];
    if !a.no_ensure {
        needs.push(Key(&OPENMETADATA_URL));
    }
    needs
}

/// A settings flag given to a command that does not read that setting.
#[derive(Debug, thiserror::Error)]
#[error("{flag} does not apply to `omsso {}`", .command.name())]
pub struct NotRead {
    pub flag: String,
    pub setting: &'static Setting,
    pub command: CommandPath,
}

impl Diagnose for NotRead {
    fn exit(&self) -> Exit {
        Exit::Usage
    }

    fn hint(&self) -> Option<crate::hint::Hint> {
        let readers: Vec<String> = CommandPath::ALL
            .iter()
            .filter(|c| reads(**c).contains(&self.setting))
            .map(|c| format!("`omsso {}`", c.name()))
            .collect();
        Some(
            format!(
                "{} ({}) is read by {}; `omsso {} --help` lists the settings this command reads",
                self.flag,
                self.setting.key,
                readers.join(", "),
                self.command.name()
            )
            .into(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The leaves of the clap command tree, by path.
    fn leaves(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
        for sub in cmd.get_subcommands() {
            let sub_path = format!("{path} {}", sub.get_name()).trim().to_string();
            if sub.has_subcommands() {
                leaves(sub, &sub_path, out);
            } else {
                out.push(sub_path);
            }
        }
    }

    #[test]
    fn every_command_of_the_tree_is_a_command_path_and_no_other() {
        let mut paths = Vec::new();
        leaves(
            &<super::super::Cli as clap::CommandFactory>::command(),
            "",
            &mut paths,
        );
        let named: Vec<&str> = CommandPath::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(paths, named);
    }

    #[test]
    fn every_setting_is_read_somewhere_besides_config_and_run() {
        for s in SETTINGS {
            assert!(
                CommandPath::ALL
                    .iter()
                    .filter(|c| !matches!(c, CommandPath::ConfigShow | CommandPath::Run))
                    .any(|c| reads(*c).contains(s)),
                "{} is read only by config show and run",
                s.key
            );
        }
    }
}
