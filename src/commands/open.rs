//! `omsso open FILE`: decrypt a handoff, check its signature and content, and show what it
//! holds (the secret only with `--show-secret`), optionally as a credentials file.

use super::Context;
use crate::cli::OpenArgs;
use crate::commands::error::Result;
use crate::hint::Opt;
use crate::output::{one_line, Report};
use crate::pipeline::open::{self, Open, OpenReport};
use crate::seal::{OpenOptions, RecipientInfo};
use crate::settings::ClientType;

pub fn run(args: OpenArgs, ctx: &Context) -> Result<()> {
    let mut options = OpenOptions::new(
        args.identities.clone(),
        args.identity_passphrase_file.clone().map(|p| {
            (
                p,
                crate::settings::Source::Flag("--identity-passphrase-file".into()),
            )
        }),
        args.passphrase_file
            .clone()
            .map(|p| (p, crate::settings::Source::Flag("--passphrase-file".into()))),
    );
    options.identity_passphrase = options
        .identity_passphrase
        .file_option(Opt::IdentityPassphraseFile);
    options.passphrase = options.passphrase.file_option(Opt::PassphraseFile);
    options.signers = args.signers.clone();
    options.signature = args.signature.clone();
    options.signer = args.signer.clone();
    options.expect_client_id = args.expect_client_id.clone();
    let input = Open {
        file: args.file.clone(),
        options,
        write_credentials: args.write_credentials.clone(),
        force: args.force,
    };
    let (opened, expired) = open::open(
        &ctx.ui,
        &input,
        "the sender's signature was not checked: pass --signers ALLOWED_SIGNERS",
    )?;
    let report = OpenReport::new(&input, &opened, expired, args.show_secret);
    ctx.ui.report(&report);
    Ok(())
}

/// The text report: one row per field, every value one line. It lives here because it names
/// `--show-secret`.
impl Report for OpenReport<'_> {
    fn text(&self) -> String {
        let bundle = &self.bundle;
        let mut rows: Vec<(&str, String)> = vec![
            ("client_id", bundle.client_id.to_string()),
            ("client_type", bundle.client_type.to_string()),
            (
                "client_secret",
                // A confidential client's bundle always holds its secret, a public one's never.
                match (bundle.client_secret, bundle.client_type) {
                    (Some(s), _) => s.to_string(),
                    (None, ClientType::Public) => "(none: public client)".into(),
                    (None, _) => "<redacted> (--show-secret shows it)".into(),
                },
            ),
            ("realm", bundle.realm.to_string()),
            ("issuer", bundle.issuer.to_string()),
            ("discovery_uri", bundle.discovery_uri.to_string()),
            ("jwks_uri", bundle.jwks_uri.to_string()),
        ];
        let optional = [
            ("openmetadata_url", bundle.openmetadata_url),
            ("note", bundle.note),
        ];
        rows.extend(
            optional
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k, v.to_string()))),
        );
        rows.push(("created_at", bundle.created_at.to_string()));
        if let Some(t) = bundle.expires_at {
            let state = if self.expired { "expired" } else { "advisory" };
            rows.push(("expires_at", format!("{t} ({state})")));
        }
        rows.push(("sealed_for", sealed_for(bundle.recipients)));
        rows.push((
            "signed_by",
            match self.signature {
                Some(s) => one_line(&format!("{} ({})", s.principals.join(", "), s.fingerprint))
                    .into_owned(),
                None => "not checked".into(),
            },
        ));
        let mut out = format!("{}: {}\n", self.file, self.summary());
        // Every value comes from the bundle, which anyone could have written: one line each,
        // nothing a terminal would act on (the sealed_for lines are joined, each one escaped).
        for (key, value) in rows {
            let value = match key {
                "sealed_for" | "signed_by" => value.into(),
                _ => one_line(&value),
            };
            out.push_str(&format!("  {key:18}{value}\n"));
        }
        out
    }

    fn summary(&self) -> String {
        format!("omsso handoff bundle {}", self.bundle.version)
    }
}

fn sealed_for(recipients: &[RecipientInfo]) -> String {
    let lines: Vec<String> = recipients
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
    if lines.is_empty() {
        "a passphrase".into()
    } else {
        lines.join("\n                    ")
    }
}
