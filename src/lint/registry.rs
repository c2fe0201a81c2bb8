//! Every check of the file lint, described once: its name (the `check` of a finding), the
//! formats it reads, its severity, what it checks and when it stays silent. The code that
//! reports a finding names it by one of these constants, so a name cannot be printed without a
//! row here, and docs/CHECKS.md is generated from these rows (with the live checks of
//! `crate::verify::registry`).

pub use super::check_info::{CheckInfo, Clients, Scope};
use super::{FileKind, Severity};

const AUTH: &[FileKind] = &[FileKind::Yaml, FileKind::Env, FileKind::Helm];
const YAMLS: &[FileKind] = &[FileKind::Yaml, FileKind::Helm];
const ENV: &[FileKind] = &[FileKind::Env];
const HELM: &[FileKind] = &[FileKind::Helm];
const SOPS: &[FileKind] = &[FileKind::Sops];

/// Skipped when the provider is not custom-oidc (the semantic checks of an SSO setup).
const NOT_OIDC: &str = "the provider is not custom-oidc (the file configures another login)";

use super::check_info::file;
use Severity::{Error, Info, Warning};

// Format: what the parser of each format finds.
pub const YAML_INVALID: CheckInfo = file(
    "yaml-invalid",
    &[FileKind::Yaml, FileKind::Helm, FileKind::Sops],
    Error,
    "the file parses as YAML",
    "",
);
pub const YAML_MISSING_SPACE: CheckInfo = file(
    "yaml-missing-space",
    YAMLS,
    Error,
    "no `key:value` without the space YAML needs after the colon",
    "",
);
pub const STRAY_QUOTE: CheckInfo = file(
    "stray-quote",
    AUTH,
    Error,
    "no value with an unbalanced quote (a quote copied from the docs)",
    "",
);
pub const DUPLICATE_KEY: CheckInfo = file(
    "duplicate-key",
    AUTH,
    Warning,
    "no key set twice (the last one wins silently)",
    "",
);
pub const ENV_SYNTAX: CheckInfo = file(
    "env-syntax",
    ENV,
    Error,
    "every line is `KEY=value`, a comment or empty",
    "",
);
pub const ENV_INLINE_COMMENT: CheckInfo = file(
    "env-inline-comment",
    ENV,
    Warning,
    "no `# comment` after a value, which env-file readers keep as part of the value",
    "",
);
pub const ENV_NOT_PASSED: CheckInfo = file(
    "env-not-passed",
    ENV,
    Warning,
    "every auth variable is one the release's docker compose file passes to the server",
    "",
);
pub const AUTH_BLOCK_MISSING: CheckInfo = file(
    "auth-block-missing",
    AUTH,
    Error,
    "the file holds the authentication and authorizer settings at all",
    "",
);

// Keys and value types the release (or its Helm chart) accepts.
pub const UNKNOWN_KEY: CheckInfo = file(
    "unknown-key",
    YAMLS,
    Error,
    "every key under the auth blocks is one the release's schema (or chart) knows",
    "",
);
pub const ENV_NOT_READ: CheckInfo = file(
    "env-not-read",
    ENV,
    Warning,
    "every auth variable is one the release's openmetadata.yaml reads",
    "",
);
pub const HELM_VALUE_TYPE: CheckInfo = file(
    "helm-value-type",
    HELM,
    Error,
    "each chart value has the type the chart expects (a string, a bool, a list)",
    "",
);
pub const HELM_SECRET_INLINE: CheckInfo = file(
    "helm-secret-inline",
    HELM,
    Error,
    "the client secret is a reference to a Kubernetes Secret, not inline in the values",
    "",
);

