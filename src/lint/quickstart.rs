//! What every OpenMetadata quickstart ships, checked in any of the three formats whatever the
//! login: the JWT signing key settings (`jwtTokenConfiguration`; `RSA_PUBLIC_KEY_FILE_PATH`,
//! `RSA_PRIVATE_KEY_FILE_PATH`, `JWT_KEY_ID`; the chart's `jwtTokenConfiguration`) and the
//! Fernet key (`fernetConfiguration.fernetKey`; `FERNET_KEY`; the chart's `fernetkey.value`).
//! The values are in [`crate::openmetadata::quickstart`]; why they matter is there too.
//!
//! Only what a file writes is judged: an env file or Helm values that set none of the key
//! settings leave the server with the compose file's or the chart's defaults (the quickstart
//! pair as well), which the live `verify` catches by the key the server serves.

use std::path::Path;

use super::finding::{Finding, Report, Severity};
use super::registry::{QUICKSTART_FERNET_KEY, QUICKSTART_JWT_KEY, QUICKSTART_KEY_FILE};
use super::view::{self, Field};
use super::yaml_tree::{self, Node};
use super::{env_file, env_file::EnvFile, Kind};
use crate::input::{self, Accept};
use crate::jwt_keys::PublicKey;
use crate::openmetadata::quickstart as qs;

/// Where a Helm values file keeps `jwtTokenConfiguration` and `fernetkey`: under
/// `openmetadata.config` in a full values file, or at the top of a fragment.
const HELM_PREFIXES: &[&[&str]] = &[&["openmetadata", "config"], &["config"], &[]];

/// The key and Fernet settings of one file, each as written (with its line).
#[derive(Debug, Default)]
pub struct Settings {
    pub public_path: Option<Field>,
    pub private_path: Option<Field>,
    pub key_id: Option<Field>,
    pub fernet: Option<Field>,
}

/// Reads them from an openmetadata.yaml or Helm values.
pub fn from_yaml(root: &Node, kind: Kind) -> Settings {
    if kind == Kind::Yaml {
        return yaml_at(root, &[], &["fernetConfiguration", "fernetKey"]);
    }
    for prefix in HELM_PREFIXES {
        let jwt: Vec<&str> = prefix
            .iter()
            .copied()
            .chain(["jwtTokenConfiguration"])
            .collect();
        let fernet: Vec<&str> = prefix.iter().copied().chain(["fernetkey"]).collect();
        if view::locate(root, &jwt).is_none() && view::locate(root, &fernet).is_none() {
            continue;
        }
        // The chart reads `value` only when no Secret holds the key.
        let by_secret = view::field_at(root, &[fernet.as_slice(), &["secretRef"]].concat())
            .is_some_and(|f| !f.is_blank());
        let value: Vec<&str> = fernet.iter().copied().chain(["value"]).collect();
        let mut s = yaml_at(root, prefix, &value);
        if by_secret {
            s.fernet = None;
        }
        return s;
    }
    Settings::default()
}

fn yaml_at(root: &Node, prefix: &[&str], fernet: &[&str]) -> Settings {
    let jwt = |key: &str| {
        let path: Vec<&str> = prefix
            .iter()
            .copied()
            .chain(["jwtTokenConfiguration", key])
            .collect();
        view::field_at(root, &path)
    };
    Settings {
        public_path: jwt("rsapublicKeyFilePath"),
        private_path: jwt("rsaprivateKeyFilePath"),
        key_id: jwt("keyId"),
        fernet: view::field_at(root, fernet),
    }
}

/// Reads them from a docker env file.
pub fn from_env(file: &EnvFile) -> Settings {
    Settings {
        public_path: view::env_value(file, "RSA_PUBLIC_KEY_FILE_PATH"),
        private_path: view::env_value(file, "RSA_PRIVATE_KEY_FILE_PATH"),
        key_id: view::env_value(file, "JWT_KEY_ID"),
        fernet: view::env_value(file, "FERNET_KEY"),
    }
}

/// Whether a path names the image's quickstart key file (`./conf/x.der` or `conf/x.der`).
fn is_quickstart_path(path: &str, quickstart: &str) -> bool {
    let bare = |p: &str| p.trim().trim_start_matches("./").to_string();
    bare(path) == bare(quickstart)
}

/// What a setting comes to: its value in the file, else the default of the file's format
/// (`None`: unknown, an openmetadata.yaml fragment that does not say).
fn effective<'a>(field: Option<&'a Field>, kind: Kind, default: &'a str) -> Option<&'a str> {
    match field {
        Some(f) => f.text(),
        None if kind == Kind::Yaml => None,
        None => Some(default),
    }
}

