//! scripts/setup as a fresh machine meets it (issue 22: on a machine that lacked one Debian
//! package, `scripts/setup` died under `set -e` without a word, and the README's two commands
//! with it; CI, on a machine where everything was installed, could not see it).
//!
//! Each case runs a copy of the repo's set-up scripts (setup, keycloak, om-models, reference and
//! its list) in a world of its own: a temp folder whose `../shared/reference` does not exist,
//! HOME inside it, and a PATH of only
//! - `bin/`: stubs of what setup asks and installs with (dpkg-query, dpkg, apt-get, id, go,
//!   cargo, python3 — a virtual environment without site-packages, whose `pip` is a stub), and
//!   whatever a stub "installed" there (apt-get writes the commands of each package it installs);
//! - `basics/`: links to the real shell tools the scripts use (bash, sed, tar, sha256sum…).
//!
//! So no real dpkg, apt, javac, go, mvn or Python module of this machine answers. The stubs log
//! every call (`state/calls`); with `state/offline` each one that would download fails as it
//! does without network, and apt-get refuses anyone but root (`state/uid`, which `id` reports).
//! The reference data comes from a mirror on 127.0.0.1 (`OMSSO_REFERENCE_MIRROR`), never from
//! the internet: by default a port nobody listens on.

mod reference;
mod setup;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use crate::support::fake_http::{Fake, Reply};
use crate::support::{reference_dir, reference_sources, repo_root, run, Run};

/// The real tools the scripts (and the stubs) may use.
const BASICS: &[&str] = &[
    "bash",
    "env",
    "sh",
    "dirname",
    "basename",
    "sed",
    "grep",
    "awk",
    "tar",
    "gzip",
    "mkdir",
    "mktemp",
    "mv",
    "rm",
    "cat",
    "tail",
    "head",
    "cut",
    "sort",
    "wc",
    "sha256sum",
    "flock",
    "chmod",
    "ln",
    "cp",
    "tr",
    "touch",
];

/// The scripts copied into the world's repo.
const SCRIPTS: &[&str] = &[
    "setup",
    "keycloak",
    "om-models",
    "reference",
    "reference-files.tsv",
];

/// What a machine that has everything has: the commands of the Debian packages the demo and
/// the tests run (here without those packages: any program of that name counts).
const COMMANDS: &[&str] = &[
    "cc",
    "ssh-keygen",
    "curl",
    "mvn",
    "age",
    "age-keygen",
    "docker-compose",
    "strace",
    "openssl",
    "git",
];

pub const PIP_REQUIREMENTS: &[&str] = &[
    "jsonschema>=4",
    "pyyaml",
    "pydantic>=2,<3",
    "email-validator>=2",
];

pub struct World {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
    env: Vec<(String, String)>,
}

impl World {
    /// A fresh machine of the README's kind: Debian with Rust, Go and a python3 with pip, run
    /// as root, with network; nothing else installed.
    pub fn fresh() -> World {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        for sub in [
            "repo/scripts",
            "bin",
            "basics",
            "state",
            "home",
            "site/pip",
            "jvm",
            "stubs",
        ] {
            std::fs::create_dir_all(root.join(sub)).unwrap();
        }
        for script in SCRIPTS {
            std::fs::copy(
                repo_root().join("scripts").join(script),
                root.join("repo/scripts").join(script),
            )
            .unwrap();
        }
        for tool in BASICS {
            std::os::unix::fs::symlink(which(tool), root.join("basics").join(tool)).unwrap();
        }
        std::fs::write(root.join("state/uid"), "0\n").unwrap();
        std::fs::write(root.join("state/dpkg"), "").unwrap();
        std::fs::write(root.join("state/calls"), "").unwrap();
        let subst = |text: &str| subst(&root, text);
        for (name, text) in [
            ("bin/dpkg-query", DPKG_QUERY),
            ("bin/dpkg", RECORD),
            ("bin/apt-get", APT_GET),
            ("bin/id", ID),
            ("bin/go", GO),
            ("bin/cargo", RECORD),
            ("bin/python3", PYTHON3),
            ("stubs/mvn", MVN),
            ("stubs/jdk17", JDK_17),
        ] {
            write_executable(&root.join(name), &subst(text));
        }
        std::fs::write(root.join("site/pip/__init__.py"), "").unwrap();
        std::fs::write(root.join("site/pip/__main__.py"), subst(PIP)).unwrap();
        let path = format!("{}/bin:{}/basics", root.display(), root.display());
        let env = [
            ("PATH", path),
            ("HOME", format!("{}/home", root.display())),
            ("PYTHONPATH", format!("{}/site", root.display())),
            ("PYTHONDONTWRITEBYTECODE", "1".into()),
            ("LC_ALL", "C".into()),
            ("OMSSO_GO_ROOT", format!("{}/no-go", root.display())),
            ("OMSSO_JVM_DIR", format!("{}/jvm", root.display())),
            (
                "OMSSO_REFERENCE_MIRROR",
                format!("http://127.0.0.1:{}", closed_port()),
            ),
        ];
        let env = env.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        World {
            _dir: dir,
            root,
            env,
        }
    }