// What the values mean, once for all three formats.
pub const PLACEHOLDER: CheckInfo = file(
    "placeholder",
    AUTH,
    Error,
    "no value still holds a placeholder from the docs (`{your domain}`, `<client-id>`)",
    "",
);
pub const KEY_IN_VALUE: CheckInfo = file(
    "key-in-value",
    AUTH,
    Error,
    "no value starts with its own key (`KEY=…` inside the value, a docs bug)",
    "",
);
pub const PROVIDER_INVALID: CheckInfo = file(
    "provider-invalid",
    AUTH,
    Error,
    "the provider is one OpenMetadata accepts (there is no `keycloak` provider)",
    "",
);
pub const PROVIDER_NOT_CUSTOM_OIDC: CheckInfo = file(
    "provider-not-custom-oidc",
    AUTH,
    Error,
    "a file that configures Keycloak also sets the provider to custom-oidc",
    "",
);
pub const SSO_NOT_CONFIGURED: CheckInfo = file(
    "sso-not-configured",
    AUTH,
    Info,
    "notes that the file configures no SSO (basic, ldap, saml…), so the Keycloak checks are skipped",
    "",
);
pub const NOT_KEYCLOAK: CheckInfo = file(
    "not-keycloak",
    AUTH,
    Info,
    "notes that the provider is another OIDC provider (azure, google…), so the Keycloak checks are skipped",
    "",
);
pub const MISSING_KEY: CheckInfo = file(
    "missing-key",
    AUTH,
    Error,
    "the keys the chosen client type needs are present and not empty",
    NOT_OIDC,
);
pub const CLIENT_TYPE_INVALID: CheckInfo = file(
    "client-type-invalid",
    AUTH,
    Error,
    "the client type is public or confidential",
    NOT_OIDC,
);
pub const PUBLIC_WITH_OIDC: CheckInfo = file(
    "public-with-oidc",
    AUTH,
    Error,
    "a public client sets no server-side OIDC settings (one flow, not both)",
    NOT_OIDC,
);
pub const CONFIDENTIAL_WITHOUT_SECRET: CheckInfo = file(
    "confidential-without-secret",
    AUTH,
    Error,
    "a confidential client has its client id, secret and discovery URI",
    NOT_OIDC,
);
pub const HELM_OIDC_NOT_ENABLED: CheckInfo = file(
    "helm-oidc-not-enabled",
    HELM,
    Error,
    "a confidential client enables the chart's OIDC settings (oidcConfiguration.enabled: true)",
    "the provider is not custom-oidc, or the client is public",
);
pub const PUBLIC_KEYS_MISSING: CheckInfo = file(
    "public-keys-missing",
    AUTH,
    Error,
    "publicKeyUrls is set and lists at least one URL",
    NOT_OIDC,
);
pub const PUBLIC_KEYS_NOT_LIST: CheckInfo = file(
    "public-keys-not-list",
    AUTH,
    Error,
    "publicKeyUrls is a list, not a single value",
    NOT_OIDC,
);
pub const PUBLIC_KEYS_NO_OM_JWKS: CheckInfo = file(
    "public-keys-no-om-jwks",
    AUTH,
    Error,
    "publicKeyUrls lists OpenMetadata's own JWKS (/api/v1/system/config/jwks)",
    "the provider is not custom-oidc, or publicKeyUrls is empty",
);
pub const PUBLIC_KEYS_NO_REALM_CERTS: CheckInfo = file(
    "public-keys-no-realm-certs",
    AUTH,
    Error,
    "publicKeyUrls lists the Keycloak realm's keys (…/realms/<realm>/protocol/openid-connect/certs)",
    "the provider is not custom-oidc, or publicKeyUrls is empty",
);
pub const AUTHORITY_NOT_ISSUER: CheckInfo = file(
    "authority-not-issuer",
    AUTH,
    Error,
    "the authority is a realm's issuer URL, <keycloak>/realms/<realm>, with nothing after it",
    "the provider is not custom-oidc, or the authority is not set",
);
pub const DISCOVERY_URI_INVALID: CheckInfo = file(
    "discovery-uri-invalid",
    AUTH,
    Error,
    "the discovery URI is <keycloak>/realms/<realm>/.well-known/openid-configuration",
    "the provider is not custom-oidc, or the discovery URI is not set",
);
pub const REALM_PATH_MIXED: CheckInfo = file(
    "realm-path-mixed",
    AUTH,
    Error,
    "all Keycloak URLs use the same path style, /realms/ or /auth/realms/",
    NOT_OIDC,
);
pub const REALM_MISMATCH: CheckInfo = file(
    "realm-mismatch",
    AUTH,
    Error,
    "all Keycloak URLs name the same realm",
    NOT_OIDC,
);
pub const MASTER_REALM: CheckInfo = file(
    "master-realm",
    AUTH,
    Warning,
    "the realm is not `master`, which is for administering Keycloak",
    NOT_OIDC,
);
pub const URL_INVALID: CheckInfo = file(
    "url-invalid",
    AUTH,
    Error,
    "every URL setting holds a full http(s) URL",
    NOT_OIDC,
);
pub const LOCALHOST_FROM_CONTAINER: CheckInfo = file(
    "localhost-from-container",
    &[FileKind::Env, FileKind::Helm],
    Warning,
    "the URLs the server fetches itself (discovery, realm keys) do not point at localhost, \
     which is its own container or pod (render and run warn about the files they write, live \
     verify about those beside its file)",
    "the provider is not custom-oidc; openmetadata.yaml, which may run outside a container",
);
pub const CALLBACK_AUTH_CALLBACK: CheckInfo = file(
    "callback-auth-callback",
    AUTH,
    Error,
    "the callback URL is the server's /callback, not the UI route /auth/callback",
    NOT_OIDC,
);
pub const CALLBACK_PATH: CheckInfo = file(
    "callback-path",
    AUTH,
    Warning,
    "the callback URL ends in /callback",
    NOT_OIDC,
);
pub const CALLBACK_SERVER_MISMATCH: CheckInfo = file(
    "callback-server-mismatch",
    AUTH,
    Warning,
    "the OIDC callback URL is on the same origin as the server URL",
    NOT_OIDC,
);
pub const CUSTOM_PARAMS_EMPTY: CheckInfo = file(
    "custom-params-empty",
    &[FileKind::Yaml],
    Error,
    "customParams is not the empty string, which the server cannot parse",
    "the provider is not custom-oidc; Helm values (custom-params-chart) and env files (compose \
     turns an empty value into {})",
);
pub const PRINCIPAL_DOMAIN_EXAMPLE: CheckInfo = file(
    "principal-domain-example",
    AUTH,
    Info,
    "the principal domain is not the docs' example open-metadata.org",
    NOT_OIDC,
);

