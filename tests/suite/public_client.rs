//! `--client-type public` against the real Keycloak: `ensure` makes a public client (no
//! client authentication, no service account, no secret) with the flow flags of the response
//! type, proven by reading it back and by starting a browser login the way OpenMetadata's UI
//! does; nothing reads, writes or prints a secret (fetch, run, seal, open, rotate); and a
//! confidential client switched to public and back converges with a clear plan.

use crate::support::{self, keycloak};

use std::path::{Path, PathBuf};

use crate::support::keycloak::{auth_request, configured, fields, keycloak, run_json, AuthAnswer};
use crate::support::{one_error, run, Admin, Run};
use serde_json::Value;

const CALLBACK: &str = "http://om.example.test:8585/callback";
/// RFC 7636's example verifier's challenge: any valid S256 challenge does here.
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

/// The response type comes from its env var: like omsso.yaml, env vars are shared by every
/// command, while `--response-type` is refused by the commands that do not read it (fetch,
/// rotate).
fn public(dir: &Path, sub: &str, realm: &str, response_type: &str) -> std::process::Command {
    let mut cmd = keycloak(dir, sub, realm);
    cmd.args(["--client-type", "public"])
        .env("OMSSO_RESPONSE_TYPE", response_type);
    cmd
}

fn ensure(cmd: &mut std::process::Command) -> Value {
    let (r, v) = run_json(cmd);
    assert_eq!(r.code, 0, "{}", r.stderr);
    v
}

fn secret_answer(admin: &Admin, realm: &str) -> Value {
    let uuid = keycloak::client(admin, realm)["id"]
        .as_str()
        .unwrap()
        .to_string();
    admin.get(&format!("/{realm}/clients/{uuid}/client-secret"))
}

fn service_account_status(admin: &Admin, realm: &str) -> u16 {
    let uuid = keycloak::client(admin, realm)["id"]
        .as_str()
        .unwrap()
        .to_string();
    admin
        .request(
            reqwest::Method::GET,
            &format!("/{realm}/clients/{uuid}/service-account-user"),
        )
        .send()
        .unwrap()
        .status()
        .as_u16()
}

fn login_form(a: &AuthAnswer) -> bool {
    a.status == 200 && a.login_form
}

/// The `error` Keycloak sent back to the redirect URI, if it refused the login.
fn refusal(a: &AuthAnswer) -> Option<String> {
    let location = a.location.as_deref()?;
    let url = reqwest::Url::parse(&location.replace('#', "?")).ok()?;
    let error = url.query_pairs().find(|(k, _)| k == "error")?.1;
    Some(error.into_owned())
}

#[test]
fn public_with_id_token_is_an_implicit_client_without_secret_or_service_account() {
    let d = tempfile::tempdir().unwrap();
    let admin = Admin::login();
    let realm = admin.new_realm("pub-implicit");
    ensure(&mut public(d.path(), "ensure", &realm, "id_token"));

    let c = keycloak::client(&admin, &realm);
    assert_eq!(c["publicClient"], true);
    assert_eq!(c["serviceAccountsEnabled"], false);
    assert_eq!(c["implicitFlowEnabled"], true);
    assert_eq!(c["standardFlowEnabled"], true);
    assert!(c["attributes"].get("pkce.code.challenge.method").is_none());
    let uris: Vec<&str> = c["redirectUris"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap())
        .collect();
    assert!(uris.contains(&CALLBACK), "{uris:?}");
    assert!(uris.contains(&"http://om.example.test:8585/silent-callback"));
    // Keycloak holds no secret for it, and it has no service-account user.
    assert!(secret_answer(&admin, &realm).get("value").is_none());
    assert_eq!(service_account_status(&admin, &realm), 400);

    // The UI's login (response_type id_token) reaches the login form.
    let a = auth_request(&realm, CALLBACK, &[("response_type", "id_token")]);
    assert!(login_form(&a), "{:?} {:?}", a.status, a.location);
    // Idempotent.
    let v = ensure(&mut public(d.path(), "ensure", &realm, "id_token"));
    assert_eq!(v["up_to_date"], true);
}

