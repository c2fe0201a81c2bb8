//! `omsso completions SHELL` and `omsso man`: generated from the clap definitions.

use crate::support;

use crate::support::{omsso, run};

fn out(args: &[&str]) -> support::Run {
    let dir = tempfile::tempdir().unwrap();
    run(omsso(dir.path()).args(args))
}

#[test]
fn bash_completion_knows_the_subcommands_and_flags() {
    let r = out(&["completions", "bash"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("_omsso()"),
        "not a bash completion function"
    );
    assert!(
        r.stdout.contains("complete -F _omsso"),
        "{}",
        &r.stdout[..200]
    );
    for word in ["config", "verify", "completions", "man", "--file", "--kind"] {
        assert!(r.stdout.contains(word), "bash completion lacks {word}");
    }
    // The --kind values complete too.
    assert!(r.stdout.contains("yaml env helm"), "no --kind values");
}

/// The script works in a real bash: it completes `ver` to `verify` and offers the --kind
/// values.
#[test]
fn bash_completes_in_bash() {
    let r = out(&["completions", "bash"]);
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("omsso.bash");
    std::fs::write(&script, &r.stdout).unwrap();
    let probe = format!(
        "source '{}'\n\
         COMP_WORDS=(omsso ver); COMP_CWORD=1; _omsso omsso ver omsso; echo \"1:${{COMPREPLY[*]}}\"\n\
         COMP_WORDS=(omsso verify --kind ''); COMP_CWORD=3; _omsso omsso '' --kind; echo \"2:${{COMPREPLY[*]}}\"\n",
        script.display()
    );
    let b = run(std::process::Command::new("bash").args(["-c", &probe]));
    assert_eq!(b.code, 0, "{}", b.stderr);
    assert!(b.stdout.contains("1:verify\n"), "{}", b.stdout);
    assert!(b.stdout.contains("2:yaml env helm sops\n"), "{}", b.stdout);
}

#[test]
fn zsh_and_fish_completions() {
    let r = out(&["completions", "zsh"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.starts_with("#compdef omsso"),
        "{}",
        &r.stdout[..40]
    );
    assert!(r.stdout.contains("verify"));
    let r = out(&["completions", "fish"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("complete -c omsso"));
    assert!(r.stdout.contains("verify"));
}

#[test]
fn unknown_shell_is_a_usage_error() {
    let r = out(&["completions", "tcsh"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("bash"), "{}", r.stderr);
}

#[test]
fn man_page_is_roff_with_name_and_subcommands() {
    let r = out(&["man"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with(".ie \\n(.g .ds Aq"),
        "{}",
        &r.stdout[..80]
    );
    assert!(r.stdout.contains(".TH omsso 1"), "no title header");
    assert!(r.stdout.contains(".SH NAME\nomsso \\-"), "no NAME section");
    assert!(r.stdout.contains(".SH SUBCOMMANDS"));
    assert!(r.stdout.contains("omsso\\-verify"), "verify not listed");
    assert!(r.stdout.contains("Exit codes"), "exit codes missing");
}
