//! `omsso completions SHELL` and `omsso man`: generated from the clap definitions, so they
//! never drift from the real command line.

use crate::cli::Shell;
use crate::commands::error::Result;
use crate::output::print_stdout;

pub fn completions(shell: Shell) -> Result<()> {
    let shell = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    let mut cmd = crate::cli::command_for_completions();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "omsso", &mut buf);
    print(&buf);
    Ok(())
}

pub fn man() -> Result<()> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(crate::cli::command_for_man())
        .render(&mut buf)
        .expect("rendering into memory cannot fail");
    print(&buf);
    Ok(())
}

/// Generated into memory first, then written through `print_stdout`, which treats a closed
/// pipe (`omsso man | head`) as success instead of panicking mid-write.
fn print(buf: &[u8]) {
    let text = String::from_utf8_lossy(buf);
    print_stdout(text.trim_end_matches('\n'));
}
