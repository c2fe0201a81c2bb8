//! What scripts/setup prints, installs and exits with (with and without --tests, with --check)
//! on a fresh machine, on one that has everything, without network, and not as root.

use super::*;

const DEMO_PACKAGES: &[&str] = &[
    "gcc",
    "openssh-client",
    "curl",
    "maven",
    "ca-certificates",
    "default-jre-headless",
];
const TEST_PACKAGES: &[&str] = &[
    "default-jdk-headless",
    "age",
    "docker-compose",
    "strace",
    "openssl",
    "git",
];
/// Both, as one apt-get installs them (a JDK brings its JRE).
const ALL_PACKAGES: &[&str] = &[
    "gcc",
    "openssh-client",
    "curl",
    "maven",
    "ca-certificates",
    "default-jdk-headless",
    "age",
    "docker-compose",
    "strace",
    "openssl",
    "git",
];
const KEYCLOAK_LINE: &str =
    "  the Keycloak distribution -> scripts/keycloak fetch (needs Maven and Maven Central)";

fn apt_line(packages: &[&str]) -> String {
    let list = packages.join(" ");
    format!(
        "  Debian packages: {list} -> (as root) apt-get install -y --no-install-recommends {list}"
    )
}

/// The lines a report gives what only the tests need, after the Debian packages.
fn tests_lines() -> Vec<String> {
    [
        "  Python modules: jsonschema>=4 pyyaml pydantic>=2,<3 email-validator>=2 -> python3 -m pip install 'jsonschema>=4' 'pyyaml' 'pydantic>=2,<3' 'email-validator>=2' (needs PyPI)",
        "  sops 3.13.3 -> go install github.com/getsops/sops/v3/cmd/sops@v3.13.3 (needs proxy.golang.org; lands in <world>/home/go/bin)",
        "  helm 3.22.0 -> go install helm.sh/helm/v3/cmd/helm@v3.22.0 (needs proxy.golang.org; lands in <world>/home/go/bin)",
        "  OpenMetadata's models (openmetadata-ingestion 1.6.13.2 1.7.7.4 1.8.12.0 1.9.17.6 1.10.14.7 1.11.14.0 1.12.14.2 1.13.6.3 2.0.7.0) -> scripts/om-models fetch (needs pip and PyPI)",
    ]
    .map(String::from)
    .to_vec()
}

/// The report's lines up to (not including) the reference files it names, one per line.
/// (The callers index into it: fewer than two lines fail here, naming what was printed.)
fn head_of(stderr: &str) -> Vec<&str> {
    let head: Vec<&str> = stderr
        .lines()
        .take_while(|l| !l.starts_with("    "))
        .collect();
    assert!(
        head.len() >= 2,
        "no report from scripts/setup; it printed: {stderr:?}"
    );
    head
}

/// `--check` (and `--check --tests`) on a machine with none of the Debian packages: the list,
/// exit 1, nothing installed or downloaded, as root or not, with network or without.
fn assert_check_lists_without_installing(world: &World) {
    for (args, what, packages) in [
        (&["--check"][..], "scripts/demo", DEMO_PACKAGES),
        (&["--check", "--tests"], "scripts/test", ALL_PACKAGES),
    ] {
        let checked = world.setup(args);
        let head = head_of(&checked.stderr);
        let first = format!("error: not everything {what} needs is here; missing:");
        assert_eq!(head[..2], [first, apt_line(packages)], "{checked:#?}");
        checked.assert_stopped_before_installing();
    }
}

#[test]
fn a_fresh_machine_checked_for_the_demo_hears_what_the_demo_needs_and_nothing_more() {
    let checked = World::fresh().setup(&["--check"]);
    let apt = apt_line(DEMO_PACKAGES);
    let expected = [
        "error: not everything scripts/demo needs is here; missing:",
        &apt,
        KEYCLOAK_LINE,
        "hint: scripts/setup installs what is missing (Debian packages need root)",
    ];
    assert_eq!(
        checked.stderr.lines().collect::<Vec<_>>(),
        expected,
        "{checked:#?}"
    );
    assert_eq!(checked.stdout, "", "{checked:#?}");
    checked.assert_stopped_before_installing();
}

#[test]
fn a_fresh_machine_checked_for_the_tests_hears_everything_in_one_message() {
    let checked = World::fresh().setup(&["--check", "--tests"]);
    let apt = apt_line(ALL_PACKAGES);
    let mut expected = vec![
        "error: not everything scripts/test needs is here; missing:".to_string(),
        apt,
    ];
    expected.extend(tests_lines());
    expected.push(KEYCLOAK_LINE.into());
    expected.push("  the reference data in <world>/home/.cache/omsso/reference -> scripts/reference fetch, each file from its public source, pinned in scripts/reference-files.tsv:".into());
    assert_eq!(head_of(&checked.stderr), expected, "{checked:#?}");
    super::reference::assert_names_every_file(&checked.stderr);
    assert!(checked.stderr.ends_with(
        "\nhint: scripts/setup --tests installs what is missing (Debian packages need root)\n"
    ));
    assert_eq!(checked.stdout, "", "{checked:#?}");
    checked.assert_stopped_before_installing();
}

