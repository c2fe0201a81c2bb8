//! Ctrl-C (SIGINT), SIGTERM, SIGHUP and SIGQUIT (Ctrl-\): remove the temporary files being
//! written, then end by the signal itself. (SIGQUIT's default action would also dump core;
//! omsso turns core dumps off at start-up, src/process.rs.)
//!
//! Why a thread of its own: the work runs on a single-threaded runtime, and much of it
//! (rendering, sealing, writing files) is synchronous, so a signal future polled by that
//! runtime would only be seen once the work is done, and the default action (killing the
//! process on the spot) would leave a temporary file behind. A dedicated thread sees the
//! signal at once, whatever the main thread is doing.
//!
//! Why end by the signal instead of `exit(130)`: the parent must see "killed by SIGINT". A
//! shell then stops a loop or script running omsso and restores the terminal (echo stays off
//! otherwise when the signal arrives at a password prompt); `$?` is 130 as usual.

use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
use signal_hook::iterator::Signals;

use super::files;

/// Installs the handler. Call once, before any file is written.
pub fn install() -> std::io::Result<()> {
    let mut signals = Signals::new([SIGINT, SIGTERM, SIGHUP, SIGQUIT])?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                // Held until the process is gone: no new temporary file can appear after the
                // ones in flight were removed.
                let in_flight = files::remove_in_flight();
                eprintln!("interrupted");
                let _ = signal_hook::low_level::emulate_default_handler(signal);
                drop(in_flight);
                // Not reached: the default action of these signals ends the process.
                std::process::exit(128 + signal);
            }
        })?;
    Ok(())
}
