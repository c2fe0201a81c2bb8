//! The settings flags, generated from the settings table (`crate::settings::table`): one clap
//! argument per setting, with the table's flag, env var, help and value type; and the way
//! back, from parsed arguments to a settings layer with each value's source.

use clap::builder::{PossibleValuesParser, TypedValueParser, ValueParser};
use clap::parser::ValueSource;
use clap::{Arg, ArgAction, ArgMatches};

use super::reads::NotRead;
use crate::settings::{Given, Setting, Source, Value, SETTINGS};

/// The clap argument of setting `s`; its id is the setting's key.
pub fn arg(s: &'static Setting) -> Arg {
    let kind = s.kind;
    let parser = match kind.choices() {
        Some(choices) => ValueParser::new(
            PossibleValuesParser::new(choices).try_map(move |v: String| kind.parse(&v)),
        ),
        None => ValueParser::new(move |v: &str| kind.parse(v)),
    };
    let mut arg = Arg::new(s.key)
        .long(s.flag)
        .env(s.env)
        .value_name(s.value_name)
        .help(s.help_line())
        .value_parser(parser);
    if let Some(f) = s.long_help {
        arg = arg.long_help(f());
    }
    if let Some(c) = s.short {
        arg = arg.short(c);
    }
    if kind.is_list() {
        arg.action(ArgAction::Append).value_delimiter(',')
    } else {
        arg.action(ArgAction::Set)
    }
}

/// Every settings argument, under its section's heading, in `--help` only (`-h` names the
/// sections instead: they are most of a command's flags); those not in `shown` are hidden
/// (still parsed, so that giving one is a clear error rather than clap's "unexpected
/// argument", and so that their env vars are read everywhere).
pub fn args<'a>(shown: &'a [&str]) -> impl Iterator<Item = Arg> + 'a {
    SETTINGS.iter().map(move |s| {
        arg(s)
            .help_heading(s.section_title())
            .hide_short_help(true)
            .hide(!shown.contains(&s.key))
    })
}

/// The first settings flag written on the command line (before or after the subcommand)
/// that `path` does not read.
pub fn unread_flag(matches: &ArgMatches, path: &str) -> Result<(), NotRead> {
    let reads = super::reads::reads(path);
    let mut m = Some(matches);
    while let Some(level) = m {
        for s in SETTINGS {
            let on_command_line = source_at(level, s.key) == Some(ValueSource::CommandLine);
            if on_command_line && !reads.contains(&s.key) {
                return Err(NotRead {
                    flag: s.flag_name(),
                    key: s.key,
                    command: path.to_string(),
                });
            }
        }
        m = level.subcommand().map(|(_, sub)| sub);
    }
    Ok(())
}

/// The settings given as flags or env vars. `matches` is the whole command line: a flag may
/// be written before the subcommand or after it (the later one wins), an env var counts only
/// when no flag was given.
pub fn given(matches: &ArgMatches) -> Given {
    let mut levels = vec![matches];
    while let Some((_, sub)) = levels.last().and_then(|m| m.subcommand()) {
        levels.push(sub);
    }
    let mut given = Given::default();
    for s in SETTINGS {
        let mut found: Option<(Vec<Value>, Source)> = None;
        for m in &levels {
            let Some(origin) = source_at(m, s.key) else {
                continue;
            };
            let source = match origin {
                ValueSource::CommandLine => Source::Flag(s.flag_name()),
                ValueSource::EnvVariable => Source::Env(s.env.to_string()),
                _ => continue,
            };
            let flag_seen = matches!(found, Some((_, Source::Flag(_))));
            if flag_seen && matches!(source, Source::Env(_)) {
                continue;
            }
            let values: Vec<Value> = m
                .try_get_many::<Value>(s.key)
                .ok()
                .flatten()
                .map(|v| v.cloned().collect())
                .unwrap_or_default();
            found = Some((values, source));
        }
        if let Some((values, source)) = found {
            if let Some(value) = s.kind.join(values) {
                given.set(s.key, value, source);
            }
        }
    }
    given
}

/// Where `key` got its value at this level of the command line; `None` also where the level
/// has no such argument (a command with subcommands).
fn source_at(m: &ArgMatches, key: &str) -> Option<ValueSource> {
    if m.ids().any(|id| id.as_str() == key) {
        m.value_source(key)
    } else {
        None
    }
}
