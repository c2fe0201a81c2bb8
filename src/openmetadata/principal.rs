//! Who a login is to OpenMetadata: the server's rules for turning ID token claims into a user
//! name and email, and for deciding admins and the principal domain (upstream
//! `SecurityUtil.findUserNameFromClaims`, `findEmailFromClaims`, `validateDomainEnforcement`).

use serde_json::Value;

/// The auth settings those rules read.
pub struct Rules<'a> {
    /// `jwtPrincipalClaims`, in order.
    pub claims: &'a [String],
    /// `jwtPrincipalClaimsMapping` (`username:claim`, `email:claim`); when set it wins.
    pub mapping: &'a [String],
    pub admin_principals: &'a [String],
    pub principal_domain: Option<&'a str>,
    pub enforce_principal_domain: bool,
    pub allowed_domains: &'a [String],
}

/// What OpenMetadata makes of one login.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Principal {
    /// The claim the name was read from.
    pub claim: String,
    /// The OpenMetadata user name (lower case, the part before `@`).
    pub name: String,
    /// The email OpenMetadata records (the claim, or `name@principalDomain`).
    pub email: String,
    /// Whether the token carried an email itself.
    pub email_in_token: bool,
    pub admin: bool,
}

/// Why OpenMetadata refuses a login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// None of the principal claims is in the token.
    NoClaim { claims: Vec<String> },
    /// The mapping names a claim the token lacks.
    MappedClaimMissing { key: &'static str, claim: String },
    /// The domain check is on and the email's domain is not allowed.
    Domain {
        domain: String,
        allowed: Vec<String>,
    },
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::NoClaim { claims } => write!(
                f,
                "the ID token has none of the claims jwtPrincipalClaims lists ({})",
                claims.join(", ")
            ),
            Refusal::MappedClaimMissing { key, claim } => write!(
                f,
                "jwtPrincipalClaimsMapping reads the {key} from claim `{claim}`, which the ID \
                 token lacks"
            ),
            Refusal::Domain { domain, allowed } => write!(
                f,
                "enforcePrincipalDomain is on and the email domain `{domain}` is not {}",
                allowed.join(" or ")
            ),
        }
    }
}

fn claim(claims: &Value, name: &str) -> Option<String> {
    claims.get(name).and_then(Value::as_str).map(str::to_string)
}

fn mapped<'a>(mapping: &'a [String], key: &str) -> Option<&'a str> {
    mapping.iter().find_map(|m| {
        let (k, v) = m.split_once(':')?;
        (k.trim() == key).then_some(v.trim())
    })
}

fn local_part(s: &str) -> &str {
    s.split('@').next().unwrap_or(s)
}

impl Rules<'_> {
    /// The user OpenMetadata signs in for these claims, or why it refuses.
    pub fn principal(&self, claims: &Value) -> Result<Principal, Refusal> {
        let domain = self.principal_domain.unwrap_or_default();
        let (claim_name, value, email) = if self.mapping.is_empty() {
            let (name, value) = self
                .claims
                .iter()
                .find_map(|c| claim(claims, c).map(|v| (c.clone(), v)))
                .ok_or_else(|| Refusal::NoClaim {
                    claims: self.claims.to_vec(),
                })?;
            let email = if value.contains('@') {
                value.clone()
            } else {
                format!("{value}@{domain}")
            };
            (name, value, email)
        } else {
            let get = |key: &'static str| -> Result<(String, String), Refusal> {
                let c = mapped(self.mapping, key).unwrap_or_default().to_string();
                match claim(claims, &c).filter(|v| !v.is_empty()) {
                    Some(v) => Ok((c, v)),
                    None => Err(Refusal::MappedClaimMissing { key, claim: c }),
                }
            };
            let (name, value) = get("username")?;
            let (_, email) = get("email")?;
            (name, value, email)
        };
        let email = email.to_lowercase();
        if self.enforce_principal_domain {
            let actual = email
                .split_once('@')
                .filter(|_| value.contains('@') || !self.mapping.is_empty())
                .map(|(_, d)| d.to_string())
                .unwrap_or_default();
            let allowed: Vec<String> = if self.allowed_domains.is_empty() {
                vec![domain.to_string()]
            } else {
                self.allowed_domains.to_vec()
            };
            if !allowed.contains(&actual) {
                return Err(Refusal::Domain {
                    domain: actual,
                    allowed,
                });
            }
        }
        let name = local_part(&value).to_lowercase();
        Ok(Principal {
            admin: self.admin_principals.iter().any(|a| a == &name),
            email_in_token: claim(claims, "email").is_some(),
            claim: claim_name,
            name,
            email,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rules<'a>(claims: &'a [String], admins: &'a [String], enforce: bool) -> Rules<'a> {
        Rules {
            claims,
            mapping: &[],
            admin_principals: admins,
            principal_domain: Some("example.test"),
            enforce_principal_domain: enforce,
            allowed_domains: &[],
        }
    }

    #[test]
    fn the_first_claim_present_names_the_user() {
        let order: Vec<String> = ["email", "preferred_username", "sub"]
            .map(String::from)
            .to_vec();
        let admins = vec!["alice.smith".to_string()];
        let p = rules(&order, &admins, false)
            .principal(&json!({"email": "Alice.Smith@Example.test", "preferred_username": "alice"}))
            .unwrap();
        assert_eq!(
            (p.name.as_str(), p.claim.as_str(), p.admin),
            ("alice.smith", "email", true)
        );
        // Without email: the user name, and the email OpenMetadata makes up from the domain.
        let p = rules(&order, &admins, false)
            .principal(&json!({"preferred_username": "bob", "sub": "x"}))
            .unwrap();
        assert_eq!(
            (p.name.as_str(), p.email.as_str(), p.email_in_token),
            ("bob", "bob@example.test", false)
        );
        // The domain check needs a real email domain.
        assert!(matches!(
            rules(&order, &admins, true).principal(&json!({"preferred_username": "bob"})),
            Err(Refusal::Domain { .. })
        ));
        assert!(rules(&order, &admins, true)
            .principal(&json!({"email": "bob@example.test"}))
            .is_ok());
        assert!(matches!(
            rules(&order, &admins, false).principal(&json!({"name": "x"})),
            Err(Refusal::NoClaim { .. })
        ));
    }

    #[test]
    fn a_mapping_wins_over_the_claim_order() {
        let order: Vec<String> = vec!["email".into()];
        let mapping: Vec<String> = vec!["username:preferred_username".into(), "email:email".into()];
        let r = Rules {
            mapping: &mapping,
            ..rules(&order, &[], false)
        };
        let p = r
            .principal(&json!({"email": "a@x.test", "preferred_username": "Ann"}))
            .unwrap();
        assert_eq!(p.name, "ann");
        assert!(matches!(
            r.principal(&json!({"email": "a@x.test"})),
            Err(Refusal::MappedClaimMissing {
                key: "username",
                ..
            })
        ));
    }
}
