//! `omsso keygen -o FILE`: for the receiving side. Creates an age identity file (0600, never
//! replacing one) and prints its public key, which the sender seals to (`seal -r age1…`).

use super::Context;
use crate::cli::KeygenArgs;
use crate::commands::error::Result;
use crate::pipeline::keygen;

pub fn run(args: KeygenArgs, ctx: &Context) -> Result<()> {
    let report = keygen::keygen(&ctx.ui, &args.output_file)?;
    ctx.ui.report(&report);
    Ok(())
}