    /// A machine that has everything, none of it the way scripts/setup would install it: the
    /// commands without their Debian packages (dpkg knows only ca-certificates), a JDK only
    /// under the JVM folder, the Python modules from pip, the reference data in a folder of
    /// its own (OMSSO_REFERENCE).
    pub fn everything() -> World {
        let world = World::fresh();
        for command in COMMANDS {
            let bin = world.root.join("bin").join(command);
            if *command == "curl" {
                // The real one: the reference data comes from a mirror on 127.0.0.1.
                std::os::unix::fs::symlink(which("curl"), bin).unwrap();
            } else {
                write_executable(&bin, &subst(&world.root, RECORD));
            }
        }
        std::fs::write(world.root.join("state/dpkg"), "ca-certificates\n").unwrap();
        for tool in ["java", "javac"] {
            let bin = world.root.join("jvm/temurin-21-jdk-amd64/bin").join(tool);
            std::fs::create_dir_all(bin.parent().unwrap()).unwrap();
            write_executable(&bin, JAVA_21);
        }
        world.pip(&[&["install"], PIP_REQUIREMENTS].concat());
        world.built_with_go();
        let kc = world
            .root
            .join("repo/target/keycloak/keycloak-26.7.3/bin/kc.sh");
        std::fs::create_dir_all(kc.parent().unwrap()).unwrap();
        write_executable(&kc, "#!/bin/sh\n");
        let fetch = world.cmd("repo/scripts/om-models", &["fetch"]);
        world.expect_ok(fetch);
        world.set("OMSSO_REFERENCE", &reference_dir().display().to_string())
    }

    /// helm and sops, built with Go (the stub go: nothing downloaded).
    pub fn built_with_go(&self) {
        for package in [
            "helm.sh/helm/v3/cmd/helm@v3.22.0",
            "github.com/getsops/sops/v3/cmd/sops@v3.13.3",
        ] {
            let install = self.cmd("bin/go", &["install", package]);
            self.expect_ok(install);
        }
    }

    /// The Debian packages installed, as apt-get (the stub) installs them for root with
    /// network (a machine without it: from a local mirror, say).
    pub fn apt_installed(&self, packages: &[&str]) {
        let offline = self.root.join("state/offline");
        let was_offline = offline.exists();
        if was_offline {
            std::fs::remove_file(&offline).unwrap();
        }
        let install = self.cmd("bin/apt-get", &[&["install", "-y"], packages].concat());
        self.expect_ok(install);
        if was_offline {
            std::fs::write(&offline, "").unwrap();
        }
    }

    /// `python3 -m pip ARGS` in the world (the stub pip).
    pub fn pip(&self, args: &[&str]) {
        let pip = self.cmd("bin/python3", &[&["-m", "pip"], args].concat());
        self.expect_ok(pip);
    }

    /// Runs as an ordinary user (uid 1000, `dev`).
    pub fn run_by_a_user(self) -> World {
        std::fs::write(self.root.join("state/uid"), "1000\n").unwrap();
        self
    }

    /// No network: every download the stubs would make fails.
    pub fn offline(self) -> World {
        std::fs::write(self.root.join("state/offline"), "").unwrap();
        self
    }