pub fn check(s: &Settings, kind: Kind, r: &mut Report) {
    jwt_key(s, kind, r);
    if let Some(f) = s
        .fernet
        .as_ref()
        .filter(|f| f.text() == Some(qs::FERNET_KEY))
    {
        r.on(
            f,
            QUICKSTART_FERNET_KEY,
            Severity::Warning,
            format!(
                "{} is the quickstart's published Fernet key: anyone holding a copy of the \
                 database can decrypt the secrets the server stored with it (service \
                 connection passwords, bot credentials)",
                f.key
            ),
            "change it without losing the stored secrets: set it to `NEW_KEY,OLD_KEY` (the \
             server encrypts with the first and still decrypts with the second), run \
             `./bootstrap/openmetadata-ops.sh rotate` to re-encrypt what is stored, then drop \
             the old key; replaced outright, the server can no longer read the secrets it \
             already stored (make a key with `openssl rand -base64 32`)",
        );
    }
}

fn jwt_key(s: &Settings, kind: Kind, r: &mut Report) {
    let public = effective(s.public_path.as_ref(), kind, qs::PUBLIC_KEY_PATH);
    let private = effective(s.private_path.as_ref(), kind, qs::PRIVATE_KEY_PATH);
    let key_id = effective(s.key_id.as_ref(), kind, qs::KEY_ID);
    let paths = [
        (public, qs::PUBLIC_KEY_PATH),
        (private, qs::PRIVATE_KEY_PATH),
    ];
    let known: Vec<bool> = paths
        .iter()
        .filter_map(|(p, q)| p.map(|p| is_quickstart_path(p, q)))
        .collect();
    let quickstart_paths = !known.is_empty() && known.iter().all(|q| *q);
    if !quickstart_paths {
        return;
    }
    let set: Vec<&Field> = [&s.key_id, &s.public_path, &s.private_path]
        .into_iter()
        .flatten()
        .collect();
    let hint = "make a fresh key pair and point the server at it (omsso render writes one and \
                the settings for it), then restart the server: every token the quickstart key \
                signed stops working";
    // A file that sets none of them leaves the server with its format's defaults (the
    // quickstart pair too), but says nothing wrong itself: only what a file writes is judged.
    let Some(first) = set.first() else {
        return;
    };
    if key_id == Some(qs::KEY_ID) {
        r.on(
            first,
            QUICKSTART_JWT_KEY,
            Severity::Error,
            format!(
                "the JWT signing key is the quickstart's ({} with key id {}): its private key \
                 ships in every OpenMetadata image, and tokens it signed are published",
                qs::PRIVATE_KEY_PATH,
                qs::KEY_ID
            ),
            hint,
        );
    } else {
        r.on(
            first,
            QUICKSTART_JWT_KEY,
            Severity::Warning,
            format!(
                "the JWT key paths are the quickstart's {} and {}, where every image keeps its \
                 quickstart key pair: only your own files mounted over them make the key yours",
                qs::PUBLIC_KEY_PATH,
                qs::PRIVATE_KEY_PATH
            ),
            "mount the fresh key files at their own paths and point the server there",
        );
    }
}

