//! An admin access token and when to renew it: master-realm tokens live 60 s, so a session
//! renews (refreshes, or logs in again) before one runs out.

use std::time::{Duration, Instant};

use secrecy::SecretString;
use serde::Deserialize;

/// A token is renewed when less than this much of its life is left (or half its lifetime,
/// for very short-lived tokens), so no request goes out with a token about to expire.
const RENEW_MARGIN: Duration = Duration::from_secs(15);
/// The longest a token is used for, whatever its `expires_in` says: a day.
const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// The current token of a login, shared by the sessions that joined it.
pub(super) type TokenSlot = tokio::sync::Mutex<Option<Token>>;

pub(super) struct Token {
    pub access: SecretString,
    expires_at: Instant,
    lifetime: Duration,
    refresh: Option<(SecretString, Instant)>,
}

/// A token endpoint's answer to a successful login or refresh.
#[derive(Deserialize)]
pub(super) struct TokenResponse {
    access_token: SecretString,
    expires_in: u64,
    #[serde(default)]
    refresh_token: Option<SecretString>,
    #[serde(default)]
    refresh_expires_in: Option<u64>,
}

impl Token {
    /// The token of an answer received at `now`.
    pub fn new(t: TokenResponse, now: Instant) -> Token {
        // Whatever the server claims (`expires_in: 18446744073709551615` once overflowed
        // the clock and panicked), no token is kept longer than this before it is renewed.
        let lifetime = |secs: u64| Duration::from_secs(secs.min(MAX_TOKEN_LIFETIME.as_secs()));
        let access_lifetime = lifetime(t.expires_in);
        Token {
            access: t.access_token,
            expires_at: now + access_lifetime,
            lifetime: access_lifetime,
            refresh: t.refresh_token.zip(
                t.refresh_expires_in
                    .filter(|s| *s > 0)
                    .map(|s| now + lifetime(s)),
            ),
        }
    }

    pub fn fresh(&self, now: Instant) -> bool {
        let margin = RENEW_MARGIN.min(self.lifetime / 2);
        now + margin < self.expires_at
    }

    pub fn refreshable(&self, now: Instant) -> Option<&SecretString> {
        self.refresh
            .as_ref()
            .filter(|(_, until)| now + Duration::from_secs(1) < *until)
            .map(|(t, _)| t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(lifetime_secs: u64, refresh_secs: Option<u64>, now: Instant) -> Token {
        let lifetime = Duration::from_secs(lifetime_secs);
        Token {
            access: SecretString::from("a"),
            expires_at: now + lifetime,
            lifetime,
            refresh: refresh_secs.map(|s| (SecretString::from("r"), now + Duration::from_secs(s))),
        }
    }

    #[test]
    fn a_master_token_is_renewed_in_its_last_fifteen_seconds() {
        let now = Instant::now();
        let t = token(60, Some(1800), now);
        assert!(t.fresh(now));
        assert!(t.fresh(now + Duration::from_secs(44)));
        assert!(!t.fresh(now + Duration::from_secs(46)));
        assert!(t.refreshable(now + Duration::from_secs(46)).is_some());
    }

    #[test]
    fn short_tokens_are_renewed_at_half_life_and_client_tokens_log_in_again() {
        let now = Instant::now();
        let t = token(10, None, now);
        assert!(t.fresh(now + Duration::from_secs(4)));
        assert!(!t.fresh(now + Duration::from_secs(6)));
        // Client-credentials tokens come without a refresh token.
        assert!(t.refreshable(now).is_none());
        let t = token(60, Some(30), now);
        assert!(t.refreshable(now + Duration::from_secs(30)).is_none());
    }
}
