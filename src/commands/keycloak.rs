//! `omsso keycloak ensure | fetch | rotate`: the Keycloak stage from the command line. The
//! work itself lives in `crate::pipeline` and `crate::keycloak`; this module turns the
//! arguments into the pipeline's inputs and prints what comes back.

use super::Context;
use crate::cli::{CredentialsArgs, EnsureArgs, FetchArgs, KeycloakCommand, RotateArgs};
use crate::commands::error::{Error, Result};
use crate::credentials::Credentials;
use crate::pipeline::ensure::{self, Ensure, Mode};
use crate::pipeline::fetch;
use crate::pipeline::rotate::{self, Rotate};
use crate::settings::ClientType;

pub async fn run(cmd: KeycloakCommand, ctx: &Context) -> Result<()> {
    match cmd {
        KeycloakCommand::Ensure(a) => ensure(a, ctx).await,
        KeycloakCommand::Fetch(a) => fetch(a, ctx).await,
        KeycloakCommand::Rotate(a) => rotate(a, ctx).await,
    }
}

async fn ensure(args: EnsureArgs, ctx: &Context) -> Result<()> {
    let mode = match (args.check, args.dry_run) {
        (true, _) => Mode::Check,
        (_, true) => Mode::DryRun,
        _ => Mode::Apply,
    };
    let input = Ensure {
        mode,
        create_realm: args.create_realm,
        insecure: args.connect.insecure,
    };
    let report = ensure::ensure(&ctx.settings, &ctx.ui, &input).await?;
    ctx.ui.report(&report);
    if mode == Mode::Check && !report.up_to_date {
        let n = report.changes.len();
        return Err(Error::CheckFailed(format!(
            "client `{}` in realm `{}` differs from the desired state ({n} field{})",
            report.client_id,
            report.realm,
            if n == 1 { "" } else { "s" }
        )));
    }
    Ok(())
}

async fn fetch(args: FetchArgs, ctx: &Context) -> Result<()> {
    let creds = fetch::from_keycloak(&ctx.settings, &ctx.ui, args.connect.insecure).await?;
    deliver(&creds, &args.credentials, ctx)
}

async fn rotate(args: RotateArgs, ctx: &Context) -> Result<()> {
    let input = Rotate {
        yes: args.yes,
        insecure: args.connect.insecure,
        write: args.credentials.write.clone(),
        force: args.credentials.force,
    };
    let creds = rotate::rotate(&ctx.settings, &ctx.ui, &input).await?;
    deliver(&creds, &args.credentials, ctx)
}

/// Writes the credentials file when asked, then prints the credentials.
fn deliver(creds: &Credentials, args: &CredentialsArgs, ctx: &Context) -> Result<()> {
    if let Some(path) = &args.write {
        let out_dir = Some(ctx.settings.out_dir());
        fetch::write_credentials(creds, path, args.force, out_dir, &ctx.ui)?;
    }
    fetch::warn_type_mismatch(creds, &ctx.settings, &ctx.ui);
    ctx.ui.emit(&creds.view(args.show_secret), || {
        credentials_text(creds, args.show_secret)
    });
    Ok(())
}

fn credentials_text(c: &Credentials, reveal: bool) -> String {
    use secrecy::ExposeSecret;
    let secret = match (&c.client_secret, reveal) {
        (Some(s), true) => s.expose_secret().to_string(),
        (Some(_), false) => "(hidden; --show-secret prints it)".to_string(),
        (None, _) if c.client_type == ClientType::Public => "(none: public client)".to_string(),
        (None, _) => "(none)".to_string(),
    };
    let optional = |v: &Option<String>| v.clone().unwrap_or_else(|| "(none)".to_string());
    let rows = [
        ("client_id", c.client_id.clone()),
        ("client_type", c.client_type.to_string()),
        ("client_secret", secret),
        ("realm", c.realm.clone()),
        ("authority (issuer)", c.issuer.clone()),
        ("discovery_uri", c.discovery_uri.clone()),
        ("jwks_uri", c.jwks_uri.clone()),
        ("token_endpoint", optional(&c.token_endpoint)),
        (
            "authorization_endpoint",
            optional(&c.authorization_endpoint),
        ),
        ("end_session_endpoint", optional(&c.end_session_endpoint)),
        ("openmetadata_url", optional(&c.openmetadata_url)),
    ];
    let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    // Values from Keycloak's answers (or a credentials file): one line each.
    rows.iter()
        .map(|(k, v)| format!("{k:width$}  {}\n", crate::output::one_line(v)))
        .collect()
}