/// `verify --file` only (render's self-check lints files for a server elsewhere): the public
/// key file the configuration names, read here when it can be (as written: absolute, or
/// relative to the current folder), and recognised as the quickstart key by its content,
/// whatever its name. A file that cannot be read says nothing.
pub fn key_file(text: &str, kind: Kind) -> Vec<Finding> {
    let settings = match kind {
        Kind::Env => from_env(&env_file::parse(text)),
        _ => match yaml_tree::parse(text) {
            Ok(root) => from_yaml(&root, kind),
            Err(_) => return Vec::new(),
        },
    };
    let mut r = Report::new(kind);
    if let Some(field) = settings.public_path.as_ref() {
        let quickstart = field.text().is_some_and(|path| {
            input::read(Path::new(path), Accept::File)
                .ok()
                .and_then(|der| PublicKey::from_der(&der).ok())
                .is_some_and(|key| key.thumbprint() == qs::THUMBPRINT)
        });
        if quickstart {
            r.on(
                field,
                QUICKSTART_KEY_FILE,
                Severity::Error,
                format!(
                    "{} names {}, which holds the quickstart public key (RFC 7638 thumbprint \
                     {}): the server would trust every token signed with the private key every \
                     OpenMetadata image ships",
                    field.key,
                    field.text().unwrap_or_default(),
                    qs::THUMBPRINT
                ),
                "make a fresh key pair (omsso render writes one), point both key paths at it \
                 and restart the server",
            );
        }
    }
    r.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::finding::Finding;
    use crate::lint::{env_file, yaml_tree};

    fn env(text: &str) -> Vec<Finding> {
        let mut r = Report::new(Kind::Env);
        check(&from_env(&env_file::parse(text)), Kind::Env, &mut r);
        r.finish()
    }

    fn yaml(text: &str, kind: Kind) -> Vec<Finding> {
        let mut r = Report::new(kind);
        let root = yaml_tree::parse(text).unwrap();
        check(&from_yaml(&root, kind), kind, &mut r);
        r.finish()
    }

    fn summary(f: &[Finding]) -> Vec<(&str, Severity, Option<usize>)> {
        f.iter().map(|f| (f.check, f.severity, f.line)).collect()
    }

    #[test]
    fn the_quickstart_key_id_with_its_paths_is_an_error_in_every_format() {
        let e = env(&format!("JWT_KEY_ID={}\n", qs::KEY_ID));
        assert_eq!(
            summary(&e),
            [("quickstart-jwt-key", Severity::Error, Some(1))]
        );
        let y = yaml(
            &format!(
                "jwtTokenConfiguration:\n  rsapublicKeyFilePath: ./conf/public_key.der\n  \
                 rsaprivateKeyFilePath: ./conf/private_key.der\n  keyId: {}\n",
                qs::KEY_ID
            ),
            Kind::Yaml,
        );
        assert_eq!(
            summary(&y),
            [("quickstart-jwt-key", Severity::Error, Some(4))]
        );
        let h = yaml(
            &format!(
                "openmetadata:\n  config:\n    jwtTokenConfiguration:\n      keyId: {}\n",
                qs::KEY_ID
            ),
            Kind::Helm,
        );
        assert_eq!(
            summary(&h),
            [("quickstart-jwt-key", Severity::Error, Some(4))]
        );
    }

    #[test]
    fn upstreams_defaults_are_a_warning_naming_the_variable() {
        let y = yaml(
            "jwtTokenConfiguration:\n  rsapublicKeyFilePath: ${RSA_PUBLIC_KEY_FILE_PATH:-\"./conf/public_key.der\"}\n  \
             rsaprivateKeyFilePath: ${RSA_PRIVATE_KEY_FILE_PATH:-\"./conf/private_key.der\"}\n  \
             keyId: ${JWT_KEY_ID:-\"Gb389a-9f76-gdjs-a92j-0242bk94356\"}\n\
             fernetConfiguration:\n  fernetKey: ${FERNET_KEY:-jJ/9sz0g0OHxsfxOoSfdFdmk3ysNmPRnH3TUAbz3IHA=}\n",
            Kind::Yaml,
        );
        assert_eq!(
            summary(&y),
            [
                ("quickstart-jwt-key", Severity::Warning, Some(4)),
                ("quickstart-fernet-key", Severity::Warning, Some(6)),
            ]
        );
        assert!(y[0].message.contains("${JWT_KEY_ID}"), "{}", y[0].message);
    }

    #[test]
    fn fresh_keys_pass_and_the_quickstart_paths_alone_warn() {
        let fresh = "RSA_PUBLIC_KEY_FILE_PATH=/etc/openmetadata/jwt/public_key.der\n\
                     RSA_PRIVATE_KEY_FILE_PATH=/etc/openmetadata/jwt/private_key.der\n\
                     JWT_KEY_ID=0fN3xkq\nFERNET_KEY=c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI=\n";
        assert_eq!(env(fresh), []);
        let paths_only = env("RSA_PUBLIC_KEY_FILE_PATH=./conf/public_key.der\nJWT_KEY_ID=mine\n");
        assert_eq!(
            summary(&paths_only),
            [("quickstart-jwt-key", Severity::Warning, Some(2))]
        );
        // An openmetadata.yaml fragment without jwtTokenConfiguration says nothing about it.
        assert_eq!(yaml("authenticationConfiguration: {}\n", Kind::Yaml), []);
    }

    #[test]
    fn a_file_without_key_settings_is_not_judged() {
        assert_eq!(env("AUTHENTICATION_PROVIDER=custom-oidc\n"), []);
        assert_eq!(yaml("openmetadata:\n  config: {}\n", Kind::Helm), []);
    }

    #[test]
    fn the_quickstart_fernet_key_warns_unless_a_secret_holds_the_key() {
        let f = env(&format!(
            "FERNET_KEY={}\nJWT_KEY_ID=x\nRSA_PUBLIC_KEY_FILE_PATH=/k/p\nRSA_PRIVATE_KEY_FILE_PATH=/k/q\n",
            qs::FERNET_KEY
        ));
        assert_eq!(
            summary(&f),
            [("quickstart-fernet-key", Severity::Warning, Some(1))]
        );
        assert!(f[0].hint.contains("openmetadata-ops.sh rotate"));
        assert!(!f[0].message.contains(qs::FERNET_KEY));
        let by_secret = format!(
            "openmetadata:\n  config:\n    jwtTokenConfiguration:\n      keyId: k\n      \
             rsapublicKeyFilePath: /k/p\n      rsaprivateKeyFilePath: /k/q\n    fernetkey:\n      \
             value: {}\n      secretRef: fernet\n      secretKey: FERNET_KEY\n",
            qs::FERNET_KEY
        );
        assert_eq!(yaml(&by_secret, Kind::Helm), []);
    }
}