// What users get wrong (the corpus of real misconfigurations, tests/fixtures/corpus/).
pub const ADMIN_PRINCIPALS_EMPTY: CheckInfo = file(
    "admin-principals-empty",
    AUTH,
    Error,
    "the admin principals name at least one user (an empty list, or [\"\"], leaves nobody able \
     to administer OpenMetadata)",
    NOT_OIDC,
);
pub const ADMIN_PRINCIPAL_UNMATCHABLE: CheckInfo = file(
    "admin-principal-unmatchable",
    AUTH,
    Error,
    "every admin principal is a user name a login can equal: lower case, no @domain, no \
     :password (an error when none is)",
    NOT_OIDC,
);
pub const PRINCIPAL_DOMAIN_INVALID: CheckInfo = file(
    "principal-domain-invalid",
    AUTH,
    Error,
    "the principal domain is one email domain (example.com): not empty, not a list, not an \
     address",
    NOT_OIDC,
);
pub const PRINCIPAL_CLAIMS_ORDER: CheckInfo = file(
    "principal-claims-order",
    AUTH,
    Error,
    "jwtPrincipalClaims keeps OpenMetadata's order email, preferred_username, sub, which its \
     docs warn against changing (an error when sub, Keycloak's user id, comes first)",
    "the provider is not custom-oidc, or jwtPrincipalClaimsMapping is set (it decides instead)",
);
pub const CUSTOM_PARAMS_CHART: CheckInfo = file(
    "custom-params-chart",
    HELM,
    Error,
    "customParams suits the chart: null on charts 1.6.0 – 1.6.3, which quote it (anything \
     else reaches the server as a string), never null on later ones (their b64enc fails)",
    "the provider is not custom-oidc",
);
pub const ENV_VALUE_YAML: CheckInfo = file(
    "env-value-yaml",
    ENV,
    Error,
    "every value still parses once docker compose and the server substitute it into \
     openmetadata.yaml (the quickstart file adds a stray } to OIDC_CUSTOM_PARAMS)",
    "",
);

