//! OpenMetadata's back door, checked on the running server (issue 19): the key it signs its
//! own tokens with (bot tokens, personal access tokens, basic-auth sessions) as its JWKS
//! serves it, and the basic-auth `admin` account its first start created.
//!
//! SSO needs OpenMetadata's own JWKS in `publicKeyUrls`, so the server keeps trusting every
//! token its own key signs. Every image ships the quickstart pair, and tokens signed with it
//! are published (OpenMetadata's own ingestion examples carry an admin token without expiry):
//! a server serving that key is open to anyone. The key is recognised by its value, since the
//! key id is only a label any configuration can change.

use std::path::{Path, PathBuf};

use secrecy::SecretString;

use super::deployed::Deployed;
use super::registry::{CheckInfo, DEFAULT_ADMIN_GONE, OWN_KEY_NOT_QUICKSTART, OWN_KEY_RENDERED};
use super::report::Checks;
use super::server::Expect;
use crate::exit::Diagnose;
use crate::http::Http;
use crate::input::{self, Accept};
use crate::jwt_keys::{Jwks, PublicKey};
use crate::omapi::{Client, OmError, User};
use crate::openmetadata::quickstart as qs;
use crate::settings::table::OPENMETADATA_URL;

/// What the back-door checks need besides the HTTP client.
pub struct Inputs<'a> {
    pub om_url: Option<&'a str>,
    pub deployed: &'a Deployed,
    /// The checked file's folder: a relative key path not found as written is read from there.
    pub file_dir: &'a Path,
    /// OpenMetadata's admin token, when one was given (never prompted for here).
    pub token: Option<SecretString>,
    /// Whether the server can run the file's key pair yet: [`Expect::JustRendered`] right
    /// after `run` made the pair (see [`not_yet`]), else [`Expect::Deployed`].
    pub expect: Expect,
}

/// A finding that deploying a key pair `run` just made resolves: the server loads key files
/// only at start, and nothing has restarted it on files written a moment ago. `verify` (and a
/// `run` that kept its pair) fails it; right after `run` made the pair it is a warning that
/// still says what the server does, plus the next steps. Failing there would make the first
/// `run` of every new setup exit 3 for the very state it has just written the fix for, and a
/// check that fails on the happy path teaches people to ignore exit 3. A `run` that finds
/// the pair already made judges as `verify` does: the files were there to deploy.
fn not_yet(c: &mut Checks, expect: Expect, check: CheckInfo, detail: String, hint: &str) {
    match expect {
        Expect::Deployed => c.fail(check, detail, hint),
        Expect::JustRendered => {
            let (why, next) = match check.name == DEFAULT_ADMIN_GONE.name {
                true => (
                    "a new setup, whose key pair this run just made: the account can go once \
                     the server runs these files and an SSO admin can sign in",
                    "deploy the files and restart OpenMetadata (with `admin` out of \
                     adminPrincipals), make sure an SSO admin can sign in, then delete the \
                     account with omsso remove-default-admin and run omsso verify",
                ),
                false => (
                    "this run just made the key pair, and the server loads key files only at \
                     start",
                    "the key pair was just made: deploy the files (openmetadata.yaml, the env \
                     file and its compose override, or the Helm values and the jwt-keys \
                     Secret), restart OpenMetadata so it loads the key files, then run omsso \
                     verify (which fails while the server serves another key)",
                ),
            };
            let detail = detail.trim_end_matches('.');
            c.warn(check, format!("{detail} ({why})"), next)
        }
    }
}

pub async fn run(c: &mut Checks, http: &Http, inputs: Inputs<'_>) {
    let Some(om_url) = inputs.om_url else {
        for check in [OWN_KEY_NOT_QUICKSTART, OWN_KEY_RENDERED, DEFAULT_ADMIN_GONE] {
            c.skip(
                check,
                "no OpenMetadata URL (the file names none and openmetadata.url is not set)",
                format!("set {}", OPENMETADATA_URL.flag_name()),
            );
        }
        return;
    };
    let client = Client::new(http, om_url);
    match client.own_jwks().await {
        Ok((url, body)) => key_checks(c, &url, &body, &inputs),
        Err(e) => {
            for check in [OWN_KEY_NOT_QUICKSTART, OWN_KEY_RENDERED] {
                unanswered(c, check, &e);
            }
        }
    }
    admin_check(c, client, &inputs).await;
}