    /// Without a program of bin/ (`cargo`, `go`, `python3`) or a folder of the world.
    pub fn without(self, rel: &str) -> World {
        let path = self.root.join(rel);
        if path.is_dir() {
            std::fs::remove_dir_all(path).unwrap();
        } else {
            std::fs::remove_file(path).unwrap();
        }
        self
    }

    pub fn set(mut self, key: &str, value: &str) -> World {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.into(), value.into()));
        self
    }

    /// `scripts/setup ARGS` in the world; the calls are those the stubs saw during this run.
    pub fn setup(&self, args: &[&str]) -> Outcome {
        let run = self.cmd("repo/scripts/setup", args);
        let calls = self.take_calls();
        let text = |s: &str| s.replace(&self.root.display().to_string(), "<world>");
        Outcome {
            code: run.code,
            stdout: text(&run.stdout),
            stderr: text(&run.stderr),
            calls,
        }
    }

    /// The reference data cache (OMSSO_REFERENCE_CACHE's default under the world's HOME).
    pub fn cache(&self) -> PathBuf {
        self.root.join("home/.cache/omsso/reference")
    }

    fn cmd(&self, rel: &str, args: &[&str]) -> Run {
        let mut cmd = Command::new(self.root.join(rel));
        cmd.args(args)
            .current_dir(self.root.join("repo"))
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null());
        run(&mut cmd)
    }

    fn expect_ok(&self, run: Run) {
        assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
        self.take_calls();
    }

    fn take_calls(&self) -> Vec<String> {
        let path = self.root.join("state/calls");
        let calls = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, "").unwrap();
        calls
            .lines()
            .map(|l| l.replace(&self.root.display().to_string(), "<world>"))
            .collect()
    }
}

/// What one `scripts/setup` run did.
#[derive(Debug)]
pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    /// What the stubs were asked, in order (`apt-get install -y …`, `pip install …`).
    pub calls: Vec<String>,
}

impl Outcome {
    /// The calls that install or download something.
    pub fn installs(&self) -> Vec<&str> {
        let installing = ["apt-get ", "dpkg ", "mvn ", "pip ", "go install "];
        self.calls
            .iter()
            .map(String::as_str)
            .filter(|c| installing.iter().any(|p| c.starts_with(p)))
            .collect()
    }

    /// Nothing printed, nothing installed, exit 0.
    pub fn assert_silent_success(&self) {
        assert_eq!(
            (self.code, self.stdout.as_str(), self.stderr.as_str()),
            (0, "", ""),
            "{self:#?}"
        );
        assert!(self.installs().is_empty(), "{self:#?}");
    }

    /// Exit 1, and nothing installed or downloaded on the way.
    pub fn assert_stopped_before_installing(&self) {
        assert_eq!((self.code, self.installs()), (1, vec![]), "{self:#?}");
    }
}

/// A mirror of the reference files' sources on 127.0.0.1, in the upstream URL layout
/// (`/<owner>/<repo>/<commit>/<path>`), serving the bytes of the reference folder, except
/// `tampered` (a path of the list), whose bytes it changes.
pub fn mirror(tampered: Option<&str>) -> Fake {
    let mut files = std::collections::HashMap::new();
    for source in reference_sources() {
        let key = source
            .url
            .strip_prefix("https://raw.githubusercontent.com")
            .unwrap();
        let mut bytes = std::fs::read(reference_dir().join(&source.path)).unwrap();
        if tampered == Some(source.path.as_str()) {
            bytes.extend_from_slice(b"\n# one line more than upstream\n");
        }
        files.insert(format!("GET {key}"), bytes);
    }
    Fake::http(move |seen| match files.get(&seen.key) {
        Some(bytes) => Reply::Bytes(200, bytes.clone()),
        None => Reply::Bytes(404, b"404: Not Found".to_vec()),
    })
}

/// A port on 127.0.0.1 where nothing listens.
pub fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One virtual environment for every world's python3: the real interpreter without any
/// site-packages, so only the world's own modules (PYTHONPATH) are there.
fn venv() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fresh-machine-venv");
        if !dir.join("bin/python3").exists() {
            let made = run(Command::new("python3")
                .args(["-m", "venv", "--without-pip", "--clear"])
                .arg(&dir));
            assert_eq!(made.code, 0, "python3 -m venv: {}", made.stderr);
        }
        dir
    })
}

