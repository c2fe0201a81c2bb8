//! A tiny fake HTTP(S) server for what a real Keycloak will not do on demand: redirect a
//! login elsewhere, answer with escape sequences or an endless body, claim a token lives for
//! 2^64 seconds. Every request it sees is kept whole (request line, headers, body), so a test
//! can prove what did, or did not, reach it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use serde_json::json;

/// One request as the server received it. `head` and `body` are read through `Debug`: a test
/// that expected no request prints the ones that came.
#[derive(Debug, Clone)]
#[allow(dead_code)]
pub struct Seen {
    /// `POST /realms/master/protocol/openid-connect/token`
    pub key: String,
    /// The header lines, as sent.
    pub head: String,
    pub body: String,
}

/// What the server answers.
pub enum Reply {
    /// A status and a JSON body.
    Json(u16, String),
    /// A redirect (301, 302, 303, 307, 308) to a `Location`.
    Redirect(u16, String),
    /// A 200 with no `Content-Length`, streaming this many bytes of spaces.
    Endless(usize),
    /// A status and a body of any bytes (a file, as a web server serves it).
    Bytes(u16, Vec<u8>),
}

type Handler = dyn Fn(&Seen) -> Reply + Send + Sync;

pub struct Fake {
    /// `http://127.0.0.1:PORT` or `https://…`.
    pub url: String,
    /// The same server by the name `localhost`: another host to a client.
    pub url_by_name: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Fake {
    /// A plain-HTTP fake on 127.0.0.1.
    pub fn http(handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> Fake {
        Fake::start(None, handler)
    }

    /// An HTTPS fake on 127.0.0.1 with a self-signed certificate made in `dir` by `openssl`
    /// (clients need `--insecure`).
    pub fn https(dir: &Path, handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> Fake {
        let out = Command::new("openssl")
            .args([
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                "fake.key",
                "-out",
                "fake.pem",
                "-days",
                "2",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1,DNS:localhost",
            ])
            .current_dir(dir)
            .output()
            .expect("openssl must be installed");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let config = tls_server_config(&dir.join("fake.pem"), &dir.join("fake.key"));
        Fake::start(Some(config), handler)
    }

    fn start(
        tls: Option<Arc<rustls::ServerConfig>>,
        handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static,
    ) -> Fake {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let scheme = if tls.is_some() { "https" } else { "http" };
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let handler: Arc<Handler> = Arc::new(handler);
        let log = seen.clone();
        std::thread::spawn(move || {
            for tcp in listener.incoming().flatten() {
                let (handler, log, tls) = (handler.clone(), log.clone(), tls.clone());
                std::thread::spawn(move || match tls {
                    Some(config) => {
                        let conn = rustls::ServerConnection::new(config).unwrap();
                        serve(rustls::StreamOwned::new(conn, tcp), &*handler, &log);
                    }
                    None => serve(tcp, &*handler, &log),
                });
            }
        });
        Fake {
            url: format!("{scheme}://127.0.0.1:{port}"),
            url_by_name: format!("{scheme}://localhost:{port}"),
            seen,
        }
    }

    /// Every request seen so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// Answers one request on `stream`.
fn serve(stream: impl Read + Write, handler: &Handler, log: &Mutex<Vec<Seen>>) {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut head = String::new();
    let mut length = 0;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
            break;
        }
        if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        head.push_str(&h);
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    let mut parts = line.split_whitespace();
    let seen = Seen {
        key: format!(
            "{} {}",
            parts.next().unwrap_or(""),
            parts.next().unwrap_or("")
        ),
        head,
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    log.lock().unwrap().push(seen.clone());
    let stream = reader.get_mut();
    let _ = match handler(&seen) {
        Reply::Json(status, body) => write!(
            stream,
            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            body.len()
        ),
        Reply::Redirect(status, location) => write!(
            stream,
            "HTTP/1.1 {status} X\r\nLocation: {location}\r\nContent-Length: 0\r\n\
             Connection: close\r\n\r\n"
        ),
        Reply::Bytes(status, body) => write!(
            stream,
            "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .and_then(|()| stream.write_all(&body)),
        Reply::Endless(bytes) => {
            let _ = write!(
                stream,
                "HTTP/1.1 200 X\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
            );
            let chunk = vec![b' '; 64 * 1024];
            let mut sent = 0;
            while sent < bytes && stream.write_all(&chunk).is_ok() {
                sent += chunk.len();
            }
            Ok(())
        }
    };
    let _ = stream.flush();
}

pub const TOKEN: &str = "POST /realms/master/protocol/openid-connect/token";

/// Canned answers of a Keycloak at `base` holding realm `data` with the client
/// `open-metadata`; `None` for anything else.
pub fn keycloak(base: &str, key: &str) -> Option<Reply> {
    keycloak_body(base, key).map(|body| Reply::Json(200, body.to_string()))
}

/// The JSON bodies behind [`keycloak`] (also used by tests/suite/keycloak_faults.rs, whose fake
/// server answers in its own ways: resets, silence).
pub fn keycloak_body(base: &str, key: &str) -> Option<serde_json::Value> {
    Some(match key {
        "GET /realms/master" => json!({ "realm": "master" }),
        TOKEN => json!({
            "access_token": "fake-access-token", "expires_in": 60,
            "refresh_token": "fake-refresh-token", "refresh_expires_in": 1800,
            "token_type": "Bearer",
        }),
        "GET /admin/realms/data/clients?clientId=open-metadata" => json!([{
            "id": "u-1", "clientId": "open-metadata", "publicClient": false,
            "rootUrl": "http://om.test",
        }]),
        "GET /admin/realms/data/clients/u-1/client-secret"
        | "POST /admin/realms/data/clients/u-1/client-secret" => {
            json!({ "type": "secret", "value": "fake-secret-value" })
        }
        "GET /realms/data/.well-known/openid-configuration" => json!({
            "issuer": format!("{base}/realms/data"),
            "jwks_uri": format!("{base}/realms/data/protocol/openid-connect/certs"),
            "token_endpoint": format!("{base}/realms/data/protocol/openid-connect/token"),
        }),
        _ => return None,
    })
}

/// An answer for requests no test cares about.
pub fn not_faked() -> Reply {
    Reply::Json(404, json!({ "error": "not faked" }).to_string())
}

/// A TLS server configuration (ring, as omsso's reqwest uses) from PEM files.
pub fn tls_server_config(cert: &Path, key: &Path) -> Arc<rustls::ServerConfig> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(key).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap(),
    )
}