/// An OpenMetadata out of reach is a skip; any other failure fails the check.
fn unanswered(c: &mut Checks, check: CheckInfo, e: &OmError) {
    match e {
        OmError::Unreachable { .. } => c.skip(
            check,
            e.to_string(),
            format!(
                "run verify where OpenMetadata is reachable (set {} to its address from here)",
                OPENMETADATA_URL.flag_name()
            ),
        ),
        _ => c.fail(
            check,
            e.to_string(),
            e.hint()
                .map(|h| h.render(crate::settings::table::flag_of_key))
                .unwrap_or_default(),
        ),
    }
}

/// A served key: its id and value (when it is an RSA key at all).
struct Served {
    kid: String,
    key: Option<PublicKey>,
}

impl Served {
    fn describe(&self) -> String {
        match &self.key {
            Some(k) => format!("`{}` (thumbprint {})", self.kid, k.thumbprint()),
            None => format!("`{}` (not a usable RSA key)", self.kid),
        }
    }
}

fn key_checks(c: &mut Checks, url: &str, body: &[u8], inputs: &Inputs<'_>) {
    let served: Vec<Served> = match Jwks::parse(body) {
        Ok(jwks) => jwks
            .keys
            .iter()
            .map(|k| Served {
                kid: k.kid.clone().unwrap_or_default(),
                key: k.public_key().ok(),
            })
            .collect(),
        Err(e) => {
            for check in [OWN_KEY_NOT_QUICKSTART, OWN_KEY_RENDERED] {
                c.fail(
                    check,
                    format!("{url} did not answer with a JWKS: {e}"),
                    "check openmetadata.url: it is OpenMetadata's base URL",
                );
            }
            return;
        }
    };
    quickstart_check(c, url, &served, inputs.expect);
    rendered_check(c, url, &served, inputs);
}

fn quickstart_check(c: &mut Checks, url: &str, served: &[Served], expect: Expect) {
    let quickstart: Vec<&Served> = served
        .iter()
        .filter(|s| {
            s.key
                .as_ref()
                .is_some_and(|k| k.thumbprint() == qs::THUMBPRINT)
        })
        .collect();
    if let Some(s) = quickstart.first() {
        not_yet(
            c,
            expect,
            OWN_KEY_NOT_QUICKSTART,
            format!(
                "{url} serves the quickstart key under key id `{}` (thumbprint {}): the server \
                 accepts every token signed with the private key every OpenMetadata image \
                 ships, among them the admin token without expiry OpenMetadata publishes in its \
                 ingestion examples",
                s.kid,
                qs::THUMBPRINT
            ),
            "make a fresh key pair (omsso render writes one), point jwtTokenConfiguration at \
             it and restart the server; then re-issue bot tokens and personal access tokens",
        );
        return;
    }
    if served.iter().all(|s| s.key.is_none()) {
        not_yet(
            c,
            expect,
            OWN_KEY_NOT_QUICKSTART,
            format!("{url} serves no RSA key (a server without its own key pair)"),
            "configure jwtTokenConfiguration with a key pair and restart the server",
        );
        return;
    }
    let list: Vec<String> = served.iter().map(Served::describe).collect();
    c.pass(
        OWN_KEY_NOT_QUICKSTART,
        format!("{url} serves {}: not the quickstart key", list.join(", ")),
    );
}

/// A value written as `${VAR:-default}` is the environment's to decide, not the file's.
fn literal(value: Option<&String>) -> Option<&str> {
    value.map(String::as_str).filter(|v| !v.contains("${"))
}

/// What to do when the server serves another key than the file's.
const RESTART: &str = "restart OpenMetadata so it loads the key files (it reads them only at \
                       start), and check that the key paths in its configuration are where \
                       the files are mounted";

