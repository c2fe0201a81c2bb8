//! `omsso keycloak ensure | fetch | rotate`: the Keycloak stage from the command line. The
//! work itself lives in `crate::pipeline` and `crate::keycloak`; this module turns the
//! arguments into the pipeline's inputs and prints what comes back.

use super::Context;
use crate::cli::{CredentialsArgs, EnsureArgs, FetchArgs, KeycloakCommand, RotateArgs};
use crate::commands::error::{Error, Result};
use crate::credentials::{Credentials, CredentialsView};
use crate::output::Report;
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
    let report = ensure::ensure(&ctx.settings, &ctx.ui, &input, &ctx.logins).await?;
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
    let creds =
        fetch::from_keycloak(&ctx.settings, &ctx.ui, args.connect.insecure, &ctx.logins).await?;
    deliver(&creds, &args.credentials, ctx)
}

async fn rotate(args: RotateArgs, ctx: &Context) -> Result<()> {
    let input = Rotate {
        yes: args.yes,
        insecure: args.connect.insecure,
        write: args.credentials.write.clone(),
        force: args.credentials.force,
    };
    let creds = rotate::rotate(&ctx.settings, &ctx.ui, &input, &ctx.logins).await?;
    deliver(&creds, &args.credentials, ctx)
}

/// Writes the credentials file when asked, then prints the credentials.
fn deliver(creds: &Credentials, args: &CredentialsArgs, ctx: &Context) -> Result<()> {
    if let Some(path) = &args.write {
        let out_dir = Some(ctx.settings.out_dir());
        fetch::write_credentials(creds, path, args.force, out_dir, &ctx.ui)?;
    }
    fetch::warn_type_mismatch(creds, &ctx.settings, &ctx.ui);
    ctx.ui.report(&creds.view(args.show_secret));
    Ok(())
}

/// One row per field. It lives here because it names `--show-secret`.
impl<'a> Report for CredentialsView<'a> {
    fn text(&self) -> String {
        let secret = match (self.client_secret, self.client_secret_present) {
            (Some(s), _) => s,
            (None, true) => "(hidden; --show-secret prints it)",
            (None, false) if self.client_type == ClientType::Public => "(none: public client)",
            (None, false) => "(none)",
        };
        let optional = |v: Option<&'a str>| v.unwrap_or("(none)");
        let client_type = self.client_type.to_string();
        let rows = [
            ("client_id", self.client_id),
            ("client_type", client_type.as_str()),
            ("client_secret", secret),
            ("realm", self.realm),
            ("authority (issuer)", self.issuer),
            ("discovery_uri", self.discovery_uri),
            ("jwks_uri", self.jwks_uri),
            ("token_endpoint", optional(self.token_endpoint)),
            (
                "authorization_endpoint",
                optional(self.authorization_endpoint),
            ),
            ("end_session_endpoint", optional(self.end_session_endpoint)),
            ("openmetadata_url", optional(self.openmetadata_url)),
        ];
        let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        // Values from Keycloak's answers (or a credentials file): one line each.
        rows.iter()
            .map(|(k, v)| format!("{k:width$}  {}\n", crate::output::one_line(v)))
            .collect()
    }

    fn summary(&self) -> String {
        format!(
            "credentials of {} client `{}`; authority {}",
            self.client_type, self.client_id, self.issuer
        )
    }
}
