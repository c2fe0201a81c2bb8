//! The shape of the code, as docs/ARCHITECTURE.md draws it, checked against src/:
//! - every top-level module sits in one layer of the table in docs/ARCHITECTURE.md, and a
//!   module uses only modules of its own layer or below (`crate::cli` thus only from main,
//!   cli and commands);
//! - no cycle between modules: not between the top-level modules, and not between the sibling
//!   files and folders of any module (a module's own mod.rs, which declares its children and
//!   holds what they share, is the one file allowed to both use them and be used by them);
//! - no file over 600 lines and no function over 80, in src/ and in the tests (tests/suite/);
//! - no omsso flag (`--realm`, `--force`) in a string below the command layer: the library
//!   speaks of settings keys, files and actions, and the flag's wording comes from the
//!   command layer or the settings table (`setting(key).flag_name()`).
//!
//! The reading is textual (paths after `crate::`, `super::` and `omsso::`, and `use` groups),
//! which is exact enough for rustfmt-formatted code; `#[cfg(test)]` modules are left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_FILE_LINES: usize = 600;
const MAX_FN_LINES: usize = 80;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One source file: its module path (`["keycloak", "client"]`; `[]` for lib.rs, `["main"]`
/// for main.rs) and its text without comments and test modules.
struct Source {
    file: PathBuf,
    module: Vec<String>,
    code: String,
}

fn sources() -> Vec<Source> {
    let mut files = Vec::new();
    walk(&root().join("src"), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let rel = file.strip_prefix(root().join("src")).unwrap().to_path_buf();
            let mut module: Vec<String> = rel
                .with_extension("")
                .iter()
                .map(|c| c.to_string_lossy().into_owned())
                .collect();
            // A folder's mod.rs (and lib.rs, the crate's) is the folder module itself.
            if matches!(module.last().map(String::as_str), Some("mod" | "lib")) {
                module.pop();
            }
            let code = strip(&std::fs::read_to_string(&file).unwrap());
            Source {
                file: rel,
                module,
                code,
            }
        })
        .collect()
}