// What every quickstart ships, whatever the login (the server's own JWT keys and Fernet key).
pub const QUICKSTART_JWT_KEY: CheckInfo = file(
    "quickstart-jwt-key",
    AUTH,
    Error,
    "the JWT signing key settings are not the quickstart's (./conf/public_key.der and \
     ./conf/private_key.der with key id Gb389a-9f76-gdjs-a92j-0242bk94356), whose private key \
     every OpenMetadata image ships",
    "the file sets no JWT key settings and has no quickstart default for them \
     (openmetadata.yaml)",
);
pub const QUICKSTART_KEY_FILE: CheckInfo = file(
    "quickstart-key-file",
    AUTH,
    Error,
    "the public key file the configuration names (rsapublicKeyFilePath, \
     RSA_PUBLIC_KEY_FILE_PATH) does not hold the quickstart key, recognised by its content \
     (RFC 7638 thumbprint), not by its file name or key id (file checks only, not render)",
    "the file names no public key file, or it cannot be read from here (paths are read as \
     written: absolute, or relative to the current folder)",
);
pub const QUICKSTART_FERNET_KEY: CheckInfo = file(
    "quickstart-fernet-key",
    AUTH,
    Warning,
    "the Fernet key, which encrypts the secrets the server stores, is not the quickstart's \
     published one",
    "the file sets no Fernet key",
);

// The SOPS-encrypted Kubernetes Secret.
pub const SOPS_INVALID: CheckInfo = file(
    "sops-invalid",
    SOPS,
    Error,
    "the file is YAML with a readable `sops:` metadata block",
    "",
);
pub const SOPS_NO_RECIPIENTS: CheckInfo = file(
    "sops-no-recipients",
    SOPS,
    Error,
    "the file is encrypted for at least one age recipient",
    "",
);
pub const SOPS_RECIPIENT_INVALID: CheckInfo = file(
    "sops-recipient-invalid",
    SOPS,
    Error,
    "every age recipient is a valid key with its wrapped data key",
    "",
);
pub const SOPS_OTHER_KEYS: CheckInfo = file(
    "sops-other-keys",
    SOPS,
    Info,
    "notes recipients other than age (PGP, KMS, Vault), which omsso does not check",
    "",
);
pub const SOPS_NO_MAC: CheckInfo = file(
    "sops-no-mac",
    SOPS,
    Error,
    "the file has the MAC sops checks its integrity with",
    "",
);
pub const SOPS_MAC_DAMAGED: CheckInfo = file(
    "sops-mac-damaged",
    SOPS,
    Error,
    "the MAC is an encrypted value sops can read",
    "",
);
pub const SOPS_MAC_ONLY_ENCRYPTED: CheckInfo = file(
    "sops-mac-only-encrypted",
    SOPS,
    Warning,
    "notes mac_only_encrypted, which leaves the plaintext values unprotected",
    "",
);
pub const SOPS_RULE_SKIPS_DATA: CheckInfo = file(
    "sops-rule-skips-data",
    SOPS,
    Error,
    "the encryption rule (encrypted_regex…) covers the Secret's data and stringData",
    "",
);
pub const SOPS_PLAINTEXT: CheckInfo = file(
    "sops-plaintext",
    SOPS,
    Error,
    "every value the rule covers is encrypted (no plaintext secret)",
    "",
);
pub const SOPS_VALUE_DAMAGED: CheckInfo = file(
    "sops-value-damaged",
    SOPS,
    Error,
    "every encrypted value is well-formed (and decrypts, with an age identity)",
    "",
);
pub const SOPS_VALUE_TYPE: CheckInfo = file(
    "sops-value-type",
    SOPS,
    Error,
    "every Secret value is a string, as Kubernetes requires",
    "",
);
pub const SOPS_MAC_MISMATCH: CheckInfo = file(
    "sops-mac-mismatch",
    SOPS,
    Error,
    "the decrypted values match the MAC (nothing was edited outside sops)",
    "no age identity is set (SOPS_AGE_KEY_FILE, SOPS_AGE_KEY)",
);
pub const SOPS_NOT_DECRYPTED: CheckInfo = file(
    "sops-not-decrypted",
    SOPS,
    Info,
    "notes that the values and the MAC were not decrypted, when no age identity is set",
    "",
);
pub const SOPS_UNEXPECTED_KEY: CheckInfo = file(
    "sops-unexpected-key",
    SOPS,
    Warning,
    "the OIDC Secret's data/stringData hold exactly the keys omsso writes (the MAC covers no key name)",
    "",
);
pub const SOPS_NOT_A_SECRET: CheckInfo = file(
    "sops-not-a-secret",
    SOPS,
    Info,
    "notes a SOPS file that is not a Kubernetes Secret (the Secret checks do not apply)",
    "",
);

