//! A browser for one login walk, on the shared HTTP client ([`Http::browser`]): its own
//! cookie jar (RFC 6265, per origin), the password and the cookies for the realm's authority
//! alone (a login form or a redirect pointing elsewhere is refused, not followed), omsso's
//! redirect rules, every page read within the size cap. The redirect back to OpenMetadata,
//! which this machine need not reach, is the walk's answer. Keycloak's pages are read by
//! [`page`].

use reqwest::{Method, StatusCode};
use secrecy::ExposeSecret;

use super::{fail, page, Request, Stop};
use crate::hint::Opt;
use crate::http::{Http, HttpError, Purpose};
use crate::settings::flag;
use crate::verify::discovery::named_elsewhere;

/// Whether `location` is the redirect back to OpenMetadata.
pub fn is_redirect_to(location: &str, redirect_uri: &str) -> bool {
    location
        .strip_prefix(redirect_uri)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['?', '#']))
}

/// One answer of the walk: its status, where it redirects (resolved), its page, and the
/// message the page shows, as omsso may print it (on one line, the password masked should the
/// page echo it).
pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub html: String,
    pub feedback: Option<String>,
}

/// A browser for one walk: its own cookies, credentials for `authority`'s origin only.
pub struct Browser {
    http: Http,
}

impl Browser {
    pub fn new(http: &Http, authority: &str, redirect_uri: &str) -> Result<Browser, Stop> {
        let back = redirect_uri.to_string();
        let http = http
            .browser(authority, move |next| is_redirect_to(next.as_str(), &back))
            .map_err(|e| fail(e.to_string(), format!("check {}", flag("keycloak.cacert"))))?;
        Ok(Browser { http })
    }

    async fn send(
        &self,
        method: Method,
        url: &str,
        form: Option<&[(&str, &str)]>,
    ) -> Result<Page, HttpError> {
        let reply = self
            .http
            .send(method, url, Purpose::Login, |r| match form {
                Some(f) => r.form(f),
                None => r,
            })
            .await?;
        let html = String::from_utf8_lossy(&reply.body).into_owned();
        Ok(Page {
            feedback: page::feedback(&html).map(|text| reply.shown(&text)),
            status: reply.status,
            location: reply.location,
            html,
        })
    }

    /// Opens `url` (the authorization request, at the endpoint the discovery document
    /// names), following Keycloak's own redirects.
    pub async fn get(&self, url: &str) -> Result<Page, Stop> {
        self.send(Method::GET, url, None).await.map_err(|e| {
            match named_elsewhere(&e, "authorization_endpoint") {
                Some((detail, hint)) => Stop::Fail(detail, hint),
                None => stopped(e),
            }
        })
    }

    /// Posts the credentials and follows Keycloak's own redirects until the one back to
    /// OpenMetadata, which it returns.
    pub async fn submit(
        &self,
        action: &str,
        req: &Request,
        redirect_uri: &str,
    ) -> Result<String, Stop> {
        let form = [
            ("username", req.user.as_str()),
            ("password", req.password.expose_secret()),
            ("credentialId", ""),
        ];
        let Page {
            status,
            location,
            html,
            feedback,
        } = self
            .send(Method::POST, action, Some(&form))
            .await
            .map_err(stopped)?;
        if let Some(loc) = location.filter(|l| is_redirect_to(l, redirect_uri)) {
            return Ok(loc);
        }
        if page::form_action(&html, "kc-form-login").is_some() || status.is_client_error() {
            return Err(fail(
                format!(
                    "Keycloak refused the login of {}: {}",
                    req.user,
                    feedback.unwrap_or_else(|| format!("HTTP {status}"))
                ),
                format!(
                    "check the user name and password (OMSSO_LOGIN_PASSWORD or {}), and that \
                     the user is enabled in the realm",
                    Opt::LoginPasswordFile
                ),
            ));
        }
        Err(Stop::Warn(
            format!(
                "Keycloak asks {} to complete \"{}\" before the login finishes",
                req.user,
                page::title(&html).unwrap_or_else(|| "another page".to_string())
            ),
            format!(
                "log in once in a browser and complete it (or fill in the user's details in \
                 Keycloak: email, first and last name), then run {} again",
                Opt::Login
            ),
        ))
    }
}

/// A walk that stopped on the way. What omsso refused (a form, a redirect or an endpoint
/// pointing away from Keycloak; a page beyond the size cap) is a finding about the server:
/// FAIL. A server out of reach from this machine is not: warn.
fn stopped(e: HttpError) -> Stop {
    if e.is_refusal() {
        return Stop::Fail(
            e.to_string(),
            "Keycloak's pages must stay at the realm's authority, scheme included: behind a \
             proxy, give Keycloak that address (KC_HOSTNAME, or the proxy's X-Forwarded-* \
             headers with KC_PROXY_HEADERS); otherwise the page may be trying to capture the \
             password"
                .to_string(),
        );
    }
    if let HttpError::TooLarge { .. } = e {
        return Stop::Fail(
            e.to_string(),
            "the authority must be Keycloak's realm URL, as browsers reach it".to_string(),
        );
    }
    Stop::Warn(
        format!("cannot reach Keycloak's login page: {e}"),
        "run the login where browsers reach Keycloak".to_string(),
    )
}