#[test]
fn public_with_code_requires_pkce_and_has_the_implicit_flow_off() {
    let d = tempfile::tempdir().unwrap();
    let admin = Admin::login();
    let realm = admin.new_realm("pub-code");
    ensure(&mut public(d.path(), "ensure", &realm, "code"));

    let c = keycloak::client(&admin, &realm);
    assert_eq!(c["publicClient"], true);
    assert_eq!(c["serviceAccountsEnabled"], false);
    assert_eq!(c["standardFlowEnabled"], true);
    assert_eq!(c["implicitFlowEnabled"], false);
    assert_eq!(c["attributes"]["pkce.code.challenge.method"], "S256");
    assert!(secret_answer(&admin, &realm).get("value").is_none());

    let code = [("response_type", "code")];
    let with_pkce = [
        ("response_type", "code"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ];
    let a = auth_request(&realm, CALLBACK, &with_pkce);
    assert!(login_form(&a), "{:?} {:?}", a.status, a.location);
    // Without PKCE, and with the implicit flow, Keycloak refuses the login.
    let a = auth_request(&realm, CALLBACK, &code);
    assert_eq!(
        refusal(&a).as_deref(),
        Some("invalid_request"),
        "{:?}",
        a.location
    );
    let a = auth_request(&realm, CALLBACK, &[("response_type", "id_token")]);
    assert_eq!(
        refusal(&a).as_deref(),
        Some("unauthorized_client"),
        "{:?}",
        a.location
    );

    // An explicit --implicit-flow true keeps the implicit flow on next to the code flow.
    let v = ensure(public(d.path(), "ensure", &realm, "code").args(["--implicit-flow", "true"]));
    assert_eq!(v["changes"][0]["field"], "implicitFlowEnabled");
    let a = auth_request(&realm, CALLBACK, &[("response_type", "id_token")]);
    assert!(login_form(&a), "{:?} {:?}", a.status, a.location);
}

#[test]
fn a_public_id_token_client_without_the_implicit_flow_is_refused_before_any_request() {
    let d = tempfile::tempdir().unwrap();
    for sub in [vec!["keycloak", "ensure"], vec!["run"], vec!["render"]] {
        let r = run(configured(d.path(), "data")
            .env("OMSSO_KEYCLOAK_URL", "http://127.0.0.1:1")
            .env("OMSSO_CLIENT_TYPE", "public")
            .env("OMSSO_IMPLICIT_FLOW", "false")
            .args(&sub));
        assert_eq!(r.code, 2, "{sub:?}: {}", r.stderr);
        let line = one_error(&r);
        assert!(
            line.contains("implicit_flow is false (env OMSSO_IMPLICIT_FLOW)"),
            "{line}"
        );
        assert!(r.stderr.contains("--response-type code"), "{}", r.stderr);
    }
}

/// Every file below `dir`.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// The keys a client secret is written under: credentials and bundles (JSON), the env file,
/// openmetadata.yaml (`secret: value`; the Helm values' `secret:` volume of the JWT key
/// Secret, with no value on its line, is not one), the Kubernetes Secret.
const SECRET_KEYS: [&str; 4] = [
    "\"client_secret\":",
    "OIDC_CLIENT_SECRET",
    " secret: ",
    "openmetadata-oidc-client-secret",
];

/// No output stream and no file holds the old secret or any key a secret is written under.
fn no_secret_anywhere(dir: &Path, runs: &[&Run], old_secret: &str) {
    for r in runs {
        keycloak::assert_no_secret(r, old_secret);
        for key in SECRET_KEYS {
            assert!(!r.stdout.contains(key), "{key} in output: {}", r.stdout);
        }
    }
    for f in files_under(dir) {
        let bytes = std::fs::read(&f).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains(old_secret),
            "{} holds the secret",
            f.display()
        );
        for key in SECRET_KEYS {
            assert!(!text.contains(key), "{} holds {key}", f.display());
        }
    }
    assert!(!dir.join("out/helm/oidc-secrets.yaml").exists());
}

