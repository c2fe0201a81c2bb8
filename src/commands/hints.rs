//! Hints that name command-line flags. A library error says what went wrong and what to change
//! in the user's words (a setting key, a file, a Keycloak screen); which flag of which command
//! changes it is the command line's business, so those hints live here, at the command layer
//! (as rage does over the age crate). [`flag_hint`] is consulted before the error's own hint.

use super::error::Error;
use crate::credentials::CredentialsError;
use crate::exit::{Diagnose, Exit};
use crate::http::HttpError;
use crate::keycloak::error::Role;
use crate::keycloak::KeycloakError;
use crate::omapi::OmError;
use crate::output::OutputError;
use crate::render::RenderError;
use crate::seal::error::{BundleError, IdentityError, OpenError, RecipientError, SignError};
use crate::seal::SealError;
use crate::settings::{flag, RealmError, SettingsError, DEFAULT_CONFIG};
use crate::sops::config::Problem;
use crate::sops::SopsError;
use crate::verify::VerifyError;

/// What the commands' one error tells `main`: the exit code of the module error inside, and
/// a flag hint from here before that module's own.
impl Diagnose for Error {
    fn exit(&self) -> Exit {
        match self {
            Error::CheckFailed(_) => Exit::CheckFailed,
            Error::Several(_, exit) => *exit,
            other => other.inner().map_or(Exit::Runtime, Diagnose::exit),
        }
    }

    fn message(&self) -> String {
        match self {
            Error::Render(e) => render_message(e),
            other => other.to_string(),
        }
    }

    fn hint(&self) -> Option<String> {
        flag_hint(self).or_else(|| self.inner().and_then(Diagnose::hint))
    }

    fn reported(&self) -> bool {
        matches!(self, Error::CheckFailed(_) | Error::Several(..))
    }
}

/// The hint for `e` when it needs a flag's name; `None` leaves the error's own hint.
fn flag_hint(e: &Error) -> Option<String> {
    match e {
        Error::Output(e)
        | Error::Render(RenderError::Output(e))
        | Error::Seal(SealError::Output(e)) => output_flag_hint(e),
        Error::Render(RenderError::TemplatesDir { .. } | RenderError::ReadTemplate { .. }) => Some(
            "--templates takes a folder holding files named like the built-in templates".into(),
        ),
        Error::Verify(VerifyError::NotOpenMetadataConfig { .. }) => {
            Some("render it with `omsso render`, or name the file with --om-config PATH".into())
        }
        Error::Verify(VerifyError::UnknownKind { .. }) => {
            Some("say which it is with --kind yaml|env|helm|sops".into())
        }
        Error::Settings(e)
        | Error::Keycloak(KeycloakError::Settings(e))
        | Error::Render(RenderError::Settings(e))
        | Error::Seal(SealError::Secret(e)) => settings_flag_hint(e),
        Error::Render(e) => render_flag_hint(e),
        Error::Sops(e) => sops_flag_hint(e),
        Error::Credentials(e) => credentials_flag_hint(e),
        Error::Seal(e) => seal_flag_hint(e),
        Error::Keycloak(e) => keycloak_flag_hint(e),
        Error::OpenMetadata(e) => om_flag_hint(e),
        _ => None,
    }
}

/// The settings errors whose remedy is a flag that sets no setting (--config, --env,
/// --all-envs, --create-realm); the settings' own flags come from the settings table.
fn settings_flag_hint(e: &SettingsError) -> Option<String> {
    Some(match e {
        SettingsError::Read { .. } => "check the path given by --config / OMSSO_CONFIG".into(),
        SettingsError::EnvWithoutFile(_) => {
            format!("create {DEFAULT_CONFIG} or pass --config FILE (--env / OMSSO_ENV picks one of its environments)")
        }
        SettingsError::NoEnvironments => {
            "add an `environments:` section to the settings file, or run without --all-envs".into()
        }
        SettingsError::NoSecret {
            env,
            file_option: Some(option),
            ..
        } => format!("set {env}, pass --{option} FILE (`-` reads stdin), or run on a terminal"),
        SettingsError::Prompt {
            env,
            file_option: Some(option),
            ..
        } => format!("set {env} or pass --{option} FILE instead"),
        SettingsError::Realm(r @ RealmError::Master) => format!(
            "{}, or add --create-realm to create it",
            r.hint(&flag("keycloak.realm"))
        ),
        _ => return None,
    })
}

