//! A stand-in for the network between omsso and the test Keycloak: it passes each HTTP request
//! on to the real server (one request per connection) and can hold a request, or stop serving
//! altogether, at a chosen request. Keycloak itself is shared by every test and must keep
//! running, so "Keycloak stops" is played by this proxy going away: omsso sees exactly what a
//! stopped server shows it (its connections reset, then refused).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One HTTP request as read from the client.
pub struct Request {
    /// `GET /realms/x/... HTTP/1.1`
    pub line: String,
    head: Vec<u8>,
    body: Vec<u8>,
}

/// Reads one request; `None` when the client closed the connection first.
pub fn read_request(client: &mut impl BufRead) -> std::io::Result<Option<Request>> {
    let mut line = String::new();
    if client.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut head = line.clone().into_bytes();
    let mut length = 0;
    loop {
        let mut header = String::new();
        if client.read_line(&mut header)? == 0 {
            return Ok(None);
        }
        let lower = header.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        if header == "\r\n" {
            // One request per connection: the answer ends when Keycloak closes.
            head.extend_from_slice(b"Connection: close\r\n\r\n");
            break;
        }
        if !lower.starts_with("connection:") {
            head.extend_from_slice(header.as_bytes());
        }
    }
    let mut body = vec![0; length];
    client.read_exact(&mut body)?;
    Ok(Some(Request {
        line: line.trim_end().to_string(),
        head,
        body,
    }))
}

/// Sends `request` to `upstream` (`host:port`) and returns the whole answer.
pub fn forward(request: &Request, upstream: &str) -> std::io::Result<Vec<u8>> {
    let mut up = TcpStream::connect(upstream)?;
    up.write_all(&request.head)?;
    up.write_all(&request.body)?;
    let mut answer = Vec::new();
    up.read_to_end(&mut answer)?;
    Ok(answer)
}

/// A 401 OAuth error answer whose `error_description` is the whole of `request`, body first.
fn echo(request: &Request) -> Vec<u8> {
    let text = format!(
        "{}\r\n{}",
        String::from_utf8_lossy(&request.body),
        String::from_utf8_lossy(&request.head)
    );
    let body = serde_json::json!({"error": "invalid_client", "error_description": text});
    let body = body.to_string();
    format!(
        "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// The test Keycloak's `host:port`.
pub fn keycloak_addr() -> String {
    crate::support::keycloak_url()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string()
}

/// What the proxy does with a request.
pub enum Action {
    Forward,
    /// Wait this long, then forward it.
    HoldThenForward(Duration),
    /// Drop this connection unanswered and stop listening: every later connection is refused.
    Stop,
    /// Answer 401 with an OAuth error whose description echoes the whole request (its headers
    /// and body, line breaks included), as a server or a proxy posing as one might: what the
    /// request carried must not show in omsso's output.
    Echo,
}

/// The decision for each request: the request and how many requests came before it.
type Rule = dyn Fn(&Request, usize) -> Action + Send + Sync;

pub struct Proxy {
    pub url: String,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Proxy {
    /// An HTTP proxy on 127.0.0.1 in front of the test Keycloak, following `rule`.
    pub fn start(rule: impl Fn(&str, usize) -> Action + Send + Sync + 'static) -> Proxy {
        Proxy::start_judging(move |request, n| rule(&request.line, n))
    }

    /// A proxy that echoes every request whose body `echo` picks ([`Action::Echo`]) and
    /// forwards the others.
    pub fn echoing(echo: impl Fn(&str) -> bool + Send + Sync + 'static) -> Proxy {
        Proxy::start_judging(move |request, _| {
            if echo(&String::from_utf8_lossy(&request.body)) {
                Action::Echo
            } else {
                Action::Forward
            }
        })
    }

    fn start_judging(rule: impl Fn(&Request, usize) -> Action + Send + Sync + 'static) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen: Arc<Mutex<Vec<String>>> = Arc::default();
        let rule: Arc<Rule> = Arc::new(rule);
        let (log, count, stopped) = (
            seen.clone(),
            Arc::new(AtomicUsize::new(0)),
            Arc::new(AtomicBool::new(false)),
        );
        let upstream = keycloak_addr();
        std::thread::spawn(move || {
            for tcp in listener.incoming() {
                if stopped.load(Ordering::SeqCst) {
                    // Dropping the listener: from now on connecting is refused.
                    break;
                }
                let Ok(tcp) = tcp else { continue };
                let mut client = BufReader::new(tcp);
                let Ok(Some(request)) = read_request(&mut client) else {
                    continue;
                };
                log.lock().unwrap().push(request.line.clone());
                let n = count.fetch_add(1, Ordering::SeqCst);
                match rule(&request, n) {
                    Action::Echo => {
                        let _ = client.get_mut().write_all(&echo(&request));
                    }
                    Action::Stop => {
                        stopped.store(true, Ordering::SeqCst);
                        // Wake the accept loop so it sees `stopped` and drops the listener.
                        let _ = TcpStream::connect(client.get_ref().local_addr().unwrap());
                    }
                    action => {
                        let upstream = upstream.clone();
                        std::thread::spawn(move || {
                            if let Action::HoldThenForward(d) = action {
                                std::thread::sleep(d);
                            }
                            if let Ok(answer) = forward(&request, &upstream) {
                                let _ = client.get_mut().write_all(&answer);
                            }
                        });
                    }
                }
            }
        });
        Proxy { url, seen }
    }

    /// Request lines seen so far, in order.
    pub fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }

    /// How many requests seen so far contain `needle`.
    pub fn count(&self, needle: &str) -> usize {
        self.seen().iter().filter(|l| l.contains(needle)).count()
    }
}
