//! `omsso seal`, `open` and `keygen`, and where `render` and `seal` take the credentials from.

use std::path::PathBuf;

use clap::Args;

use super::ConnectArgs;

/// `omsso seal`. Recipients come from -r/-R (global settings flags, see below) or
/// seal.recipients in omsso.yaml.
#[derive(Debug, Args)]
#[command(
    after_help = "Recipients: -r/--recipient and -R/--recipients-file (repeatable), \
OMSSO_SEAL_RECIPIENTS[_FILES], or seal.recipients[_files] in omsso.yaml. The passphrase of \
--passphrase comes from --passphrase-file, OMSSO_SEAL_PASSPHRASE, or a prompt (twice)."
)]
pub struct SealArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    #[command(flatten)]
    pub handoff: HandoffArgs,
}

/// Where `render` and `seal` get the credentials: live from Keycloak (the default), a
/// credentials file, or a sealed handoff bundle. The last two need no Keycloak.
#[derive(Debug, Args)]
pub struct SourceArgs {
    /// Read the credentials from this file instead of Keycloak
    ///
    /// JSON or YAML, as `keycloak fetch --write` writes it.
    #[arg(long, env = "OMSSO_CREDENTIALS", value_name = "FILE")]
    pub credentials: Option<PathBuf>,
    /// Read the credentials from a sealed handoff bundle
    ///
    /// Instead of Keycloak; the options below open and check it.
    #[arg(long, value_name = "FILE", conflicts_with = "credentials")]
    pub from_bundle: Option<PathBuf>,
    /// Identity file that opens it (repeatable)
    #[arg(
        short = 'i',
        long = "identity",
        value_name = "FILE",
        requires = "from_bundle",
        help_heading = "Reading a sealed bundle (--from-bundle)"
    )]
    pub identities: Vec<PathBuf>,
    /// File holding the identity's passphrase
    ///
    /// Or OMSSO_IDENTITY_PASSPHRASE.
    #[arg(
        long,
        value_name = "FILE",
        requires = "from_bundle",
        help_heading = "Reading a sealed bundle (--from-bundle)"
    )]
    pub identity_passphrase_file: Option<PathBuf>,
    /// File holding the bundle's passphrase
    ///
    /// For a bundle sealed to a passphrase (or OMSSO_SEAL_PASSPHRASE).
    #[arg(
        long,
        value_name = "FILE",
        requires = "from_bundle",
        help_heading = "Reading a sealed bundle (--from-bundle)"
    )]
    pub bundle_passphrase_file: Option<PathBuf>,
    /// Require a signature by a key in this allowed_signers file
    ///
    /// An OpenSSH allowed_signers file; a bundle without a valid signature is refused.
    #[arg(
        long,
        value_name = "ALLOWED_SIGNERS",
        requires = "from_bundle",
        help_heading = "Reading a sealed bundle (--from-bundle)"
    )]
    pub signers: Option<PathBuf>,
    /// The signature must be by this principal's key
    ///
    /// With --signers, as `ssh-keygen -Y verify -I`.
    #[arg(
        long,
        value_name = "PRINCIPAL",
        requires = "signers",
        help_heading = "Reading a sealed bundle (--from-bundle)"
    )]
    pub signer: Option<String>,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// How to seal and where to write the handoff; shared by every command that seals.
#[derive(Debug, Args)]
pub struct HandoffArgs {
    #[command(flatten)]
    pub target: SealTargetArgs,
    /// Write the age file in binary instead of ASCII armor
    #[arg(long)]
    pub binary: bool,
    /// Do not ask for confirmation on a terminal
    #[arg(short, long)]
    pub yes: bool,
    /// A note for the receiver, stored in the bundle
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// Advisory expiry in days, stored in the bundle
    ///
    /// At most 36500; the receiver is warned after it.
    // Bounded: a date past the year 9999 cannot be written as RFC 3339 (it panicked).
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(1..=36500))]
    pub expires_in: Option<u32>,
    /// Where to write the sealed file
    ///
    /// Default: <output.dir>/collate-handoff.age.
    #[arg(short = 'o', long = "output-file", value_name = "PATH")]
    pub output_file: Option<PathBuf>,
    /// Replace the sealed file (with `run`: rendered files too)
    ///
    /// An existing sealed file and its signature; with `run`, also rendered files that differ.
    #[arg(long)]
    pub force: bool,
    /// Sign the sealed file with this OpenSSH private key
    ///
    /// Writes <file>.sig.
    #[arg(long, value_name = "SSH_PRIVATE_KEY")]
    pub sign_with: Option<PathBuf>,
    /// File holding the signing key's passphrase
    ///
    /// `-` for stdin (or OMSSO_SIGN_PASSPHRASE).
    #[arg(long, value_name = "FILE", requires = "sign_with")]
    pub sign_passphrase_file: Option<PathBuf>,
}

/// Sealing to a passphrase instead of recipients (shared with commands that seal).
#[derive(Debug, Args)]
pub struct SealTargetArgs {
    /// Seal to a passphrase instead of recipients
    #[arg(long)]
    pub passphrase: bool,
    /// Passphrase file (`-`: stdin); implies --passphrase
    ///
    /// The file holding the passphrase, `-` for stdin.
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
}

/// `omsso open`.
#[derive(Debug, Args)]
pub struct OpenArgs {
    /// The sealed file (armored or binary)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Identity file (repeatable)
    ///
    /// Age identities, a passphrase-encrypted identity file, or an OpenSSH private key.
    #[arg(short, long = "identity", value_name = "FILE")]
    pub identities: Vec<PathBuf>,
    /// File holding the identity files' passphrase
    ///
    /// For protected identity files; `-` for stdin (or OMSSO_IDENTITY_PASSPHRASE).
    #[arg(long, value_name = "FILE")]
    pub identity_passphrase_file: Option<PathBuf>,
    /// File holding the passphrase it was sealed to
    ///
    /// `-` for stdin (or OMSSO_SEAL_PASSPHRASE, or the prompt).
    #[arg(long, value_name = "FILE", conflicts_with = "identities")]
    pub passphrase_file: Option<PathBuf>,
    /// Require a signature by a key in this allowed_signers file
    ///
    /// An OpenSSH allowed_signers file; a bundle without a valid signature is refused.
    #[arg(long, value_name = "ALLOWED_SIGNERS")]
    pub signers: Option<PathBuf>,
    /// The signature file [default: FILE.sig]
    #[arg(long, value_name = "SIG", requires = "signers")]
    pub signature: Option<PathBuf>,
    /// The signature must be by this principal's key
    ///
    /// As `ssh-keygen -Y verify -I`; without it, any key in the allowed_signers file is
    /// accepted.
    #[arg(long, value_name = "PRINCIPAL", requires = "signers")]
    pub signer: Option<String>,
    /// Fail (exit 3) unless the bundle is for this client id
    #[arg(long, value_name = "ID")]
    pub expect_client_id: Option<String>,
    /// Show the client secret in the summary
    #[arg(long)]
    pub show_secret: bool,
    /// Write the credentials to FILE (0600) for `render --credentials`
    #[arg(long, value_name = "FILE")]
    pub write_credentials: Option<PathBuf>,
    /// Replace an existing --write-credentials file
    #[arg(long, requires = "write_credentials")]
    pub force: bool,
}

/// `omsso keygen`.
#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// The identity file to create (0600; never overwritten)
    #[arg(short = 'o', long = "output-file", value_name = "FILE")]
    pub output_file: PathBuf,
}
