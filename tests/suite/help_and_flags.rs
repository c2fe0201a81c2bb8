//! Each command's --help lists only the settings it reads, grouped by section; a settings flag
//! the command does not read is a usage error naming where it applies (its env var and file
//! key stay fine: they are shared by all commands); and everything a command requires is
//! reported in one error, before any request.

use crate::support::{omsso, one_error, run};

fn help(args: &[&str]) -> String {
    let d = tempfile::tempdir().unwrap();
    let r = run(omsso(d.path()).args(args).arg("--help"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout
}

#[test]
fn help_lists_the_settings_a_command_reads_grouped_by_section() {
    let keygen = help(&["keygen"]);
    for absent in ["--keycloak-url", "--realm", "--recipient", "settings:"] {
        assert!(!keygen.contains(absent), "keygen --help shows {absent}");
    }
    assert!(keygen.lines().count() < 60, "{keygen}");

    let render = help(&["render"]);
    for present in [
        "Keycloak settings:",
        "OpenMetadata settings:",
        "Helm settings:",
        "--realm",
        "--principal-domain",
        "[env: OMSSO_PRINCIPAL_DOMAIN=]",
    ] {
        assert!(render.contains(present), "render --help lacks {present}");
    }
    assert!(!render.contains("--recipient"), "render does not seal");

    let fetch = help(&["keycloak", "fetch"]);
    assert!(fetch.contains("--admin-username") && !fetch.contains("--principal-domain"));
    let run_help = help(&["run"]);
    assert!(run_help.contains("Sealing settings:") && run_help.contains("--sops-age"));
    // The top level names where the settings are documented.
    assert!(help(&[]).contains("docs/SETTINGS.md"));
}

#[test]
fn a_settings_flag_the_command_does_not_read_is_a_usage_error() {
    let d = tempfile::tempdir().unwrap();
    for (args, flag, reader) in [
        (
            vec!["render", "-r", "age1xyz"],
            "--recipient",
            "`omsso seal`",
        ),
        (
            vec!["keygen", "-o", "k", "--keycloak-url", "http://kc"],
            "--keycloak-url",
            "`omsso keycloak fetch`",
        ),
        (
            vec!["--realm", "data", "keygen", "-o", "k"],
            "--realm",
            "`omsso render`",
        ),
        (
            vec!["open", "x.age", "--out", "o"],
            "--out",
            "`omsso render`",
        ),
    ] {
        let r = run(omsso(d.path()).args(&args));
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        let line = one_error(&r);
        assert!(
            line.contains(flag) && line.contains("does not apply"),
            "{line}"
        );
        assert!(r.stderr.contains(reader), "{args:?}: {}", r.stderr);
        assert!(!d.path().join("k").exists(), "keygen ran anyway");
    }
}

#[test]
fn env_vars_and_file_keys_of_other_commands_are_fine() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("omsso.yaml"),
        "keycloak:\n  url: http://kc\nseal:\n  recipients: [age1x]\n",
    )
    .unwrap();
    let r = run(omsso(d.path())
        .env("OMSSO_KEYCLOAK_URL", "http://kc")
        .env("OMSSO_SEAL_RECIPIENTS", "age1x")
        .args(["keygen", "-o", "k"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn every_missing_setting_is_reported_at_once_before_any_request() {
    let d = tempfile::tempdir().unwrap();
    let r = run(omsso(d.path()).arg("render"));
    assert_eq!(r.code, 2, "{}", r.stderr);
    let line = one_error(&r);
    for key in [
        "keycloak.url",
        "keycloak.realm",
        "admin login",
        "openmetadata.principal_domain",
        "openmetadata.admin_principals",
    ] {
        assert!(line.contains(key), "{key} not in {line}");
    }
    for flag in [
        "--keycloak-url",
        "--realm",
        "--admin-username",
        "--principal-domain",
    ] {
        assert!(r.stderr.contains(flag), "{flag}: {}", r.stderr);
    }

    // Nothing listens on port 1: a settings error proves no request was tried.
    let r = run(omsso(d.path())
        .env("OMSSO_KEYCLOAK_URL", "http://127.0.0.1:1")
        .env("OMSSO_REALM", "data")
        .args(["keycloak", "ensure"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    let line = one_error(&r);
    assert!(
        line.contains("2 settings are not set")
            && line.contains("admin login")
            && line.contains("openmetadata.url"),
        "{line}"
    );

    // One missing setting keeps its own message.
    let r = run(omsso(d.path())
        .env("OMSSO_KEYCLOAK_URL", "http://127.0.0.1:1")
        .env("OMSSO_REALM", "data")
        .env("OMSSO_OM_URL", "http://om")
        .args(["keycloak", "ensure"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        one_error(&r).contains("no admin credentials"),
        "{}",
        r.stderr
    );
}

/// Issue 21: `render` without an admin login or a credentials file named only the admin
/// login; a new user with a credentials file was never told of --credentials.
#[test]
fn render_without_a_login_names_the_credentials_file_too() {
    let d = tempfile::tempdir().unwrap();
    let r = crate::support::run(crate::support::omsso(d.path()).args([
        "render",
        "--keycloak-url",
        "http://127.0.0.1:9",
        "--realm",
        "data",
        "--om-url",
        "http://localhost:8585",
        "--principal-domain",
        "example.com",
        "--admin-principal",
        "alice",
    ]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    crate::support::one_error(&r);
    assert!(r.stderr.contains("--credentials FILE"), "{}", r.stderr);
}

/// Issue 21: a Keycloak URL without a scheme was "not a URL (relative URL without a base)".
#[test]
fn a_url_without_a_scheme_is_told_to_add_https() {
    let d = tempfile::tempdir().unwrap();
    let r = crate::support::run(crate::support::omsso(d.path()).args([
        "config",
        "show",
        "--keycloak-url",
        "sso.example.com",
    ]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("write https://sso.example.com"),
        "{}",
        r.stderr
    );
}

/// Every command of omsso as its words (`[]` the top level, `["keycloak", "ensure"]`, …), from
/// the clap definition `main` parses with.
fn command_paths() -> Vec<Vec<String>> {
    fn walk(cmd: &clap::Command, path: Vec<String>, out: &mut Vec<Vec<String>>) {
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let mut p = path.clone();
            p.push(sub.get_name().to_string());
            walk(sub, p, out);
        }
        out.push(path);
    }
    let mut out = Vec::new();
    walk(&omsso::cli::command(), Vec::new(), &mut out);
    out
}

/// The clap command at `path`.
fn command_at(path: &[String]) -> clap::Command {
    let mut cmd = omsso::cli::command();
    for word in path {
        cmd = cmd.find_subcommand(word).unwrap().clone();
    }
    cmd
}

/// `omsso <path> <flag>` at 100 columns (clap's width when stdout is not a terminal, unless
/// COLUMNS says otherwise).
fn help_text(path: &[String], flag: &str) -> String {
    let d = tempfile::tempdir().unwrap();
    let r = run(omsso(d.path()).env("COLUMNS", "100").args(path).arg(flag));
    assert_eq!(r.code, 0, "{path:?} {flag}: {}", r.stderr);
    r.stdout
}

/// The bound on `-h`, measured (`COLUMNS=100 omsso <command> -h | wc -l` for every command):
/// the longest today are `open` 40, `seal` 39, `run` 38 and `render` 36 lines; before `-h`
/// left the settings flags to `--help` they were 48, 110, 186 and 173. 45 leaves room for a
/// few more options of a command's own; one settings section shown in `-h` again adds 10 to 40.
const SHORT_HELP_LINES: usize = 45;

/// Issue 24: `render -h` and `run -h` were 141 and 158 lines, most of them the settings flags.
#[test]
fn short_help_shows_a_commands_own_options_and_names_its_settings_sections() {
    for path in command_paths() {
        let short = help_text(&path, "-h");
        let lines = short.lines().count();
        assert!(
            lines <= SHORT_HELP_LINES,
            "`omsso {} -h` is {lines} lines (bound {SHORT_HELP_LINES}):\n{short}",
            path.join(" ")
        );
        for s in omsso::settings::SETTINGS {
            let flag = format!("--{} <", s.flag);
            assert!(!short.contains(&flag), "{path:?} -h lists {flag}");
        }
        assert!(short.contains("Global options:\n"), "{path:?}: {short}");
    }
    let render = help_text(&["render".into()], "-h");
    assert!(
        render.contains("Settings (keycloak.*, admin.*, openmetadata.*, jwt.*, helm.*, output.*)"),
        "{render}"
    );
    for own in ["--target", "--credentials", "--from-bundle", "--signer"] {
        assert!(render.contains(own), "render -h lacks {own}");
    }
    let seal = help_text(&["seal".into()], "-h");
    assert!(
        seal.contains("seal.*") && !seal.contains("helm.*"),
        "{seal}"
    );
}

/// `--help` still lists every option a command takes (its own, the global ones, and each
/// setting it reads), and none of the old spellings.
#[test]
fn long_help_lists_every_option() {
    for path in command_paths() {
        let long = help_text(&path, "--help");
        let cmd = command_at(&path);
        for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
            if let Some(name) = arg.get_long() {
                let flag = format!("--{name}");
                assert!(
                    long.contains(&flag),
                    "`omsso {} --help` lacks {flag}",
                    path.join(" ")
                );
            }
        }
        for old in ["--output <", "--env <"] {
            assert!(!long.contains(old), "{path:?} --help shows {old}");
        }
    }
}

/// `--output` and `--env` were renamed `--format` and `--environment` (docs/GUIDE.md, "Global
/// options"); the old spellings keep working, unchanged, for one release.
#[test]
fn the_old_spellings_of_format_and_environment_still_work() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("omsso.yaml"),
        "keycloak:\n  realm: base\nenvironments:\n  prod:\n    keycloak:\n      realm: from-prod\n",
    )
    .unwrap();
    let show = |args: &[&str]| {
        let r = run(omsso(d.path()).args(args).args(["config", "show"]));
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        r.stdout
    };
    let new = show(&["--format", "json", "--environment", "prod"]);
    assert!(new.contains("\"from-prod\""), "{new}");
    assert_eq!(show(&["--output", "json", "--env", "prod"]), new);
    assert_eq!(show(&["--output=json", "--env=prod"]), new);
    // Given twice under both names, clap refuses as it would the same name twice.
    let r = run(omsso(d.path()).args(["--format", "json", "--output", "text", "config", "show"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
}
