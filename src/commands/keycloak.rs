//! `omsso keycloak ensure | fetch | rotate`: the Keycloak stage from the command line. The
//! work itself lives in `crate::pipeline` and `crate::keycloak`; this module turns the
//! arguments into the pipeline's inputs, asks for confirmation, and reports.

use std::io::IsTerminal;

use super::Context;
use crate::cli::{CredentialsArgs, EnsureArgs, FetchArgs, KeycloakCommand, RotateArgs};
use crate::commands::error::{Error, Result};
use crate::credentials::Credentials;
use crate::keycloak::{self, KeycloakError};
use crate::output::files::{self, OutputError};
use crate::pipeline::ensure::{self, Ensure, Mode};
use crate::pipeline::{fetch, Progress};
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
    ctx.ui.emit(&report, || report.text.clone());
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
    let realm = ctx.settings.realm()?;
    keycloak::check_realm(realm)?;
    let client_id = ctx.settings.client_id();
    let public = |realm: &str| KeycloakError::PublicClient {
        client_id: client_id.to_string(),
        realm: realm.to_string(),
    };
    if ctx.settings.client_type() == ClientType::Public {
        return Err(public(realm).into());
    }
    let interactive = std::io::stdin().is_terminal();
    if !args.yes && !interactive {
        return Err(KeycloakError::NotConfirmed.into());
    }
    // The new secret will differ from any file written before: refuse now, not after the
    // old secret is gone.
    if let Some(path) = &args.credentials.write {
        if !args.credentials.force {
            match files::open_existing(path)? {
                files::Existing::Missing => {}
                files::Existing::Link => {
                    return Err(OutputError::Link { path: path.clone() }.into())
                }
                files::Existing::File(_) => {
                    return Err(OutputError::Exists { path: path.clone() }.into())
                }
            }
        }
    }
    let session = ensure::connect(&ctx.settings, &ctx.ui, args.connect.insecure).await?;
    let located = keycloak::secret::locate(&session, realm, client_id).await?;
    // Refused before the question: there is nothing to confirm.
    if located.client_type() == ClientType::Public {
        return Err(public(realm).into());
    }
    if !args.yes && !confirm(client_id, realm, ctx)? {
        return Err(KeycloakError::Declined.into());
    }
    let creds = keycloak::secret::rotate(&session, located).await?;
    ensure::log_requests(&session);
    ctx.ui.warn(format!(
        "regenerated the secret of client `{client_id}` in realm `{realm}`; the old one no \
         longer works. Redeploy the new secret to the OpenMetadata server (OIDC_CLIENT_SECRET \
         in the docker env file, oidcConfiguration.secret in openmetadata.yaml, or the \
         Kubernetes Secret oidc-secrets), and render and seal the Collate handoff again."
    ));
    deliver(&creds, &args.credentials, ctx)
}

/// Asks on the terminal; only an explicit yes proceeds.
fn confirm(client_id: &str, realm: &str, ctx: &Context) -> Result<bool> {
    let question = format!(
        "Regenerate the secret of client `{client_id}` in realm `{realm}`? The old secret \
         stops working at once."
    );
    Ok(Progress::confirm(&ctx.ui, &question).map_err(|_| KeycloakError::NotConfirmed)?)
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
