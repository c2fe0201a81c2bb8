//! ensure: the Keycloak client as the settings describe it. Plan, apply, and re-plan: a
//! realm's client policy can silently rewrite what was written, so what Keycloak keeps is
//! read back before anything counts as done.

use serde::Serialize;

use super::{Progress, Result};
use crate::change::FieldChange;
use crate::keycloak::client::{Applied, ClientPlan};
use crate::keycloak::{self, Action, Desired, KeycloakError, Plan, RequestCounts, Session};
use crate::settings::Settings;

/// Logs in to the admin API, warning loudly first when certificate checks are off. Every step
/// that talks to Keycloak's admin API goes through here.
pub async fn connect(
    settings: &Settings,
    progress: &dyn Progress,
    insecure: bool,
) -> Result<Session> {
    if insecure {
        super::warn_insecure(progress);
    }
    if let Some(warning) = settings
        .keycloak_url()
        .ok()
        .and_then(keycloak::cleartext_warning)
    {
        progress.warn(&warning);
    }
    let session = Session::connect(settings, insecure).await?;
    progress.step(&format!(
        "logged in to {} as {} (realm `{}`)",
        session.base(),
        session.principal(),
        session.login_realm()
    ));
    Ok(session)
}

/// The request counts, at `-v`.
pub fn log_requests(session: &Session) {
    tracing::info!("HTTP requests: {}", session.requests());
}

/// What `ensure` may do: change Keycloak, only show the plan, or only compare.
#[derive(Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Apply,
    DryRun,
    Check,
}

/// The inputs of [`ensure`] besides the settings.
pub struct Ensure {
    pub mode: Mode,
    pub create_realm: bool,
    pub insecure: bool,
}

/// What `ensure` found and did (field names as `keycloak ensure --format json` prints them).
#[derive(Serialize)]
pub struct EnsureReport {
    pub action: Action,
    pub applied: Option<Applied>,
    pub changes: Vec<FieldChange>,
    pub client_id: String,
    pub client_uuid: Option<String>,
    pub create_realm: bool,
    pub keycloak: String,
    pub mode: Mode,
    pub notes: Vec<String>,
    pub realm: String,
    pub requests: RequestCounts,
    pub token_requests: usize,
    pub unavailable_scopes: Vec<String>,
    pub up_to_date: bool,
    /// The text report.
    #[serde(skip)]
    pub text: String,
}

/// `keycloak ensure`: logs in, then plans (and with [`Mode::Apply`] converges) the client.
pub async fn ensure(
    settings: &Settings,
    progress: &dyn Progress,
    args: &Ensure,
) -> Result<EnsureReport> {
    // Settings and the realm are checked before any password is read or request is sent.
    let desired = Desired::from_settings(settings, args.create_realm)?;
    let session = connect(settings, progress, args.insecure).await?;
    let (plan, applied) = converge(&session, &desired, args.mode == Mode::Apply, progress).await?;
    log_requests(&session);
    let requests = session.requests();
    Ok(EnsureReport {
        action: plan.action(),
        client_uuid: applied
            .as_ref()
            .map(|a| a.uuid.clone())
            .or_else(|| plan_uuid(&plan)),
        applied,
        changes: plan.changes(),
        client_id: desired.client_id.clone(),
        create_realm: plan.create_realm,
        keycloak: session.base().to_string(),
        mode: args.mode,
        notes: plan.notes(),
        realm: desired.realm.clone(),
        requests,
        token_requests: requests.token,
        unavailable_scopes: plan.scopes.unavailable.clone(),
        up_to_date: plan.up_to_date(),
        text: plan_text(&plan, args.mode),
    })
}

/// Plans the client's desired state and, when `apply`, makes Keycloak match it, then reads
/// it back.
pub async fn converge(
    session: &Session,
    desired: &Desired,
    apply: bool,
    progress: &dyn Progress,
) -> Result<(Plan, Option<Applied>)> {
    let plan = keycloak::plan(session, desired).await?;
    for name in &plan.scopes.unavailable {
        progress.warn(&format!(
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
        ClientPlan::Update { uuid, .. } => Some(uuid.clone()),
        ClientPlan::Create { .. } => None,
    }
}

/// The plan as text: "is up to date", or what was (or would be) created or changed.
pub fn plan_text(plan: &Plan, mode: Mode) -> String {
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
