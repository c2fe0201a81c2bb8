//! Keycloak behind TLS with a certificate no public CA signed: the real test Keycloak, fronted
//! by a small TLS terminator in this test (rustls) serving a certificate made by `openssl`.
//! Without `--cacert` omsso refuses the connection with an error pointing at `--cacert`; with
//! it, the same command works; and nothing is written when it fails.

use crate::support::{self, fake_http, kc_proxy, keycloak};

use std::io::{BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;

use crate::support::{run, Admin};

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl must be installed");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A private CA (`ca.pem`) and a server certificate it signed for 127.0.0.1
/// (`server.pem`, `server.key`), as a company PKI would issue one.
fn private_ca(dir: &Path) {
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    openssl(
        dir,
        &[
            &["req", "-x509"][..],
            &ec,
            &[
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "2",
                "-subj",
                "/CN=omsso test CA",
            ],
        ]
        .concat(),
    );
    openssl(
        dir,
        &[
            &["req"][..],
            &ec,
            &[
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
                "-subj",
                "/CN=127.0.0.1",
            ],
        ]
        .concat(),
    );
    std::fs::write(
        dir.join("server.ext"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "2",
            "-extfile",
            "server.ext",
        ],
    );
}

/// A self-signed server certificate for 127.0.0.1 (`self.pem`, `self.key`): its own issuer.
fn self_signed(dir: &Path, extra: &[&str]) {
    openssl(
        dir,
        &[
            &[
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
            ][..],
            &[
                "-keyout",
                "self.key",
                "-out",
                "self.pem",
                "-days",
                "2",
                "-subj",
                "/CN=127.0.0.1",
            ],
            &["-addext", "subjectAltName=IP:127.0.0.1"],
            extra,
        ]
        .concat(),
    );
}

/// Serves HTTPS on 127.0.0.1 with `cert`/`key` and passes each request on to the test
/// Keycloak (one request per connection). Returns the https:// base URL.
fn tls_front(cert: &Path, key: &Path) -> String {
    let config = fake_http::tls_server_config(cert, key);
    let upstream = kc_proxy::keycloak_addr();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for tcp in listener.incoming().flatten() {
            let (config, upstream) = (config.clone(), upstream.clone());
            std::thread::spawn(move || {
                let conn = rustls::ServerConnection::new(config).unwrap();
                // A client that refuses the certificate ends the handshake: nothing to do.
                let _ = pass_on(rustls::StreamOwned::new(conn, tcp), &upstream);
            });
        }
    });
    url
}

/// Passes one request from the TLS client on to Keycloak and its answer back.
fn pass_on(
    client: rustls::StreamOwned<rustls::ServerConnection, TcpStream>,
    upstream: &str,
) -> std::io::Result<()> {
    let mut client = BufReader::new(client);
    let Some(request) = kc_proxy::read_request(&mut client)? else {
        return Ok(());
    };
    let answer = kc_proxy::forward(&request, upstream)?;
    let client = client.get_mut();
    client.write_all(&answer)?;
    client.conn.send_close_notify();
    client.flush()
}

/// `omsso keycloak fetch` of `realm` through `url`, writing `out/credentials.json`.
fn fetch(dir: &Path, realm: &str, url: &str, extra: &[&str]) -> support::Run {
    run(keycloak::keycloak(dir, "fetch", realm)
        .args(["--keycloak-url", url, "--write", "out/credentials.json"])
        .args(extra))
}

#[test]
fn a_private_ca_needs_cacert_and_then_works() {
    let admin = Admin::login();
    let realm = admin.new_realm("tls-ca");
    let dir = tempfile::tempdir().unwrap();
    keycloak::ensure_ok(dir.path(), &realm);
    private_ca(dir.path());
    let url = tls_front(
        &dir.path().join("server.pem"),
        &dir.path().join("server.key"),
    );
    let secret = keycloak::secret(&admin, &realm);

    let r = fetch(dir.path(), &realm, &url, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        // The login is the first request.
        r.stderr.contains(&format!("error: TLS handshake with {url}/realms/master/protocol/openid-connect/token failed: invalid peer certificate: UnknownIssuer")),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("hint: ") && r.stderr.contains("--cacert FILE"),
        "{}",
        r.stderr
    );
    assert!(
        !dir.path().join("out").exists(),
        "nothing is written on failure"
    );
    keycloak::assert_no_secret(&r, &secret);
    keycloak::assert_no_secret(&r, &support::admin_password());

    let r = fetch(dir.path(), &realm, &url, &["--cacert", "ca.pem"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let written = std::fs::read_to_string(dir.path().join("out/credentials.json")).unwrap();
    let written: serde_json::Value = serde_json::from_str(&written).unwrap();
    assert_eq!(written["client_secret"], secret.as_str());
    assert!(
        written["discovery_uri"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/realms/{realm}/.well-known/openid-configuration")),
        "{written}"
    );
}

#[test]
fn a_self_signed_certificate_needs_cacert_and_then_works() {
    let admin = Admin::login();
    let realm = admin.new_realm("tls-self");
    let dir = tempfile::tempdir().unwrap();
    keycloak::ensure_ok(dir.path(), &realm);
    self_signed(
        dir.path(),
        &["-addext", "basicConstraints=critical,CA:FALSE"],
    );
    let url = tls_front(&dir.path().join("self.pem"), &dir.path().join("self.key"));

    let r = fetch(dir.path(), &realm, &url, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("TLS handshake") && r.stderr.contains("--cacert FILE"),
        "{}",
        r.stderr
    );
    let r = fetch(dir.path(), &realm, &url, &["--cacert", "self.pem"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// `openssl req -x509` marks its certificate as a CA (basicConstraints CA:TRUE); TLS clients
/// refuse a CA certificate as a server's, trusted or not. The hint says so instead of
/// repeating "pass --cacert".
#[test]
fn a_ca_certificate_used_by_the_server_gets_its_own_hint() {
    let dir = tempfile::tempdir().unwrap();
    self_signed(dir.path(), &[]);
    let url = tls_front(&dir.path().join("self.pem"), &dir.path().join("self.key"));
    let r = fetch(dir.path(), "data", &url, &["--cacert", "self.pem"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("CaUsedAsEndEntity"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("hint: Keycloak's certificate is a CA certificate")
            && r.stderr.contains("basicConstraints=critical,CA:FALSE"),
        "{}",
        r.stderr
    );
    assert!(!dir.path().join("out").exists());
}
