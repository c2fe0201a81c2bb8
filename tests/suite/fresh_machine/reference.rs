//! The reference data on a machine without it: scripts/setup --tests fetches each file of
//! scripts/reference-files.tsv from its public source (here a mirror on 127.0.0.1 in the same
//! layout), keeps only the pinned bytes, and otherwise names each missing file and its source.

use super::*;

/// Every file of the list is named in `stderr` with its source: on a line of its own
/// (`    path <- url`) or in its folder's (`    folder/ (N files) <- source-folder/`, N the
/// number of listed files under it that come from there).
pub fn assert_names_every_file(stderr: &str) {
    let mut lines: Vec<(&str, Option<usize>, &str)> = vec![];
    for line in stderr.lines().filter_map(|l| l.strip_prefix("    ")) {
        let (what, source) = line.split_once(" <- ").expect("<what> <- <source>");
        lines.push(match what.split_once(" (") {
            Some((dir, count)) => {
                let count = count.strip_suffix(" files)").and_then(|n| n.parse().ok());
                (dir, Some(count.expect("(N files)")), source)
            }
            None => (what, None, source),
        });
    }
    let mut covered = vec![0; lines.len()];
    for file in reference_sources() {
        let at = lines.iter().position(|(what, count, source)| match count {
            None => *what == file.path && *source == file.url,
            Some(_) => file
                .path
                .strip_prefix(what)
                .is_some_and(|tail| file.url.strip_prefix(source) == Some(tail)),
        });
        let at = at.unwrap_or_else(|| panic!("{} is not named: {stderr}", file.path));
        covered[at] += 1;
    }
    for ((what, count, _), n) in lines.iter().zip(covered) {
        assert_eq!(count.unwrap_or(1), n, "{what}: {stderr}");
    }
}

/// A machine with everything but the reference data; OMSSO_REFERENCE names a folder that does
/// not exist, so the cache is used.
fn without_reference(mirror_url: &str) -> World {
    let world = World::everything().set("OMSSO_REFERENCE_MIRROR", mirror_url);
    let absent = world.root.join("no-reference").display().to_string();
    world.set("OMSSO_REFERENCE", &absent)
}

/// Every file in the cache, relative to it.
fn cached(world: &World) -> Vec<String> {
    files_under(&world.cache())
}

/// Every file under `base`, relative to it, sorted.
fn files_under(base: &Path) -> Vec<String> {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            if entry.file_type().unwrap().is_dir() {
                walk(&entry.path(), base, out);
            } else {
                out.push(
                    entry
                        .path()
                        .strip_prefix(base)
                        .unwrap()
                        .display()
                        .to_string(),
                );
            }
        }
    }
    let mut out = vec![];
    walk(base, base, &mut out);
    out.sort();
    out
}

/// The list is what the tests read (support::reference): the server config, the quickstart
/// compose file, the chart's values and every file of each released chart the tests render
/// (`released::CHARTS`), each pinned with the bytes of the reference folder.
#[test]
fn the_list_pins_every_third_party_file_the_tests_read() {
    use sha2::{Digest, Sha256};
    let mut wanted: Vec<String> = [
        "openmetadata/conf/openmetadata.yaml",
        "openmetadata/docker/docker-compose.yml",
        "openmetadata/helm/values.yaml",
    ]
    .map(String::from)
    .to_vec();
    for chart in omsso::openmetadata::released::CHARTS {
        let dir = format!("openmetadata/helm/charts/{}", chart.version);
        let files = files_under(&reference_dir().join(&dir));
        assert!(!files.is_empty(), "{dir}: no files in the reference folder");
        wanted.extend(files.into_iter().map(|f| format!("{dir}/{f}")));
    }
    let mut listed: Vec<String> = reference_sources().into_iter().map(|s| s.path).collect();
    wanted.sort();
    listed.sort();
    assert_eq!(listed, wanted, "scripts/reference-files.tsv");
    for source in reference_sources() {
        let bytes = std::fs::read(reference_dir().join(&source.path)).unwrap();
        let got: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            got, source.sha256,
            "{}: the pin is not the reference folder's bytes",
            source.path
        );
        assert!(
            source
                .url
                .starts_with("https://raw.githubusercontent.com/open-metadata/"),
            "{}: {} is not OpenMetadata's public repository",
            source.path,
            source.url
        );
    }
}