/// Keycloak's hints, with the flags that set what the library hint names by setting key.
fn keycloak_flag_hint(e: &KeycloakError) -> Option<String> {
    use crate::keycloak::error::*;
    Some(match e {
        KeycloakError::Http(e) => keycloak_http_flag_hint(e)?,
        KeycloakError::RotateUnknown { .. } => "read the current secret with `omsso keycloak \
             fetch` (--show-secret or --write FILE); if it changed, the old one no longer \
             works: redeploy the new one"
            .to_string(),
        KeycloakError::AuthPrefix { .. } => "drop /auth from --keycloak-url and from every \
             Keycloak URL in the files (re-run omsso render)"
            .to_string(),
        KeycloakError::NotKeycloak { .. } => "check --keycloak-url: it is Keycloak's base URL, \
             e.g. https://sso.example.com (include a path prefix if Keycloak serves under one)"
            .to_string(),
        KeycloakError::LoginRejected {
            password_grant: true,
            ..
        } => "check the user name, the password (OMSSO_ADMIN_PASSWORD or \
             --admin-password-file) and --admin-realm"
            .to_string(),
        KeycloakError::LoginRejected { .. } => "check --admin-client-id, its secret \
             (OMSSO_ADMIN_CLIENT_SECRET or --admin-client-secret-file), that the client has \
             service accounts enabled, and --admin-realm"
            .to_string(),
        KeycloakError::Forbidden { .. } => forbidden_flag_hint(e)?,
        KeycloakError::RealmNotFound { .. } => {
            "check --realm; `omsso keycloak ensure --create-realm` creates it".to_string()
        }
        KeycloakError::ClientNotFound { .. } => {
            "run `omsso keycloak ensure` first to create it, or check --client-id".to_string()
        }
        KeycloakError::PublicClient { .. } => public_client_hint("--client-type confidential"),
        KeycloakError::Rejected { description, .. }
            if description.to_lowercase().contains("implicit") =>
        {
            implicit_flow_hint("forbids the implicit flow", "--implicit-flow false")
        }
        KeycloakError::Status { status, .. } if !matches!(status, 401 | 500..) => {
            not_keycloak_api_hint("--keycloak-url")
        }
        KeycloakError::BadResponse { .. } => not_keycloak_api_hint("--keycloak-url"),
        KeycloakError::NotKept { fields } if fields.iter().any(|f| f == "implicitFlowEnabled") => {
            implicit_flow_hint("turns the implicit flow off", "--implicit-flow false")
        }
        KeycloakError::NotKept { .. } => not_kept_hint("`ensure --dry-run`"),
        KeycloakError::NotConfirmed => "pass --yes to regenerate it without a prompt (the old \
             secret stops working at once)"
            .to_string(),
        _ => return None,
    })
}

fn forbidden_flag_hint(e: &KeycloakError) -> Option<String> {
    let KeycloakError::Forbidden {
        principal,
        login_realm,
        realm,
        role,
        ..
    } = e
    else {
        return None;
    };
    match role {
        Role::CreateRealm => Some(format!(
            "grant {principal} the realm role `create-realm` in realm `master`, or create the \
             realm another way and drop --create-realm"
        )),
        _ if login_realm != "master" && login_realm != realm => {
            Some(crate::keycloak::error::foreign_login_hint(
                principal,
                login_realm,
                realm,
                *role,
                "--admin-realm",
            ))
        }
        _ => None,
    }
}

/// A transport failure talking to Keycloak (or setting up the client for it).
fn keycloak_http_flag_hint(e: &HttpError) -> Option<String> {
    Some(match e {
        HttpError::CaCertRead { .. } | HttpError::CaCertInvalid { .. } => "--cacert needs a \
             readable PEM file with the CA certificate(s) that signed Keycloak's certificate"
            .to_string(),
        HttpError::Client(_) => "check --cacert".to_string(),
        HttpError::Connect { .. } | HttpError::Transport { .. } => "check --keycloak-url and \
             that Keycloak is running and reachable from this machine"
            .to_string(),
        HttpError::Timeout { .. } => "Keycloak is slow or a proxy swallows the request: check \
             the URL, or raise --timeout"
            .to_string(),
        HttpError::Tls { .. } if e.is_ca_used_as_end_entity() => return None,
        HttpError::Tls { .. } => "if Keycloak's certificate comes from a private CA or is \
             self-signed, pass --cacert FILE (PEM: that CA, or the certificate itself); also \
             check http:// vs https:// in --keycloak-url"
            .to_string(),
        HttpError::RedirectRefused { .. } => {
            crate::http::redirect_hint("--keycloak-url (keycloak.url)", "Keycloak")
        }
        HttpError::Foreign { .. } => return e.hint(),
        HttpError::TooLarge { .. } => {
            crate::keycloak::error::not_keycloak_api_hint("--keycloak-url")
        }
    })
}

