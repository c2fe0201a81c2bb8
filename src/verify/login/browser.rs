//! A browser for one login walk: no automatic redirects (the last one goes to OpenMetadata,
//! which this machine need not reach), its own cookies, Keycloak's pages read by [`page`].

use std::cell::RefCell;

use reqwest::StatusCode;
use secrecy::ExposeSecret;

use super::{fail, page, Request, Stop, MAX_HOPS};
use crate::http::Http;
use crate::http::HttpError;
use crate::settings::flag;

/// Whether `location` is the redirect back to OpenMetadata.
pub fn is_redirect_to(location: &str, redirect_uri: &str) -> bool {
    location
        .strip_prefix(redirect_uri)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['?', '#']))
}

/// A browser for one walk: no automatic redirects, its own cookies.
pub struct Browser<'a> {
    http: &'a Http,
    client: reqwest::Client,
    cookies: RefCell<page::Cookies>,
}

impl<'a> Browser<'a> {
    pub fn new(http: &'a Http) -> Result<Browser<'a>, Stop> {
        Ok(Browser {
            client: http
                .browser()
                .map_err(|e| fail(e.to_string(), format!("check {}", flag("keycloak.cacert"))))?,
            http,
            cookies: Default::default(),
        })
    }

    async fn send(
        &self,
        req: reqwest::RequestBuilder,
        url: &str,
    ) -> Result<(StatusCode, Option<String>, String), Stop> {
        let req = match self.cookies.borrow().header() {
            Some(c) => req.header(reqwest::header::COOKIE, c),
            None => req,
        };
        let unreachable = |e: HttpError| {
            Stop::Warn(
                format!("cannot reach Keycloak's login page: {e}"),
                "run the login where browsers reach Keycloak".to_string(),
            )
        };
        let resp = req
            .send()
            .await
            .map_err(|e| unreachable(self.http.transport_error(&e, url)))?;
        self.cookies.borrow_mut().absorb(resp.headers());
        let status = resp.status();
        let location = resp
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|l| reqwest::Url::parse(url).ok()?.join(l).ok())
            .map(|u| u.to_string());
        let html = resp
            .text()
            .await
            .map_err(|e| unreachable(self.http.transport_error(&e, url)))?;
        Ok((status, location, html))
    }

    pub async fn get(&self, url: &str) -> Result<(StatusCode, Option<String>, String), Stop> {
        self.send(self.client.get(url), url).await
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
        let mut answer = self
            .send(self.client.post(action).form(&form), action)
            .await?;
        for _ in 0..MAX_HOPS {
            let (status, location, html) = answer;
            match location {
                Some(loc) if is_redirect_to(&loc, redirect_uri) => return Ok(loc),
                Some(loc) if status.is_redirection() => {
                    answer = self.get(&loc).await?;
                    continue;
                }
                _ => {}
            }
            if page::form_action(&html, "kc-form-login").is_some() || status.is_client_error() {
                return Err(fail(
                    format!(
                        "Keycloak refused the login of {}: {}",
                        req.user,
                        page::feedback(&html).unwrap_or_else(|| format!("HTTP {status}"))
                    ),
                    "check the user name and password (OMSSO_LOGIN_PASSWORD or \
                     --login-password-file), and that the user is enabled in the realm",
                ));
            }
            return Err(Stop::Warn(
                format!(
                    "Keycloak asks {} to complete \"{}\" before the login finishes",
                    req.user,
                    page::title(&html).unwrap_or_else(|| "another page".to_string())
                ),
                "log in once in a browser and complete it (or fill in the user's details in \
                 Keycloak: email, first and last name), then run --login again"
                    .to_string(),
            ));
        }
        Err(fail(
            "Keycloak redirected too many times during the login",
            "check the realm's browser flow",
        ))
    }
}
