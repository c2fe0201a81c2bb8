//! ensure: the Keycloak client as the settings describe it. Plan, apply, and re-plan: a
//! realm's client policy can silently rewrite what was written, so what Keycloak keeps is
//! read back before anything counts as done.

use std::path::Path;

use serde::Serialize;

use super::{Progress, Result};
use crate::change::FieldChange;
use crate::keycloak::client::{Applied, ClientPlan};
use crate::keycloak::{
    self, Action, Connection, Desired, KeycloakError, Logins, Plan, RequestCounts, Session,
};
use crate::output::Report;
use crate::settings::{HttpUrl, Settings};

/// Logs in to the admin API of the Keycloak at `keycloak.url`, or joins the login `logins`
/// holds for it.
pub async fn connect(
    settings: &Settings,
    progress: &dyn Progress,
    insecure: bool,
    logins: &Logins,
) -> Result<Session> {
    let url = settings.keycloak_url()?.clone();
    connect_to(settings, progress, url, insecure, logins).await
}

/// Logs in to the admin API of the Keycloak at `url` (`verify` checks the Keycloak its
/// configuration file names), warning loudly first when certificate checks are off or the
/// secret would cross the network in clear text. The connection is built here, once, from the
/// settings (reading the admin secret: env, file or prompt). Every step that talks to
/// Keycloak's admin API goes through here.
pub async fn connect_to(
    settings: &Settings,
    progress: &dyn Progress,
    url: HttpUrl,
    insecure: bool,
    logins: &Logins,
) -> Result<Session> {
    if insecure {
        super::warn_insecure(progress);
    }
    if let Some(warning) = keycloak::cleartext_warning(&url) {
        progress.warn(&warning);
    }
    let connection = Connection {
        url,
        cacert: settings.cacert().map(Path::to_path_buf),
        timeout: settings.timeout(),
        insecure,
        login: settings.admin_login()?,
    };
    let session = Session::connect(connection, logins).await?;
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
}

impl Report for EnsureReport {
    fn text(&self) -> String {
        self.said().text()
    }

    fn summary(&self) -> String {
        self.said().summary()
    }
}

impl EnsureReport {
    fn said(&self) -> Said<'_> {
        Said {
            client_id: &self.client_id,
            realm: &self.realm,
            action: self.action,
            done: self.mode == Mode::Apply,
            create_realm: self.create_realm,
            changes: &self.changes,
            notes: &self.notes,
        }
    }
}

/// `keycloak ensure`: logs in, then plans (and with [`Mode::Apply`] converges) the client.
pub async fn ensure(
    settings: &Settings,
    progress: &dyn Progress,
    args: &Ensure,
    logins: &Logins,
) -> Result<EnsureReport> {
    // Settings and the realm are checked before any password is read or request is sent.
    let desired = Desired::from_settings(settings, args.create_realm)?;
    let session = connect(settings, progress, args.insecure, logins).await?;
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

/// What `run`'s ensure step did (field names as `run --format json` prints them under
/// `steps.ensure`).
#[derive(Serialize)]
pub struct EnsureStep {
    pub action: Action,
    pub applied: bool,
    pub changes: Vec<FieldChange>,
    pub client_id: String,
    pub create_realm: bool,
    pub notes: Vec<String>,
    pub realm: String,
}

impl EnsureStep {
    /// The step's part of the run: the plan, and whether it was applied.
    pub fn new(plan: &Plan, applied: bool) -> EnsureStep {
        EnsureStep {
            action: plan.action(),
            applied,
            changes: plan.changes(),
            client_id: plan.desired.client_id.clone(),
            create_realm: plan.create_realm,
            notes: plan.notes(),
            realm: plan.desired.realm.clone(),
        }
    }

    fn said(&self) -> Said<'_> {
        Said {
            client_id: &self.client_id,
            realm: &self.realm,
            action: self.action,
            done: self.applied,
            create_realm: self.create_realm,
            changes: &self.changes,
            notes: &self.notes,
        }
    }
}

impl Report for EnsureStep {
    fn text(&self) -> String {
        self.said().text()
    }

    fn summary(&self) -> String {
        self.said().summary()
    }
}

/// The plan in words, from what a report keeps of it: "is up to date", or what was (or would
/// be) created or changed. `keycloak ensure` and `run`'s ensure step say it alike.
struct Said<'a> {
    client_id: &'a str,
    realm: &'a str,
    action: Action,
    /// Keycloak was changed (else: would be).
    done: bool,
    create_realm: bool,
    changes: &'a [FieldChange],
    notes: &'a [String],
}

impl Said<'_> {
    fn summary(&self) -> String {
        let who = format!("client `{}` in realm `{}`", self.client_id, self.realm);
        let verb = match (self.done, self.action) {
            (_, Action::None) => return format!("{who} is up to date"),
            (true, Action::Create) => "created",
            (true, _) => "updated",
            (false, Action::Create) => "would create",
            (false, _) => "would update",
        };
        format!("{verb} {who}")
    }

    fn text(&self) -> String {
        if self.action == Action::None {
            return format!("{}\n", self.summary());
        }
        let mut out = format!("{}:\n", self.summary());
        if self.create_realm {
            let verb = if self.done { "created" } else { "would create" };
            out.push_str(&format!("  realm `{}`: {verb}\n", self.realm));
        }
        for c in self.changes {
            out.push_str(&format!("  {c}\n"));
        }
        for note in self.notes {
            out.push_str(&format!("  note: {note}\n"));
        }
        out
    }
}