fn rendered_check(c: &mut Checks, url: &str, served: &[Served], inputs: &Inputs<'_>) {
    let d = inputs.deployed;
    let key_id = literal(d.jwt_key_id.as_ref());
    let path = literal(d.jwt_public_key_path.as_ref());
    if key_id.is_none() && path.is_none() {
        c.skip(
            OWN_KEY_RENDERED,
            "the file sets no jwtTokenConfiguration key id or public key path of its own",
            "render the key settings with omsso render",
        );
        return;
    }
    let listed = served
        .iter()
        .map(Served::describe)
        .collect::<Vec<_>>()
        .join(", ");
    let file_key = match path.map(|p| read_key(p, inputs.file_dir)) {
        Some(Ok(Some((at, key)))) => Some((at, key)),
        Some(Err(detail)) => {
            c.fail(OWN_KEY_RENDERED, detail, "render the key pair again");
            return;
        }
        _ => None,
    };
    let Some((at, key)) = file_key else {
        return by_key_id(c, url, served, key_id, &listed, inputs.expect);
    };
    let thumbprint = key.thumbprint();
    match served.iter().find(|s| s.key.as_ref() == Some(&key)) {
        Some(s) if key_id.is_some_and(|kid| kid != s.kid) => not_yet(
            c,
            inputs.expect,
            OWN_KEY_RENDERED,
            format!(
                "{url} serves the key of {} under key id `{}`, but the file says `{}`",
                at.display(),
                s.kid,
                key_id.unwrap_or_default()
            ),
            RESTART,
        ),
        Some(s) => c.pass(
            OWN_KEY_RENDERED,
            format!(
                "{url} serves the key of {} (thumbprint {thumbprint}) under key id `{}`",
                at.display(),
                s.kid
            ),
        ),
        None => not_yet(
            c,
            inputs.expect,
            OWN_KEY_RENDERED,
            format!(
                "{url} serves {listed}, not the key of {} (thumbprint {thumbprint}): the \
                 server was not restarted since the keys changed, or it reads other key files",
                at.display()
            ),
            RESTART,
        ),
    }
}

/// [`rendered_check`] when the key file is on the server only: the key id is all there is to
/// compare.
fn by_key_id(
    c: &mut Checks,
    url: &str,
    served: &[Served],
    key_id: Option<&str>,
    listed: &str,
    expect: Expect,
) {
    let Some(kid) = key_id else {
        c.skip(
            OWN_KEY_RENDERED,
            "the file sets no key id and its public key file cannot be read here",
            "run verify where the rendered key files are",
        );
        return;
    };
    match served.iter().any(|s| s.kid == kid) {
        true => c.pass(
            OWN_KEY_RENDERED,
            format!("{url} serves key id `{kid}` (the key file is not readable here)"),
        ),
        false => not_yet(
            c,
            expect,
            OWN_KEY_RENDERED,
            format!("{url} serves {listed}, not the file's key id `{kid}`"),
            RESTART,
        ),
    }
}

/// The public key at `path` as written, else relative to the file's folder; `None` when it is
/// in neither place (the server's own path).
fn read_key(path: &str, file_dir: &Path) -> Result<Option<(PathBuf, PublicKey)>, String> {
    let written = PathBuf::from(path);
    let candidates = match written.is_absolute() {
        true => vec![written],
        false => vec![written.clone(), file_dir.join(&written)],
    };
    for at in candidates {
        let Ok(der) = input::read(&at, Accept::File) else {
            continue;
        };
        return match PublicKey::from_der(&der) {
            Ok(key) => Ok(Some((at, key))),
            Err(e) => Err(format!("{}: {e}", at.display())),
        };
    }
    Ok(None)
}