#[test]
fn the_demo_installs_what_the_demo_needs_and_the_tests_install_the_rest() {
    let mirror = mirror(None);
    let world = World::fresh().set("OMSSO_REFERENCE_MIRROR", &mirror.url);

    let demo = world.setup(&[]);
    let apt = format!(
        "apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends {}",
        DEMO_PACKAGES.join(" ")
    );
    let mvn = "mvn -q -B -Dstyle.color=never dependency:copy -Dartifact=org.keycloak:keycloak-quarkus-dist:26.7.3:tar.gz -DoutputDirectory=<world>/repo/target/keycloak";
    assert_eq!(
        demo.installs(),
        ["dpkg --configure -a", "apt-get -o DPkg::Lock::Timeout=300 update -qq", &apt, mvn],
        "the demo installs only what the demo needs (no wheels, helm, sops, reference data): {demo:#?}"
    );
    assert_eq!((demo.code, demo.stdout.as_str()), (0, ""));
    assert_eq!(
        demo.stderr.lines().last(),
        Some(
            format!(
                "scripts/setup: installed Debian packages: {}; the Keycloak distribution (Maven)",
                DEMO_PACKAGES.join(" ")
            )
            .as_str()
        ),
        "{demo:#?}"
    );
    assert!(mirror.seen().is_empty(), "the demo fetched reference data");
    world.setup(&["--check"]).assert_silent_success();

    let tests = world.setup(&["--tests"]);
    assert_eq!((tests.code, tests.stdout.as_str()), (0, ""), "{tests:#?}");
    let installs = tests.installs();
    let expected_start = [
        "dpkg --configure -a".to_string(),
        "apt-get -o DPkg::Lock::Timeout=300 update -qq".into(),
        format!(
            "apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends {}",
            TEST_PACKAGES.join(" ")
        ),
        "pip install --quiet jsonschema>=4 pyyaml pydantic>=2,<3 email-validator>=2".into(),
        "go install github.com/getsops/sops/v3/cmd/sops@v3.13.3".into(),
        "go install helm.sh/helm/v3/cmd/helm@v3.22.0".into(),
    ];
    assert_eq!(installs[..6], expected_start, "{tests:#?}");
    let wheels: Vec<&&str> = installs[6..]
        .iter()
        .filter(|c| c.starts_with("pip download "))
        .collect();
    assert_eq!(
        (wheels.len(), installs.len()),
        (9, 15),
        "nine wheels, nothing else: {tests:#?}"
    );
    assert_eq!(
        mirror.seen().len(),
        reference_sources().len(),
        "one request per reference file"
    );
    let last = tests.stderr.lines().last().unwrap();
    assert!(last.starts_with("scripts/setup: installed Debian packages: default-jdk-headless age docker-compose strace openssl git; Python modules: "), "{last}");
    assert!(last.ends_with("; the reference data"), "{last}");

    for args in [&["--tests"][..], &["--check", "--tests"], &[], &["--check"]] {
        world.setup(args).assert_silent_success();
    }
}

#[test]
fn a_machine_that_has_everything_in_other_shapes_installs_nothing_and_says_nothing() {
    // A JDK 21 only under the JVM folder, commands without their Debian packages, the Python
    // modules from pip: each counts as what scripts/setup would have installed.
    let world = World::everything();
    for args in [&[][..], &["--check"], &["--tests"], &["--check", "--tests"]] {
        world.setup(args).assert_silent_success();
    }
}

#[test]
fn without_network_it_stops_at_the_first_download_naming_everything_still_missing() {
    let world = World::fresh().offline();
    assert_check_lists_without_installing(&world);
    let stopped = world.setup(&["--tests"]);
    let apt = ALL_PACKAGES.to_vec().join(" ");
    assert_eq!(
        stopped.installs(),
        [
            "dpkg --configure -a",
            "apt-get -o DPkg::Lock::Timeout=300 update -qq"
        ],
        "{stopped:#?}"
    );
    let lines = head_of(&stopped.stderr);
    assert_eq!(lines[..3], [
        format!("scripts/setup: installing Debian packages: {apt} ...").as_str(),
        format!("error: could not install Debian packages: {apt}: E: Failed to fetch http://deb.debian.org/debian/dists/bookworm/InRelease  Temporary failure resolving 'deb.debian.org'; missing:").as_str(),
        apt_line(ALL_PACKAGES).as_str(),
    ], "{stopped:#?}");
    assert_eq!(lines[3..7], tests_lines(), "{stopped:#?}");
    assert_eq!(lines[7], KEYCLOAK_LINE);
    super::reference::assert_names_every_file(&stopped.stderr);
    assert!(stopped.stderr.ends_with("\nhint: the whole output is in <world>/repo/target/setup.log (no network? each line above names where its part comes from)\n"), "{stopped:#?}");
    assert_eq!((stopped.code, stopped.stdout.as_str()), (1, ""));

    // The Debian packages there (a local mirror, say): the next download stops it, and the
    // message names what is still missing, with where each comes from.
    world.apt_installed(ALL_PACKAGES);
    let stopped = world.setup(&["--tests"]);
    let lines = head_of(&stopped.stderr);
    assert_eq!(lines[..2], [
        "scripts/setup: installing Python modules: jsonschema>=4 pyyaml pydantic>=2,<3 email-validator>=2 ...",
        "error: could not install Python modules: jsonschema>=4 pyyaml pydantic>=2,<3 email-validator>=2: ERROR: Could not find a version that satisfies the requirement email-validator>=2 (from versions: none); missing:",
    ], "{stopped:#?}");
    assert_eq!(lines[2..6], tests_lines(), "{stopped:#?}");
    assert_eq!(lines[6], KEYCLOAK_LINE);
    super::reference::assert_names_every_file(&stopped.stderr);
    assert_eq!(
        stopped.installs(),
        ["pip install --quiet jsonschema>=4 pyyaml pydantic>=2,<3 email-validator>=2"]
    );
    assert_eq!(stopped.code, 1);

    let demo = world.setup(&[]);
    assert_eq!(head_of(&demo.stderr)[1..], [
        "error: could not install the Keycloak distribution (Maven): scripts/keycloak: Maven could not fetch keycloak-quarkus-dist 26.7.3; missing:",
        KEYCLOAK_LINE,
        "hint: the whole output is in <world>/repo/target/setup.log (no network? each line above names where its part comes from)",
    ], "{demo:#?}");
    assert_eq!(demo.code, 1);
}

