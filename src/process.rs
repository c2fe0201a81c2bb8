//! What omsso does to its own process before anything else: no core dumps, and no other
//! process of the same user may read its memory.
//!
//! Why: omsso holds the admin password, client secrets, passphrases and private keys in
//! memory, and a core file (or a debugger, or `/proc/PID/mem` and `/proc/PID/environ`) would
//! put them on disk or in another program's hands. `RLIMIT_CORE` 0 means no core file is
//! written, whatever signal ends omsso (SIGQUIT's default action is a core dump);
//! `PR_SET_DUMPABLE` 0 additionally makes the kernel refuse core dumps, `ptrace` attaches and
//! reads of `/proc/PID/mem`, `/environ` and the like by other unprivileged processes of the
//! same user.
//!
//! Why at start-up and for the whole run, rather than around the moments a secret is held:
//! secrets arrive from the very start (`OMSSO_ADMIN_PASSWORD` and the other secret variables
//! are in the environment block from `exec` on) and then live in buffers of several libraries
//! (HTTP, TLS, YAML, JSON) that omsso cannot track; switching protection on and off would only
//! leave windows. omsso needs neither core files nor debugging in normal use. (The flags do
//! not pass to the programs omsso starts: `exec` resets them.)

/// Turns core dumps off and makes the process non-dumpable. On failure (an unusual kernel or
/// sandbox) omsso still runs; the caller warns.
pub fn harden() -> std::io::Result<()> {
    let none = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: a valid pointer to a correctly sized struct; setrlimit has no other
    // preconditions.
    if unsafe { libc::setrlimit(libc::RLIMIT_CORE, &none) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    #[cfg(target_os = "linux")]
    {
        // SAFETY: PR_SET_DUMPABLE takes one integer argument; the others are ignored.
        if unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}