/// OpenMetadata's hints, with the flags that set what the library hint names by setting key.
fn om_flag_hint(e: &OmError) -> Option<String> {
    use crate::omapi::error::*;
    Some(match e {
        OmError::Unreachable { .. } => unreachable_hint("--om-url"),
        OmError::TokenRefused { .. } => token_hint("--om-token-file"),
        OmError::NoSecurityApi { .. } => no_security_api_hint("--om-url"),
        OmError::Refused { .. } => refused_hint("--om-version"),
        OmError::NotConfirmed => {
            "confirm at the prompt on a terminal, or pass --yes (see the plan first with \
             --dry-run)"
                .to_string()
        }
        OmError::Status { status, .. } if *status < 500 => base_url_hint("--om-url"),
        OmError::BadResponse { .. } | OmError::Http(HttpError::TooLarge { .. }) => {
            base_url_hint("--om-url")
        }
        OmError::Http(HttpError::RedirectRefused { .. }) => {
            crate::http::redirect_hint("--om-url (openmetadata.url)", "OpenMetadata")
        }
        _ => return None,
    })
}

/// An output file in the way: `--force` replaces it.
fn output_flag_hint(e: &OutputError) -> Option<String> {
    match e {
        OutputError::Exists { .. } => {
            Some("pass --force to replace it, or choose another output path".to_string())
        }
        OutputError::Link { .. } => Some(
            "pass --force to replace the link itself with the file (its target is left alone), \
             or choose another output path"
                .to_string(),
        ),
        _ => None,
    }
}

/// `seal` and `open`: the flags for recipients, passphrases, identities and signatures.
fn seal_flag_hint(e: &SealError) -> Option<String> {
    Some(match e {
        SealError::HandoffOutdated { .. } => "pass --force to seal it again for the current \
             settings (a copy of the old file already sent still opens for whom it was sealed)"
            .into(),
        SealError::Cancelled => "answer y to seal, or pass --yes".into(),
        SealError::Recipients(e) => recipient_flag_hint(e)?,
        SealError::Bundle(BundleError::NoClientSecret) => "fetch them again (`omsso keycloak \
             fetch --write FILE`), or set client_type: public in the credentials file if the \
             client is public"
            .into(),
        SealError::Identity(IdentityError::Passphrase { .. }) => {
            passphrase_flag_hint("OMSSO_IDENTITY_PASSPHRASE", "--identity-passphrase-file")
        }
        SealError::Open(OpenError::NeedsPassphrase { .. }) => "drop -i and give the passphrase \
             (--passphrase-file, OMSSO_SEAL_PASSPHRASE, or the prompt)"
            .into(),
        SealError::Open(OpenError::NeedsIdentity { .. }) => {
            "pass -i IDENTITY_FILE (the key the sender sealed to)".into()
        }
        SealError::Sign(e) => sign_flag_hint(e)?,
        _ => return None,
    })
}

fn passphrase_flag_hint(env: &str, flag: &str) -> String {
    format!("check the passphrase ({env}, {flag}, or the prompt)")
}

/// `seal -r/-R/--passphrase`: whom to seal to.
fn recipient_flag_hint(e: &RecipientError) -> Option<String> {
    Some(match e {
        RecipientError::NoRecipients => "pass -r RECIPIENT or -R FILE (or set seal.recipients \
             in omsso.yaml), or --passphrase to seal to a passphrase"
            .into(),
        RecipientError::PassphraseWithRecipients { .. } => "seal either to recipients (-r/-R) \
             or to a passphrase (--passphrase, --passphrase-file, OMSSO_SEAL_PASSPHRASE), not \
             both"
            .into(),
        _ => return None,
    })
}