#[test]
fn nothing_reads_writes_or_prints_a_secret_for_a_public_client() {
    let d = tempfile::tempdir().unwrap();
    let admin = Admin::login();
    let realm = admin.new_realm("pub-nosecret");
    // It starts confidential, with a secret in Keycloak.
    ensure(&mut keycloak(d.path(), "ensure", &realm));
    let old_secret = keycloak::secret(&admin, &realm);
    let r = run(support::omsso(d.path()).args(["keygen", "-o", "collate.key"]));
    let recipient = r.stdout.trim().to_string();

    for response_type in ["id_token", "code"] {
        let work = d.path().join(response_type);
        std::fs::create_dir(&work).unwrap();
        std::fs::copy(d.path().join("collate.key"), work.join("collate.key")).unwrap();
        let run_out = run_switches_to_public(&work, &realm, &recipient, response_type);
        let fetch = fetch_asks_for_no_secret(&work, &realm, response_type);
        let (seal_out, open_out) = seal_and_open_hold_no_secret(&work, &realm, &recipient);
        let (rotate, rotate_kc) = rotate_is_refused(&work, &admin, &realm, response_type);
        no_secret_anywhere(
            &work,
            &[&run_out, &fetch, &seal_out, &open_out, &rotate, &rotate_kc],
            &old_secret,
        );
    }
}

/// run: ensure (switching to public), fetch, render, seal, verify.
fn run_switches_to_public(work: &Path, realm: &str, recipient: &str, response_type: &str) -> Run {
    let (run_out, v) = run_json(configured(work, realm).args([
        "run",
        "--client-type",
        "public",
        "--response-type",
        response_type,
        "-r",
        recipient,
    ]));
    assert_eq!(run_out.code, 0, "{}\n{}", run_out.stdout, run_out.stderr);
    assert_eq!(v["steps"]["fetch"]["client_type"], "public");
    let checks = v["steps"]["verify"]["checks"].as_array().unwrap();
    assert!(
        checks.iter().all(keycloak::passed_or_needs_openmetadata),
        "{checks:?}"
    );
    assert!(
        checks.iter().any(|c| c["name"] == "client-flow"),
        "{checks:?}"
    );
    let yaml = std::fs::read_to_string(work.join("out/openmetadata.yaml")).unwrap();
    assert!(yaml.contains("clientType: \"public\"") || yaml.contains("clientType: public"));
    assert!(yaml.contains(response_type), "{yaml}");

    run_out
}

/// fetch sends no request for the secret, and its file holds none.
fn fetch_asks_for_no_secret(work: &Path, realm: &str, response_type: &str) -> Run {
    let fetch = run(public(work, "fetch", realm, response_type).args([
        "--write",
        "creds.json",
        "--show-secret",
        "-vv",
    ]));
    assert_eq!(fetch.code, 0, "{}", fetch.stderr);
    assert!(!fetch.stderr.contains("client-secret"), "{}", fetch.stderr);
    assert!(!fetch.stderr.contains("warning"), "{}", fetch.stderr);
    let creds: Value =
        serde_json::from_str(&std::fs::read_to_string(work.join("creds.json")).unwrap()).unwrap();
    assert_eq!(creds["client_type"], "public");
    assert_eq!(creds["client_secret_present"], false);

    fetch
}

/// seal from that file, open it, and let the age CLI decrypt it too.
fn seal_and_open_hold_no_secret(work: &Path, realm: &str, recipient: &str) -> (Run, Run) {
    let (seal_out, v) = run_json(support::omsso(work).args([
        "seal",
        "--credentials",
        "creds.json",
        "-r",
        recipient,
        "-o",
        "again.age",
    ]));
    assert_eq!(seal_out.code, 0, "{}", seal_out.stderr);
    assert_eq!(v["client_type"], "public");
    let (open_out, v) = run_json(support::omsso(work).args([
        "open",
        "out/collate-handoff.age",
        "-i",
        "collate.key",
        "--show-secret",
        "--write-credentials",
        "opened.json",
    ]));
    assert_eq!(open_out.code, 0, "{}", open_out.stderr);
    assert_eq!(v["bundle"]["client_type"], "public");
    assert_eq!(v["bundle"]["realm"], realm);
    assert!(v["bundle"].get("client_secret").is_none());
    let plain = std::process::Command::new("age")
        .args(["-d", "-i", "collate.key", "again.age"])
        .current_dir(work)
        .output()
        .unwrap();
    assert!(plain.status.success());
    let bundle: Value = serde_json::from_slice(&plain.stdout).unwrap();
    assert_eq!(bundle["client_type"], "public");
    assert!(bundle.get("client_secret").is_none());

    (seal_out, open_out)
}

