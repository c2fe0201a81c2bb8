//! remove-default-admin: deletes the basic-auth `admin` account OpenMetadata's first start
//! created (issue 19), through its API (`DELETE /api/v1/users/{id}?hardDelete=true`), after a
//! plan, only once the lockout guard ([`crate::omapi::default_admin`]) has shown on the running
//! server that an SSO admin will still administer it, and only when confirmed.

use std::io::IsTerminal;

use serde::Serialize;

use super::{Progress, Result};
use crate::http::Http;
use crate::omapi::default_admin::Guard;
use crate::omapi::{Client, OmError, User};
use crate::settings::{SecretSource, Settings};

/// The inputs besides the settings.
pub struct RemoveAdmin {
    /// OpenMetadata's admin token.
    pub token: SecretSource,
    /// Plan and guard only; remove nothing.
    pub dry_run: bool,
    /// Confirmed in advance.
    pub yes: bool,
    /// Certificate checks off.
    pub insecure: bool,
}

/// What was seen and done (field names as `--format json` prints them).
#[derive(Serialize)]
pub struct RemoveAdminReport {
    pub om_url: String,
    /// The default admin as the server showed it; `null` when there is none.
    pub user: Option<User>,
    /// What the lockout guard found on the server.
    pub guard: Option<Guard>,
    pub dry_run: bool,
    pub removed: bool,
    #[serde(skip)]
    pub text: String,
}

pub async fn remove_default_admin(
    settings: &Settings,
    progress: &dyn Progress,
    args: &RemoveAdmin,
) -> Result<RemoveAdminReport> {
    let om_url = settings
        .om_url()?
        .as_str()
        .trim_end_matches('/')
        .to_string();
    // The secret and the confirmation first: both fail before any request.
    let token = args.token.read()?;
    if !args.dry_run && !args.yes && !std::io::stdin().is_terminal() {
        return Err(OmError::NotConfirmed.into());
    }
    if args.insecure {
        super::warn_insecure(progress);
    }
    let http = Http::new(settings.timeout(), settings.cacert(), args.insecure)?;
    let client = Client::new(&http, &om_url).with_token(token);
    let mut report = RemoveAdminReport {
        om_url: om_url.clone(),
        user: None,
        guard: None,
        dry_run: args.dry_run,
        removed: false,
        text: String::new(),
    };
    let Some(user) = client.default_admin().await? else {
        report.text = format!("{om_url} has no user `admin`: nothing to remove\n");
        return Ok(report);
    };
    let guard = client.default_admin_guard().await?;
    let plan = plan(&om_url, &user, &guard);
    report.user = Some(user.clone());
    report.guard = Some(guard);
    if args.dry_run {
        report.text = format!("{plan}dry run: nothing was removed\n");
        return Ok(report);
    }
    if !args.yes {
        for line in plan.lines() {
            progress.step(line);
        }
        let confirmed = progress
            .confirm("Remove the user `admin` for good?")
            .map_err(|_| OmError::NotConfirmed)?;
        if !confirmed {
            return Err(OmError::Declined.into());
        }
    }
    client.hard_delete_user(&user.id).await?;
    if client.default_admin().await?.is_some() {
        return Err(OmError::NotKept {
            base: om_url,
            fields: "the user `admin` is still there after its deletion".to_string(),
        }
        .into());
    }
    report.removed = true;
    report.text = format!(
        "{plan}removed the user `admin` (id {}) from {om_url}\n",
        user.id
    );
    Ok(report)
}

/// What will go, and why that locks nobody out.
fn plan(om_url: &str, user: &User, guard: &Guard) -> String {
    format!(
        "{om_url}: the default admin `{}` (email {}, id {}) will be deleted for good (DELETE \
         /api/v1/users/{}?hardDelete=true): its password, its personal access tokens and its \
         relations go with it\n\
         lockout guard: the server logs in with `{}`; admin principals {}; admin users who stay: \
         {}\n",
        user.name,
        user.email,
        user.id,
        user.id,
        guard.provider,
        guard.admin_principals.join(", "),
        guard.sso_admins.join(", ")
    )
}
