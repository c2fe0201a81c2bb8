//! Command-line definitions only: no behaviour lives here. Settings flags are global so they
//! can follow any subcommand (`omsso keycloak ensure --realm dev`).

use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

mod settings;

pub use settings::given;

/// The whole command line: the derived commands plus the settings flags from the settings
/// table (global: they may follow any subcommand).
pub fn command() -> clap::Command {
    let heading = "Settings (flag > OMSSO_* env > omsso.yaml > default)";
    Cli::command().args(settings::all_args().map(|a| a.global(true).help_heading(heading)))
}

pub const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  runtime failure (network, Keycloak, OpenMetadata, file system)
  2  usage or configuration error, or OpenMetadata refused apply (nothing was changed)
  3  a check found a difference or a failure (ensure --check, verify,
     open --expect-client-id)

Secrets are never taken as flag values: use OMSSO_ADMIN_PASSWORD / OMSSO_ADMIN_CLIENT_SECRET,
OMSSO_SEAL_PASSPHRASE / OMSSO_IDENTITY_PASSPHRASE / OMSSO_SIGN_PASSPHRASE, OMSSO_LOGIN_PASSWORD,
OMSSO_OM_TOKEN, a --...-file option (`-` reads stdin), or answer the prompt on a terminal.";

#[derive(Debug, Parser)]
#[command(
    name = "omsso",
    version,
    about = "OpenMetadata + Keycloak SSO: provision the client, render the config, seal the handoff",
    long_about = "omsso automates OpenMetadata's Keycloak SSO guide: it creates or updates the \
OpenMetadata client in a Keycloak realm, fetches its credentials and the realm's OIDC endpoints, \
renders openmetadata.yaml / docker env / Helm values, and seals the client ID and secret with age \
for the Collate team.",
    after_help = EXIT_CODES,
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum OutputFormat {
    /// Human-readable text
    #[default]
    Text,
    /// One JSON document on stdout, stable field names
    Json,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Project settings file
    #[arg(long, global = true, env = "OMSSO_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Named environment from the settings file's `environments:` section
    #[arg(long = "env", global = true, env = "OMSSO_ENV", value_name = "NAME")]
    pub env_name: Option<String>,
    /// More detail on stderr (-v, -vv)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Only errors on stderr
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Result format on stdout
    #[arg(
        long,
        global = true,
        value_enum,
        default_value_t,
        value_name = "FORMAT"
    )]
    pub output: OutputFormat,
    /// No colours, even on a terminal (NO_COLOR is honoured too)
    #[arg(long, global = true)]
    pub no_color: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Inspect the resolved settings
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Provision the OpenMetadata client in Keycloak and read its credentials
    #[command(subcommand)]
    Keycloak(KeycloakCommand),
    /// Write OpenMetadata's auth configuration (openmetadata.yaml, docker env file, Helm values
    /// and Secret) from a credentials file
    Render(crate::commands::render::RenderArgs),
    /// The whole job: ensure the client, fetch its credentials, render, seal, verify
    #[command(after_help = RUN_HELP)]
    Run(RunArgs),
    /// Encrypt the client credentials for the Collate team (age), optionally signed
    Seal(SealArgs),
    /// Decrypt and check a sealed handoff bundle
    Open(OpenArgs),
    /// Create an age identity file to receive sealed handoffs; prints its public key
    Keygen(KeygenArgs),
    /// Check an OpenMetadata auth configuration; with --file, lint files without Keycloak
    Verify(VerifyArgs),
    /// Push the rendered security configuration to a running OpenMetadata 1.10+ (validate,
    /// save, read back)
    #[command(after_help = APPLY_HELP)]
    Apply(ApplyArgs),
    /// Print a shell completion script on stdout
    Completions(CompletionsArgs),
    /// Print omsso's man page (roff) on stdout
    Man,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Without --file, checks the rendered openmetadata.yaml against the live Keycloak its
authority names (realm and Keycloak come from the file): discovery reachable and its issuer
equal to authority, the JWKS answering with an RS256 key, both publicKeyUrls, OpenMetadata's
own SSO validation (jwks_uri listed, every public key URL answering, scopes, JWS algorithm,
response type), the client (exists, confidential or the public flow, callback registered,
profile/email/basic scopes; skipped without an admin login), the secret authenticating with a
token whose iss is the authority, and the URLs agreeing with each other. Each check is ok,
warn (undecidable from here), skip (not run) or FAIL; only ok counts as passed.
--login USER also logs in through Keycloak's login form and says who USER is to OpenMetadata.