/// Every file the size rules hold for: src/ and the tests, as (path from the repo root, text).
fn sized() -> Vec<(String, String)> {
    let mut files = Vec::new();
    for dir in ["src", "tests/suite"] {
        walk(&root().join(dir), &mut files);
    }
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let rel = file.strip_prefix(root()).unwrap().display().to_string();
            (rel, std::fs::read_to_string(&file).unwrap())
        })
        .collect()
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code without comments and without `#[cfg(test)]` items (test code may reach anywhere).
fn strip(text: &str) -> String {
    let mut out = String::new();
    let mut skip_until_indent: Option<usize> = None;
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let indent = line.len() - line.trim_start().len();
        // A dropped line stays as an empty one, so line numbers stay the file's.
        if let Some(i) = skip_until_indent {
            if indent == i && line.trim_start().starts_with('}') {
                skip_until_indent = None;
            }
            out.push('\n');
            continue;
        }
        let t = line.trim_start();
        if t == "#[cfg(test)]" {
            // The item that follows: a one-line `mod x;` or a block ending at this indent.
            if let Some(next) = lines.next() {
                if !next.trim_end().ends_with(';') {
                    skip_until_indent = Some(indent);
                }
            }
            out.push_str("\n\n");
            continue;
        }
        if t.starts_with("//") {
            out.push('\n');
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Every module path the code names: `crate::a::b`, `super::x` (made absolute), `omsso::a`
/// (main.rs), and the members of `use crate::{a::b, c}` groups.
fn uses(src: &Source) -> BTreeSet<Vec<String>> {
    let re =
        regex::Regex::new(r"\b(crate|super|omsso)((?:::(?:super|[a-z_][a-z0-9_]*))+)").unwrap();
    let group = regex::Regex::new(r"\b(crate|omsso)::\{([^}]*)\}").unwrap();
    let mut found = BTreeSet::new();
    // The module `super` refers to, from this file.
    let here: Vec<String> = src.module.clone();
    let parent = |base: &[String]| base[..base.len().saturating_sub(1)].to_vec();
    for cap in re.captures_iter(&src.code) {
        let mut segs: Vec<String> = cap[2]
            .split("::")
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        let mut base = match &cap[1] {
            "super" => parent(&here),
            _ => Vec::new(),
        };
        while segs.first().is_some_and(|s| s == "super") {
            base = parent(&base);
            segs.remove(0);
        }
        base.extend(segs);
        found.insert(base);
    }
    for cap in group.captures_iter(&src.code) {
        for item in cap[2].split(',') {
            let path: Vec<String> = item
                .trim()
                .split("::")
                .take_while(|s| s.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect();
            if !path.is_empty() {
                found.insert(path);
            }
        }
    }
    found
}

/// The layers of docs/ARCHITECTURE.md: the lines of its ```layers block, `N name name …`.
fn layers() -> BTreeMap<String, usize> {
    let doc = std::fs::read_to_string(root().join("docs/ARCHITECTURE.md"))
        .expect("docs/ARCHITECTURE.md is missing");
    let block = doc
        .split("```layers\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("docs/ARCHITECTURE.md has no ```layers block");
    let mut map = BTreeMap::new();
    for line in block.lines().filter(|l| !l.trim().is_empty()) {
        let mut words = line.split_whitespace();
        let n: usize = words.next().unwrap().parse().expect("layer number");
        for name in words.take_while(|w| !w.starts_with('#')) {
            map.insert(name.to_string(), n);
        }
    }
    map
}

/// The file-module (or folder) among `modules` that `path` names, longest prefix first.
fn resolve<'a>(path: &[String], modules: &'a BTreeSet<Vec<String>>) -> Option<&'a Vec<String>> {
    (1..=path.len())
        .rev()
        .find_map(|n| modules.get(&path[..n].to_vec()))
}

#[test]
fn every_module_uses_only_its_own_layer_or_below() {
    let layers = layers();
    let srcs = sources();
    let mut problems = Vec::new();
    for src in &srcs {
        let Some(top) = src.module.first() else {
            continue;
        };
        let Some(&mine) = layers.get(top) else {
            problems.push(format!(
                "{}: module `{top}` is in no layer of docs/ARCHITECTURE.md",
                src.file.display()
            ));
            continue;
        };
        for used in uses(src) {
            let Some(other) = used.first() else { continue };
            if other == top {
                continue;
            }
            if let Some(&theirs) = layers.get(other) {
                if theirs < mine {
                    problems.push(format!(
                        "{}: `{top}` (layer {mine}) uses `{}` (layer {theirs}, above it)",
                        src.file.display(),
                        used.join("::")
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Edges between siblings: for every folder module, which of its children (files or
/// sub-folders) use which others. The folder's own mod.rs is not a sibling.
fn sibling_edges(srcs: &[Source]) -> BTreeMap<Vec<String>, BTreeSet<(String, String)>> {
    let modules: BTreeSet<Vec<String>> = srcs.iter().map(|s| s.module.clone()).collect();
    let mut edges: BTreeMap<Vec<String>, BTreeSet<(String, String)>> = BTreeMap::new();
    for src in srcs {
        for used in uses(src) {
            let Some(target) = resolve(&used, &modules) else {
                continue;
            };
            // The deepest folder holding both, and the children of it on each side.
            let common = src
                .module
                .iter()
                .zip(target.iter())
                .take_while(|(a, b)| a == b)
                .count();
            let (Some(from), Some(to)) = (src.module.get(common), target.get(common)) else {
                // One contains the other: a face using its children or a child its face.
                continue;
            };
            edges
                .entry(src.module[..common].to_vec())
                .or_default()
                .insert((from.clone(), to.clone()));
        }
    }
    edges
}

#[test]
fn no_module_is_in_a_cycle() {
    let srcs = sources();
    let mut found = Vec::new();
    for (folder, edges) in sibling_edges(&srcs) {
        let at = if folder.is_empty() {
            "crate".to_string()
        } else {
            folder.join("::")
        };
        for group in cycles(&edges) {
            let names: Vec<String> = group.into_iter().collect();
            let uses: Vec<String> = edges
                .iter()
                .filter(|(a, b)| names.contains(a) && names.contains(b))
                .map(|(a, b)| format!("{a} → {b}"))
                .collect();
            found.push(format!("in {at}: {}", uses.join(", ")));
        }
    }
    assert!(found.is_empty(), "import cycles:\n{}", found.join("\n"));
}

/// The groups of nodes that reach each other (strongly connected components of two or more):
/// each group is one cycle or several entangled ones.
fn cycles(edges: &BTreeSet<(String, String)>) -> Vec<BTreeSet<String>> {
    let mut next: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (a, b) in edges {
        next.entry(a).or_default().insert(b);
    }
    let reach = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from];
        while let Some(n) = todo.pop() {
            for m in next.get(n).into_iter().flatten() {
                if seen.insert(*m) {
                    todo.push(m);
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&str, BTreeSet<&str>> = next.keys().map(|n| (*n, reach(n))).collect();
    let mut groups: Vec<BTreeSet<String>> = Vec::new();
    for (n, r) in &reaches {
        if !r.contains(n) || groups.iter().any(|g| g.contains(*n)) {
            continue;
        }
        let group = r
            .iter()
            .filter(|m| reaches.get(*m).is_some_and(|back| back.contains(n)))
            .map(|m| m.to_string())
            .collect();
        groups.push(group);
    }
    groups
}

#[test]
fn no_file_is_over_600_lines() {
    let long: Vec<String> = sized()
        .iter()
        .map(|(file, raw)| (file.clone(), raw.lines().count()))
        .filter(|(_, n)| *n > MAX_FILE_LINES)
        .map(|(f, n)| format!("{f}: {n} lines"))
        .collect();
    assert!(
        long.is_empty(),
        "files over {MAX_FILE_LINES} lines:\n{}",
        long.join("\n")
    );
}

#[test]
fn no_function_is_over_80_lines() {
    let fn_start = regex::Regex::new(
        r"^(\s*)(?:pub(?:\([^)]*\))? )?(?:const )?(?:async )?(?:unsafe )?fn (\w+)",
    )
    .unwrap();
    let mut long = Vec::new();
    for (file, raw) in sized() {
        let lines: Vec<&str> = raw.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let Some(cap) = fn_start.captures(line) else {
                continue;
            };
            if line.trim_end().ends_with(';') {
                continue;
            }
            // rustfmt closes a function's body at the indentation of its `fn` line.
            let close = format!("{}}}", &cap[1]);
            let Some(len) = lines[i..].iter().position(|l| *l == close) else {
                continue;
            };
            if len + 1 > MAX_FN_LINES {
                long.push(format!(
                    "{}:{} fn {}: {} lines",
                    file,
                    i + 1,
                    &cap[2],
                    len + 1
                ));
            }
        }
    }
    assert!(
        long.is_empty(),
        "functions over {MAX_FN_LINES} lines:\n{}",
        long.join("\n")
    );
}

/// The check itself can fail: a made-up cycle and a made-up upward use are found.
#[test]
fn the_checks_find_what_they_look_for() {
    let edges: BTreeSet<(String, String)> = [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    let groups = cycles(&edges);
    assert_eq!(groups.len(), 1, "{groups:?}");
    assert_eq!(groups[0], ["a", "b", "c"].map(String::from).into());
    let src = Source {
        file: "x/y.rs".into(),
        module: vec!["x".into(), "y".into()],
        code: strip("use crate::{cli::Args, output::Ui};\nfn f() { super::z::g(); }\n#[cfg(test)]\nmod tests {\n    use crate::commands;\n}\n"),
    };
    let found = uses(&src);
    let want: BTreeSet<Vec<String>> = [vec!["cli"], vec!["output"], vec!["x", "z", "g"]]
        .iter()
        .map(|v| v.iter().map(|s| s.to_string()).collect())
        .collect();
    assert!(want.is_subset(&found), "{found:?}");
    assert!(!found
        .iter()
        .any(|p| p.first().is_some_and(|s| s == "commands")));
}

/// Where flag names may be written: the command line's own layers, the settings table, which
/// holds each setting's flag as data (like its env var name), and `hint.rs`, which spells the
/// options that set no setting for the hints that name them (each checked below).
const FLAG_TEXT_ALLOWED: &[&str] = &[
    "main.rs",
    "cli/",
    "commands/",
    "settings/table.rs",
    "hint.rs",
];

/// Other programs' flags that share a name with one of omsso's, and where they are spelled.
/// (file, flag, why it is not omsso's.)
const OTHER_PROGRAMS_FLAGS: &[(&str, &str, &str)] = &[(
    "openmetadata/api.rs",
    "force",
    "OpenMetadata's `openmetadata-ops.sh remove-security-config --force`",
)];

/// Every long flag of omsso (and its aliases), from the clap definition `main` parses with,
/// with every setting's flag at the top level as the man page has them.
fn omsso_flags() -> BTreeSet<String> {
    fn walk(cmd: &clap::Command, out: &mut BTreeSet<String>) {
        for arg in cmd.get_arguments() {
            out.extend(arg.get_long().map(String::from));
            out.extend(
                arg.get_all_aliases()
                    .into_iter()
                    .flatten()
                    .map(String::from),
            );
        }
        for sub in cmd.get_subcommands() {
            walk(sub, out);
        }
    }
    let mut out = BTreeSet::new();
    walk(&omsso::cli::command(), &mut out);
    walk(&omsso::cli::command_for_man(), &mut out);
    out
}

/// `(line, flag)` for each `--flag` of `flags` inside a string literal of `code` (lines
/// numbered from 1; char literals and raw strings are read as such, so quotes inside them do
/// not open a string).
fn flags_in_strings(code: &str, flags: &BTreeSet<String>) -> Vec<(usize, String)> {
    let literal =
        regex::Regex::new(r##"'(?:\\.|[^'\\])'|r#"(?s:.*?)"#|r"[^"]*"|"(?:\\(?s:.)|[^"\\])*""##)
            .unwrap();
    let flag = regex::Regex::new(r"(?:^|[^A-Za-z0-9_-])--([a-z][a-z0-9-]*)").unwrap();
    let mut found = Vec::new();
    for lit in literal.find_iter(code) {
        if lit.as_str().starts_with('\'') {
            continue;
        }
        let line = code[..lit.start()].matches('\n').count() + 1;
        for cap in flag.captures_iter(lit.as_str()) {
            let name = cap.get(1).unwrap();
            if flags.contains(name.as_str()) {
                let at = line + lit.as_str()[..name.start()].matches('\n').count();
                found.push((at, name.as_str().to_string()));
            }
        }
    }
    found
}

#[test]
fn no_flag_name_below_the_command_layer() {
    let flags = omsso_flags();
    for f in ["realm", "force", "kind", "login", "om-version"] {
        assert!(
            flags.contains(f),
            "--{f} not among omsso's flags: {flags:?}"
        );
    }
    // The scan itself finds what it looks for, and nothing else.
    let sample = "let c = '\"';\nlet s = \"a \\\n --realm, --force or --forced, not ---x\";\n";
    let want = [(3, "realm".to_string()), (3, "force".to_string())];
    assert_eq!(flags_in_strings(sample, &flags), want);

    let mut offenders = Vec::new();
    for src in sources() {
        let file = src.file.display().to_string();
        if FLAG_TEXT_ALLOWED
            .iter()
            .any(|a| file == *a || (a.ends_with('/') && file.starts_with(a)))
        {
            continue;
        }
        for (line, flag) in flags_in_strings(&src.code, &flags) {
            let known = |&(f, name, _): &(&str, &str, &str)| f == file && name == flag;
            if !OTHER_PROGRAMS_FLAGS.iter().any(known) {
                offenders.push(format!("{file}:{line} --{flag}"));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "omsso flags named below the command layer (name the setting or option in a \
         `hint::Hint`, or take its flag from the settings table or `hint::Opt`):\n{}",
        offenders.join("\n")
    );
}

/// The options a hint names (`omsso::hint::Opt`, spelled in src/hint.rs) are options of the
/// real command line, so a renamed flag cannot leave a hint pointing at nothing.
#[test]
fn every_option_a_hint_names_is_a_real_flag() {
    fn shorts(cmd: &clap::Command, out: &mut BTreeSet<String>) {
        for arg in cmd.get_arguments() {
            out.extend(arg.get_short().map(|c| c.to_string()));
        }
        for sub in cmd.get_subcommands() {
            shorts(sub, out);
        }
    }
    let (longs, mut short) = (omsso_flags(), BTreeSet::new());
    shorts(&omsso::cli::command(), &mut short);
    let unknown: Vec<&str> = omsso::hint::Opt::ALL
        .iter()
        .map(|o| o.flag())
        .filter(|f| match f.strip_prefix("--") {
            Some(long) => !longs.contains(long),
            None => !short.contains(f.trim_start_matches('-')),
        })
        .collect();
    assert!(
        unknown.is_empty(),
        "hint options omsso does not have: {unknown:?}"
    );
}
