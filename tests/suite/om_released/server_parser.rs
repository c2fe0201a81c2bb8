//! omsso's YAML quoting (src/escape.rs) against the server's own parser: the released Jackson
//! YAML + SnakeYAML jars on the JDK (tests/suite/support/ServerYaml.java through the oracle's
//! `server_parse` probe), with the loader's `${…}` substitution in front, as the server reads
//! its config. A bounded property test: thousands of generated strings, the same every run,
//! each written the ways omsso writes a value the server parses, must read back unchanged.

use crate::support::render::released::oracle;
use omsso::escape::{escape_substitution_quoted, om_fragment, yaml_quoted, Fragment};
use serde_json::{json, Value};

/// One way omsso writes a value for the server, and the value the server must read.
struct Probe {
    what: String,
    text: String,
    env: Value,
    want: Value,
}

/// Pieces strings are made of: YAML indicators (flow and block), the loader's `$`, `${` and
/// `$${`, YAML 1.1's special words and numbers, URL parts, blanks, control, non-ASCII and
/// non-BMP characters.
const PIECES: &[&str] = &[
    "?",
    ":",
    ": ",
    ",",
    "[",
    "]",
    "{",
    "}",
    "#",
    " #",
    "&",
    "*",
    "!",
    "|",
    ">",
    "'",
    "\"",
    "%",
    "@",
    "`",
    "-",
    "- ",
    "=",
    "~",
    ".",
    "<<",
    "\\",
    "$",
    "${",
    "$${",
    "}",
    " ",
    "\t",
    "\n",
    "0",
    "0x1F",
    "1.5",
    "yes",
    "No",
    "null",
    "true",
    "a",
    "Zq",
    "https://",
    "b.example.org/cb",
    "?x=1&y=2",
    "/",
    "é",
    "€",
    "😀",
    "\u{85}",
    "\u{2028}",
    "\u{FEFF}",
    "\u{0}",
    "\u{7F}",
    "\u{1B}",
    "\r",
];

/// xorshift64: the same strings every run.
struct Strings(u64);

impl Strings {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn next_string(&mut self) -> String {
        let n = self.below(6);
        (0..n).map(|_| PIECES[self.below(PIECES.len())]).collect()
    }
}

/// `k: VALUE` in openmetadata.yaml (render's OmConfigYaml format: strings double-quoted,
/// lists in flow style; with and without a `}` further down the file, which closes a `${`
/// the value leaves open), and the same value in an environment variable that the server
/// config pastes in (`k: ${V:-}`), as the env file and the Helm values deliver it: each as a
/// string, and in a flow list and a flow map.
fn probes_for(strings: &[String], rng: &mut Strings) -> Vec<Probe> {
    let mut out = Vec::new();
    for s in strings {
        let other = strings[rng.below(strings.len())].clone();
        let list = vec![other.clone(), s.clone()];
        let flow = format!("[{}, {}]", yaml_quoted(&other), yaml_quoted(s));
        for (value, want) in [(yaml_quoted(s), json!(s)), (flow, json!(list))] {
            for after in ["", "z: \"}\"\n"] {
                out.push(Probe {
                    what: format!("openmetadata.yaml {want}, then {after:?}"),
                    text: format!("k: {}\n{after}", escape_substitution_quoted(&value)),
                    env: json!({}),
                    want: want.clone(),
                });
            }
        }
        out.push(fragment_probe(Fragment::Str(s.clone()), json!(s)));
        out.push(fragment_probe(Fragment::Seq(list.clone()), json!(list)));
        if other != *s {
            let map = vec![(s.clone(), other.clone()), (other.clone(), s.clone())];
            out.push(fragment_probe(
                Fragment::Map(map),
                json!({ s.as_str(): other, other.as_str(): s }),
            ));
        }
    }
    out
}

fn fragment_probe(fragment: Fragment, want: Value) -> Probe {
    let value = om_fragment(&fragment);
    Probe {
        what: format!("environment variable {value:?} for {fragment:?}"),
        text: "k: ${V:-}\n".to_string(),
        env: json!({ "V": value }),
        want,
    }
}

/// Each probe's failure: what the server's parser refused or read differently.
fn failures(probes: &[Probe]) -> Vec<String> {
    let job: Vec<Value> = probes
        .iter()
        .map(|p| json!({"text": p.text, "env": p.env}))
        .collect();
    let answer = oracle(&json!({"probes": {"server_parse": job}}));
    let parsed = answer["probes"]["server_parse"].as_array().unwrap();
    assert_eq!(parsed.len(), probes.len());
    probes
        .iter()
        .zip(parsed)
        .filter_map(|(p, got)| match got.get("error") {
            Some(e) => Some(format!("{}: refused: {e}", p.what)),
            None if got["tree"]["k"] != p.want => {
                Some(format!("{}: read as {}", p.what, got["tree"]["k"]))
            }
            None => None,
        })
        .collect()
}

#[test]
fn quoting_reads_back_unchanged_through_the_servers_parser() {
    let mut rng = Strings(0x2545_F491_4F6C_DD1D);
    let mut strings: Vec<String> = (0..1500).map(|_| rng.next_string()).collect();
    // The issue's case (a trusted redirect URI with a query string, in a flow list) and
    // values that must stay exactly themselves.
    strings.extend(
        [
            "https://b.example.org/cb?x=1&y=2",
            "https://a/cb",
            "",
            "yes",
            "0123",
            "${HOME}",
        ]
        .map(String::from),
    );
    let probes = probes_for(&strings, &mut rng);
    let failed = failures(&probes);
    assert!(
        failed.is_empty(),
        "{} of {} values do not read back through the server's parser:\n{}",
        failed.len(),
        probes.len(),
        failed.join("\n")
    );
    eprintln!("{} values read back unchanged", probes.len());
}

/// The property can fail: text the server's parser refuses, or reads as something else, is
/// reported (a plain `?` item in a flow list; a plain `yes`, which is the boolean true).
#[test]
fn the_servers_parser_refuses_what_the_server_refuses() {
    let probe = |text: &str, want: Value| Probe {
        what: text.to_string(),
        text: text.to_string(),
        env: json!({}),
        want,
    };
    let failed = failures(&[
        probe("k: [https://a/cb, https://b/cb?x=1&y=2]\n", json!(null)),
        probe("k: yes\n", json!("yes")),
        probe("k: \"yes\"\n", json!("yes")),
    ]);
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert!(
        failed[0].contains("expected ',' or ']', but got ?"),
        "{failed:?}"
    );
    assert!(failed[1].ends_with("read as \"true\""), "{failed:?}");
}
