//! `omsso keycloak ensure|fetch|rotate`, and how omsso reaches Keycloak.

use std::path::PathBuf;

use clap::{Args, Subcommand};

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
    /// Do not verify Keycloak's TLS certificate (dangerous)
    ///
    /// Anyone between omsso and Keycloak could then read the admin login and the client
    /// secret: prefer --cacert FILE, which trusts the CA that signed Keycloak's certificate.
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