/// rotate is refused, before and after asking Keycloak, and changes nothing.
fn rotate_is_refused(work: &Path, admin: &Admin, realm: &str, response_type: &str) -> (Run, Run) {
    let rotate = run(public(work, "rotate", realm, response_type).arg("--yes"));
    assert_eq!(rotate.code, 2);
    assert!(
        one_error(&rotate).contains("is public"),
        "{}",
        rotate.stderr
    );
    let rotate_kc = run(keycloak(work, "rotate", realm).arg("--yes"));
    assert_eq!(rotate_kc.code, 2, "{}", rotate_kc.stderr);
    assert!(one_error(&rotate_kc).contains("is public"));
    assert!(secret_answer(admin, realm).get("value").is_none());

    (rotate, rotate_kc)
}

#[test]
fn switching_confidential_to_public_and_back_converges_with_a_clear_plan() {
    let d = tempfile::tempdir().unwrap();
    let admin = Admin::login();
    let realm = admin.new_realm("pub-switch");
    ensure(&mut keycloak(d.path(), "ensure", &realm));
    let first_secret = keycloak::secret(&admin, &realm);

    // The plan names every field that changes, with a note on the secret.
    let r = run(public(d.path(), "ensure", &realm, "code").arg("--check"));
    assert_eq!(r.code, 3, "{}", r.stderr);
    for line in [
        "publicClient: false → true",
        "implicitFlowEnabled: true → false",
        "serviceAccountsEnabled: true → false",
        "attributes.pkce.code.challenge.method: (unset) → \"S256\"",
        "note: a client made public loses its secret",
    ] {
        assert!(r.stdout.contains(line), "{line}: {}", r.stdout);
    }
    let v = ensure(&mut public(d.path(), "ensure", &realm, "code"));
    assert_eq!(
        fields(&v),
        [
            "publicClient",
            "implicitFlowEnabled",
            "serviceAccountsEnabled",
            "attributes.pkce.code.challenge.method"
        ]
    );
    assert_eq!(keycloak::client(&admin, &realm)["publicClient"], true);
    assert!(secret_answer(&admin, &realm).get("value").is_none());
    assert_eq!(
        keycloak::client_credentials(&realm, &first_secret),
        Err(401)
    );
    let v = ensure(&mut public(d.path(), "ensure", &realm, "code"));
    assert_eq!(v["up_to_date"], true);

    // public code → public id_token: only the implicit flow changes.
    let v = ensure(&mut public(d.path(), "ensure", &realm, "id_token"));
    assert_eq!(fields(&v), ["implicitFlowEnabled"]);

    // Back to confidential: Keycloak generates a new secret, which authenticates.
    let (r, v) = run_json(keycloak(d.path(), "ensure", &realm).arg("--dry-run"));
    assert_eq!(r.code, 0);
    assert_eq!(fields(&v), ["publicClient", "serviceAccountsEnabled"]);
    assert!(
        v["notes"][0].as_str().unwrap().contains("new secret"),
        "{v}"
    );
    ensure(&mut keycloak(d.path(), "ensure", &realm));
    let c = keycloak::client(&admin, &realm);
    assert_eq!(c["publicClient"], false);
    assert_eq!(c["serviceAccountsEnabled"], true);
    let new_secret = keycloak::secret(&admin, &realm);
    assert_ne!(new_secret, first_secret);
    assert!(keycloak::client_credentials(&realm, &new_secret).is_ok());
    let v = ensure(&mut keycloak(d.path(), "ensure", &realm));
    assert_eq!(v["up_to_date"], true);
}
