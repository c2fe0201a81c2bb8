//! The loader emulation in the oracle (tests/suite/support/om_release.py) against the rules
//! of commons-text's StringSubstitutor, and against the real StringSubstitutor.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::support::render::released::*;
use crate::support::repo_root;
use serde_json::{json, Value};

/// The loader's rules as read in commons-text StringSubstitutor (see the oracle): each
/// expectation here is one rule, so an emulation that breaks one fails.
#[test]
fn the_loader_emulation_follows_string_substitutor() {
    let cases: &[(&str, Value, Value)] = &[
        ("k: ${A:-d}", json!({}), json!("k: d")),
        ("k: ${A:-d}", json!({"A": ""}), json!("k: ")), // empty is set: no default
        ("k: ${A}", json!({}), json!("k: ${A}")),       // unset, no default: left
        ("k: $${A}", json!({"A": "x"}), json!("k: ${A}")), // escaped
        ("k: $${${A}}", json!({"A": "x"}), json!("k: ${x}")), // scan goes on inside
        ("k: ${A}", json!({"A": "$${B}"}), json!("k: ${B}")), // escape inside a value
        ("k: ${A}", json!({"A": "${B}", "B": "x"}), json!("k: x")), // recursive
        ("k: ${A:-{}}", json!({}), json!("k: {}")),     // the first } ends it
        ("k: ${A:-{}}", json!({"A": "{a: b}"}), json!("k: {a: b}}")),
        // No nesting: the variable ends at the first }, so the default is `${B` (scanned
        // again, unclosed) and the last } is text.
        ("k: ${A:-${B}}", json!({"B": "x"}), json!("k: ${B}")),
        ("k: ${A} ${B", json!({"A": "1"}), json!("k: 1 ${B")), // unclosed: rest as is
    ];
    let job: Vec<Value> = cases
        .iter()
        .map(|(t, env, _)| json!({"text": t, "env": env}))
        .collect();
    let answer = oracle(&json!({"probes": {
        "substitute": job,
        "jackson": ["a: 0123\nb: yes\nc: ~\nd: \"\"\ne:\nf: '1.0'\n"],
        "k8s_expand": [{"value": "a$$b $(X) $(Y) $z $(", "env": {"X": "1"}}],
    }}));
    let p = &answer["probes"];
    for (i, (text, env, want)) in cases.iter().enumerate() {
        assert_eq!(p["substitute"][i]["text"], *want, "{text} with {env}");
    }
    // A reference that came out of a value is reported (it is a hazard in the real container,
    // which has more variables than the emulation).
    let hazard = oracle(&json!({"probes": {"substitute": [
        {"text": "k: ${A}", "env": {"A": "${HOME}"}},
        {"text": "k: ${A}", "env": {"A": "${A}"}},
    ]}}));
    assert_eq!(
        hazard["probes"]["substitute"][0]["unresolved"],
        json!([["HOME", 1]])
    );
    assert!(hazard["probes"]["substitute"][1]["error"]
        .as_str()
        .unwrap()
        .contains("Infinite loop"));
    // The text view the oracle reads compose and helm output with (PyYAML): each scalar its
    // text, only null is null. (The server's own parser reads `yes` as true and `0123` as 83:
    // server_parser.rs.)
    assert_eq!(
        p["jackson"][0],
        json!({"a": "0123", "b": "yes", "c": null, "d": "", "e": null, "f": "1.0"})
    );
    assert_eq!(p["k8s_expand"][0], json!("a$b 1 $(Y) $z $("));
}

/// The emulation against the real thing: commons-text's StringSubstitutor (fetched from Maven
/// Central with mvn, as scripts/keycloak fetches Keycloak), configured as Dropwizard
/// configures it, on thousands of generated texts and environments made of the pieces that
/// matter (`$`, `${`, `$${`, `}`, `:-`, names, empty and unset variables).
#[test]
fn the_loader_emulation_matches_commons_text() {
    let classpath = commons_text_jars();
    let classes = tempfile::tempdir().unwrap();
    compile_probe(classes.path(), &classpath[0]);
    let cases = generated_cases();
    let real = commons_text_substitutes(classes.path(), &classpath, &cases);

    let probes: Vec<Value> = cases
        .iter()
        .map(|(text, env)| {
            let env: serde_json::Map<String, Value> =
                env.iter().map(|(n, v)| (n.to_string(), json!(v))).collect();
            json!({"text": text, "env": env})
        })
        .collect();
    let answer = oracle(&json!({"probes": {"substitute": probes}}));
    let emulated = answer["probes"]["substitute"].as_array().unwrap();
    assert_eq!(real.len(), cases.len());
    let differences: Vec<String> = cases
        .iter()
        .zip(real.iter().zip(emulated))
        .filter_map(|((text, env), (real, emu))| {
            let emu = emu["text"].as_str().unwrap_or("LOOP");
            (emu != real)
                .then(|| format!("{text:?} with {env:?}: commons-text {real:?}, emulation {emu:?}"))
        })
        .collect();
    assert!(
        differences.is_empty(),
        "{} of {} differ:\n{}",
        differences.len(),
        cases.len(),
        differences.join("\n")
    );
    // The generated cases reach every rule: escapes, defaults, empty values, loops.
    assert!(real.iter().any(|r| r == "LOOP"));
    assert!(cases.iter().any(|(t, _)| t.contains("$${")));
}

