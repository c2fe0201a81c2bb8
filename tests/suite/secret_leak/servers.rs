//! The leak scan against servers that echo what they were sent (issue 20, L1): `apply` against
//! an OpenMetadata that quotes the admin token in its 401, sends its client secret in clear and
//! quotes the secret it validates; `verify --login` through a proxy in front of Keycloak that
//! echoes every client authentication (the secret check, the login's code exchange); a SOPS
//! render, and one whose admin login is echoed. Every run under strace, as the others.

use super::*;

use crate::support::kc_proxy::Proxy;
use crate::support::om_echo;

const OM_TOKEN: &str = "LeakCanary-OmToken-6e2b";
const WRONG_OM_TOKEN: &str = "LeakCanary-WrongOmToken-0d4f";
const LOGIN_USER: &str = "leak-user";
const LOGIN_PASSWORD: &str = "LeakCanary-LoginPw-c81a";

#[test]
fn no_secret_leaks_from_apply_login_or_sops_against_servers_that_echo_them() {
    let s = Scene::new("leak-echo");
    s.secrets.borrow_mut().extend(
        [
            OM_TOKEN,
            WRONG_OM_TOKEN,
            LOGIN_PASSWORD,
            om_echo::CLEAR_SECRET,
        ]
        .map(String::from),
    );
    // The client as omsso sets it up (its redirect URIs: the login needs them).
    s.check(|| s.omsso(&["keycloak", "ensure"]), &[0], Show::Nothing);
    let render = ["render", "--force", "--om-version", "1.12"];
    s.check(|| s.omsso(&render), &[0], Show::Nothing);
    apply_leaks_nothing(&s);
    login_leaks_nothing(&s, &render);
    sops_render_leaks_nothing(&s);
    s.check_files();
}

/// A refused token, a dry run, and a validation that quotes the client secret.
fn apply_leaks_nothing(s: &Scene) {
    let text = std::fs::read_to_string(s.path("out/openmetadata.yaml")).unwrap();
    let doc: serde_json::Value = serde_yaml::from_str(&text).unwrap();
    let running = json!({
        "authenticationConfiguration": doc["authenticationConfiguration"],
        "authorizerConfiguration": doc["authorizerConfiguration"],
    });
    let om = om_echo::start(OM_TOKEN, &running);
    let apply = |token: &str, extra: &[&str]| {
        let mut cmd = s.omsso(&[&["apply", "--om-version", "1.12"][..], extra].concat());
        cmd.env("OMSSO_OM_URL", &om.url)
            .env("OMSSO_OM_TOKEN", token);
        cmd
    };
    s.check(|| apply(WRONG_OM_TOKEN, &[]), &[2], Show::Nothing);
    s.check(|| apply(OM_TOKEN, &["--dry-run"]), &[0], Show::Nothing);
    s.check(|| apply(OM_TOKEN, &[]), &[2], Show::Nothing);
    assert!(om.seen().len() >= 6, "{:?}", om.seen());
    // run's back-door checks send the token too (the default-admin look-up), and the server
    // quotes a refused one in its 401.
    let r = s.check(
        || {
            let run = [
                "run",
                "--no-ensure",
                "--force",
                "--yes",
                "--om-version",
                "1.12",
            ];
            let mut cmd = s.omsso(&run);
            cmd.env("OMSSO_OM_URL", &om.url)
                .env("OMSSO_OM_TOKEN", WRONG_OM_TOKEN);
            cmd
        },
        &[3],
        Show::Nothing,
    );
    assert!(r.stdout.contains("default-admin-gone"), "{}", r.stdout);
}

/// The file rendered through the echoing proxy (so the checks and the login go through it),
/// then `verify --login`: the secret check and the code exchange are echoed and fail.
fn login_leaks_nothing(s: &Scene, render: &[&str]) {
    let admin = Admin::login();
    let r = admin.post(
        &format!("/{}/users", s.realm),
        &json!({"username": LOGIN_USER, "enabled": true, "email": "leak@example.test",
                "emailVerified": true, "firstName": "Leak", "lastName": "User",
                "credentials": [{"type": "password", "value": LOGIN_PASSWORD, "temporary": false}]}),
    );
    assert_eq!(r.status().as_u16(), 201);
    let proxy = Proxy::echoing(|body| {
        body.contains("grant_type=client_credentials")
            || body.contains("grant_type=authorization_code")
    });
    let through = |args: &[&str]| {
        let mut cmd = s.omsso(args);
        cmd.env("OMSSO_KEYCLOAK_URL", &proxy.url)
            .env("OMSSO_LOGIN_PASSWORD", LOGIN_PASSWORD);
        cmd
    };
    s.check(|| through(render), &[0], Show::Nothing);
    let r = s.check(
        || through(&["verify", "--login", LOGIN_USER]),
        &[3],
        Show::Nothing,
    );
    assert!(
        r.stdout.contains("code=<redacted>") && r.stdout.contains("client_secret=<redacted>"),
        "the echo must reach the output, masked: {}",
        r.stdout
    );
    // Back to the file for the real Keycloak.
    s.check(|| s.omsso(render), &[0], Show::Nothing);
}

/// A SOPS-encrypted Secret, rendered; and the same through a proxy that echoes the admin login.
fn sops_render_leaks_nothing(s: &Scene) {
    let recipient = s.recipient.clone();
    let sops = [
        "render",
        "--force",
        "--target",
        "helm-secret",
        "--sops-age",
        &recipient,
    ];
    s.check(|| s.omsso(&sops), &[0], Show::Nothing);
    assert!(s.path("out/helm/oidc-secrets.sops.yaml").is_file());
    let proxy = Proxy::echoing(|body| body.contains("grant_type=password"));
    let r = s.check(
        || {
            let mut cmd = s.omsso(&sops);
            cmd.env("OMSSO_KEYCLOAK_URL", &proxy.url);
            cmd
        },
        &[2],
        Show::Nothing,
    );
    assert!(r.stderr.contains("password=<redacted>"), "{}", r.stderr);
}
