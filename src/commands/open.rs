//! `omsso open FILE`: decrypt a handoff, check its signature and content, and show what it
//! holds (the secret only with `--show-secret`), optionally as a credentials file.

use std::time::SystemTime;

use serde_json::json;

use super::Context;
use crate::cli::OpenArgs;
use crate::commands::error::Result;
use crate::output::files::{write_new, SECRET_MODE};
use crate::output::one_line;
use crate::seal::{self, OpenOptions};

pub fn run(args: OpenArgs, ctx: &Context) -> Result<()> {
    let ui = &ctx.ui;
    let mut options = OpenOptions::new(
        args.identities.clone(),
        args.identity_passphrase_file.clone(),
        args.passphrase_file.clone(),
    );
    options.signers = args.signers.clone();
    options.signature = args.signature.clone();
    options.signer = args.signer.clone();
    options.expect_client_id = args.expect_client_id.clone();
    let opened = seal::open(&args.file, &options)?;
    let bundle = &opened.bundle;

    let expired = bundle.expired(SystemTime::now());
    if expired {
        ui.warn(format!(
            "this handoff expired on {} (advisory): ask the sender whether the secret is still current",
            bundle.expires_at.as_deref().unwrap_or_default()
        ));
    }
    if opened.signer.is_none() {
        ui.warn("the sender's signature was not checked: pass --signers ALLOWED_SIGNERS");
    }
    if let Some(path) = &args.write_credentials {
        let mut text =
            serde_json::to_string_pretty(&opened.credentials.view(true)).expect("serialisable");
        text.push('\n');
        let outcome = write_new(path, text.as_bytes(), SECRET_MODE, args.force)?;
        ui.report_secret_file(path, outcome);
        ui.warn_if_exposed_to_git([path.as_path()]);
    }

    let doc = json!({
        "file": args.file.display().to_string(),
        "bundle": bundle.view(args.show_secret),
        "expired": expired,
        "signature": opened.signer,
        "credentials_file": args.write_credentials.as_ref().map(|p| p.display().to_string()),
    });
    ui.emit(&doc, || {
        let mut rows: Vec<(&str, String)> = vec![
            ("client_id", bundle.client_id.clone()),
            ("client_type", bundle.client_type.to_string()),
            (
                "client_secret",
                match (&bundle.client_secret, args.show_secret) {
                    (None, _) => "(none: public client)".into(),
                    (Some(s), true) => {
                        use secrecy::ExposeSecret;
                        s.expose_secret().to_string()
                    }
                    (Some(_), false) => "<redacted> (--show-secret shows it)".into(),
                },
            ),
            ("realm", bundle.realm.clone()),
            ("issuer", bundle.issuer.clone()),
            ("discovery_uri", bundle.discovery_uri.clone()),
            ("jwks_uri", bundle.jwks_uri.clone()),
        ];
        let optional = [
            ("openmetadata_url", &bundle.openmetadata_url),
            ("note", &bundle.note),
        ];
        rows.extend(
            optional
                .into_iter()
                .filter_map(|(k, v)| v.clone().map(|v| (k, v))),
        );
        rows.push(("created_at", bundle.created_at.clone()));
        if let Some(t) = &bundle.expires_at {
            let state = if expired { "expired" } else { "advisory" };
            rows.push(("expires_at", format!("{t} ({state})")));
        }
        let sealed_for: Vec<String> = bundle
            .recipients
            .iter()
            .map(|r| {
                let name = r
                    .name
                    .as_ref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default();
                one_line(&format!("{} {}{name}", r.kind, r.fingerprint)).into_owned()
            })
            .collect();
        rows.push((
            "sealed_for",
            if sealed_for.is_empty() {
                "a passphrase".into()
            } else {
                sealed_for.join("\n                    ")
            },
        ));
        rows.push((
            "signed_by",
            match &opened.signer {
                Some(s) => one_line(&format!("{} ({})", s.principals.join(", "), s.fingerprint))
                    .into_owned(),
                None => "not checked".into(),
            },
        ));
        let mut out = format!(
            "{}: omsso handoff bundle {}\n",
            args.file.display(),
            bundle.version
        );
        // Every value comes from the bundle, which anyone could have written: one line
        // each, nothing a terminal would act on (the sealed_for lines are joined above, each
        // one escaped).
        for (key, value) in rows {
            let value = match key {
                "sealed_for" | "signed_by" => value.into(),
                _ => one_line(&value),
            };
            out.push_str(&format!("  {key:18}{value}\n"));
        }
        out
    });
    Ok(())
}