Examples:
  omsso verify                                   # live, against out/openmetadata.yaml
  OMSSO_LOGIN_PASSWORD=… omsso verify --login alice   # and a real login as alice
  omsso verify --om-config /etc/openmetadata/openmetadata.yaml
  omsso verify --file out/openmetadata.yaml      # static lint, no Keycloak
  omsso verify --file .env --kind env --output json
  omsso verify --file values.yaml --file openmetadata.env

Exit codes: 0 no error found, 1 Keycloak unreachable, 2 usage (unreadable file, unknown
format), 3 a check failed.")]
pub struct VerifyArgs {
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Live mode: the openmetadata.yaml to check against Keycloak [default: <out>/openmetadata.yaml]
    #[arg(long, value_name = "PATH", conflicts_with = "files")]
    pub om_config: Option<PathBuf>,
    /// Lint this file (repeatable; `-` reads stdin): an openmetadata.yaml, a docker env file,
    /// Helm values, or a SOPS-encrypted Secret. Needs no Keycloak.
    #[arg(long = "file", value_name = "PATH")]
    pub files: Vec<PathBuf>,
    /// Format of the --file files [default: detected from each file's content]
    #[arg(long, value_enum, requires = "files", value_name = "KIND")]
    pub kind: Option<crate::verify::FileKind>,
    /// Live mode: log in as USER through Keycloak's login form with the file's client, and
    /// say who the user is to OpenMetadata (password: OMSSO_LOGIN_PASSWORD,
    /// --login-password-file, or the prompt)
    #[arg(long, value_name = "USER", conflicts_with = "files")]
    pub login: Option<String>,
    /// File holding the --login user's password, `-` for stdin
    #[arg(long, value_name = "FILE", requires = "login")]
    pub login_password_file: Option<PathBuf>,
}

const APPLY_HELP: &str = "\
From OpenMetadata 1.10 on, the security configuration lives in the server's database once it
is saved (Settings > SSO, or the first start): a changed openmetadata.yaml, env file or Helm
value is ignored until `./bootstrap/openmetadata-ops.sh remove-security-config --force` and a
restart. apply pushes the file through the server's own API instead: POST
/api/v1/system/security/validate (the server's SSO validation; its field errors are shown and
nothing changes), PUT /api/v1/system/security/config, then GET /api/v1/system/config/auth to
confirm. The server's release comes from GET /api/v1/system/version; before 1.10 apply refuses
(deploy the files instead).

The admin token (an OpenMetadata JWT: an admin's personal access token, or a bot token with
the admin role) comes from OMSSO_OM_TOKEN, --om-token-file FILE (`-` for stdin) or the prompt;
never from argv, never printed.

Examples:
  omsso apply --dry-run          # what would change (the client secret masked on both sides)
  OMSSO_OM_TOKEN=… omsso apply   # validate, save, read back

Exit codes: 0 applied (or nothing to change), 1 OpenMetadata unreachable or failing, 2 refused
(token, release before 1.10, the server's validation), nothing changed.";

/// `omsso apply`.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// The openmetadata.yaml to push [default: <out>/openmetadata.yaml]
    #[arg(long, value_name = "PATH")]
    pub om_config: Option<PathBuf>,
    /// Show what would change on the server (its current configuration against the file's)
    /// and change nothing
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub token: OmTokenArgs,
}