#[test]
fn not_root_it_installs_nothing_before_saying_what_needs_root_then_the_rest_as_the_user() {
    let world = World::fresh().run_by_a_user();
    assert_check_lists_without_installing(&world);
    for (args, packages) in [
        (&[][..], DEMO_PACKAGES.to_vec()),
        (&["--tests"], ALL_PACKAGES.to_vec()),
    ] {
        let stopped = world.setup(args);
        let head = head_of(&stopped.stderr);
        assert_eq!(
            head[..2],
            [
                "error: installing Debian packages needs root (this is dev); missing:",
                apt_line(&packages).as_str(),
            ],
            "{stopped:#?}"
        );
        assert!(stopped.stderr.ends_with("\nhint: run the apt-get line as root, then this again: it installs the rest as dev\n"), "{stopped:#?}");
        stopped.assert_stopped_before_installing();
    }
    // Once root installed the Debian packages, the rest needs no root.
    let mirror = mirror(None);
    let world = World::fresh().set("OMSSO_REFERENCE_MIRROR", &mirror.url);
    world.apt_installed(ALL_PACKAGES);
    let world = world.run_by_a_user();
    let installed = world.setup(&["--tests"]);
    assert_eq!(installed.code, 0, "{installed:#?}");
    assert!(
        !installed
            .installs()
            .iter()
            .any(|c| c.starts_with("apt-get")),
        "{installed:#?}"
    );
    world.setup(&["--check", "--tests"]).assert_silent_success();
}

#[test]
fn what_it_cannot_install_it_names_before_trying_anything() {
    let world = World::fresh()
        .without("bin/cargo")
        .without("bin/go")
        .without("bin/python3");
    let stopped = world.setup(&["--tests"]);
    let head = head_of(&stopped.stderr);
    assert_eq!(head[..4], [
        "error: scripts/setup cannot install everything scripts/test needs; missing:",
        "  Rust (cargo on PATH) -> https://rustup.rs (not installed by scripts/setup)",
        "  python3 with pip -> pyenv, or a virtual environment first on PATH (not installed by scripts/setup)",
        "  Go -> https://go.dev/dl/, unpacked into <world>/no-go or on PATH (not installed by scripts/setup)",
    ], "{stopped:#?}");
    assert!(
        stopped
            .stderr
            .ends_with("\nhint: what is marked (not installed by scripts/setup) comes first\n"),
        "{stopped:#?}"
    );
    stopped.assert_stopped_before_installing();

    // A python3 whose pip cannot install (here: it has none).
    let stopped = World::fresh().without("site/pip").setup(&["--tests"]);
    assert_eq!(head_of(&stopped.stderr)[1], "  pip for python3 (<world>/bin/python3) -> it has no pip: put a python3 with pip first on PATH (pyenv, or python3 -m venv ~/.venv/omsso && . ~/.venv/omsso/bin/activate) (not installed by scripts/setup)", "{stopped:#?}");
    stopped.assert_stopped_before_installing();
}

#[test]
fn a_failure_nobody_foresaw_still_names_itself() {
    // mkdir that fails without a word, where scripts/setup makes the folder of its log.
    let world = World::fresh();
    write_executable(&world.root.join("bin/mkdir"), "#!/bin/sh\nexit 1\n");
    let stopped = world.setup(&[]);
    let line = stopped
        .stderr
        .lines()
        .find(|l| l.starts_with("error: "))
        .unwrap_or_default();
    assert!(
        line.starts_with("error: scripts/setup stopped at line ")
            && line.ends_with(": `mkdir -p \"$repo/target\"` failed (exit 1)"),
        "{stopped:#?}"
    );
    stopped.assert_stopped_before_installing();
}