/// Every file check, in the order of the docs.
pub const FILE_CHECKS: &[CheckInfo] = &[
    YAML_INVALID,
    YAML_MISSING_SPACE,
    STRAY_QUOTE,
    DUPLICATE_KEY,
    ENV_SYNTAX,
    ENV_INLINE_COMMENT,
    ENV_NOT_PASSED,
    AUTH_BLOCK_MISSING,
    UNKNOWN_KEY,
    ENV_NOT_READ,
    HELM_VALUE_TYPE,
    HELM_SECRET_INLINE,
    PLACEHOLDER,
    KEY_IN_VALUE,
    PROVIDER_INVALID,
    PROVIDER_NOT_CUSTOM_OIDC,
    SSO_NOT_CONFIGURED,
    NOT_KEYCLOAK,
    MISSING_KEY,
    CLIENT_TYPE_INVALID,
    PUBLIC_WITH_OIDC,
    CONFIDENTIAL_WITHOUT_SECRET,
    HELM_OIDC_NOT_ENABLED,
    PUBLIC_KEYS_MISSING,
    PUBLIC_KEYS_NOT_LIST,
    PUBLIC_KEYS_NO_OM_JWKS,
    PUBLIC_KEYS_NO_REALM_CERTS,
    AUTHORITY_NOT_ISSUER,
    DISCOVERY_URI_INVALID,
    REALM_PATH_MIXED,
    REALM_MISMATCH,
    MASTER_REALM,
    URL_INVALID,
    LOCALHOST_FROM_CONTAINER,
    CALLBACK_AUTH_CALLBACK,
    CALLBACK_PATH,
    CALLBACK_SERVER_MISMATCH,
    CUSTOM_PARAMS_EMPTY,
    PRINCIPAL_DOMAIN_EXAMPLE,
    ADMIN_PRINCIPALS_EMPTY,
    ADMIN_PRINCIPAL_UNMATCHABLE,
    PRINCIPAL_DOMAIN_INVALID,
    PRINCIPAL_CLAIMS_ORDER,
    CUSTOM_PARAMS_CHART,
    ENV_VALUE_YAML,
    QUICKSTART_JWT_KEY,
    QUICKSTART_KEY_FILE,
    QUICKSTART_FERNET_KEY,
    SOPS_INVALID,
    SOPS_NO_RECIPIENTS,
    SOPS_RECIPIENT_INVALID,
    SOPS_OTHER_KEYS,
    SOPS_NO_MAC,
    SOPS_MAC_DAMAGED,
    SOPS_MAC_ONLY_ENCRYPTED,
    SOPS_RULE_SKIPS_DATA,
    SOPS_PLAINTEXT,
    SOPS_VALUE_DAMAGED,
    SOPS_VALUE_TYPE,
    SOPS_MAC_MISMATCH,
    SOPS_NOT_DECRYPTED,
    SOPS_UNEXPECTED_KEY,
    SOPS_NOT_A_SECRET,
];

/// The checks about where the server runs (its container or pod): besides `verify --file`,
/// render and run warn with them about the files they write, and live verify about the env
/// file and Helm values beside the file it checks ([`crate::lint::deployment_findings`]).
pub const DEPLOYMENT_CHECKS: &[&str] = &[LOCALHOST_FROM_CONTAINER.name];

/// The checks about keys and value types a release (or its chart) accepts; render refuses
/// its own output when one of them fires.
pub const KEY_CHECKS: &[&str] = &[
    UNKNOWN_KEY.name,
    ENV_NOT_READ.name,
    HELM_VALUE_TYPE.name,
    HELM_SECRET_INLINE.name,
];
