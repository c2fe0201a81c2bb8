//! `omsso keygen -o FILE`: for the receiving side. Creates an age identity file (0600, never
//! replacing one) and prints its public key, which the sender seals to (`seal -r age1…`).

use std::time::SystemTime;

use serde_json::json;

use super::Context;
use crate::cli::KeygenArgs;
use crate::commands::error::Result;
use crate::seal;

pub fn run(args: KeygenArgs, ctx: &Context) -> Result<()> {
    let (content, recipient) = seal::new_identity(SystemTime::now());
    seal::write_identity(&args.output_file, &content)?;
    ctx.ui.step(format!(
        "wrote identity {} (keep it private; it opens what is sealed to the key below)",
        args.output_file.display()
    ));
    ctx.ui.warn_if_exposed_to_git([args.output_file.as_path()]);
    let doc = json!({
        "identity_file": args.output_file.display().to_string(),
        "recipient": recipient,
    });
    ctx.ui.emit(&doc, || recipient.clone());
    Ok(())
}