/// One generated case: a text and the variables set for it (a name absent is unset).
type GeneratedCase = (String, Vec<(&'static str, String)>);

/// commons-text and commons-lang3 from Maven Central (once, into target/om-proof): their paths.
fn commons_text_jars() -> [String; 2] {
    let work = repo_root().join("target/om-proof");
    let jars = ["commons-text:1.12.0", "commons-lang3:3.14.0"];
    for jar in jars {
        let jar_file = work.join(format!("{}.jar", jar.replace(':', "-")));
        if jar_file.is_file() {
            continue;
        }
        let out = Command::new("mvn")
            .args(["-q", "dependency:copy"])
            .arg(format!("-Dartifact=org.apache.commons:{jar}"))
            .arg(format!("-DoutputDirectory={}", work.display()))
            .output()
            .expect("mvn must be installed (Debian package maven)");
        assert!(
            out.status.success(),
            "mvn could not fetch org.apache.commons:{jar}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    jars.map(|j| {
        work.join(format!("{}.jar", j.replace(':', "-")))
            .display()
            .to_string()
    })
}

/// SubstitutorProbe.java compiled into `classes` against commons-text.
fn compile_probe(classes: &Path, commons_text: &str) {
    let javac = Command::new("javac")
        .arg("-d")
        .arg(classes)
        .arg("-cp")
        .arg(commons_text)
        .arg(repo_root().join("tests/suite/support/SubstitutorProbe.java"))
        .output()
        .expect("javac must be installed (a JDK, as for Keycloak)");
    assert!(
        javac.status.success(),
        "{}",
        String::from_utf8_lossy(&javac.stderr)
    );
}

/// 5000 texts and environments from the pieces that matter, the same every run.
fn generated_cases() -> Vec<GeneratedCase> {
    // xorshift64: the same cases every run.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    const PIECES: &[&str] = &[
        "$", "{", "}", ":", "-", "A", "B", "x", " ", "${", "$${", ":-", "${A", "${B", "}}",
    ];
    let piece_string = |max: usize, next: &mut dyn FnMut(usize) -> usize| {
        (0..next(max + 1))
            .map(|_| PIECES[next(PIECES.len())])
            .collect::<String>()
    };
    let mut cases: Vec<GeneratedCase> = Vec::new();
    for _ in 0..5000 {
        let text = piece_string(10, &mut next);
        let mut env = Vec::new();
        for name in ["A", "B"] {
            match next(3) {
                0 => {}                               // unset
                1 => env.push((name, String::new())), // set, empty
                _ => env.push((name, piece_string(4, &mut next))),
            }
        }
        cases.push((text, env));
    }
    cases
}

/// What the real StringSubstitutor makes of each case (`LOOP` for an infinite loop).
fn commons_text_substitutes(
    classes: &Path,
    classpath: &[String; 2],
    cases: &[GeneratedCase],
) -> Vec<String> {
    let b64 = |s: &str| base64::Engine::encode(&base64::engine::general_purpose::STANDARD, s);
    let input: String = cases
        .iter()
        .map(|(text, env)| {
            let vars: String = env
                .iter()
                .map(|(n, v)| format!(" {n}={}", b64(v)))
                .collect();
            format!("{}{vars}\n", b64(text))
        })
        .collect();
    let mut java = Command::new("java")
        .arg("-cp")
        .arg(format!(
            "{}:{}:{}",
            classes.display(),
            classpath[0],
            classpath[1]
        ))
        .arg("SubstitutorProbe")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("java");
    java.stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let java = java.wait_with_output().unwrap();
    assert!(java.status.success());
    String::from_utf8(java.stdout)
        .unwrap()
        .lines()
        .map(|l| match l {
            "LOOP" => "LOOP".to_string(),
            l => String::from_utf8(
                base64::Engine::decode(&base64::engine::general_purpose::STANDARD, l).unwrap(),
            )
            .unwrap(),
        })
        .collect()
}
