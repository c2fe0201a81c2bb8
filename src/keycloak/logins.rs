//! Where and as whom omsso logs in to the admin API ([`Connection`]), and the logins one
//! command run has made ([`Logins`]).
//!
//! Sessions opened through one [`Logins`] that log in to the same Keycloak as the same
//! principal share the login (one token) and the connection pool, each counting its own
//! requests: `run --all-envs` runs many environments against one Keycloak, and each login
//! costs Keycloak a password hash (most of a run's time, docs/BENCHMARKS.md).

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::Duration;

use secrecy::ExposeSecret;

use super::token::TokenSlot;
use crate::http::Http;
use crate::settings::{AdminLogin, HttpUrl};

/// Everything a session needs to reach Keycloak and log in, built once by the caller (the
/// pipeline, from the settings). The secret inside `login` stays a `SecretString`: `Debug`
/// shows it redacted, and it goes only to `url`'s origin.
#[derive(Debug, Clone)]
pub struct Connection {
    /// Keycloak's base URL as given (`/auth` is found by the session when needed).
    pub url: HttpUrl,
    /// A PEM file of the CA certificates to trust besides the system's.
    pub cacert: Option<PathBuf>,
    pub timeout: Duration,
    /// TLS certificate checks off; the caller warns about it.
    pub insecure: bool,
    pub login: AdminLogin,
}

impl Connection {
    /// Same Keycloak, reached the same way, as the same principal with the same secret.
    fn same(&self, other: &Connection) -> bool {
        self.url == other.url
            && self.cacert == other.cacert
            && self.timeout == other.timeout
            && self.insecure == other.insecure
            && same_login(&self.login, &other.login)
    }
}

fn same_login(a: &AdminLogin, b: &AdminLogin) -> bool {
    use AdminLogin::{ClientCredentials, Password};
    match (a, b) {
        (
            Password {
                realm: r1,
                username: u1,
                password: p1,
            },
            Password {
                realm: r2,
                username: u2,
                password: p2,
            },
        ) => r1 == r2 && u1 == u2 && p1.expose_secret() == p2.expose_secret(),
        (
            ClientCredentials {
                realm: r1,
                client_id: c1,
                secret: s1,
            },
            ClientCredentials {
                realm: r2,
                client_id: c2,
                secret: s2,
            },
        ) => r1 == r2 && c1 == c2 && s1.expose_secret() == s2.expose_secret(),
        _ => false,
    }
}

/// The admin logins of one command run, one per [`Connection`]: the caller makes one and
/// passes it wherever sessions are opened; the logins (and their tokens) end with it.
#[derive(Default)]
pub struct Logins {
    logins: RefCell<Vec<Rc<Login>>>,
}

/// A login other sessions can join: what makes it the same, and what it found once made.
pub(super) struct Login {
    pub connection: Connection,
    /// Locked while the first session logs in, so sessions started at the same moment wait
    /// for that login instead of each making their own.
    pub made: tokio::sync::Mutex<Option<MadeLogin>>,
}

pub(super) struct MadeLogin {
    /// The pool; each session gets its own handle on it.
    pub http: Http,
    /// Keycloak's base URL as reached (with `/auth` on Keycloak < 17).
    pub base: String,
    pub token: Rc<TokenSlot>,
}

impl Logins {
    /// The login for `connection`, registered (not yet made) if it is the first.
    pub(super) fn login(&self, connection: &Connection) -> Rc<Login> {
        let mut logins = self.logins.borrow_mut();
        if let Some(l) = logins.iter().find(|l| l.connection.same(connection)) {
            return Rc::clone(l);
        }
        let l = Rc::new(Login {
            connection: connection.clone(),
            made: tokio::sync::Mutex::new(None),
        });
        logins.push(Rc::clone(&l));
        l
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn password(username: &str, password: &str) -> Connection {
        Connection {
            url: "http://127.0.0.1:8080".parse().unwrap(),
            cacert: None,
            timeout: Duration::from_secs(30),
            insecure: false,
            login: AdminLogin::Password {
                realm: "master".into(),
                username: username.into(),
                password: password.to_string().into(),
            },
        }
    }

    #[test]
    fn one_login_per_keycloak_and_credentials_within_one_pool() {
        let logins = Logins::default();
        let first = logins.login(&password("admin", "pw"));
        assert!(Rc::ptr_eq(&first, &logins.login(&password("admin", "pw"))));
        // Another secret, user, URL or TLS setting is another login.
        assert!(!Rc::ptr_eq(
            &first,
            &logins.login(&password("admin", "other"))
        ));
        assert!(!Rc::ptr_eq(&first, &logins.login(&password("ops", "pw"))));
        let mut elsewhere = password("admin", "pw");
        elsewhere.url = "http://127.0.0.1:8081".parse().unwrap();
        assert!(!Rc::ptr_eq(&first, &logins.login(&elsewhere)));
        let mut insecure = password("admin", "pw");
        insecure.insecure = true;
        assert!(!Rc::ptr_eq(&first, &logins.login(&insecure)));
        assert_eq!(logins.logins.borrow().len(), 5);
        // A pool shares nothing with another: its logins end with it.
        let other = Logins::default();
        assert!(!Rc::ptr_eq(&first, &other.login(&password("admin", "pw"))));
    }

    #[test]
    fn a_connection_prints_without_its_secret() {
        let shown = format!("{:?}", password("admin", "s3cr3t-pw"));
        assert!(!shown.contains("s3cr3t-pw"), "{shown}");
        assert!(shown.contains("admin"), "{shown}");
    }
}
