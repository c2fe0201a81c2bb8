//! `omsso verify` and `omsso apply`: checking and pushing a rendered configuration.

use std::path::PathBuf;

use clap::Args;

use super::ConnectArgs;

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
  omsso verify --file .env --kind env --format json
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
    pub kind: Option<crate::lint::FileKind>,
    /// Live mode: log in as USER through Keycloak's login form with the file's client, and
    /// say who the user is to OpenMetadata (password: OMSSO_LOGIN_PASSWORD,
    /// --login-password-file, or the prompt)
    #[arg(long, value_name = "USER", conflicts_with = "files")]
    pub login: Option<String>,
    /// File holding the --login user's password, `-` for stdin
    #[arg(long, value_name = "FILE", requires = "login")]
    pub login_password_file: Option<PathBuf>,
    /// Live mode: OpenMetadata's admin token, to check that the default admin is gone
    /// (OMSSO_OM_TOKEN, or --om-token-file; never prompted for)
    #[command(flatten)]
    pub token: OmTokenArgs,
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
  omsso apply --dry-run          # what would change (secrets masked on both sides)
  OMSSO_OM_TOKEN=… omsso apply   # validate, save, read back

Exit codes: 0 applied (or nothing to change), 1 OpenMetadata unreachable or failing, 2 refused
(token, release before 1.10, the server's validation), nothing changed.";

const REMOVE_ADMIN_HELP: &str = "\
Deletes the basic-auth `admin` account OpenMetadata's first start created for the quickstart's
adminPrincipals (password `admin` unless changed), for good: DELETE
/api/v1/users/{id}?hardDelete=true. It removes it only once the running server shows that
nobody is locked out: it no longer logs in with basic auth, `admin` is no longer in its
adminPrincipals (else its next start creates the account again; 1.10+, read through the
security API), and another admin principal exists as an admin user. The plan is shown first;
then it asks (or pass --yes). The admin token comes from OMSSO_OM_TOKEN, --om-token-file FILE
or the prompt; never from argv, never printed.

Examples:
  omsso remove-default-admin --dry-run   # the plan and what the guard found; nothing removed
  OMSSO_OM_TOKEN=… omsso remove-default-admin

Exit codes: 0 removed (or no such user), 1 OpenMetadata unreachable or failing, 2 refused (token,
lockout guard, not confirmed), nothing changed.";

/// `omsso remove-default-admin`.
#[derive(Debug, Args)]
#[command(after_help = REMOVE_ADMIN_HELP)]
pub struct RemoveAdminArgs {
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Show the plan and what the lockout guard found, and remove nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for confirmation
    #[arg(long)]
    pub yes: bool,
    #[command(flatten)]
    pub token: OmTokenArgs,
}

/// `omsso apply`.
#[derive(Debug, Args)]
#[command(after_help = APPLY_HELP)]
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
    /// File holding OpenMetadata's admin token, `-` for stdin
    ///
    /// The token is a JWT: an admin's personal access token, or a bot token with the admin
    /// role. Without this option: OMSSO_OM_TOKEN, or the prompt.
    #[arg(long, value_name = "FILE")]
    pub om_token_file: Option<PathBuf>,
}