#[test]
fn each_reference_file_comes_from_its_source_with_the_pinned_bytes() {
    let mirror = mirror(None);
    let world = without_reference(&mirror.url);
    let fetched = world.setup(&["--tests"]);
    assert_eq!(
        (fetched.code, fetched.stderr.as_str()),
        (0, "scripts/setup: installing the reference data ...\nscripts/setup: installed the reference data\n"),
        "{fetched:#?}"
    );
    let mut asked: Vec<String> = mirror.seen().into_iter().map(|s| s.key).collect();
    let mut sources: Vec<String> = reference_sources()
        .iter()
        .map(|s| {
            format!(
                "GET {}",
                s.url
                    .strip_prefix("https://raw.githubusercontent.com")
                    .unwrap()
            )
        })
        .collect();
    asked.sort();
    sources.sort();
    assert_eq!(
        asked, sources,
        "one request per file, in the upstream layout"
    );
    for source in reference_sources() {
        let got = std::fs::read(world.cache().join(&source.path)).unwrap();
        assert_eq!(
            got,
            std::fs::read(reference_dir().join(&source.path)).unwrap(),
            "{}",
            source.path
        );
    }
    let mut listed: Vec<String> = reference_sources().into_iter().map(|s| s.path).collect();
    listed.sort();
    assert_eq!(
        cached(&world),
        listed,
        "the cache holds the listed files and nothing else"
    );
    world.setup(&["--check", "--tests"]).assert_silent_success();
    assert_eq!(
        mirror.seen().len(),
        listed.len(),
        "a second run fetches nothing"
    );
}

#[test]
fn a_file_whose_bytes_do_not_match_its_pin_is_refused_and_nothing_is_half_written() {
    let conf = "openmetadata/conf/openmetadata.yaml";
    let tampered = mirror(Some(conf));
    let world = without_reference(&tampered.url);
    let refused = world.setup(&["--tests"]);
    let url = reference_sources()
        .into_iter()
        .find(|s| s.path == conf)
        .unwrap()
        .url;
    assert_eq!(refused.stderr.lines().collect::<Vec<_>>(), [
        "scripts/setup: installing the reference data ...",
        "error: could not install the reference data: scripts/reference: refused (its bytes do not match the SHA-256 pinned in scripts/reference-files.tsv): openmetadata/conf/openmetadata.yaml; missing:",
        "  the reference data in <world>/home/.cache/omsso/reference -> scripts/reference fetch, each file from its public source, pinned in scripts/reference-files.tsv:",
        &format!("    {conf} <- {url}"),
        "hint: the whole output is in <world>/repo/target/setup.log (no network? each line above names where its part comes from)",
    ], "{refused:#?}");
    assert_eq!(refused.code, 1);
    let mut expected: Vec<String> = reference_sources()
        .into_iter()
        .map(|s| s.path)
        .filter(|p| p != conf)
        .collect();
    expected.sort();
    assert_eq!(
        cached(&world),
        expected,
        "every other file, and nothing of the refused one or the download"
    );

    // The source serves the upstream bytes again: only that file is fetched.
    let mirror = mirror(None);
    let world = world.set("OMSSO_REFERENCE_MIRROR", &mirror.url);
    assert_eq!(world.setup(&["--tests"]).code, 0);
    let asked: Vec<String> = mirror.seen().into_iter().map(|s| s.key).collect();
    assert_eq!(
        asked,
        [format!(
            "GET {}",
            url.strip_prefix("https://raw.githubusercontent.com")
                .unwrap()
        )]
    );
}

#[test]
fn an_unreachable_source_stops_at_once_naming_each_missing_file_and_its_source() {
    let world = without_reference(&format!("http://127.0.0.1:{}", closed_port()));
    let started = std::time::Instant::now();
    let stopped = world.setup(&["--tests"]);
    let head = head_of_report(&stopped.stderr);
    assert_eq!(head, [
        "scripts/setup: installing the reference data ...",
        "  the reference data in <world>/home/.cache/omsso/reference -> scripts/reference fetch, each file from its public source, pinned in scripts/reference-files.tsv:",
    ], "{stopped:#?}");
    let error = stopped.stderr.lines().nth(1).unwrap();
    assert!(
        error.starts_with("error: could not install the reference data: scripts/reference: could not fetch them (no network?): curl: (7) Failed to connect to 127.0.0.1 port ")
            && error.ends_with("; missing:"),
        "{error}"
    );
    assert_names_every_file(&stopped.stderr);
    assert_eq!(stopped.code, 1);
    assert_eq!(cached(&world), Vec::<String>::new(), "nothing written");
    assert!(
        started.elapsed().as_secs() < 60,
        "it stops at once: {:?}",
        started.elapsed()
    );
}

/// The report's lines but the `error:` line, the files it names and the hint.
fn head_of_report(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| !l.starts_with("error: ") && !l.starts_with("    ") && !l.starts_with("hint: "))
        .collect()
}