/// `seal --sign-with` and `open --signature`.
fn sign_flag_hint(e: &SignError) -> Option<String> {
    Some(match e {
        SignError::KeyRead { .. } | SignError::KeyMalformed { .. } => {
            "--sign-with takes an OpenSSH private key (e.g. ~/.ssh/id_ed25519)".into()
        }
        SignError::KeyPassphrase { .. } => {
            passphrase_flag_hint("OMSSO_SIGN_PASSPHRASE", "--sign-passphrase-file")
        }
        SignError::Missing { .. } => {
            "ask the sender to seal with --sign-with, or pass --signature FILE".into()
        }
        SignError::Read { .. } | SignError::Malformed { .. } => {
            "the .sig file must be the one `omsso seal --sign-with` wrote".into()
        }
        SignError::Namespace { .. } => {
            "sign with `ssh-keygen -Y sign -n omsso-handoff` or `omsso seal --sign-with`".into()
        }
        _ => return None,
    })
}

/// `render`: the client type, the target, the release and `--force`.
fn render_flag_hint(e: &RenderError) -> Option<String> {
    Some(match e {
        RenderError::NoSecret => "pass --client-type public for a public client, or use \
             credentials that include client_secret"
            .into(),
        RenderError::PublicHasNoSecret => {
            "use --target helm-values, or --client-type confidential".into()
        }
        RenderError::NotInRelease { since: Some(s), .. } => {
            format!("pass --om-version {s} or newer if that is what you run, or unset it")
        }
        RenderError::KeyNotReleased { .. } => "remove that key from the template (--templates), \
             or pick the release that has it with --om-version"
            .into(),
        RenderError::StdoutNeedsOneFile { .. } => {
            "choose --target openmetadata-yaml, env, helm-values, helm-secret or \
             helm-jwt-secret"
                .into()
        }
        RenderError::WouldOverwrite { .. } => {
            "the differences are shown above; pass --force to replace the files".into()
        }
        _ => return None,
    })
}

/// The SOPS-encrypted Secret: `--templates`, `--force`, `--sops-age`.
fn sops_flag_hint(e: &SopsError) -> Option<String> {
    Some(match e {
        SopsError::NotASecret { .. } => "the Secret template (or its --templates override) must \
             render one Kubernetes Secret whose data/stringData values are strings"
            .into(),
        SopsError::ExistingNotSops { .. } | SopsError::ExistingPlaintext { .. } => "its content \
             is not shown (it may hold a secret in plaintext): move it away, or pass --force to \
             replace it"
            .into(),
        SopsError::Config(c) => match c.problem {
            Problem::Read(_)
            | Problem::Parse(_)
            | Problem::Regex { .. }
            | Problem::AgeShape { .. } => {
                "fix the file (sops reads it the same way), or name the recipients with \
                 --sops-age / helm.sops.age_recipients, which take precedence"
                    .into()
            }
            Problem::Untrusted(_) => "check who put it there; make it yours and not writable \
                 by others (chmod o-w), or name the recipients with --sops-age / \
                 helm.sops.age_recipients, which take precedence"
                .into(),
            Problem::NonAge { .. } | Problem::Shamir { .. } | Problem::NoAge { .. } => {
                "give the age recipients with --sops-age / helm.sops.age_recipients (they take \
                 precedence over .sops.yaml), or add a rule for this file with age keys only"
                    .into()
            }
        },
        _ => return None,
    })
}

/// A credentials file: `keycloak fetch --write FILE` writes one.
fn credentials_flag_hint(e: &CredentialsError) -> Option<String> {
    Some(match e {
        CredentialsError::PublicWithSecret { .. } => "a public client has no secret: remove \
             client_secret, or set client_type: confidential if the client is confidential in \
             Keycloak (`omsso keycloak fetch --write FILE` writes the file from what Keycloak \
             holds)"
            .into(),
        _ => "write one with `omsso keycloak fetch --write FILE` (JSON or YAML with client_id, \
             client_secret, realm, issuer, discovery_uri, jwks_uri)"
            .into(),
    })
}

/// A render error's message, in the words of the flag that caused it where the library's
/// words are the setting's or the action's.
fn render_message(e: &RenderError) -> String {
    match e {
        RenderError::TemplatesDir { path } => {
            format!("--templates {}: not a folder", path.display())
        }
        RenderError::StdoutNeedsOneFile { count } => {
            format!("--stdout prints one file, but this target renders {count}")
        }
        other => other.to_string(),
    }
}