/// Where OpenMetadata's admin token comes from (never argv).
#[derive(Debug, Clone, Args)]
pub struct OmTokenArgs {
    /// File holding OpenMetadata's admin token (a JWT), `-` for stdin (or OMSSO_OM_TOKEN, or
    /// the prompt)
    #[arg(long, value_name = "FILE")]
    pub om_token_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Install, for example:
  omsso completions bash > ~/.local/share/bash-completion/completions/omsso
  omsso completions zsh  > ~/.zfunc/_omsso      # with fpath+=~/.zfunc before compinit
  omsso completions fish > ~/.config/fish/completions/omsso.fish")]
pub struct CompletionsArgs {
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

const RUN_HELP: &str = "\
Steps: ensure (skip with --no-ensure; --dry-run prints the plan and stops) -> fetch -> render
(every target into the output folder) -> seal (when recipients are configured or given, or
--passphrase) -> apply (with --apply: push the security configuration to OpenMetadata 1.10+,
as `omsso apply`) -> verify (live checks; skip with --no-verify). The verify line counts ok,
warn, skip and FAIL apart; only ok counts as passed.

A second run changes nothing in Keycloak and leaves every file byte-identical: an existing
sealed handoff is kept unless --force, which also replaces rendered files that differ.

Exit codes: 0 done, 1 runtime failure, 2 configuration error, 3 a live check failed. With
--all-envs: the worst code of all environments.";

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Use the client as it is in Keycloak (no create or update)
    #[arg(long, conflicts_with_all = ["dry_run", "create_realm"])]
    pub no_ensure: bool,
    /// Print the ensure plan and stop; nothing is changed or written
    #[arg(long)]
    pub dry_run: bool,
    /// Create the realm when it does not exist
    #[arg(long)]
    pub create_realm: bool,
    /// Skip the live checks at the end
    #[arg(long)]
    pub no_verify: bool,
    /// After rendering, push the security configuration to the running OpenMetadata 1.10+
    /// (as `omsso apply`; token: OMSSO_OM_TOKEN, --om-token-file or the prompt)
    #[arg(long, conflicts_with = "dry_run")]
    pub apply: bool,
    #[command(flatten)]
    pub om_token: OmTokenArgs,
    /// Folder whose files replace the built-in templates of the same name
    #[arg(long, env = "OMSSO_TEMPLATES", value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Run every environment of the settings file, concurrently
    #[arg(long, conflicts_with = "env_name")]
    pub all_envs: bool,
    /// With --all-envs: how many environments run at once
    #[arg(long, default_value_t = 4, value_name = "N", requires = "all_envs")]
    pub jobs: usize,
    #[command(flatten)]
    pub handoff: HandoffArgs,
}

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
    /// Read the credentials from this file (JSON or YAML, as `keycloak fetch --write` writes
    /// it) instead of Keycloak
    #[arg(long, env = "OMSSO_CREDENTIALS", value_name = "FILE")]
    pub credentials: Option<PathBuf>,
    /// Read the credentials from a sealed handoff bundle instead of Keycloak
    #[arg(long, value_name = "FILE", conflicts_with = "credentials")]
    pub from_bundle: Option<PathBuf>,
    /// With --from-bundle: identity file that opens it (repeatable)
    #[arg(
        short = 'i',
        long = "identity",
        value_name = "FILE",
        requires = "from_bundle"
    )]
    pub identities: Vec<PathBuf>,
    /// With --from-bundle: file holding the identity's passphrase (or OMSSO_IDENTITY_PASSPHRASE)
    #[arg(long, value_name = "FILE", requires = "from_bundle")]
    pub identity_passphrase_file: Option<PathBuf>,
    /// With --from-bundle: file holding the passphrase of a passphrase-sealed bundle (or
    /// OMSSO_SEAL_PASSPHRASE)
    #[arg(long, value_name = "FILE", requires = "from_bundle")]
    pub bundle_passphrase_file: Option<PathBuf>,
    /// With --from-bundle: require a valid signature by a key in this allowed_signers file
    #[arg(long, value_name = "ALLOWED_SIGNERS", requires = "from_bundle")]
    pub signers: Option<PathBuf>,
    /// With --signers: the signature must be by this principal's key (as `ssh-keygen -Y
    /// verify -I`)
    #[arg(long, value_name = "PRINCIPAL", requires = "signers")]
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
    /// Advisory expiry in days (at most 36500), stored in the bundle (the receiver is warned
    /// after it)
    // Bounded: a date past the year 9999 cannot be written as RFC 3339 (it panicked).
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(1..=36500))]
    pub expires_in: Option<u32>,
    /// Where to write the sealed file [default: <output.dir>/collate-handoff.age]
    #[arg(short = 'o', long = "output-file", value_name = "PATH")]
    pub output_file: Option<PathBuf>,
    /// Replace an existing sealed file (and its signature); with `run`, also rendered files
    /// that differ
    #[arg(long)]
    pub force: bool,
    /// Sign the sealed file with this OpenSSH private key; writes <file>.sig
    #[arg(long, value_name = "SSH_PRIVATE_KEY")]
    pub sign_with: Option<PathBuf>,
    /// File holding the signing key's passphrase, `-` for stdin (or OMSSO_SIGN_PASSPHRASE)
    #[arg(long, value_name = "FILE", requires = "sign_with")]
    pub sign_passphrase_file: Option<PathBuf>,
}

/// Sealing to a passphrase instead of recipients (shared with commands that seal).
#[derive(Debug, Args)]
pub struct SealTargetArgs {
    /// Seal to a passphrase instead of recipients
    #[arg(long)]
    pub passphrase: bool,
    /// File holding the passphrase, `-` for stdin; implies --passphrase
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
}

