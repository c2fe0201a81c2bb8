// @generated (temporary lead copy; replaced by scripts/om-models generate)

use super::fields::{ChartValues, ModelField, ReleasedModels, ValueType};

pub const MODELS: &[ReleasedModels] = &[
    ReleasedModels {
        line: (1, 6),
        wheel: "1.6.13.2",
        authentication: &[
            ModelField {
                key: "clientType",
                required: false,
            },
            ModelField {
                key: "provider",
                required: true,
            },
            ModelField {
                key: "responseType",
                required: false,
            },
            ModelField {
                key: "providerName",
                required: true,
            },
            ModelField {
                key: "publicKeyUrls",
                required: true,
            },
            ModelField {
                key: "tokenValidationAlgorithm",
                required: false,
            },
            ModelField {
                key: "authority",
                required: true,
            },
            ModelField {
                key: "clientId",
                required: true,
            },
            ModelField {
                key: "callbackUrl",
                required: true,
            },
            ModelField {
                key: "jwtPrincipalClaims",
                required: true,
            },
            ModelField {
                key: "jwtPrincipalClaimsMapping",
                required: false,
            },
            ModelField {
                key: "enableSelfSignup",
                required: false,
            },
            ModelField {
                key: "ldapConfiguration",
                required: false,
            },
            ModelField {
                key: "samlConfiguration",
                required: false,
            },
            ModelField {
                key: "oidcConfiguration",
                required: false,
            },
        ],
        authorizer: &[
            ModelField {
                key: "className",
                required: true,
            },
            ModelField {
                key: "containerRequestFilter",
                required: true,
            },
            ModelField {
                key: "adminPrincipals",
                required: true,
            },
            ModelField {
                key: "botPrincipals",
                required: false,
            },
            ModelField {
                key: "testPrincipals",
                required: false,
            },
            ModelField {
                key: "allowedEmailRegistrationDomains",
                required: false,
            },
            ModelField {
                key: "principalDomain",
                required: true,
            },
            ModelField {
                key: "allowedDomains",
                required: false,
            },
            ModelField {
                key: "enforcePrincipalDomain",
                required: true,
            },
            ModelField {
                key: "enableSecureSocketConnection",
                required: true,
            },
            ModelField {
                key: "useRolesFromProvider",
                required: false,
            },
        ],
        oidc: &[
            ModelField {
                key: "type",
                required: false,
            },
            ModelField {
                key: "id",
                required: false,
            },
            ModelField {
                key: "secret",
                required: false,
            },
            ModelField {
                key: "scope",
                required: false,
            },
            ModelField {
                key: "discoveryUri",
                required: false,
            },
            ModelField {
                key: "useNonce",
                required: false,
            },
            ModelField {
                key: "preferredJwsAlgorithm",
                required: false,
            },
            ModelField {
                key: "responseType",
                required: false,
            },
            ModelField {
                key: "disablePkce",
                required: false,
            },
            ModelField {
                key: "maxClockSkew",
                required: false,
            },
            ModelField {
                key: "clientAuthenticationMethod",
                required: false,
            },
            ModelField {
                key: "tokenValidity",
                required: false,
            },
            ModelField {
                key: "customParams",
                required: false,
            },
            ModelField {
                key: "tenant",
                required: false,
            },
            ModelField {
                key: "serverUrl",
                required: false,
            },
            ModelField {
                key: "callbackUrl",
                required: false,
            },
        ],
    },
    ReleasedModels {
        line: (1, 7),
        wheel: "1.7.7.4",
        authentication: &[
            ModelField {
                key: "clientType",
                required: false,
            },
            ModelField {
                key: "provider",
                required: true,
            },
            ModelField {
                key: "responseType",
                required: false,
            },
            ModelField {
                key: "providerName",
                required: true,
            },
            ModelField {
                key: "publicKeyUrls",
                required: true,
            },
            ModelField {
                key: "tokenValidationAlgorithm",
                required: false,
            },
            ModelField {
                key: "authority",
                required: true,
            },
            ModelField {
                key: "clientId",
                required: true,
            },
            ModelField {
                key: "callbackUrl",
                required: true,
            },
            ModelField {
                key: "jwtPrincipalClaims",
                required: true,
            },
            ModelField {
                key: "jwtPrincipalClaimsMapping",
                required: false,
            },
            ModelField {
                key: "enableSelfSignup",
                required: false,
            },
            ModelField {
                key: "ldapConfiguration",
                required: false,
            },
            ModelField {
                key: "samlConfiguration",
                required: false,
            },
            ModelField {
                key: "oidcConfiguration",
                required: false,
            },
        ],
        authorizer: &[
            ModelField {
                key: "className",
                required: true,
            },
            ModelField {
                key: "containerRequestFilter",
                required: true,
            },
            ModelField {
                key: "adminPrincipals",
                required: true,
            },
            ModelField {
                key: "botPrincipals",
                required: false,
            },
            ModelField {
                key: "testPrincipals",
                required: false,
            },
            ModelField {
                key: "allowedEmailRegistrationDomains",
                required: false,
            },
            ModelField {
                key: "principalDomain",
                required: true,
            },
            ModelField {
                key: "allowedDomains",
                required: false,
            },
            ModelField {
                key: "enforcePrincipalDomain",
                required: true,
            },
            ModelField {
                key: "enableSecureSocketConnection",
                required: true,
            },
            ModelField {
                key: "useRolesFromProvider",
                required: false,
            },
        ],
        oidc: &[
            ModelField {
                key: "type",
                required: false,
            },
            ModelField {
                key: "id",
                required: false,
            },
            ModelField {
                key: "secret",
                required: false,
            },
            ModelField {
                key: "scope",
                required: false,
            },
            ModelField {
                key: "discoveryUri",
                required: false,
            },
            ModelField {
                key: "useNonce",
                required: false,
            },
            ModelField {
                key: "preferredJwsAlgorithm",
                required: false,
            },
            ModelField {
                key: "responseType",
                required: false,
            },
            ModelField {
                key: "disablePkce",
                required: false,
            },
            ModelField {
                key: "maxClockSkew",
                required: false,
            },
            ModelField {
                key: "clientAuthenticationMethod",
                required: false,
            },
            ModelField {
                key: "tokenValidity",
                required: false,
            },
            ModelField {
                key: "customParams",
                required: false,
            },
            ModelField {
                key: "tenant",
                required: false,
            },
            ModelField {
                key: "serverUrl",
                required: false,
            },
            ModelField {
                key: "callbackUrl",
                required: false,
            },
            ModelField {
                key: "maxAge",
                required: false,
            },
            ModelField {
                key: "prompt",
                required: false,
            },
        ],
    },
    ReleasedModels {
        line: (1, 8),
        wheel: "1.8.12.0",
        authentication: &[
            ModelField {
                key: "clientType",
                required: false,
            },
            ModelField {
                key: "provider",
                required: true,
            },
            ModelField {
                key: "responseType",
                required: false,
            },
            ModelField {
                key: "providerName",
                required: true,
            },
            ModelField {
                key: "publicKeyUrls",
                required: true,
            },
            ModelField {
                key: "tokenValidationAlgorithm",
                required: false,
            },
            ModelField {
                key: "authority",
                required: true,
            },
            ModelField {
                key: "clientId",
                required: true,
            },
            ModelField {
                key: "callbackUrl",
                required: true,
            },
            ModelField {
                key: "jwtPrincipalClaims",
                required: true,
            },
            ModelField {
                key: "jwtPrincipalClaimsMapping",
                required: false,
            },
            ModelField {
                key: "enableSelfSignup",
                required: false,
            },
            ModelField {
                key: "ldapConfiguration",
                required: false,
            },
            ModelField {
                key: "samlConfiguration",
                required: false,
            },
            ModelField {
                key: "oidcConfiguration",
                required: false,
            },
        ],
        authorizer: &[
            ModelField {
                key: "className",
                required: true,
            },
            ModelField {
                key: "containerRequestFilter",
                required: true,
            },
            ModelField {
                key: "adminPrincipals",
                required: true,
            },
            ModelField {
                key: "botPrincipals",
                required: false,
            },
            ModelField {
                key: "testPrincipals",
                required: false,
            },
            ModelField {
                key: "allowedEmailRegistrationDomains",
                required: false,
            },
            ModelField {
                key: "principalDomain",
                required: true,
            },
            ModelField {
                key: "allowedDomains",
                required: false,
            },
            ModelField {
                key: "enforcePrincipalDomain",
                required: true,
            },
            ModelField {
                key: "enableSecureSocketConnection",
                required: true,
            },
            ModelField {
                key: "useRolesFromProvider",
                required: false,
            },
        ],
        oidc: &[
            ModelField {
                key: "type",
                required: false,
            },
            ModelField {
                key: "id",
                required: false,
            },
            ModelField {
                key: "secret",
                required: false,
            },
            ModelField {
                key: "scope",
                required: false,
            },
            ModelField {
                key: "discoveryUri",
                required: false,
            },
            ModelField {
                key: "useNonce",
                required: false,
            },
            ModelField {
                key: "preferredJwsAlgorithm",
                required: false,
            },
            ModelField {
                key: "responseType",
                required: false,
            },
            ModelField {
                key: "disablePkce",
                required: false,
            },
            ModelField {
                key: "maxClockSkew",
                required: false,
            },
            ModelField {
                key: "clientAuthenticationMethod",
                required: false,
            },
            ModelField {
                key: "tokenValidity",
                required: false,
            },
            ModelField {
                key: "customParams",
                required: false,
            },
            ModelField {
                key: "tenant",
                required: false,
            },
            ModelField {
                key: "serverUrl",
                required: false,
            },
            ModelField {
                key: "callbackUrl",
                required: false,
            },
            ModelField {
                key: "maxAge",
                required: false,
            },
            ModelField {
                key: "prompt",
                required: false,
            },
            ModelField {
                key: "sessionExpiry",
                required: false,
            },
        ],
    },
    ReleasedModels {
        line: (1, 9),
        wheel: "1.9.17.6",
        authentication: &[
            ModelField {
                key: "clientType",
                required: false,
            },
            ModelField {
                key: "provider",
                required: true,
            },
            ModelField {
                key: "responseType",
                required: false,
            },
            ModelField {
                key: "providerName",
                required: true,
            },
            ModelField {
                key: "publicKeyUrls",
                required: true,
            },
            ModelField {
                key: "tokenValidationAlgorithm",
                required: false,
            },
            ModelField {
                key: "authority",
                required: true,
            },
            ModelField {
                key: "clientId",
                required: true,
            },
            ModelField {
                key: "callbackUrl",
                required: true,
            },
            ModelField {
                key: "jwtPrincipalClaims",
                required: true,
            },
            ModelField {
                key: "jwtPrincipalClaimsMapping",
                required: false,
            },
            ModelField {
                key: "enableSelfSignup",
                required: false,
            },
            ModelField {
                key: "ldapConfiguration",
                required: false,
            },
            ModelField {
                key: "samlConfiguration",
                required: false,
            },
            ModelField {
                key: "oidcConfiguration",
                required: false,
            },
        ],
        authorizer: &[
            ModelField {
                key: "className",
                required: true,
            },
            ModelField {
                key: "containerRequestFilter",
                required: true,
            },
            ModelField {
                key: "adminPrincipals",
                required: true,
            },
            ModelField {
                key: "botPrincipals",
                required: false,
            },
            ModelField {
                key: "testPrincipals",
                required: false,
            },
            ModelField {
                key: "allowedEmailRegistrationDomains",
                required: false,
            },
            ModelField {
                key: "principalDomain",
                required: true,
            },
            ModelField {
                key: "allowedDomains",
                required: false,
            },
            ModelField {
                key: "enforcePrincipalDomain",
                required: true,
            },
            ModelField {
                key: "enableSecureSocketConnection",
                required: true,
            },
            ModelField {
                key: "useRolesFromProvider",
                required: false,
            },
        ],
        oidc: &[
            ModelField {
                key: "type",
                required: false,
            },
            ModelField {
                key: "id",
                required: false,
            },
            ModelField {
                key: "secret",
                required: false,
            },
            ModelField {
                key: "scope",
                required: false,
            },
            ModelField {
                key: "discoveryUri",
                required: false,
            },
            ModelField {
                key: "useNonce",
                required: false,
            },
            ModelField {
                key: "preferredJwsAlgorithm",
                required: false,
            },
            ModelField {
                key: "responseType",
                required: false,
            },
            ModelField {
                key: "disablePkce",
                required: false,
            },
            ModelField {
                key: "maxClockSkew",
                required: false,
            },
            ModelField {
                key: "clientAuthenticationMethod",
                required: false,
            },
            ModelField {
                key: "tokenValidity",
                required: false,
            },
            ModelField {
                key: "customParams",
                required: false,
            },
            ModelField {
                key: "tenant",
                required: false,
            },
            ModelField {
                key: "serverUrl",
                required: false,
            },
            ModelField {
                key: "callbackUrl",
                required: false,
            },
            ModelField {
                key: "maxAge",
                required: false,
            },
            ModelField {
                key: "prompt",
                required: false,
            },
            ModelField {
                key: "sessionExpiry",
                required: false,
            },
        ],
    },
    ReleasedModels {
        line: (1, 10),
        wheel: "1.10.14.7",
        authentication: &[
            ModelField {
                key: "clientType",
                required: false,
            },
            ModelField {
                key: "provider",
                required: true,
            },
            ModelField {
                key: "responseType",
                required: false,
            },
            ModelField {
                key: "providerName",
                required: true,
            },
            ModelField {
                key: "publicKeyUrls",
                required: true,
            },
            ModelField {
                key: "tokenValidationAlgorithm",
                required: false,
            },
            ModelField {
                key: "authority",
                required: true,
            },
            ModelField {
                key: "clientId",
                required: true,
            },
            ModelField {
                key: "callbackUrl",
                required: true,
            },
            ModelField {
                key: "jwtPrincipalClaims",
                required: true,
            },
            ModelField {
                key: "jwtPrincipalClaimsMapping",
                required: false,
            },
            ModelField {
                key: "enableSelfSignup",
                required: false,
            },
            ModelField {
                key: "ldapConfiguration",
                required: false,
            },
            ModelField {
                key: "samlConfiguration",
                required: false,
            },
            ModelField {
                key: "oidcConfiguration",
                required: false,
            },
            ModelField {
                key: "forceSecureSessionCookie",
                required: false,
            },
        ],
        authorizer: &[
            ModelField {
                key: "className",
                required: true,
            },
            ModelField {
                key: "containerRequestFilter",
                required: true,
            },
            ModelField {
                key: "adminPrincipals",
                required: true,
            },
            ModelField {
                key: "botPrincipals",
                required: false,
            },
            ModelField {
                key: "testPrincipals",
                required: false,
            },
            ModelField {
                key: "allowedEmailRegistrationDomains",
                required: false,
            },
            ModelField {
                key: "principalDomain",
                required: true,
            },
            ModelField {
                key: "allowedDomains",
                required: false,
            },
            ModelField {
                key: "enforcePrincipalDomain",
                required: true,
            },
            ModelField {
                key: "enableSecureSocketConnection",
                required: true,
            },
            ModelField {
                key: "useRolesFromProvider",
                required: false,
            },
        ],
        oidc: &[
            ModelField {
                key: "type",
                required: false,
            },
            ModelField {
                key: "id",
                required: true,
            },
            ModelField {
                key: "secret",
                required: true,
            },
            ModelField {
                key: "scope",
                required: false,
            },
            ModelField {
                key: "discoveryUri",
                required: true,
            },
            ModelField {
                key: "useNonce",
                required: false,
            },
            ModelField {
                key: "preferredJwsAlgorithm",
                required: false,
            },
            ModelField {
                key: "responseType",
                required: false,
            },
            ModelField {
                key: "disablePkce",
                required: false,
            },
            ModelField {
                key: "maxClockSkew",
                required: false,
            },
            ModelField {
                key: "clientAuthenticationMethod",
                required: false,
            },
            ModelField {
                key: "tokenValidity",
                required: false,
            },
            ModelField {
                key: "customParams",
                required: false,
            },
            ModelField {
                key: "tenant",
                required: true,
            },
            ModelField {
                key: "serverUrl",
                required: false,
            },
            ModelField {
                key: "callbackUrl",
                required: false,
            },
            ModelField {
                key: "maxAge",
                required: false,
            },
            ModelField {
                key: "prompt",
                required: false,
            },
            ModelField {
                key: "sessionExpiry",
                required: false,
            },
        ],
    },
    ReleasedModels {
        line: (1, 11),
        wheel: "1.11.14.0",
        authentication: &[
            ModelField {
                key: "clientType",
                required: false,
            },
            ModelField {
                key: "provider",
                required: true,
            },
            ModelField {
                key: "responseType",
                required: false,
            },
            ModelField {
                key: "providerName",
                required: true,
            },
            ModelField {
                key: "publicKeyUrls",
                required: true,
            },
            ModelField {
                key: "tokenValidationAlgorithm",
                required: false,
            },
            ModelField {
                key: "authority",
                required: true,
            },
            ModelField {
                key: "clientId",
                required: true,
            },
            ModelField {
                key: "callbackUrl",
                required: true,
            },
            ModelField {
                key: "jwtPrincipalClaims",
                required: true,
            },
            ModelField {
                key: "jwtPrincipalClaimsMapping",
                required: false,
            },
            ModelField {
                key: "jwtTeamClaimMapping",
                required: false,
            },
            ModelField {
                key: "enableSelfSignup",
                required: false,
            },
            ModelField {
                key: "ldapConfiguration",
                required: false,
            },
            ModelField {
                key: "samlConfiguration",
                required: false,
            },
            ModelField {
                key: "oidcConfiguration",
                required: false,
            },
            ModelField {
                key: "forceSecureSessionCookie",
                required: false,
            },
            ModelField {
                key: "enableAutoRedirect",
                required: false,
            },
        ],
        authorizer: &[
            ModelField {
                key: "className",
                required: true,
            },
            ModelField {
                key: "containerRequestFilter",
                required: true,
            },
            ModelField {
                key: "adminPrincipals",
                required: true,
            },
            ModelField {
                key: "botPrincipals",
                required: false,
            },
            ModelField {
                key: "testPrincipals",
                required: false,
            },
            ModelField {
                key: "allowedEmailRegistrationDomains",
                required: false,
            },
            ModelField {
                key: "principalDomain",
                required: true,
            },
            ModelField {
                key: "allowedDomains",
                required: false,
            },
            ModelField {
                key: "enforcePrincipalDomain",
                required: true,
            },
            ModelField {
                key: "enableSecureSocketConnection",
                required: true,
            },
            ModelField {
                key: "useRolesFromProvider",
                required: false,
            },
        ],
        oidc: &[
            ModelField {
                key: "type",
                required: false,
            },
            ModelField {
                key: "id",
                required: true,
            },
            ModelField {
                key: "secret",
                required: true,
            },
            ModelField {
                key: "scope",
                required: false,
            },
            ModelField {
                key: "discoveryUri",
                required: true,
            },
            ModelField {
                key: "useNonce",
                required: false,
            },
            ModelField {
                key: "preferredJwsAlgorithm",
                required: false,
            },
            ModelField {
                key: "responseType",
                required: false,
            },
            ModelField {
                key: "disablePkce",
                required: false,
            },
            ModelField {
                key: "maxClockSkew",
                required: false,
            },
            ModelField {
                key: "clientAuthenticationMethod",
                required: false,
            },
            ModelField {
                key: "tokenValidity",
                required: false,
            },
            ModelField {
                key: "customParams",
                required: false,
            },
            ModelField {
                key: "tenant",
                required: true,
            },
            ModelField {
                key: "serverUrl",
                required: false,
            },
            ModelField {
                key: "callbackUrl",
                required: false,
            },
            ModelField {
                key: "maxAge",
                required: false,
            },
            ModelField {
                key: "prompt",
                required: false,
            },
            ModelField {
                key: "sessionExpiry",
                required: false,
            },
        ],
    },
    ReleasedModels {
        line: (1, 12),
        wheel: "1.12.14.2",
        authentication: &[
            ModelField {
                key: "clientType",
                required: false,
            },
            ModelField {
                key: "provider",
                required: true,
            },
            ModelField {
                key: "responseType",
                required: false,
            },
            ModelField {
                key: "providerName",
                required: true,
            },
            ModelField {
                key: "publicKeyUrls",
                required: false,
            },
            ModelField {
                key: "tokenValidationAlgorithm",
                required: false,
            },
            ModelField {
                key: "authority",
                required: false,
            },
            ModelField {
                key: "clientId",
                required: false,
            },
            ModelField {
                key: "callbackUrl",
                required: false,
            },
            ModelField {
                key: "jwtPrincipalClaims",
                required: true,
            },
            ModelField {
                key: "jwtPrincipalClaimsMapping",
                required: false,
            },
            ModelField {
                key: "jwtTeamClaimMapping",
                required: false,
            },
            ModelField {
                key: "enableSelfSignup",
                required: false,
            },
            ModelField {
                key: "ldapConfiguration",
                required: false,
            },
            ModelField {
                key: "samlConfiguration",
                required: false,
            },
            ModelField {
                key: "oidcConfiguration",
                required: false,
            },
            ModelField {
                key: "forceSecureSessionCookie",
                required: false,
            },
            ModelField {
                key: "enableAutoRedirect",
                required: false,
            },
        ],
        authorizer: &[
            ModelField {
                key: "className",
                required: true,
            },
            ModelField {
                key: "containerRequestFilter",
                required: true,
            },
            ModelField {
                key: "adminPrincipals",
                required: true,
            },
            ModelField {
                key: "botPrincipals",
                required: false,
            },
            ModelField {
                key: "testPrincipals",
                required: false,
            },
            ModelField {
                key: "allowedEmailRegistrationDomains",
                required: false,
            },
            ModelField {
                key: "principalDomain",
                required: true,
            },
            ModelField {
                key: "allowedDomains",
                required: false,
            },
            ModelField {
                key: "enforcePrincipalDomain",
                required: true,
            },
            ModelField {
                key: "enableSecureSocketConnection",
                required: true,
            },
            ModelField {
                key: "useRolesFromProvider",
                required: false,
            },
            ModelField {
                key: "defaultOAuthRole",
                required: false,
            },
        ],
        oidc: &[
            ModelField {
                key: "type",
                required: false,
            },
            ModelField {
                key: "id",
                required: true,
            },
            ModelField {
                key: "secret",
                required: true,
            },
            ModelField {
                key: "scope",
                required: false,
            },
            ModelField {
                key: "discoveryUri",
                required: true,
            },
            ModelField {
                key: "useNonce",
                required: false,
            },
            ModelField {
                key: "preferredJwsAlgorithm",
                required: false,
            },
            ModelField {
                key: "responseType",
                required: false,
            },
            ModelField {
                key: "disablePkce",
                required: false,
            },
            ModelField {
                key: "maxClockSkew",
                required: false,
            },
            ModelField {
                key: "clientAuthenticationMethod",
                required: false,
            },
            ModelField {
                key: "tokenValidity",
                required: false,
            },
            ModelField {
                key: "customParams",
                required: false,
            },
            ModelField {
                key: "tenant",
                required: true,
            },
            ModelField {
                key: "serverUrl",
                required: false,
            },
            ModelField {
                key: "callbackUrl",
                required: false,
            },
            ModelField {
                key: "maxAge",
                required: false,
            },
            ModelField {
                key: "prompt",
                required: false,
            },
            ModelField {
                key: "sessionExpiry",
                required: false,
            },
        ],
    },
    ReleasedModels {
        line: (1, 13),
        wheel: "1.13.6.3",
        authentication: &[
            ModelField {
                key: "clientType",
                required: false,
            },
            ModelField {
                key: "provider",
                required: true,
            },
            ModelField {
                key: "responseType",
                required: false,
            },
            ModelField {
                key: "providerName",
                required: true,
            },
            ModelField {
                key: "publicKeyUrls",
                required: false,
            },
            ModelField {
                key: "tokenValidationAlgorithm",
                required: false,
            },
            ModelField {
                key: "authority",
                required: false,
            },
            ModelField {
                key: "clientId",
                required: false,
            },
            ModelField {
                key: "callbackUrl",
                required: false,
            },
            ModelField {
                key: "jwtPrincipalClaims",
                required: true,
            },
            ModelField {
                key: "jwtPrincipalClaimsMapping",
                required: false,
            },
            ModelField {
                key: "jwtTeamClaimMapping",
                required: false,
            },
            ModelField {
                key: "enableSelfSignup",
                required: false,
            },
            ModelField {
                key: "ldapConfiguration",
                required: false,
            },
            ModelField {
                key: "samlConfiguration",
                required: false,
            },
            ModelField {
                key: "oidcConfiguration",
                required: false,
            },
            ModelField {
                key: "forceSecureSessionCookie",
                required: false,
            },
            ModelField {
                key: "enableAutoRedirect",
                required: false,
            },
        ],
        authorizer: &[
            ModelField {
                key: "className",
                required: true,
            },
            ModelField {
                key: "containerRequestFilter",
                required: true,
            },
            ModelField {
                key: "adminPrincipals",
                required: true,
            },
            ModelField {
                key: "botPrincipals",
                required: false,
            },
            ModelField {
                key: "testPrincipals",
                required: false,
            },
            ModelField {
                key: "allowedEmailRegistrationDomains",
                required: false,
            },
            ModelField {
                key: "principalDomain",
                required: true,
            },
            ModelField {
                key: "allowedDomains",
                required: false,
            },
            ModelField {
                key: "enforcePrincipalDomain",
                required: true,
            },
            ModelField {
                key: "enableSecureSocketConnection",
                required: true,
            },
            ModelField {
                key: "useRolesFromProvider",
                required: false,
            },
            ModelField {
                key: "defaultOAuthRole",
                required: false,
            },
        ],
        oidc: &[
            ModelField {
                key: "type",
                required: false,
            },
            ModelField {
                key: "id",
                required: true,
            },
            ModelField {
                key: "secret",
                required: true,
            },
            ModelField {
                key: "scope",
                required: false,
            },
            ModelField {
                key: "discoveryUri",
                required: true,
            },
            ModelField {
                key: "useNonce",
                required: false,
            },
            ModelField {
                key: "preferredJwsAlgorithm",
                required: false,
            },
            ModelField {
                key: "responseType",
                required: false,
            },
            ModelField {
                key: "disablePkce",
                required: false,
            },
            ModelField {
                key: "maxClockSkew",
                required: false,
            },
            ModelField {
                key: "clientAuthenticationMethod",
                required: false,
            },
            ModelField {
                key: "tokenValidity",
                required: false,
            },
            ModelField {
                key: "customParams",
                required: false,
            },
            ModelField {
                key: "tenant",
                required: true,
            },
            ModelField {
                key: "serverUrl",
                required: false,
            },
            ModelField {
                key: "callbackUrl",
                required: false,
            },
            ModelField {
                key: "maxAge",
                required: false,
            },
            ModelField {
                key: "prompt",
                required: false,
            },
            ModelField {
                key: "sessionExpiry",
                required: false,
            },
        ],
    },
    ReleasedModels {
        line: (2, 0),
        wheel: "2.0.7.0",
        authentication: &[
            ModelField {
                key: "clientType",
                required: false,
            },
            ModelField {
                key: "provider",
                required: true,
            },
            ModelField {
                key: "responseType",
                required: false,
            },
            ModelField {
                key: "providerName",
                required: true,
            },
            ModelField {
                key: "publicKeyUrls",
                required: false,
            },
            ModelField {
                key: "tokenValidationAlgorithm",
                required: false,
            },
            ModelField {
                key: "authority",
                required: false,
            },
            ModelField {
                key: "clientId",
                required: false,
            },
            ModelField {
                key: "callbackUrl",
                required: false,
            },
            ModelField {
                key: "additionalTrustedRedirectUris",
                required: false,
            },
            ModelField {
                key: "jwtPrincipalClaims",
                required: true,
            },
            ModelField {
                key: "jwtPrincipalClaimsMapping",
                required: false,
            },
            ModelField {
                key: "jwtTeamClaimMapping",
                required: false,
            },
            ModelField {
                key: "enableSelfSignup",
                required: false,
            },
            ModelField {
                key: "ldapConfiguration",
                required: false,
            },
            ModelField {
                key: "samlConfiguration",
                required: false,
            },
            ModelField {
                key: "oidcConfiguration",
                required: false,
            },
            ModelField {
                key: "forceSecureSessionCookie",
                required: false,
            },
            ModelField {
                key: "sessionExpiry",
                required: false,
            },
            ModelField {
                key: "maxActiveSessionsPerUser",
                required: false,
            },
            ModelField {
                key: "enableAutoRedirect",
                required: false,
            },
        ],
        authorizer: &[
            ModelField {
                key: "className",
                required: true,
            },
            ModelField {
                key: "containerRequestFilter",
                required: true,
            },
            ModelField {
                key: "adminPrincipals",
                required: true,
            },
            ModelField {
                key: "botPrincipals",
                required: false,
            },
            ModelField {
                key: "testPrincipals",
                required: false,
            },
            ModelField {
                key: "allowedEmailRegistrationDomains",
                required: false,
            },
            ModelField {
                key: "principalDomain",
                required: true,
            },
            ModelField {
                key: "allowedDomains",
                required: false,
            },
            ModelField {
                key: "enforcePrincipalDomain",
                required: true,
            },
            ModelField {
                key: "enableSecureSocketConnection",
                required: true,
            },
            ModelField {
                key: "useRolesFromProvider",
                required: false,
            },
            ModelField {
                key: "defaultOAuthRole",
                required: false,
            },
        ],
        oidc: &[
            ModelField {
                key: "type",
                required: false,
            },
            ModelField {
                key: "id",
                required: true,
            },
            ModelField {
                key: "secret",
                required: true,
            },
            ModelField {
                key: "scope",
                required: false,
            },
            ModelField {
                key: "discoveryUri",
                required: true,
            },
            ModelField {
                key: "useNonce",
                required: false,
            },
            ModelField {
                key: "preferredJwsAlgorithm",
                required: false,
            },
            ModelField {
                key: "responseType",
                required: false,
            },
            ModelField {
                key: "disablePkce",
                required: false,
            },
            ModelField {
                key: "maxClockSkew",
                required: false,
            },
            ModelField {
                key: "clientAuthenticationMethod",
                required: false,
            },
            ModelField {
                key: "tokenValidity",
                required: false,
            },
            ModelField {
                key: "customParams",
                required: false,
            },
            ModelField {
                key: "tenant",
                required: true,
            },
            ModelField {
                key: "serverUrl",
                required: false,
            },
            ModelField {
                key: "callbackUrl",
                required: false,
            },
            ModelField {
                key: "maxAge",
                required: false,
            },
            ModelField {
                key: "prompt",
                required: false,
            },
            ModelField {
                key: "sessionExpiry",
                required: false,
            },
        ],
    },
];

