//! Where a secret comes from. Secrets are never flag values (argv is visible to every user of
//! the machine): they come from an env var, a file (`-` = stdin) or a terminal prompt, and are
//! read only when a command needs them.

use std::io::IsTerminal;
use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};

use super::{SettingsError, Source};
use crate::hint::Ref;
use crate::input::{self, Accept};

#[derive(Debug, Clone)]
enum Kind {
    Env(&'static str),
    File(PathBuf),
    Stdin,
    Prompt,
    Absent,
}

#[derive(Debug, Clone)]
pub struct SecretSource {
    what: &'static str,
    env_var: &'static str,
    kind: Kind,
    origin: Source,
    /// The option that names a file holding the secret (a setting's flag, or a command's own
    /// option), set by whoever knows it, so an absent secret's hint can point at it.
    file_option: Option<Ref>,
}

impl SecretSource {
    /// Chooses the source by precedence: a file given as a flag, then the secret's own env var,
    /// then a file from an env var or the settings file, then a prompt on a terminal.
    pub fn pick(
        what: &'static str,
        env_var: &'static str,
        file: Option<PathBuf>,
        file_origin: Option<&Source>,
    ) -> SecretSource {
        let file_kind = |p: PathBuf| {
            if p.as_os_str() == "-" {
                Kind::Stdin
            } else {
                Kind::File(p)
            }
        };
        let env_set = std::env::var_os(env_var).is_some();
        let (kind, origin) = match (file, file_origin) {
            (Some(p), Some(o @ Source::Flag(_))) => (file_kind(p), o.clone()),
            _ if env_set => (Kind::Env(env_var), Source::Env(env_var.to_string())),
            (Some(p), o) => (file_kind(p), o.cloned().unwrap_or(Source::Default)),
            (None, _) if std::io::stdin().is_terminal() => (Kind::Prompt, Source::Default),
            (None, _) => (Kind::Absent, Source::Default),
        };
        SecretSource {
            what,
            env_var,
            kind,
            origin,
            file_option: None,
        }
    }

    /// Names the option that takes a file holding the secret (`admin-password-file`): the
    /// settings table's row for its own secrets, the command for the others.
    pub fn file_option(mut self, option: impl Into<Ref>) -> SecretSource {
        self.file_option = Some(option.into());
        self
    }

    /// `<redacted>` when a value will be available, `null` when none is configured. Never
    /// reads the secret.
    pub fn describe(&self) -> Option<&'static str> {
        match self.kind {
            Kind::Absent => None,
            Kind::Prompt => Some("<prompt>"),
            _ => Some("<redacted>"),
        }
    }

    pub fn source(&self) -> Source {
        self.origin.clone()
    }

    /// Whether reading asks on the terminal.
    pub fn prompts(&self) -> bool {
        matches!(self.kind, Kind::Prompt)
    }

    pub fn read(&self) -> Result<SecretString, SettingsError> {
        self.read_with_prompt(&format!("{}: ", self.what))
    }

    /// Reads a secret being chosen rather than recalled (a new passphrase): on a terminal it
    /// is asked twice and must match, so a typo cannot lock the reader out.
    pub fn read_new(&self) -> Result<SecretString, SettingsError> {
        let first = self.read()?;
        if self.prompts() {
            let again = self.read_with_prompt(&format!("{} (again): ", self.what))?;
            if again.expose_secret() != first.expose_secret() {
                return Err(SettingsError::Mismatch { what: self.what });
            }
        }
        Ok(first)
    }

    /// Like [`read`](Self::read) with a prompt naming what the secret unlocks (a key file).
    pub fn read_with_prompt(&self, prompt: &str) -> Result<SecretString, SettingsError> {
        let what = self.what;
        let value = match &self.kind {
            Kind::Env(var) => {
                std::env::var(var).map_err(|_| SettingsError::EmptySecret { what })?
            }
            Kind::File(path) => {
                input::read_to_string(path, Accept::FileOrPipe).map_err(|source| {
                    SettingsError::SecretFile {
                        what,
                        path: path.clone(),
                        source,
                    }
                })?
            }
            Kind::Stdin => input::read_bounded(std::io::stdin().lock())
                .and_then(|bytes| {
                    String::from_utf8(bytes).map_err(|_| {
                        std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text")
                    })
                })
                .map_err(|source| SettingsError::SecretFile {
                    what,
                    path: PathBuf::from("-"),
                    source,
                })?,
            Kind::Prompt => {
                rpassword::prompt_password(prompt).map_err(|source| SettingsError::Prompt {
                    what,
                    source,
                    env: self.env_var,
                    file_option: self.file_option,
                })?
            }
            Kind::Absent => {
                return Err(SettingsError::NoSecret {
                    what,
                    env: self.env_var,
                    file_option: self.file_option,
                })
            }
        };
        // Files and heredocs end in a newline that is not part of the secret.
        let trimmed = value
            .strip_suffix('\n')
            .map(|s| s.strip_suffix('\r').unwrap_or(s))
            .unwrap_or(&value);
        if trimmed.is_empty() {
            return Err(SettingsError::EmptySecret { what });
        }
        Ok(SecretString::from(trimmed.to_string()))
    }
}

/// How omsso logs in to Keycloak's admin API.
#[derive(Debug, Clone)]
pub enum AdminLogin {
    /// Password grant with the `admin-cli` client.
    Password {
        realm: String,
        username: String,
        password: SecretString,
    },
    /// Client-credentials grant with a service-account client.
    ClientCredentials {
        realm: String,
        client_id: String,
        secret: SecretString,
    },
}

impl AdminLogin {
    pub fn realm(&self) -> &str {
        match self {
            AdminLogin::Password { realm, .. } | AdminLogin::ClientCredentials { realm, .. } => {
                realm
            }
        }
    }

    /// The user or client that logs in, for error messages.
    pub fn principal(&self) -> String {
        match self {
            AdminLogin::Password { username, .. } => format!("user `{username}`"),
            AdminLogin::ClientCredentials { client_id, .. } => format!("client `{client_id}`"),
        }
    }
}