/// `omsso open`.
#[derive(Debug, Args)]
pub struct OpenArgs {
    /// The sealed file (armored or binary)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Identity file: age identities, a passphrase-encrypted identity file, or an OpenSSH
    /// private key (repeatable)
    #[arg(short, long = "identity", value_name = "FILE")]
    pub identities: Vec<PathBuf>,
    /// File holding the passphrase of protected identity files, `-` for stdin (or
    /// OMSSO_IDENTITY_PASSPHRASE)
    #[arg(long, value_name = "FILE")]
    pub identity_passphrase_file: Option<PathBuf>,
    /// For a file sealed to a passphrase: the file holding it, `-` for stdin (or
    /// OMSSO_SEAL_PASSPHRASE, or the prompt)
    #[arg(long, value_name = "FILE", conflicts_with = "identities")]
    pub passphrase_file: Option<PathBuf>,
    /// Require a valid signature by a key in this OpenSSH allowed_signers file
    #[arg(long, value_name = "ALLOWED_SIGNERS")]
    pub signers: Option<PathBuf>,
    /// The signature file [default: FILE.sig]
    #[arg(long, value_name = "SIG", requires = "signers")]
    pub signature: Option<PathBuf>,
    /// The signature must be by this principal's key in the allowed_signers file (as
    /// `ssh-keygen -Y verify -I`); without it, any key listed there is accepted
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

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the resolved settings and where each value came from (secrets redacted)
    Show,
}

#[derive(Debug, Subcommand)]
pub enum KeycloakCommand {
    /// Create or update the realm's OpenMetadata client so it matches the desired state
    #[command(after_help = ENSURE_HELP)]
    Ensure(EnsureArgs),
    /// Read the client's credentials and the realm's OIDC endpoints (changes nothing)
    Fetch(FetchArgs),
    /// Regenerate the client secret; the old one stops working at once
    Rotate(RotateArgs),
}

const ENSURE_HELP: &str = "\
Managed fields (others are left as they are): enabled, bearerOnly=false, publicClient=false,
clientAuthenticatorType=client-secret, standardFlowEnabled, implicitFlowEnabled (setting
openmetadata.implicit_flow), serviceAccountsEnabled, rootUrl={om}; redirectUris contain
{om}/callback (and {om}/silent-callback with the implicit flow or a public client);
webOrigins allow {om}'s origin; post.logout.redirect.uris contain {om}/*; default client
scopes include profile, email and basic.

--client-type public: publicClient=true, serviceAccountsEnabled=false, no client authenticator
(Keycloak holds no secret); --response-type id_token keeps the implicit flow on, --response-type
code requires PKCE (attributes.pkce.code.challenge.method=S256) and turns the implicit flow off
unless --implicit-flow true. Switching an existing client's type is an ordinary plan.

Exit codes: 0 done or up to date, 1 Keycloak or network failure, 2 configuration error,
3 --check found a difference.";

/// How omsso reaches Keycloak, for every command that talks to it.
#[derive(Debug, Clone, Copy, Default, Args)]
pub struct ConnectArgs {
    /// Do not verify Keycloak's TLS certificate (dangerous: prefer --cacert FILE)
    #[arg(long)]
    pub insecure: bool,
}

#[derive(Debug, Args)]
pub struct EnsureArgs {
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Print the plan (create, or each field: current → desired) and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Like --dry-run, and exit 3 when anything differs
    #[arg(long, conflicts_with = "dry_run")]
    pub check: bool,
    /// Create the realm when it does not exist
    #[arg(long)]
    pub create_realm: bool,
}

/// What to do with the credentials read from Keycloak.
#[derive(Debug, Args)]
pub struct CredentialsArgs {
    /// Print the client secret (hidden by default)
    #[arg(long)]
    pub show_secret: bool,
    /// Write the credentials, secret included, to FILE (mode 0600) for render and seal
    #[arg(long, value_name = "FILE")]
    pub write: Option<PathBuf>,
    /// Replace FILE when it holds different credentials
    #[arg(long, requires = "write")]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct FetchArgs {
    #[command(flatten)]
    pub connect: ConnectArgs,
    #[command(flatten)]
    pub credentials: CredentialsArgs,
}

#[derive(Debug, Args)]
pub struct RotateArgs {
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Regenerate without asking (required when stdin is not a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[command(flatten)]
    pub credentials: CredentialsArgs,
}
