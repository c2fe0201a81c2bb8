//! A hint as a value: text with `{}` placeholders, each filled by a reference to a setting or
//! an option. The error that knows what went wrong writes its hint once, in its own module; it
//! refers to a setting by its key and to an option by [`Opt`], and whoever shows the hint spells
//! them: the command layer as the flags the user types (`--keycloak-url`, from the settings
//! table), the library's own [`Display`](std::fmt::Display) as the keys of omsso.yaml
//! (`keycloak.url`).

use std::fmt;

/// An option of the command line that sets no setting, named by a hint. These are the only
/// omsso flags spelled outside the command line's definitions and the settings table;
/// `tests/suite/architecture.rs` checks each against the real command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opt {
    AllEnvs,
    Apply,
    Config,
    CreateRealm,
    DryRun,
    Env,
    File,
    Force,
    Identity,
    Kind,
    Login,
    LoginPasswordFile,
    OmConfig,
    OmTokenFile,
    Passphrase,
    PassphraseFile,
    BundlePassphraseFile,
    IdentityPassphraseFile,
    ShowSecret,
    SignPassphraseFile,
    SignWith,
    Signature,
    Stdout,
    Target,
    Templates,
    Write,
    Yes,
}

impl Opt {
    pub const ALL: &'static [Opt] = &[
        Opt::AllEnvs,
        Opt::Apply,
        Opt::Config,
        Opt::CreateRealm,
        Opt::DryRun,
        Opt::Env,
        Opt::File,
        Opt::Force,
        Opt::Identity,
        Opt::Kind,
        Opt::Login,
        Opt::LoginPasswordFile,
        Opt::OmConfig,
        Opt::OmTokenFile,
        Opt::Passphrase,
        Opt::PassphraseFile,
        Opt::BundlePassphraseFile,
        Opt::IdentityPassphraseFile,
        Opt::ShowSecret,
        Opt::SignPassphraseFile,
        Opt::SignWith,
        Opt::Signature,
        Opt::Stdout,
        Opt::Target,
        Opt::Templates,
        Opt::Write,
        Opt::Yes,
    ];

    /// The option as people type it.
    pub fn flag(self) -> &'static str {
        match self {
            Opt::AllEnvs => "--all-envs",
            Opt::Apply => "--apply",
            Opt::Config => "--config",
            Opt::CreateRealm => "--create-realm",
            Opt::DryRun => "--dry-run",
            Opt::Env => "--environment",
            Opt::File => "--file",
            Opt::Force => "--force",
            // As `open` users type it (its long form is `--identity`).
            Opt::Identity => "-i",
            Opt::Kind => "--kind",
            Opt::Login => "--login",
            Opt::LoginPasswordFile => "--login-password-file",
            Opt::OmConfig => "--om-config",
            Opt::OmTokenFile => "--om-token-file",
            Opt::Passphrase => "--passphrase",
            Opt::PassphraseFile => "--passphrase-file",
            Opt::BundlePassphraseFile => "--bundle-passphrase-file",
            Opt::IdentityPassphraseFile => "--identity-passphrase-file",
            Opt::ShowSecret => "--show-secret",
            Opt::SignPassphraseFile => "--sign-passphrase-file",
            Opt::SignWith => "--sign-with",
            Opt::Signature => "--signature",
            Opt::Stdout => "--stdout",
            Opt::Target => "--target",
            Opt::Templates => "--templates",
            Opt::Write => "--write",
            Opt::Yes => "--yes",
        }
    }
}

impl fmt::Display for Opt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.flag())
    }
}

/// What a placeholder of a [`Hint`] stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ref {
    /// A setting, by its key in the settings table (`keycloak.url`).
    Setting(&'static str),
    /// An option that sets no setting.
    Opt(Opt),
}

impl From<Opt> for Ref {
    fn from(o: Opt) -> Self {
        Ref::Opt(o)
    }
}

/// One line telling the user what to do next. Never contains a secret.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Hint(Vec<Part>);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Ref(Ref),
}

impl Hint {
    /// `template` with one `{}` for each of `refs`, in order. The template is omsso's own
    /// words (hence `'static`): a value from outside, which may hold `{}`, goes in as text
    /// ([`Hint::from`], [`Hint::text`]).
    pub fn new(template: &'static str, refs: impl IntoIterator<Item = Ref>) -> Hint {
        let mut refs = refs.into_iter();
        let mut pieces = template.split("{}");
        let mut hint = Hint::from(pieces.next().unwrap_or_default());
        for piece in pieces {
            let r = refs.next();
            assert!(r.is_some(), "a reference for each `{{}}` of {template:?}");
            hint = hint.then(r.unwrap()).text(piece);
        }
        assert!(
            refs.next().is_none(),
            "a `{{}}` for each reference of {template:?}"
        );
        hint
    }

    /// The hint followed by `text`.
    pub fn text(mut self, text: impl Into<String>) -> Hint {
        let text = text.into();
        if !text.is_empty() {
            self.0.push(Part::Text(text));
        }
        self
    }

    /// The hint followed by a reference.
    pub fn then(mut self, r: impl Into<Ref>) -> Hint {
        self.0.push(Part::Ref(r.into()));
        self
    }

    /// The hint followed by `more`.
    pub fn and(mut self, more: Hint) -> Hint {
        self.0.extend(more.0);
        self
    }

    /// The hint with each setting spelled by `setting` (given the key) and each option as
    /// it is typed.
    pub fn render(&self, setting: impl Fn(&'static str) -> String) -> String {
        let mut out = String::new();
        for part in &self.0 {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Ref(Ref::Setting(key)) => out.push_str(&setting(key)),
                Part::Ref(Ref::Opt(o)) => out.push_str(o.flag()),
            }
        }
        out
    }

    /// The same hint with each setting already spelled by `setting` (for the command layer,
    /// which hands the hint on to `main`).
    pub fn spell_settings(self, setting: impl Fn(&'static str) -> String) -> Hint {
        Hint(
            self.0
                .into_iter()
                .map(|p| match p {
                    Part::Ref(Ref::Setting(key)) => Part::Text(setting(key)),
                    other => other,
                })
                .collect(),
        )
    }
}

/// A hint that is one reference.
impl From<Ref> for Hint {
    fn from(r: Ref) -> Self {
        Hint::default().then(r)
    }
}

/// A hint that names nothing to spell.
impl From<String> for Hint {
    fn from(text: String) -> Self {
        Hint::default().text(text)
    }
}

impl From<&str> for Hint {
    fn from(text: &str) -> Self {
        Hint::default().text(text)
    }
}

/// In the library's words: settings by their key in omsso.yaml.
impl fmt::Display for Hint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(str::to_string))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_placeholder_is_spelled_by_whoever_shows_the_hint() {
        let h = Hint::new(
            "check {} or pass {}",
            [Ref::Setting("keycloak.url"), Opt::Force.into()],
        );
        assert_eq!(h.to_string(), "check keycloak.url or pass --force");
        assert_eq!(
            h.render(|k| format!("<{k}>")),
            "check <keycloak.url> or pass --force"
        );
        let outside = Hint::from("a name with {} in it").then(Opt::Yes);
        assert_eq!(outside.to_string(), "a name with {} in it--yes");
    }

    #[test]
    #[should_panic(expected = "a reference for each")]
    fn a_placeholder_without_its_reference_is_a_bug() {
        Hint::new("check {} and {}", [Ref::Setting("keycloak.url")]);
    }
}