async fn admin_check(c: &mut Checks, client: Client<'_>, inputs: &Inputs<'_>) {
    let Some(token) = inputs.token.clone() else {
        c.skip(
            DEFAULT_ADMIN_GONE,
            "no OpenMetadata admin token given",
            "give an OpenMetadata admin's token in OMSSO_OM_TOKEN (or a token file)",
        );
        return;
    };
    let client = client.with_token(token);
    let user = match client.user_by_name(qs::ADMIN_NAME).await {
        Ok(u) => u,
        Err(e) => return unanswered(c, DEFAULT_ADMIN_GONE, &e),
    };
    let Some(user) = user else {
        c.pass(
            DEFAULT_ADMIN_GONE,
            format!("{} has no user `{}`", client.base(), qs::ADMIN_NAME),
        );
        return;
    };
    judge_admin(c, client.base(), &user, inputs.deployed, inputs.expect);
}

/// Tells the start-up account from an SSO user who happens to be called `admin`. The server's
/// user API hides `authenticationMechanism` (where a basic-auth password would show), so the
/// sign is what the start-up bootstrap writes (`UserUtil.addUsers`/`createOrUpdateUser`): an
/// admin, email `admin@<principalDomain>`, verified; the quickstart's domain is
/// `open-metadata.org`, which no SSO login of a real organisation has.
fn judge_admin(c: &mut Checks, base: &str, user: &User, deployed: &Deployed, expect: Expect) {
    let seen = format!(
        "user `{}` (email {}, isAdmin {}, isBot {}, isEmailVerified {}, updatedBy {})",
        user.name,
        user.email,
        user.admin(),
        user.bot(),
        user.is_email_verified.unwrap_or(false),
        user.updated_by.as_deref().unwrap_or("-")
    );
    let still_listed = deployed
        .admin_principals
        .iter()
        .any(|p| p == qs::ADMIN_NAME);
    let recreated = match still_listed {
        true => {
            " The file still lists `admin` in adminPrincipals: the server creates the \
                 account again at every start until it is taken out."
        }
        false => "",
    };
    if user.bot() {
        c.pass(
            DEFAULT_ADMIN_GONE,
            format!("{base} has {seen}: a bot, not the basic-auth admin"),
        );
    } else if qs::is_quickstart_email(&user.email) {
        not_yet(
            c,
            expect,
            DEFAULT_ADMIN_GONE,
            format!(
                "{base} still has the basic-auth default admin: {seen}, the account its first \
                 start created for the quickstart's adminPrincipals (email at the quickstart \
                 principal domain {}).{recreated}",
                qs::PRINCIPAL_DOMAIN
            ),
            "take `admin` out of adminPrincipals, make sure an SSO admin can sign in, then \
             delete the user with omsso remove-default-admin",
        );
    } else {
        c.warn(
            DEFAULT_ADMIN_GONE,
            format!(
                "{base} has {seen}: its email is not at the quickstart principal domain, so it \
                 is an SSO user called `admin`, or the start-up account with its email \
                 rewritten to the current principalDomain.{recreated}"
            ),
            "if nobody signs in as `admin` through Keycloak, take it out of adminPrincipals \
             and delete the user",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::report::Status;

    /// The same finding fails for `verify` and warns, still saying what the server does, right
    /// after `run` made the key pair.
    #[test]
    fn a_just_made_pair_turns_a_back_door_failure_into_a_warning_with_the_next_steps() {
        for (expect, status) in [
            (Expect::Deployed, Status::Fail),
            (Expect::JustRendered, Status::Warn),
        ] {
            let mut c = Checks::default();
            let detail = "http://om serves the quickstart key".to_string();
            not_yet(&mut c, expect, OWN_KEY_NOT_QUICKSTART, detail, "rotate");
            let [check] = c.0.as_slice() else {
                panic!("one check: {:?}", c.0)
            };
            assert_eq!(check.status, status);
            assert!(check
                .detail
                .starts_with("http://om serves the quickstart key"));
            let hint = check.hint.as_deref().unwrap();
            match expect {
                Expect::Deployed => assert_eq!(hint, "rotate"),
                Expect::JustRendered => assert!(
                    check.detail.contains("just made")
                        && hint.contains("restart OpenMetadata")
                        && hint.contains("omsso verify"),
                    "{check:?}"
                ),
            }
        }
    }
}