/// A stub's text for the world at `root`.
fn subst(root: &Path, text: &str) -> String {
    text.replace("@ROOT@", &root.display().to_string())
        .replace("@CURL@", &which("curl").display().to_string())
        .replace(
            "@PYTHON@",
            &venv().join("bin/python3").display().to_string(),
        )
}

fn which(tool: &str) -> PathBuf {
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join(tool))
        .find(|path| path.is_file())
        .unwrap_or_else(|| panic!("`{tool}` (the set-up scripts use it) is not on PATH"))
}

fn write_executable(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A program that only notes it was run.
const RECORD: &str = "#!/bin/sh\necho \"${0##*/} $*\" >>@ROOT@/state/calls\n";

/// `dpkg-query -W -f=FORMAT PACKAGE`: installed when state/dpkg lists it.
const DPKG_QUERY: &str = r#"#!/bin/sh
for package; do :; done
if grep -qx "$package" @ROOT@/state/dpkg; then printf 'ii '; exit 0; fi
echo "dpkg-query: no packages found matching $package" >&2
exit 1
"#;

const ID: &str = r#"#!/bin/sh
uid=$(cat @ROOT@/state/uid)
case "$1" in
  -u) echo "$uid" ;;
  -un) if [ "$uid" = 0 ]; then echo root; else echo dev; fi ;;
  *) echo "uid=$uid" ;;
esac
"#;

/// apt-get: root only; without network `update` and `install` fail as apt does; `install`
/// writes each package's commands into bin/ and the package into state/dpkg.
const APT_GET: &str = r#"#!/bin/sh
echo "apt-get $*" >>@ROOT@/state/calls
if [ "$(id -u)" != 0 ]; then
  echo "E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)" >&2
  exit 100
fi
if [ -e @ROOT@/state/offline ]; then
  echo "E: Failed to fetch http://deb.debian.org/debian/dists/bookworm/InRelease  Temporary failure resolving 'deb.debian.org'" >&2
  exit 100
fi
case " $* " in *" install "*) ;; *) exit 0 ;; esac
fake() { printf '#!/bin/sh\necho "%s $*" >>@ROOT@/state/calls\n' "$1" >@ROOT@/bin/$1; chmod +x @ROOT@/bin/$1; }
for package; do
  case "$package" in -*|install|*::*|*=*) continue ;; esac
  case "$package" in
    gcc) fake cc ;;
    openssh-client) fake ssh-keygen ;;
    curl) ln -sf @CURL@ @ROOT@/bin/curl ;;
    maven) cp @ROOT@/stubs/mvn @ROOT@/bin/mvn ;;
    default-jre-headless) cp @ROOT@/stubs/jdk17 @ROOT@/bin/java ;;
    default-jdk-headless) cp @ROOT@/stubs/jdk17 @ROOT@/bin/java; cp @ROOT@/stubs/jdk17 @ROOT@/bin/javac ;;
    age) fake age; fake age-keygen ;;
    docker-compose|strace|openssl|git) fake "$package" ;;
    ca-certificates) ;;
    *) echo "E: Unable to locate package $package" >&2; exit 100 ;;
  esac
  echo "$package" >>@ROOT@/state/dpkg
done
"#;

/// A JDK's java and javac, answering `-version` as JDK 21 does.
const JAVA_21: &str = r#"#!/bin/sh
case "${0##*/}" in
  javac) echo "javac 21.0.5" ;;
  *) echo 'openjdk version "21.0.5" 2024-10-15' >&2 ;;
esac
"#;

/// Debian's default JDK (17): what apt-get installs for default-jre/jdk-headless.
const JDK_17: &str = r#"#!/bin/sh
case "${0##*/}" in
  javac) echo "javac 17.0.14" ;;
  *) echo 'openjdk version "17.0.14" 2025-01-21' >&2 ;;
esac
"#;

