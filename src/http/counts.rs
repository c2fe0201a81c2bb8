//! Requests sent, by method, for the reports that say what a command did.

use std::sync::atomic::{AtomicUsize, Ordering};

use reqwest::Method;
use serde::Serialize;

use super::Purpose;

/// Requests sent, by method (every attempt counts, retries included). Token requests are
/// counted in `token` only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RequestCounts {
    #[serde(rename = "GET")]
    pub get: usize,
    #[serde(rename = "POST")]
    pub post: usize,
    #[serde(rename = "PUT")]
    pub put: usize,
    #[serde(rename = "DELETE")]
    pub delete: usize,
    #[serde(skip)]
    pub token: usize,
}

impl std::fmt::Display for RequestCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "GET {}, POST {}, PUT {}, DELETE {} (+ {} token request{})",
            self.get,
            self.post,
            self.put,
            self.delete,
            self.token,
            if self.token == 1 { "" } else { "s" }
        )
    }
}

#[derive(Debug, Default)]
pub(super) struct Counters {
    get: AtomicUsize,
    post: AtomicUsize,
    put: AtomicUsize,
    delete: AtomicUsize,
    token: AtomicUsize,
}

impl Counters {
    pub(super) fn record(&self, method: &Method, purpose: Purpose) {
        let counter = match (purpose, method.as_str()) {
            (Purpose::Token, _) => &self.token,
            (_, "GET") => &self.get,
            (_, "POST") => &self.post,
            (_, "PUT") => &self.put,
            (_, "DELETE") => &self.delete,
            _ => return,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub(super) fn snapshot(&self) -> RequestCounts {
        RequestCounts {
            get: self.get.load(Ordering::Relaxed),
            post: self.post.load(Ordering::Relaxed),
            put: self.put.load(Ordering::Relaxed),
            delete: self.delete.load(Ordering::Relaxed),
            token: self.token.load(Ordering::Relaxed),
        }
    }
}
