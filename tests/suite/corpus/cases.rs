//! The corpus: one entry per real misconfiguration, each its own test.

use super::{Base, Case};

/// Declares the cases as `CASES` and one `#[test]` per case.
macro_rules! corpus {
    ($($name:ident { $($field:ident: $value:expr),* $(,)? })*) => {
        pub const CASES: &[Case] = &[$(Case { name: stringify!($name), $($field: $value),* }),*];
        $(
            #[test]
            fn $name() {
                super::check(CASES.iter().find(|c| c.name == stringify!($name)).unwrap());
            }
        )*
    };
}

const NONE: &[&str] = &[];

corpus! {
    container_localhost_certs {
        source: "https://github.com/open-metadata/OpenMetadata/issues/7567",
        what: "AUTHENTICATION_PUBLIC_KEYS pointed at localhost:8080, which inside the server container is the container itself: \"No key found in with kid\"",
        base: Base::Env,
        edits: &[("http://keycloak:8080/realms/data/protocol/openid-connect/certs,", "http://localhost:8080/realms/data/protocol/openid-connect/certs,")],
        args: NONE, check: "localhost-from-container", severity: "warning", hint: "use the Keycloak address the server reaches",
    }
    om_jwks_old_path {
        source: "https://github.com/open-metadata/OpenMetadata/issues/9525",
        what: "publicKeyUrls named OpenMetadata's JWKS at /api/v1/config/jwks, not /api/v1/system/config/jwks, so the server's own tokens had no key",
        base: Base::Yaml,
        edits: &[("https://openmetadata.example.com/api/v1/system/config/jwks", "https://localhost:8585/api/v1/config/jwks")],
        args: NONE, check: "public-keys-no-om-jwks", severity: "error", hint: "/api/v1/system/config/jwks",
    }
    public_client_with_oidc {
        source: "https://github.com/open-metadata/OpenMetadata/issues/20811",
        what: "clientType public together with oidcConfiguration.enabled: 404 on /callback and 401 on loggedInUser",
        base: Base::Helm,
        edits: &[("clientType: confidential", "clientType: public")],
        args: NONE, check: "public-with-oidc", severity: "error", hint: "pick one flow",
    }
    publickeys_without_om_jwks {
        source: "https://github.com/open-metadata/OpenMetadata/issues/20811",
        what: "publicKeys listed only the realm's certs, not OpenMetadata's own JWKS, so its own tokens are refused",
        base: Base::Helm,
        edits: &[("        - \"http://openmetadata:8585/api/v1/system/config/jwks\"\n", "")],
        args: NONE, check: "public-keys-no-om-jwks", severity: "error", hint: "add <openmetadata-url>/api/v1/system/config/jwks",
    }
    authority_is_auth_endpoint {
        source: "https://github.com/open-metadata/OpenMetadata/issues/23508",
        what: "authority set to the realm's /protocol/openid-connect/auth endpoint (as in the Kubernetes docs) instead of the issuer",
        base: Base::Helm,
        edits: &[("authority: \"https://sso.example.com/realms/data\"", "authority: \"https://sso.example.com/realms/data/protocol/openid-connect/auth\"")],
        args: NONE, check: "authority-not-issuer", severity: "error", hint: "set it to the realm's issuer, <keycloak>/realms/<realm>",
    }
    initial_admins_blank {
        source: "https://github.com/open-metadata/openmetadata-helm-charts/issues/316",
        what: "initialAdmins: [\"\"] copied from the docs' values: nobody is an admin once SSO replaces the basic login",
        base: Base::Helm,
        edits: &[("        - \"alice\"", "        - \"\"")],
        args: NONE, check: "admin-principals-empty", severity: "error", hint: "list the user names of your admins",
    }
    principal_domain_blank {
        source: "https://github.com/open-metadata/openmetadata-helm-charts/issues/316",
        what: "principalDomain: \"\" copied from the same values: the addresses OpenMetadata makes (name@) fail its email check",
        base: Base::Helm,
        edits: &[("principalDomain: \"example.com\"", "principalDomain: \"\"")],
        args: NONE, check: "principal-domain-invalid", severity: "error", hint: "to your organisation's email domain",
    }
    custom_params_quoted_by_chart {
        source: "https://github.com/open-metadata/openmetadata-helm-charts/issues/229",
        what: "on charts before 1.6.4 customParams goes through `quote`, so the server gets a string where it needs a map and the migration container fails",
        base: Base::Helm,
        edits: &[],
        args: &["--chart-version", "1.6.3"], check: "custom-params-chart", severity: "error", hint: "write customParams: null",
    }
    custom_params_empty_string {
        source: "https://github.com/open-metadata/openmetadata-helm-charts/issues/245",
        what: "customParams: \"\" fails the server's config parsing (\"Cannot coerce empty String\")",
        base: Base::Yaml,
        edits: &[("customParams: {}", "customParams: \"\"")],
        args: NONE, check: "custom-params-empty", severity: "error", hint: "write customParams: {} or leave it out",
    }
    oidc_not_enabled {
        source: "https://github.com/open-metadata/openmetadata-helm-charts/issues/462",
        what: "a confidential client without oidcConfiguration.enabled: true, so the chart renders no OIDC settings",
        base: Base::Helm,
        edits: &[("        enabled: true\n", "")],
        args: NONE, check: "helm-oidc-not-enabled", severity: "error", hint: "oidcConfiguration.enabled: true",
    }
    provider_not_set {
        source: "https://github.com/open-metadata/OpenMetadata/issues/26241",
        what: "the env file set the OIDC values but not AUTHENTICATION_PROVIDER, so the login page stays basic",
        base: Base::Env,
        edits: &[("AUTHENTICATION_PROVIDER=custom-oidc\n", "")],
        args: NONE, check: "provider-not-custom-oidc", severity: "error", hint: "set AUTHENTICATION_PROVIDER to custom-oidc",
    }
    variable_not_passed_by_compose {
        source: "https://github.com/open-metadata/OpenMetadata/issues/26241",
        what: "a variable the quickstart compose file does not pass to the server is silently dropped",
        base: Base::Env,
        edits: &[("", "AUTHENTICATION_ENABLE_AUTO_REDIRECT=true")],
        args: NONE, check: "env-not-passed", severity: "warning", hint: "under openmetadata-server.environment",
    }
    custom_params_stray_brace {
        source: "https://github.com/open-metadata/OpenMetadata/issues/24193",
        what: "OIDC_CUSTOM_PARAMS={} in the env file: the compose file's ${OIDC_CUSTOM_PARAMS:-{}} turns it into {}} and the server stops on \"Malformed YAML\"",
        base: Base::Env,
        edits: &[("", "OIDC_CUSTOM_PARAMS={}")],
        args: NONE, check: "env-value-yaml", severity: "error", hint: "remove OIDC_CUSTOM_PARAMS from the env file",
    }
    admin_name_password {
        source: "https://github.com/open-metadata/OpenMetadata/issues/15518",
        what: "adminPrincipals written as name:password (the basic-auth docs' form): the whole text becomes the user name",
        base: Base::Yaml,
        edits: &[("    - \"alice\"", "    - \"alice:password1\"")],
        args: NONE, check: "admin-principal-unmatchable", severity: "error", hint: "write `alice` instead",
    }
    principal_domain_list {
        source: "https://github.com/open-metadata/OpenMetadata/issues/3757",
        what: "principalDomain: \"abc.org, xyz.org\": OpenMetadata takes it as one domain and loggedInUser fails (\"email must match\")",
        base: Base::Yaml,
        edits: &[("principalDomain: \"example.com\"", "principalDomain: \"abc.org, xyz.org\"")],
        args: NONE, check: "principal-domain-invalid", severity: "error", hint: "to your organisation's email domain",
    }
    old_initial_admin_key {
        source: "https://github.com/open-metadata/OpenMetadata/issues/3757",
        what: "initialAdmin (the pre-1.0 key) in the authorizer block, which the server's schema no longer knows",
        base: Base::Yaml,
        edits: &[("  principalDomain: \"example.com\"", "  principalDomain: \"example.com\"\n  initialAdmin: \"alice\"")],
        args: NONE, check: "unknown-key", severity: "error", hint: "remove it",
    }
    realm_path_mixed {
        source: "https://docs.getcollate.io/deployment/security/keycloak/bare-metal",
        what: "the docs' publicKeyUrls and authority use /auth/realms/ while the discovery URI uses /realms/: one of them 404s on any Keycloak",
        base: Base::Yaml,
        edits: &[("authority: \"https://sso.example.com/realms/data\"", "authority: \"https://sso.example.com/auth/realms/data\"")],
        args: NONE, check: "realm-path-mixed", severity: "error", hint: "use /realms/ for Keycloak 17 and later",
    }
    discovery_uri_no_space {
        source: "http://164.92.160.200:3000/yujunjun/OpenMetadata/blame/branch/fix_postgres_public/openmetadata-docs/content/v1.7.x/deployment/security/keycloak/bare-metal.md",
        what: "the docs' discoveryUri:\"…\" has no space after the colon, so YAML reads one plain string, not a key",
        base: Base::Yaml,
        edits: &[("discoveryUri: \"http", "discoveryUri:\"http")],
        args: NONE, check: "yaml-missing-space", severity: "error", hint: "with a space after the colon",
    }
    public_key_urls_twice {
        source: "http://164.92.160.200:3000/yujunjun/OpenMetadata/blame/branch/fix_postgres_public/openmetadata-docs/content/v1.7.x/deployment/security/keycloak/bare-metal.md",
        what: "the docs' example sets publicKeyUrls twice; the last one silently wins",
        base: Base::Yaml,
        edits: &[("  authority: \"https://sso.example.com/realms/data\"", "  publicKeyUrls:\n    - \"http://keycloak:8080/realms/data/protocol/openid-connect/certs\"\n    - \"https://openmetadata.example.com/api/v1/system/config/jwks\"\n  authority: \"https://sso.example.com/realms/data\"")],
        args: NONE, check: "duplicate-key", severity: "warning", hint: "keep one of them",
    }
    docs_placeholder_left {
        source: "https://docs.open-metadata.org/v1.12.x/deployment/security/keycloak/docker.md",
        what: "`https://{your domain}/api/v1/system/config/jwks` from the docs left in the env file",
        base: Base::Env,
        edits: &[("http://localhost:8585/api/v1/system/config/jwks]", "https://{your domain}/api/v1/system/config/jwks]")],
        args: NONE, check: "placeholder", severity: "error", hint: "replace the placeholder, braces included",
    }
    authority_in_braces {
        source: "https://docs.open-metadata.org/v1.12.x/deployment/security/keycloak/docker.md",
        what: "AUTHENTICATION_AUTHORITY={http://localhost:8080/realms/{your-realm}} from the docs, braces and all",
        base: Base::Env,
        edits: &[("AUTHENTICATION_AUTHORITY=http://localhost:8180/realms/data", "AUTHENTICATION_AUTHORITY={http://localhost:8180/realms/data}")],
        args: NONE, check: "authority-not-issuer", severity: "error", hint: "remove the braces",
    }
    inline_comment_in_env {
        source: "https://docs.open-metadata.org/v1.12.x/deployment/security/keycloak/docker.md",
        what: "the docs' `AUTHORIZER_ADMIN_PRINCIPALS=[admin]   # john.doe from …`: env-file readers keep the comment as part of the value",
        base: Base::Env,
        edits: &[("AUTHORIZER_ADMIN_PRINCIPALS=[alice]", "AUTHORIZER_ADMIN_PRINCIPALS=[alice]                 # john.doe from john.doe@example.com")],
        args: NONE, check: "env-inline-comment", severity: "warning", hint: "move the comment to its own line",
    }
    claims_sub_first {
        source: "https://docs.getcollate.io/deployment/security/keycloak/bare-metal",
        what: "jwtPrincipalClaims reordered with sub first (the docs warn against changing the order): every user is named by Keycloak's UUID",
        base: Base::Yaml,
        edits: &[("  clientId: \"open-metadata\"\n", "  clientId: \"open-metadata\"\n  jwtPrincipalClaims: [\"sub\", \"email\", \"preferred_username\"]\n")],
        args: NONE, check: "principal-claims-order", severity: "error", hint: "[email, preferred_username, sub]",
    }
    claims_username_first {
        source: "https://github.com/open-metadata/OpenMetadata/pull/33737",
        what: "an order starting at preferred_username makes up name@principalDomain addresses and loggedInUser fails with \"Account already exists\"",
        base: Base::Yaml,
        edits: &[("  clientId: \"open-metadata\"\n", "  clientId: \"open-metadata\"\n  jwtPrincipalClaims: [\"preferred_username\", \"email\", \"sub\"]\n")],
        args: NONE, check: "principal-claims-order", severity: "warning", hint: "[email, preferred_username, sub]",
    }
    admin_full_email {
        source: "https://docs.getcollate.io/deployment/security/keycloak/kubernetes",
        what: "initialAdmins given as full addresses, though OpenMetadata compares them with the user name (john.doe from john.doe@example.com)",
        base: Base::Helm,
        edits: &[("        - \"alice\"", "        - \"alice@example.com\"")],
        args: NONE, check: "admin-principal-unmatchable", severity: "error", hint: "write `alice` instead",
    }
    helm_pod_at_localhost {
        source: "https://github.com/open-metadata/OpenMetadata/issues/7567",
        what: "the pod fetches the realm's keys at 127.0.0.1, which is the pod itself",
        base: Base::Helm,
        edits: &[("        - \"http://keycloak.sso.svc.cluster.local:8080/realms/data/protocol/openid-connect/certs\"", "        - \"http://127.0.0.1:8080/realms/data/protocol/openid-connect/certs\"")],
        args: NONE, check: "localhost-from-container", severity: "warning", hint: "the Keycloak Service name in Kubernetes",
    }
    discovery_uri_missing {
        source: "https://github.com/open-metadata/OpenMetadata/pull/16485",
        what: "a confidential client without OIDC_DISCOVERY_URI: pac4j stops with \"You must define either the discovery URL or directly the provider metadata\"",
        base: Base::Env,
        edits: &[("OIDC_DISCOVERY_URI=http://keycloak:8080/realms/data/.well-known/openid-configuration\n", "")],
        args: NONE, check: "missing-key", severity: "error", hint: "/.well-known/openid-configuration",
    }
    misspelled_variable {
        source: "https://github.com/open-metadata/OpenMetadata/pull/5403",
        what: "AUTHENTICATION_CALBACK_URL, a misspelled name (once in OpenMetadata's own config): nothing reads it, so the callback is never set",
        base: Base::Env,
        edits: &[("", "AUTHENTICATION_CALBACK_URL=http://localhost:8585/callback")],
        args: NONE, check: "env-not-read", severity: "warning", hint: "rename it to AUTHENTICATION_CALLBACK_URL",
    }
    url_without_scheme {
        source: "https://github.com/open-metadata/OpenMetadata/issues/25775",
        what: "pac4j needs full URLs to build the redirect URI (\"Redirect URI is required\" in that thread); a server URL written as a bare host is one way to lose it (inferred, not the thread's own cause)",
        base: Base::Env,
        edits: &[("OIDC_SERVER_URL=http://localhost:8585", "OIDC_SERVER_URL=localhost:8585")],
        args: NONE, check: "url-invalid", severity: "error", hint: "starting with http:// or https://",
    }
    keycloak_as_provider {
        source: "https://docs.open-metadata.org/v1.12.x/deployment/security/keycloak/docker.md",
        what: "AUTHENTICATION_PROVIDER=keycloak, though the docs say `Use \"custom-oidc\" for Keycloak`: OpenMetadata has no keycloak provider",
        base: Base::Env,
        edits: &[("AUTHENTICATION_PROVIDER=custom-oidc", "AUTHENTICATION_PROVIDER=keycloak")],
        args: NONE, check: "provider-invalid", severity: "error", hint: "custom-oidc",
    }
    ui_callback_route {
        source: "https://github.com/open-metadata/OpenMetadata/issues/28062",
        what: "an endless /signin loop after an upgrade; the OIDC callback at the UI route /auth/callback instead of the server's /callback is one cause of it (inferred, the thread shows no resolution)",
        base: Base::Yaml,
        edits: &[("callbackUrl: \"https://openmetadata.example.com/callback\"", "callbackUrl: \"https://openmetadata.example.com/auth/callback\"")],
        args: NONE, check: "callback-auth-callback", severity: "error", hint: "use <openmetadata-url>/callback",
    }
}
