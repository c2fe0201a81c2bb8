//! `omsso keycloak ensure | fetch | rotate`: the Keycloak stage from the command line. The
//! work itself lives in `crate::keycloak`; this module checks the arguments, asks for
//! confirmation, and reports.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use serde_json::json;

use super::Context;
use crate::cli::{
    ConnectArgs, CredentialsArgs, EnsureArgs, FetchArgs, KeycloakCommand, RotateArgs,
};
use crate::commands::error::{Error, Result};
use crate::credentials::Credentials;
use crate::keycloak::{self, Action, Desired, KeycloakError, Plan, Session};
use crate::output::files::{self, OutputError};
use crate::settings::ClientType;

pub async fn run(cmd: KeycloakCommand, ctx: &Context) -> Result<()> {
    match cmd {
        KeycloakCommand::Ensure(a) => ensure(a, ctx).await,
        KeycloakCommand::Fetch(a) => fetch(a, ctx).await,
        KeycloakCommand::Rotate(a) => rotate(a, ctx).await,
    }
}

/// Logs in to the admin API, warning loudly first when certificate checks are off. Every
/// command that talks to Keycloak goes through here.
pub async fn connect(ctx: &Context, args: ConnectArgs) -> Result<Session> {
    if args.insecure {
        ctx.ui.warn(keycloak::INSECURE_WARNING);
    }
    if let Some(warning) = ctx
        .settings
        .keycloak_url()
        .ok()
        .and_then(keycloak::cleartext_warning)
    {
        ctx.ui.warn(warning);
    }
    let session = Session::connect(&ctx.settings, args.insecure).await?;
    ctx.ui.step(format!(
        "logged in to {} as {} (realm `{}`)",
        session.base(),
        session.principal(),
        session.login_realm()
    ));
    Ok(session)
}

/// The request counts, at `-v`.
fn log_requests(session: &Session) {
    tracing::info!("HTTP requests: {}", session.requests());
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Apply,
    DryRun,
    Check,
}

impl Mode {
    fn as_str(self) -> &'static str {
        match self {
            Mode::Apply => "apply",
            Mode::DryRun => "dry_run",
            Mode::Check => "check",
        }
    }
}

async fn ensure(args: EnsureArgs, ctx: &Context) -> Result<()> {
    // Settings and the realm are checked before any password is read or request is sent.
    let desired = Desired::from_settings(&ctx.settings, args.create_realm)?;
    let mode = match (args.check, args.dry_run) {
        (true, _) => Mode::Check,
        (_, true) => Mode::DryRun,
        _ => Mode::Apply,
    };
    let session = connect(ctx, args.connect).await?;
    let (plan, applied) = converge(&session, &desired, mode == Mode::Apply, ctx).await?;
    let changes = plan.changes();
    log_requests(&session);

    let requests = session.requests();
    let doc = json!({
        "realm": desired.realm,
        "client_id": desired.client_id,
        "keycloak": session.base(),
        "mode": mode.as_str(),
        "action": plan.action(),
        "create_realm": plan.create_realm,
        "up_to_date": plan.up_to_date(),
        "applied": applied,
        "changes": changes,
        "notes": plan.notes(),
        "unavailable_scopes": plan.scopes.unavailable,
        "client_uuid": applied.as_ref().map(|a| a.uuid.clone()).or_else(|| plan_uuid(&plan)),
        "requests": requests,
        "token_requests": requests.token,
    });
    ctx.ui.emit(&doc, || ensure_text(&plan, mode));
    if mode == Mode::Check && !plan.up_to_date() {
        return Err(Error::CheckFailed(format!(
            "client `{}` in realm `{}` differs from the desired state ({} field{})",
            desired.client_id,
            desired.realm,
            changes.len(),
            if changes.len() == 1 { "" } else { "s" }
        )));
    }
    Ok(())
}

/// Plans the client's desired state and, when `apply`, makes Keycloak match it, then reads
/// it back: a realm's client policy can silently rewrite what was written.
pub async fn converge(
    session: &Session,
    desired: &Desired,
    apply: bool,
    ctx: &Context,
) -> Result<(Plan, Option<keycloak::client::Applied>)> {
    let plan = keycloak::plan(session, desired).await?;
    for name in &plan.scopes.unavailable {
        ctx.ui.warn(format!(
            "realm `{}` has no client scope `{name}`; it cannot be added (Keycloak < 25 has no \
             `basic` scope and puts `sub` in tokens without it)",
            desired.realm
        ));
    }
    if !apply || plan.up_to_date() {
        return Ok((plan, None));
    }
    let applied = keycloak::apply(session, &plan).await?;
    let after = keycloak::plan(session, desired).await?;
    if !after.up_to_date() {
        log_requests(session);
        let fields = after.changes().into_iter().map(|c| c.field).collect();
        return Err(KeycloakError::NotKept { fields }.into());
    }
    Ok((plan, Some(applied)))
}

fn plan_uuid(plan: &Plan) -> Option<String> {
    match &plan.client {
        keycloak::client::ClientPlan::Update { uuid, .. } => Some(uuid.clone()),
        keycloak::client::ClientPlan::Create { .. } => None,
    }
}

