//! What every OpenMetadata quickstart ships and no production server may keep (issue 19): the
//! JWT key pair every image, compose file and Helm chart carries, the Fernet key, and the
//! basic-auth `admin` account the server creates at its first start. Data only; `verify`,
//! `verify --file` and `remove-default-admin` read it.
//!
//! The key pair: `conf/private_key.der` ships in every server image, so anyone can sign a
//! token the server accepts while its JWKS (`/api/v1/system/config/jwks`) serves that key.
//! OpenMetadata publishes tokens signed with it in its own releases: the
//! `openmetadata-ingestion` wheel on PyPI (1.12.14.2 and others) carries an admin token with no
//! expiry in `metadata/examples/workflows/*.yaml` and an ingestion-bot token in `sas.yaml`. The
//! key is recognised by its value ([`THUMBPRINT`]), not by its well-known key id: a
//! server that serves the quickstart key under another `kid` trusts those tokens all the same.

/// The quickstart key id (`jwtTokenConfiguration.keyId`, `JWT_KEY_ID`, Helm
/// `openmetadata.config.jwtTokenConfiguration.keyId`).
pub const KEY_ID: &str = "Gb389a-9f76-gdjs-a92j-0242bk94356";
/// Where the quickstart configuration points the server at the key pair (relative to the
/// server's folder; the image ships both files there).
pub const PUBLIC_KEY_PATH: &str = "./conf/public_key.der";
pub const PRIVATE_KEY_PATH: &str = "./conf/private_key.der";

/// The RFC 7638 thumbprint of the quickstart public key (RSA 2048, e = 65537). The key was
/// derived from the two tokens every released `openmetadata-ingestion` wheel publishes
/// (`scripts/quickstart-key` derives the key and prints this thumbprint);
/// tests/suite/quickstart_key.rs checks both tokens of every release line's wheel against it.
pub const THUMBPRINT: &str = "Db0dhKG2UYMwVssQYb4_2XxUSyB2gmaXm-nOhX2Hvug";

/// The quickstart Fernet key (`fernetConfiguration.fernetKey`, `FERNET_KEY`, Helm
/// `openmetadata.config.fernetkey.value`): the default of conf/openmetadata.yaml, the
/// quickstart compose file and every released chart. The server encrypts the secrets it stores
/// (service connection passwords, bot credentials) with it.
pub const FERNET_KEY: &str = "jJ/9sz0g0OHxsfxOoSfdFdmk3ysNmPRnH3TUAbz3IHA=";

/// The account the server creates at start-up for the quickstart's `adminPrincipals: [admin]`
/// (its basic-auth password is `admin`).
pub const ADMIN_NAME: &str = "admin";
/// The quickstart `principalDomain`: the start-up bootstrap gives each admin principal the
/// email `<name>@<principalDomain>`, so the quickstart's admin is `admin@open-metadata.org`.
pub const PRINCIPAL_DOMAIN: &str = "open-metadata.org";

/// Whether a user's email is at the quickstart principal domain (case as the server stores
/// it: lower case; compared without case all the same).
pub fn is_quickstart_email(email: &str) -> bool {
    email
        .rsplit_once('@')
        .is_some_and(|(_, domain)| domain.eq_ignore_ascii_case(PRINCIPAL_DOMAIN))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quickstart_domain_is_told_apart_without_case() {
        assert!(is_quickstart_email("admin@open-metadata.org"));
        assert!(is_quickstart_email("admin@Open-Metadata.org"));
        assert!(!is_quickstart_email("admin@example.com"));
        assert!(!is_quickstart_email("admin"));
    }
}