pub const CHARTS: &[ChartValues] = &[
    ChartValues {
        version: "1.6.3",
        authentication: &[
            ("authority", ValueType::Str),
            ("callbackUrl", ValueType::Str),
            ("clientId", ValueType::Str),
            ("clientType", ValueType::Str),
            ("enableSelfSignup", ValueType::Bool),
            ("jwtPrincipalClaims", ValueType::Array),
            ("jwtPrincipalClaimsMapping", ValueType::Array),
            ("enabled", ValueType::Bool),
            ("provider", ValueType::Str),
            ("publicKeys", ValueType::Array),
            ("responseType", ValueType::Str),
            ("oidcConfiguration", ValueType::Object),
            ("ldapConfiguration", ValueType::Object),
            ("saml", ValueType::Object),
        ],
        oidc: &[
            ("enabled", ValueType::Bool),
            ("oidcType", ValueType::Str),
            ("clientId", ValueType::Object),
            ("clientSecret", ValueType::Object),
            ("scope", ValueType::Str),
            ("discoveryUri", ValueType::Str),
            ("useNonce", ValueType::Bool),
            ("preferredJwsAlgorithm", ValueType::Str),
            ("responseType", ValueType::Str),
            ("disablePkce", ValueType::Bool),
            ("callbackUrl", ValueType::Str),
            ("serverUrl", ValueType::Str),
            ("clientAuthenticationMethod", ValueType::Str),
            ("tenant", ValueType::Str),
            ("maxClockSkew", ValueType::Str),
            ("customParams", ValueType::Str),
            ("tokenValidity", ValueType::Str),
        ],
        authorizer: &[
            ("allowedEmailRegistrationDomains", ValueType::Array),
            ("className", ValueType::Str),
            ("enabled", ValueType::Bool),
            ("containerRequestFilter", ValueType::Str),
            ("enableSecureSocketConnection", ValueType::Bool),
            ("enforcePrincipalDomain", ValueType::Bool),
            ("initialAdmins", ValueType::Array),
            ("principalDomain", ValueType::Str),
            ("useRolesFromProvider", ValueType::Bool),
        ],
    },
    ChartValues {
        version: "1.6.13",
        authentication: &[
            ("authority", ValueType::Str),
            ("callbackUrl", ValueType::Str),
            ("clientId", ValueType::Str),
            ("clientType", ValueType::Str),
            ("enableSelfSignup", ValueType::Bool),
            ("jwtPrincipalClaims", ValueType::Array),
            ("jwtPrincipalClaimsMapping", ValueType::Array),
            ("enabled", ValueType::Bool),
            ("provider", ValueType::Str),
            ("publicKeys", ValueType::Array),
            ("responseType", ValueType::Str),
            ("oidcConfiguration", ValueType::Object),
            ("ldapConfiguration", ValueType::Object),
            ("saml", ValueType::Object),
        ],
        oidc: &[
            ("enabled", ValueType::Bool),
            ("oidcType", ValueType::Str),
            ("clientId", ValueType::Object),
            ("clientSecret", ValueType::Object),
            ("scope", ValueType::Str),
            ("discoveryUri", ValueType::Str),
            ("useNonce", ValueType::Bool),
            ("preferredJwsAlgorithm", ValueType::Str),
            ("responseType", ValueType::Str),
            ("promptType", ValueType::Str),
            ("disablePkce", ValueType::Bool),
            ("callbackUrl", ValueType::Str),
            ("serverUrl", ValueType::Str),
            ("clientAuthenticationMethod", ValueType::Str),
            ("tenant", ValueType::Str),
            ("maxClockSkew", ValueType::Str),
            ("customParams", ValueType::StrOrNull),
            ("maxAge", ValueType::Str),
            ("tokenValidity", ValueType::Str),
        ],
        authorizer: &[
            ("allowedEmailRegistrationDomains", ValueType::Array),
            ("className", ValueType::Str),
            ("enabled", ValueType::Bool),
            ("containerRequestFilter", ValueType::Str),
            ("enableSecureSocketConnection", ValueType::Bool),
            ("enforcePrincipalDomain", ValueType::Bool),
            ("initialAdmins", ValueType::Array),
            ("allowedDomains", ValueType::Array),
            ("principalDomain", ValueType::Str),
            ("useRolesFromProvider", ValueType::Bool),
        ],
    },
    ChartValues {
        version: "1.7.7",
        authentication: &[
            ("authority", ValueType::Str),
            ("callbackUrl", ValueType::Str),
            ("clientId", ValueType::Str),
            ("clientType", ValueType::Str),
            ("enableSelfSignup", ValueType::Bool),
            ("jwtPrincipalClaims", ValueType::Array),
            ("jwtPrincipalClaimsMapping", ValueType::Array),
            ("enabled", ValueType::Bool),
            ("provider", ValueType::Str),
            ("publicKeys", ValueType::Array),
            ("responseType", ValueType::Str),
            ("oidcConfiguration", ValueType::Object),
            ("ldapConfiguration", ValueType::Object),
            ("saml", ValueType::Object),
        ],
        oidc: &[
            ("enabled", ValueType::Bool),
            ("oidcType", ValueType::Str),
            ("clientId", ValueType::Object),
            ("clientSecret", ValueType::Object),
            ("scope", ValueType::Str),
            ("discoveryUri", ValueType::Str),
            ("useNonce", ValueType::Bool),
            ("preferredJwsAlgorithm", ValueType::Str),
            ("responseType", ValueType::Str),
            ("promptType", ValueType::Str),
            ("disablePkce", ValueType::Bool),
            ("callbackUrl", ValueType::Str),
            ("serverUrl", ValueType::Str),
            ("clientAuthenticationMethod", ValueType::Str),
            ("tenant", ValueType::Str),
            ("maxClockSkew", ValueType::Str),
            ("customParams", ValueType::StrOrNull),
            ("maxAge", ValueType::Str),
            ("tokenValidity", ValueType::Str),
        ],
        authorizer: &[
            ("allowedEmailRegistrationDomains", ValueType::Array),
            ("className", ValueType::Str),
            ("enabled", ValueType::Bool),
            ("containerRequestFilter", ValueType::Str),
            ("enableSecureSocketConnection", ValueType::Bool),
            ("enforcePrincipalDomain", ValueType::Bool),
            ("initialAdmins", ValueType::Array),
            ("allowedDomains", ValueType::Array),
            ("principalDomain", ValueType::Str),
            ("useRolesFromProvider", ValueType::Bool),
        ],
    },
    ChartValues {
        version: "1.8.12",
        authentication: &[
            ("authority", ValueType::Str),
            ("callbackUrl", ValueType::Str),
            ("clientId", ValueType::Str),
            ("clientType", ValueType::Str),
            ("enableSelfSignup", ValueType::Bool),
            ("jwtPrincipalClaims", ValueType::Array),
            ("jwtPrincipalClaimsMapping", ValueType::Array),
            ("enabled", ValueType::Bool),
            ("provider", ValueType::Str),
            ("publicKeys", ValueType::Array),
            ("responseType", ValueType::Str),
            ("oidcConfiguration", ValueType::Object),
            ("ldapConfiguration", ValueType::Object),
            ("saml", ValueType::Object),
        ],
        oidc: &[
            ("enabled", ValueType::Bool),
            ("oidcType", ValueType::Str),
            ("clientId", ValueType::Object),
            ("clientSecret", ValueType::Object),
            ("scope", ValueType::Str),
            ("discoveryUri", ValueType::Str),
            ("useNonce", ValueType::Bool),
            ("preferredJwsAlgorithm", ValueType::Str),
            ("responseType", ValueType::Str),
            ("promptType", ValueType::Str),
            ("disablePkce", ValueType::Bool),
            ("callbackUrl", ValueType::Str),
            ("serverUrl", ValueType::Str),
            ("clientAuthenticationMethod", ValueType::Str),
            ("tenant", ValueType::Str),
            ("maxClockSkew", ValueType::Str),
            ("customParams", ValueType::StrOrNull),
            ("maxAge", ValueType::Str),
            ("tokenValidity", ValueType::Str),
            ("sessionExpiry", ValueType::Str),
        ],
        authorizer: &[
            ("allowedEmailRegistrationDomains", ValueType::Array),
            ("className", ValueType::Str),
            ("enabled", ValueType::Bool),
            ("containerRequestFilter", ValueType::Str),
            ("enableSecureSocketConnection", ValueType::Bool),
            ("enforcePrincipalDomain", ValueType::Bool),
            ("initialAdmins", ValueType::Array),
            ("allowedDomains", ValueType::Array),
            ("principalDomain", ValueType::Str),
            ("useRolesFromProvider", ValueType::Bool),
        ],
    },
    ChartValues {
        version: "1.9.17",
        authentication: &[
            ("authority", ValueType::Str),
            ("callbackUrl", ValueType::Str),
            ("clientId", ValueType::Str),
            ("clientType", ValueType::Str),
            ("enableSelfSignup", ValueType::Bool),
            ("jwtPrincipalClaims", ValueType::Array),
            ("jwtPrincipalClaimsMapping", ValueType::Array),
            ("enabled", ValueType::Bool),
            ("provider", ValueType::Str),
            ("publicKeys", ValueType::Array),
            ("responseType", ValueType::Str),
            ("oidcConfiguration", ValueType::Object),
            ("ldapConfiguration", ValueType::Object),
            ("saml", ValueType::Object),
        ],
        oidc: &[
            ("enabled", ValueType::Bool),
            ("oidcType", ValueType::Str),
            ("clientId", ValueType::Object),
            ("clientSecret", ValueType::Object),
            ("scope", ValueType::Str),
            ("discoveryUri", ValueType::Str),
            ("useNonce", ValueType::Bool),
            ("preferredJwsAlgorithm", ValueType::Str),
            ("responseType", ValueType::Str),
            ("promptType", ValueType::Str),
            ("disablePkce", ValueType::Bool),
            ("callbackUrl", ValueType::Str),
            ("serverUrl", ValueType::Str),
            ("clientAuthenticationMethod", ValueType::Str),
            ("tenant", ValueType::Str),
            ("maxClockSkew", ValueType::Str),
            ("customParams", ValueType::StrOrNull),
            ("maxAge", ValueType::Str),
            ("tokenValidity", ValueType::Str),
            ("sessionExpiry", ValueType::Str),
        ],
        authorizer: &[
            ("allowedEmailRegistrationDomains", ValueType::Array),
            ("className", ValueType::Str),
            ("enabled", ValueType::Bool),
            ("containerRequestFilter", ValueType::Str),
            ("enableSecureSocketConnection", ValueType::Bool),
            ("enforcePrincipalDomain", ValueType::Bool),
            ("initialAdmins", ValueType::Array),
            ("allowedDomains", ValueType::Array),
            ("principalDomain", ValueType::Str),
            ("useRolesFromProvider", ValueType::Bool),
        ],
    },
    ChartValues {
        version: "1.10.14",
        authentication: &[
            ("authority", ValueType::Str),
            ("callbackUrl", ValueType::Str),
            ("clientId", ValueType::Str),
            ("clientType", ValueType::Str),
            ("enableSelfSignup", ValueType::Bool),
            ("jwtPrincipalClaims", ValueType::Array),
            ("jwtPrincipalClaimsMapping", ValueType::Array),
            ("enabled", ValueType::Bool),
            ("provider", ValueType::Str),
            ("publicKeys", ValueType::Array),
            ("responseType", ValueType::Str),
            ("oidcConfiguration", ValueType::Object),
            ("ldapConfiguration", ValueType::Object),
            ("saml", ValueType::Object),
        ],
        oidc: &[
            ("enabled", ValueType::Bool),
            ("oidcType", ValueType::Str),
            ("clientId", ValueType::Object),
            ("clientSecret", ValueType::Object),
            ("scope", ValueType::Str),
            ("discoveryUri", ValueType::Str),
            ("useNonce", ValueType::Bool),
            ("preferredJwsAlgorithm", ValueType::Str),
            ("responseType", ValueType::Str),
            ("promptType", ValueType::Str),
            ("disablePkce", ValueType::Bool),
            ("callbackUrl", ValueType::Str),
            ("serverUrl", ValueType::Str),
            ("clientAuthenticationMethod", ValueType::Str),
            ("tenant", ValueType::Str),
            ("maxClockSkew", ValueType::Str),
            ("customParams", ValueType::StrOrNull),
            ("maxAge", ValueType::Str),
            ("tokenValidity", ValueType::Str),
            ("sessionExpiry", ValueType::Str),
        ],
        authorizer: &[
            ("allowedEmailRegistrationDomains", ValueType::Array),
            ("className", ValueType::Str),
            ("enabled", ValueType::Bool),
            ("containerRequestFilter", ValueType::Str),
            ("enableSecureSocketConnection", ValueType::Bool),
            ("enforcePrincipalDomain", ValueType::Bool),
            ("initialAdmins", ValueType::Array),
            ("allowedDomains", ValueType::Array),
            ("principalDomain", ValueType::Str),
            ("useRolesFromProvider", ValueType::Bool),
        ],
    },
    ChartValues {
        version: "1.11.13",
        authentication: &[
            ("authority", ValueType::Str),
            ("callbackUrl", ValueType::Str),
            ("clientId", ValueType::Str),
            ("clientType", ValueType::Str),
            ("enableSelfSignup", ValueType::Bool),
            ("jwtPrincipalClaims", ValueType::Array),
            ("jwtPrincipalClaimsMapping", ValueType::Array),
            ("enabled", ValueType::Bool),
            ("provider", ValueType::Str),
            ("publicKeys", ValueType::Array),
            ("responseType", ValueType::Str),
            ("oidcConfiguration", ValueType::Object),
            ("ldapConfiguration", ValueType::Object),
            ("saml", ValueType::Object),
        ],
        oidc: &[
            ("enabled", ValueType::Bool),
            ("oidcType", ValueType::Str),
            ("clientId", ValueType::Object),
            ("clientSecret", ValueType::Object),
            ("scope", ValueType::Str),
            ("discoveryUri", ValueType::Str),
            ("useNonce", ValueType::Bool),
            ("preferredJwsAlgorithm", ValueType::Str),
            ("responseType", ValueType::Str),
            ("promptType", ValueType::Str),
            ("disablePkce", ValueType::Bool),
            ("callbackUrl", ValueType::Str),
            ("serverUrl", ValueType::Str),
            ("clientAuthenticationMethod", ValueType::Str),
            ("tenant", ValueType::Str),
            ("maxClockSkew", ValueType::Str),
            ("customParams", ValueType::StrOrNull),
            ("maxAge", ValueType::Str),
            ("tokenValidity", ValueType::Str),
            ("sessionExpiry", ValueType::Str),
        ],
        authorizer: &[
            ("allowedEmailRegistrationDomains", ValueType::Array),
            ("className", ValueType::Str),
            ("enabled", ValueType::Bool),
            ("containerRequestFilter", ValueType::Str),
            ("enableSecureSocketConnection", ValueType::Bool),
            ("enforcePrincipalDomain", ValueType::Bool),
            ("initialAdmins", ValueType::Array),
            ("allowedDomains", ValueType::Array),
            ("principalDomain", ValueType::Str),
            ("useRolesFromProvider", ValueType::Bool),
        ],
    },
    ChartValues {
        version: "1.12.12",
        authentication: &[
            ("authority", ValueType::Str),
            ("callbackUrl", ValueType::Str),
            ("clientId", ValueType::Str),
            ("clientType", ValueType::Str),
            ("enableSelfSignup", ValueType::Bool),
            ("jwtPrincipalClaims", ValueType::Array),
            ("jwtPrincipalClaimsMapping", ValueType::Array),
            ("enabled", ValueType::Bool),
            ("provider", ValueType::Str),
            ("publicKeys", ValueType::Array),
            ("responseType", ValueType::Str),
            ("oidcConfiguration", ValueType::Object),
            ("ldapConfiguration", ValueType::Object),
            ("saml", ValueType::Object),
        ],
        oidc: &[
            ("enabled", ValueType::Bool),
            ("oidcType", ValueType::Str),
            ("clientId", ValueType::Object),
            ("clientSecret", ValueType::Object),
            ("scope", ValueType::Str),
            ("discoveryUri", ValueType::Str),
            ("useNonce", ValueType::Bool),
            ("preferredJwsAlgorithm", ValueType::Str),
            ("responseType", ValueType::Str),
            ("promptType", ValueType::Str),
            ("disablePkce", ValueType::Bool),
            ("callbackUrl", ValueType::Str),
            ("serverUrl", ValueType::Str),
            ("clientAuthenticationMethod", ValueType::Str),
            ("tenant", ValueType::Str),
            ("maxClockSkew", ValueType::Str),
            ("customParams", ValueType::StrOrNull),
            ("maxAge", ValueType::Str),
            ("tokenValidity", ValueType::Str),
            ("sessionExpiry", ValueType::Str),
        ],
        authorizer: &[
            ("allowedEmailRegistrationDomains", ValueType::Array),
            ("className", ValueType::Str),
            ("enabled", ValueType::Bool),
            ("containerRequestFilter", ValueType::Str),
            ("enableSecureSocketConnection", ValueType::Bool),
            ("enforcePrincipalDomain", ValueType::Bool),
            ("initialAdmins", ValueType::Array),
            ("allowedDomains", ValueType::Array),
            ("principalDomain", ValueType::Str),
            ("useRolesFromProvider", ValueType::Bool),
        ],
    },
    ChartValues {
        version: "1.13.1",
        authentication: &[
            ("authority", ValueType::Str),
            ("callbackUrl", ValueType::Str),
            ("clientId", ValueType::Str),
            ("clientType", ValueType::Str),
            ("enableSelfSignup", ValueType::Bool),
            ("jwtPrincipalClaims", ValueType::Array),
            ("jwtPrincipalClaimsMapping", ValueType::Array),
            ("enabled", ValueType::Bool),
            ("provider", ValueType::Str),
            ("publicKeys", ValueType::Array),
            ("responseType", ValueType::Str),
            ("oidcConfiguration", ValueType::Object),
            ("ldapConfiguration", ValueType::Object),
            ("saml", ValueType::Object),
        ],
        oidc: &[
            ("enabled", ValueType::Bool),
            ("oidcType", ValueType::Str),
            ("clientId", ValueType::Object),
            ("clientSecret", ValueType::Object),
            ("scope", ValueType::Str),
            ("discoveryUri", ValueType::Str),
            ("useNonce", ValueType::Bool),
            ("preferredJwsAlgorithm", ValueType::Str),
            ("responseType", ValueType::Str),
            ("promptType", ValueType::Str),
            ("disablePkce", ValueType::Bool),
            ("callbackUrl", ValueType::Str),
            ("serverUrl", ValueType::Str),
            ("clientAuthenticationMethod", ValueType::Str),
            ("tenant", ValueType::Str),
            ("maxClockSkew", ValueType::Str),
            ("customParams", ValueType::StrOrNull),
            ("maxAge", ValueType::Str),
            ("tokenValidity", ValueType::Str),
            ("sessionExpiry", ValueType::Str),
        ],
        authorizer: &[
            ("allowedEmailRegistrationDomains", ValueType::Array),
            ("className", ValueType::Str),
            ("enabled", ValueType::Bool),
            ("containerRequestFilter", ValueType::Str),
            ("enableSecureSocketConnection", ValueType::Bool),
            ("enforcePrincipalDomain", ValueType::Bool),
            ("initialAdmins", ValueType::Array),
            ("allowedDomains", ValueType::Array),
            ("principalDomain", ValueType::Str),
            ("useRolesFromProvider", ValueType::Bool),
        ],
    },
];