/// The plan as text: "is up to date", or what was (or would be) created or changed.
pub fn plan_text(plan: &Plan, applied: bool) -> String {
    ensure_text(plan, if applied { Mode::Apply } else { Mode::DryRun })
}

fn ensure_text(plan: &Plan, mode: Mode) -> String {
    let d = &plan.desired;
    let who = format!("client `{}` in realm `{}`", d.client_id, d.realm);
    if plan.up_to_date() {
        return format!("{who} is up to date");
    }
    let verb = match (mode, plan.action()) {
        (Mode::Apply, Action::Create) => "created",
        (Mode::Apply, _) => "updated",
        (_, Action::Create) => "would create",
        (_, _) => "would update",
    };
    let mut out = format!("{verb} {who}:\n");
    if plan.create_realm {
        let realm_verb = if mode == Mode::Apply {
            "created"
        } else {
            "would create"
        };
        out.push_str(&format!("  realm `{}`: {realm_verb}\n", d.realm));
    }
    for c in plan.changes() {
        out.push_str(&format!("  {c}\n"));
    }
    for note in plan.notes() {
        out.push_str(&format!("  note: {note}\n"));
    }
    out
}

async fn fetch(args: FetchArgs, ctx: &Context) -> Result<()> {
    let realm = ctx.settings.realm()?;
    let session = connect(ctx, args.connect).await?;
    let creds = keycloak::fetch_credentials(&session, realm, ctx.settings.client_id()).await?;
    log_requests(&session);
    deliver(&creds, &args.credentials, ctx)
}

async fn rotate(args: RotateArgs, ctx: &Context) -> Result<()> {
    let realm = ctx.settings.realm()?;
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
    let session = connect(ctx, args.connect).await?;
    let located = keycloak::secret::locate(&session, realm, client_id).await?;
    // Refused before the question: there is nothing to confirm.
    if located.client_type() == ClientType::Public {
        return Err(public(realm).into());
    }
    if !args.yes && !confirm(client_id, realm)? {
        return Err(KeycloakError::Declined.into());
    }
    let creds = keycloak::secret::rotate(&session, located).await?;
    log_requests(&session);
    ctx.ui.warn(format!(
        "regenerated the secret of client `{client_id}` in realm `{realm}`; the old one no \
         longer works. Redeploy the new secret to the OpenMetadata server (OIDC_CLIENT_SECRET \
         in the docker env file, oidcConfiguration.secret in openmetadata.yaml, or the \
         Kubernetes Secret oidc-secrets), and render and seal the Collate handoff again."
    ));
    deliver(&creds, &args.credentials, ctx)
}

/// Asks on the terminal; only an explicit yes proceeds.
fn confirm(client_id: &str, realm: &str) -> Result<bool> {
    eprint!(
        "Regenerate the secret of client `{client_id}` in realm `{realm}`? The old secret \
         stops working at once. [y/N] "
    );
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|_| KeycloakError::NotConfirmed)?;
    Ok(matches!(answer.trim().to_lowercase().as_str(), "y" | "yes"))
}

/// Writes the credentials file when asked, then prints the credentials.
fn deliver(creds: &Credentials, args: &CredentialsArgs, ctx: &Context) -> Result<()> {
    if let Some(path) = &args.write {
        write_credentials(creds, path, args.force, ctx)?;
    }
    warn_type_mismatch(creds, ctx);
    ctx.ui.emit(&creds.view(args.show_secret), || {
        credentials_text(creds, args.show_secret)
    });
    Ok(())
}

/// Warns when the client in Keycloak is not what the settings configure OpenMetadata for, or
/// a confidential client came without a secret.
pub fn warn_type_mismatch(creds: &Credentials, ctx: &Context) {
    let (have, want) = (creds.client_type, ctx.settings.client_type());
    let who = format!("client `{}` in realm `{}`", creds.client_id, creds.realm);
    if have != want {
        ctx.ui.warn(format!(
            "{who} is {have} in Keycloak, but openmetadata.client_type is {want}: run `omsso \
             keycloak ensure` to make it {want}"
        ));
    } else if have == ClientType::Confidential && creds.client_secret.is_none() {
        ctx.ui.warn(format!(
            "{who} is confidential but Keycloak returned no secret (its client authenticator \
             is not a client secret); run `omsso keycloak ensure`"
        ));
    }
}

/// The file `Credentials::load` reads back: the revealed view as JSON, mode 0600, written
/// atomically, never replacing different credentials without `--force`.
fn write_credentials(creds: &Credentials, path: &Path, force: bool, ctx: &Context) -> Result<()> {
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    if parent == Some(ctx.settings.out_dir()) {
        files::prepare_out_dir(ctx.settings.out_dir())?;
    }
    let mut bytes = serde_json::to_vec_pretty(&creds.view(true)).expect("serialisable");
    bytes.push(b'\n');
    let outcome = files::write_new(path, &bytes, files::SECRET_MODE, force)?;
    ctx.ui.report_secret_file(path, outcome);
    ctx.ui.warn_if_exposed_to_git([path]);
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