/// go: `env GOPATH`, `version -m BINARY` (what it was built from), `install PACKAGE@VERSION`
/// (a "binary" that says what it was built from; fails without network).
const GO: &str = r#"#!/bin/sh
echo "go $*" >>@ROOT@/state/calls
case "$1" in
  env) echo @ROOT@/home/go ;;
  version)
    [ -f "$3" ] || { echo "go: open $3: no such file or directory" >&2; exit 1; }
    echo "$3: go1.26.8"; cat "$3" ;;
  install)
    if [ -e @ROOT@/state/offline ]; then
      echo "go: $2: dial tcp: lookup proxy.golang.org: Temporary failure in name resolution" >&2
      exit 1
    fi
    package=${2%@*} version=${2#*@}
    mkdir -p @ROOT@/home/go/bin
    printf '\tpath\t%s\n\tmod\t%s\t%s\th1:stub=\n' "$package" "${package%/cmd/*}" "$version" \
      >@ROOT@/home/go/bin/${package##*/} ;;
esac
"#;

/// mvn (what apt-get installs for maven): `dependency:copy` of the Keycloak distribution.
const MVN: &str = r#"#!/bin/sh
echo "mvn $*" >>@ROOT@/state/calls
if [ -e @ROOT@/state/offline ]; then
  echo "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-dependency-plugin:copy: Could not transfer artifact from/to central (https://repo.maven.apache.org/maven2): repo.maven.apache.org: Temporary failure in name resolution" >&2
  exit 1
fi
for arg; do
  case "$arg" in
    -DoutputDirectory=*) out=${arg#*=} ;;
    -Dartifact=*) version=$(echo "${arg#*=}" | cut -d: -f3) ;;
  esac
done
work=$(mktemp -d)
mkdir -p "$work/keycloak-$version/bin"
printf '#!/bin/sh\n' >"$work/keycloak-$version/bin/kc.sh"
chmod +x "$work/keycloak-$version/bin/kc.sh"
tar -czf "$out/keycloak-quarkus-dist-$version.tar.gz" -C "$work" "keycloak-$version"
rm -rf "$work"
"#;

const PYTHON3: &str = "#!/bin/sh\nexec @PYTHON@ \"$@\"\n";

/// `python3 -m pip`: `install REQ…` puts a module (and its dist-info, at the least version the
/// requirement allows) into the world's site folder; `download … openmetadata-ingestion==V`
/// saves a wheel. Without network both fail as pip does.
const PIP: &str = r#"import os, re, sys, zipfile
site = "@ROOT@/site"
args = sys.argv[1:]
with open("@ROOT@/state/calls", "a") as calls:
    calls.write("pip " + " ".join(args) + "\n")
reqs = [a for a in args[1:] if not a.startswith("-")]
if os.path.exists("@ROOT@/state/offline"):
    print("WARNING: Retrying (Retry(total=0)) after connection broken by 'NewConnectionError': "
          "Failed to establish a new connection: [Errno -3] Temporary failure in name resolution",
          file=sys.stderr)
    print(f"ERROR: Could not find a version that satisfies the requirement {reqs[-1]} "
          "(from versions: none)", file=sys.stderr)
    sys.exit(1)
if args[0] == "install":
    for req in reqs:
        name = re.split(r"[<>=!~,]", req)[0]
        module = {"pyyaml": "yaml"}.get(name.lower(), name.replace("-", "_"))
        least = re.search(r">=(\d+)", req)
        version = f"{least.group(1)}.0.0" if least else "6.0.0"
        os.makedirs(f"{site}/{module}", exist_ok=True)
        open(f"{site}/{module}/__init__.py", "w").close()
        info = f"{site}/{name.replace('-', '_')}-{version}.dist-info"
        os.makedirs(info, exist_ok=True)
        with open(f"{info}/METADATA", "w") as f:
            f.write(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
elif args[0] == "download":
    dest = args[args.index("--dest") + 1]
    version = reqs[-1].split("==")[1]
    os.makedirs(dest, exist_ok=True)
    with zipfile.ZipFile(f"{dest}/openmetadata_ingestion-{version}-py3-none-any.whl", "w") as z:
        z.writestr("metadata/generated/__init__.py", "")
        z.writestr("metadata/ingestion/models/__init__.py", "")
"#;
