//! Everything that can go wrong while sealing, opening or signing a handoff. Messages name the
//! file (and line) at fault and never quote its content: a recipients or allowed-signers file
//! may hold a pasted private key by mistake, and a decrypted payload holds the secret.

use std::path::PathBuf;

use crate::exit::{Diagnose, Exit};
use crate::output::OutputError;
use crate::settings::SettingsError;

/// Where a recipient came from, for messages: `keys.txt:3` or `recipient 2 (flag --recipient)`.
#[derive(Debug, Clone)]
pub enum Origin {
    /// The n-th (1-based) value of `seal.recipients`, and where that list came from.
    Value {
        index: usize,
        source: String,
    },
    File {
        path: PathBuf,
        line: usize,
    },
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Value { index, source } => write!(f, "recipient {index} ({source})"),
            Origin::File { path, line } => write!(f, "{}:{line}", path.display()),
        }
    }
}

/// Why a recipient was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecipientProblem {
    Malformed,
    /// A private key (age identity or SSH private key) where a public one belongs.
    PrivateKey,
    RsaTooSmall {
        bits: usize,
    },
    RsaTooLarge,
    Unsupported {
        key_type: String,
    },
}

impl std::fmt::Display for RecipientProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RecipientProblem::Malformed => {
                f.write_str("not a recipient (expected age1…, ssh-ed25519 … or ssh-rsa …)")
            }
            RecipientProblem::PrivateKey => {
                f.write_str("this is a private key; a recipient is a public key")
            }
            RecipientProblem::RsaTooSmall { bits } => {
                write!(
                    f,
                    "RSA key of {bits} bits is too weak (at least 2048 needed)"
                )
            }
            RecipientProblem::RsaTooLarge => f.write_str("RSA key is larger than age supports"),
            RecipientProblem::Unsupported { key_type } => {
                write!(f, "unsupported key type {key_type}")
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    // --- What to seal to -------------------------------------------------------------------
    #[error("{origin}: {problem}")]
    Recipient {
        origin: Origin,
        problem: RecipientProblem,
    },
    #[error("cannot read recipients file {}: {source}", path.display())]
    RecipientsFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("recipients file {} lists no recipient", path.display())]
    EmptyRecipientsFile { path: PathBuf },
    #[error("no recipients to seal to")]
    NoRecipients,
    #[error("a passphrase cannot be combined with recipients ({recipients_from})")]
    PassphraseWithRecipients { recipients_from: String },
    #[error("the credentials are a confidential client's but hold no client secret")]
    NoClientSecret,
    #[error("sealing cancelled; nothing was written")]
    Cancelled,

    // --- Identities to open with -----------------------------------------------------------
    #[error("cannot read identity file {}: {source}", path.display())]
    IdentityRead {
        path: PathBuf,
        source: std::io::Error,
    },
    /// `detail` names a line number or a format, never content.
    #[error("{}: not an identity file: {detail}", path.display())]
    IdentityMalformed { path: PathBuf, detail: String },
    #[error("{} holds no identity", path.display())]
    IdentityEmpty { path: PathBuf },
    #[error("{} is a public key; -i needs the matching private key", path.display())]
    IdentityIsPublic { path: PathBuf },
    #[error("{}: unsupported key type {key_type}", path.display())]
    IdentityUnsupported { path: PathBuf, key_type: String },
    #[error("wrong passphrase for {}", path.display())]
    IdentityPassphrase { path: PathBuf },
    #[error("{} is sealed with a passphrase, not to identities", path.display())]
    NeedsPassphrase { path: PathBuf },
    #[error("{} is sealed to recipients; no identity was given", path.display())]
    NeedsIdentity { path: PathBuf },

    // --- The sealed file -------------------------------------------------------------------
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is not an age-encrypted file", path.display())]
    NotAge { path: PathBuf },
    #[error("{} uses an age format version omsso cannot read", path.display())]
    UnknownAgeFormat { path: PathBuf },
    #[error("{} is too large to be a handoff bundle", path.display())]
    TooLarge { path: PathBuf },
    /// `detail` is the armor parser's reason (line wrapping, padding, markers).
    #[error("{}: damaged ASCII armor: {detail}", path.display())]
    ArmorDamaged { path: PathBuf, detail: String },
    #[error("{} is damaged (truncated or modified)", path.display())]
    Damaged { path: PathBuf },
    #[error("{} is damaged: a recipient stanza of its age header is not encoded as the age format requires (the age CLI refuses it too)", path.display())]
    HeaderMalformed { path: PathBuf },
    #[error("no identity matches {}", path.display())]
    NoIdentityMatches { path: PathBuf },
    #[error("wrong passphrase for {}", path.display())]
    WrongPassphrase { path: PathBuf },
    #[error("{}: the passphrase's work factor 2^{required} is above the limit of 2^22 (as the age CLI's); trying it would take minutes and gigabytes of memory", path.display())]
    ExcessiveWork { path: PathBuf, required: u8 },

    // --- The bundle inside -----------------------------------------------------------------
    /// `detail` never quotes the payload (it holds the secret).
    #[error("the decrypted content is not an omsso handoff bundle: {detail}")]
    NotABundle { detail: String },
    #[error("unsupported handoff bundle version {found} (this omsso reads 1.x)")]
    UnknownVersion { found: String },
    #[error("the handoff bundle lacks the required field `{field}`")]
    MissingField { field: &'static str },
    #[error("the handoff bundle's field `{field}` must be {expected}")]
    BadField {
        field: &'static str,
        expected: &'static str,
    },
    #[error("the bundle is for client `{found}`, not the expected `{expected}`")]
    ClientIdMismatch { expected: String, found: String },

    // --- Signatures ------------------------------------------------------------------------
    #[error("cannot read signing key {}: {source}", path.display())]
    SigningKeyRead {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is not an OpenSSH private key", path.display())]
    SigningKeyMalformed { path: PathBuf },
    #[error("wrong passphrase for signing key {}", path.display())]
    SigningKeyPassphrase { path: PathBuf },
    #[error("cannot sign with {}: {detail}", path.display())]
    SigningKeyUnsupported { path: PathBuf, detail: String },
    #[error("cannot read allowed signers file {}: {source}", path.display())]
    AllowedSignersRead {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{line}: not an allowed-signers entry", path.display())]
    AllowedSignersMalformed { path: PathBuf, line: usize },
    #[error("signature {} is missing", path.display())]
    SignatureMissing { path: PathBuf },
    #[error("cannot read signature {}: {source}", path.display())]
    SignatureRead {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is not an SSH signature", path.display())]
    SignatureMalformed { path: PathBuf },
    #[error("signature {} is for namespace `{found}`, not `omsso-handoff`", path.display())]
    SignatureNamespace { path: PathBuf, found: String },
    #[error("signature {} was made by {fingerprint}, which is not in {}{} (for namespace omsso-handoff, at this time)", path.display(), signers.display(), principal.as_ref().map(|p| format!(" for principal `{p}`")).unwrap_or_default())]
    SignerNotAllowed {
        path: PathBuf,
        fingerprint: String,
        signers: PathBuf,
        /// `--signer`, when given.
        principal: Option<String>,
    },
    #[error("signature {} does not match {} (the file was changed after signing)", path.display(), file.display())]
    SignatureInvalid { path: PathBuf, file: PathBuf },

    #[error("{} was sealed for something else than the settings ask now: {reason}", path.display())]
    HandoffOutdated { path: PathBuf, reason: String },
    #[error("{} already exists; omsso never replaces an identity file", path.display())]
    IdentityExists { path: PathBuf },

    /// Reading a passphrase (env var, file, prompt) failed.
    #[error(transparent)]
    Secret(#[from] SettingsError),
    /// Writing the sealed file, its signature or a credentials file failed.
    #[error(transparent)]
    Output(#[from] OutputError),
}

impl Diagnose for SealError {
    fn exit(&self) -> Exit {
        use SealError::*;
        match self {
            Secret(e) => e.exit(),
            Output(e) => e.exit(),
            // Bad command lines and bad key/recipient files: nothing was attempted.
            Recipient { .. }
            | RecipientsFile { .. }
            | EmptyRecipientsFile { .. }
            | NoRecipients
            | PassphraseWithRecipients { .. }
            | NoClientSecret
            | IdentityRead { .. }
            | IdentityMalformed { .. }
            | IdentityEmpty { .. }
            | IdentityIsPublic { .. }
            | IdentityUnsupported { .. }
            | NeedsPassphrase { .. }
            | NeedsIdentity { .. }
            | SigningKeyRead { .. }
            | SigningKeyMalformed { .. }
            | SigningKeyUnsupported { .. }
            | AllowedSignersRead { .. }
            | AllowedSignersMalformed { .. }
            | IdentityExists { .. }
            | HandoffOutdated { .. } => Exit::Usage,
            // What was received is not what was asserted.
            ClientIdMismatch { .. } => Exit::CheckFailed,
            _ => Exit::Runtime,
        }
    }

    /// What to change, without the command line's flags: `commands::hints` adds those.
    fn hint(&self) -> Option<String> {
        use SealError::*;
        Some(match self {
            Secret(e) => return e.hint(),
            Output(e) => return e.hint(),
            HandoffOutdated { .. } => "seal it again for the current settings, forcing the \
                 write (a copy of the old file already sent still opens for whom it was sealed)"
                .into(),
            IdentityExists { .. } => "choose another path: replacing it would make everything \
                 sealed to its key unreadable"
                .into(),
            Recipient { problem, .. } => problem.hint().into(),
            RecipientsFile { .. } | IdentityRead { .. } | Read { .. } => {
                "check the path; the file must be readable by you".into()
            }
            EmptyRecipientsFile { .. } => {
                "add the recipients' public keys to it, one a line".into()
            }
            NoRecipients => "give recipients (public keys, or a recipients file; or set \
                 seal.recipients in omsso.yaml), or seal to a passphrase"
                .into(),
            PassphraseWithRecipients { .. } => "seal either to recipients or to a passphrase \
                 (a passphrase file, OMSSO_SEAL_PASSPHRASE), not both"
                .into(),
            NoClientSecret => "fetch them again (`omsso keycloak fetch`, writing a file), or \
                 set client_type: public in the credentials file if the client is public"
                .into(),
            Cancelled => "answer y to seal, or confirm in advance".into(),
            IdentityMalformed { .. } | IdentityEmpty { .. } => "pass an age identity file \
                 (`omsso keygen`), a passphrase-encrypted one, or an OpenSSH private key"
                .into(),
            IdentityIsPublic { .. } => "pass the private key file (without .pub)".into(),
            IdentityUnsupported { .. } => {
                "age opens files with age identities, ssh-ed25519 and ssh-rsa keys".into()
            }
            IdentityPassphrase { .. } => passphrase_hint("OMSSO_IDENTITY_PASSPHRASE"),
            NeedsPassphrase { .. } => "open it with its passphrase instead of an identity (a \
                 passphrase file, OMSSO_SEAL_PASSPHRASE, or the prompt)"
                .into(),
            NeedsIdentity { .. } => "give the identity file (the key the sender sealed to)".into(),
            _ => return self.received_hint().or_else(|| self.signing_hint()),
        })
    }
}

impl RecipientProblem {
    fn hint(&self) -> &'static str {
        match self {
            RecipientProblem::PrivateKey => {
                "use the public key: `age-keygen -y KEY` or the .pub file of an SSH key"
            }
            RecipientProblem::RsaTooSmall { .. } | RecipientProblem::RsaTooLarge => {
                "ask for an ssh-ed25519 key or an age recipient (`omsso keygen`)"
            }
            RecipientProblem::Unsupported { .. } => {
                "age supports age1… recipients, ssh-ed25519 and ssh-rsa keys"
            }
            RecipientProblem::Malformed => {
                "fix that line; `#` starts a comment, one recipient a line"
            }
        }
    }
}

/// Where a passphrase comes from: `env`, a file, or the prompt.
fn passphrase_hint(env: &str) -> String {
    format!("check the passphrase ({env}, a passphrase file, or the prompt)")
}

impl SealError {
    /// Hints about the file received: the sealed file and the bundle inside.
    fn received_hint(&self) -> Option<String> {
        use SealError::*;
        Some(match self {
            NotAge { .. } | UnknownAgeFormat { .. } | TooLarge { .. } => {
                "check that this is the .age file you were sent".into()
            }
            ArmorDamaged { .. } | Damaged { .. } | HeaderMalformed { .. } => {
                "ask the sender for the file again; copy it unchanged (binary, or the whole \
                 armored text)"
                    .into()
            }
            NoIdentityMatches { .. } => "the file was sealed to other keys: pass the identity \
                 whose public key you gave the sender"
                .into(),
            WrongPassphrase { .. } => "check the passphrase with the sender".into(),
            ExcessiveWork { .. } => "the sender must seal it again with a normal passphrase \
                 (omsso and age choose a work factor of about a second)"
                .into(),
            NotABundle { .. } | MissingField { .. } | BadField { .. } => {
                "the sender must seal it with `omsso seal`".into()
            }
            UnknownVersion { .. } => "upgrade omsso to read this bundle".into(),
            ClientIdMismatch { .. } => {
                "you received credentials for another client: ask the sender".into()
            }
            _ => return None,
        })
    }

    /// Hints about signing and signatures.
    fn signing_hint(&self) -> Option<String> {
        use SealError::*;
        Some(match self {
            SigningKeyRead { .. } | SigningKeyMalformed { .. } => "the signing key must be an \
                 OpenSSH private key (e.g. ~/.ssh/id_ed25519)"
                .into(),
            SigningKeyPassphrase { .. } => passphrase_hint("OMSSO_SIGN_PASSPHRASE"),
            SigningKeyUnsupported { .. } => "sign with an ssh-ed25519 or ssh-rsa key".into(),
            AllowedSignersRead { .. } | AllowedSignersMalformed { .. } => {
                "use the OpenSSH allowed_signers format: `PRINCIPALS [OPTIONS] KEYTYPE KEY`".into()
            }
            SignatureMissing { .. } => {
                "ask the sender to sign what they seal, or give the signature file".into()
            }
            SignatureRead { .. } | SignatureMalformed { .. } => {
                "the .sig file must be the one `omsso seal` wrote when signing".into()
            }
            SignatureNamespace { .. } => {
                "sign with `ssh-keygen -Y sign -n omsso-handoff` or with `omsso seal`".into()
            }
            SignerNotAllowed { .. } => {
                "do not use this file; if the signer is genuine, add their key to the allowed \
                 signers file"
                    .into()
            }
            SignatureInvalid { .. } => {
                "do not use this file; ask the sender to seal and sign it again".into()
            }
            _ => return None,
        })
    }
}
