//! What a server says reaches the user only as omsso may show it: every secret the request
//! carried masked (a server, or a proxy posing as one, can echo the admin token, the client
//! secret or a login's code back in its error text), on one line (a server's version or field
//! error cannot start a line of omsso's own: a forged `error:`, `hint:` or "applied" line), and
//! a secret the server sends in clear masked like the real server masks it (`apply --dry-run`).
//! Issue 20, L1-L3. The servers are a hostile OpenMetadata (support::om_echo) and a proxy in
//! front of the real Keycloak that echoes the token requests it picks (support::kc_proxy).

use std::path::Path;
use std::process::Command;

use crate::support::kc_proxy::Proxy;
use crate::support::keycloak::{configured, keycloak, run_json};
use crate::support::om_echo::{self, forged_lines, CLEAR_SECRET};
use crate::support::{run, Admin, Run};
use serde_json::{json, Value};

const OM_TOKEN: &str = "LeakCanary-OmAdminToken-31f7";
const WRONG_TOKEN: &str = "LeakCanary-WrongOmToken-a90e";

/// A realm with the OpenMetadata client, its credentials in creds.json and
/// out/openmetadata.yaml rendered for OpenMetadata 1.12; returns the realm and the secret.
fn rendered(dir: &Path) -> (String, String) {
    let realm = Admin::login().new_realm("omtext");
    let r = run(&mut keycloak(dir, "ensure", &realm));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(keycloak(dir, "fetch", &realm).args(["--write", "creds.json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(configured(dir, &realm).args([
        "render",
        "--credentials",
        "creds.json",
        "--om-version",
        "1.12",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let creds: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("creds.json")).unwrap()).unwrap();
    (realm, creds["client_secret"].as_str().unwrap().to_string())
}

/// The two auth blocks of the rendered file, with another client id: what the server runs.
fn running(dir: &Path) -> Value {
    let text = std::fs::read_to_string(dir.join("out/openmetadata.yaml")).unwrap();
    let doc: Value = serde_yaml::from_str(&text).unwrap();
    let mut v = json!({
        "authenticationConfiguration": doc["authenticationConfiguration"],
        "authorizerConfiguration": doc["authorizerConfiguration"],
    });
    v["authenticationConfiguration"]["clientId"] = "old-client".into();
    v
}

/// `apply ARGS` against the hostile OpenMetadata at `om_url` with `token`.
fn apply(dir: &Path, realm: &str, om_url: &str, token: &str, args: &[&str]) -> Command {
    let mut cmd = configured(dir, realm);
    cmd.env("OMSSO_OM_URL", om_url)
        .env("OMSSO_OM_TOKEN", token)
        .args(["apply", "--om-version", "1.12"])
        .args(args);
    cmd
}

/// Neither stream holds any of `secrets` nor a line the server forged.
fn assert_clean(what: &str, r: &Run, secrets: &[&str]) {
    for s in secrets {
        assert!(
            !r.stdout.contains(s) && !r.stderr.contains(s),
            "{what}: {s} shown:\n{}\n{}",
            r.stdout,
            r.stderr
        );
    }
    for stream in [&r.stdout, &r.stderr] {
        assert!(
            forged_lines(stream).is_empty(),
            "{what}: the server started a line: {:?}\n{stream}",
            forged_lines(stream)
        );
    }
}

#[test]
fn apply_shows_no_secret_the_server_echoes_or_sends_and_no_line_it_forges() {
    let d = tempfile::tempdir().unwrap();
    let (realm, secret) = rendered(d.path());
    let om = om_echo::start(OM_TOKEN, &running(d.path()));
    let secrets = [OM_TOKEN, WRONG_TOKEN, secret.as_str(), CLEAR_SECRET];

    // L1: a token the server refuses, quoted back in its 401 message.
    let r = run(&mut apply(d.path(), &realm, &om.url, WRONG_TOKEN, &[]));
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert_clean("apply, wrong token", &r, &secrets);
    assert!(
        r.stderr
            .contains("Token [<redacted>] is invalid error: forged"),
        "{}",
        r.stderr
    );

    // L3 + L2: the dry run's diff, against a server that sends its secret in clear and a
    // version with line breaks; text and JSON.
    let r = run(&mut apply(
        d.path(),
        &realm,
        &om.url,
        OM_TOKEN,
        &["--dry-run"],
    ));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_clean("apply --dry-run", &r, &secrets);
    assert!(
        r.stdout
            .contains("authenticationConfiguration.clientId: \"old-client\"")
            && r.stdout
                .contains("OpenMetadata 1.12.7-SNAPSHOT error: forged"),
        "{}",
        r.stdout
    );
    let (r, v) = run_json(&mut apply(
        d.path(),
        &realm,
        &om.url,
        OM_TOKEN,
        &["--dry-run"],
    ));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_clean("apply --dry-run --format json", &r, &secrets);
    assert_eq!(v["apply"]["changes"].as_array().unwrap().len(), 1, "{v}");

    // L1 + L2: the server's validation quotes the client secret it was sent, in field errors
    // that try to start lines of their own.
    let r = run(&mut apply(d.path(), &realm, &om.url, OM_TOKEN, &[]));
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert_clean("apply, validation refused", &r, &secrets);
    assert!(
        r.stdout
            .contains("client secret <redacted> was refused applied"),
        "{}",
        r.stdout
    );
    assert!(om.seen().iter().all(|s| !s.key.starts_with("PUT")));
}

#[test]
fn keycloaks_answers_echoing_the_client_secret_or_the_code_show_neither() {
    let d = tempfile::tempdir().unwrap();
    let admin = Admin::login();
    let realm = admin.new_realm("omtext-kc");
    // Keycloak behind a proxy that echoes every client authentication (the secret check's
    // client credentials grant, the login's code exchange) and forwards the rest.
    let proxy = Proxy::echoing(|body| {
        body.contains("grant_type=client_credentials")
            || body.contains("grant_type=authorization_code")
    });
    let through = |cmd: &mut Command| {
        cmd.env("OMSSO_KEYCLOAK_URL", &proxy.url);
    };
    let mut ensure = keycloak(d.path(), "ensure", &realm);
    through(&mut ensure);
    assert_eq!(run(&mut ensure).code, 0);
    let mut render = configured(d.path(), &realm);
    through(render.args(["render", "--om-version", "1.12"]));
    let r = run(&mut render);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = admin.post(
        &format!("/{realm}/users"),
        &json!({"username": "carol", "enabled": true, "email": "carol@example.test",
                "emailVerified": true, "firstName": "C", "lastName": "D",
                "credentials": [{"type": "password", "value": "LeakCanary-LoginPw-77", "temporary": false}]}),
    );
    assert_eq!(r.status().as_u16(), 201);
    let secret = crate::support::keycloak::secret(&admin, &realm);

    let mut verify = configured(d.path(), &realm);
    through(
        verify
            .env("OMSSO_LOGIN_PASSWORD", "LeakCanary-LoginPw-77")
            .args(["verify", "--login", "carol"]),
    );
    let r = run(&mut verify);
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    assert_clean("verify --login", &r, &[&secret, "LeakCanary-LoginPw-77"]);
    // The echoed forms show, each value the request carried masked (the login's code too).
    assert!(
        r.stdout.contains("refused to redeem the code")
            && r.stdout
                .contains("grant_type=authorization_code&code=<redacted>&")
            && r.stdout.contains("&client_secret=<redacted>"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("refused the configured secret"),
        "{}",
        r.stdout
    );
    assert!(proxy.count("/token") >= 2, "{:?}", proxy.seen());
}
