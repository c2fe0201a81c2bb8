//! Where `render` and `seal` get the [`Credentials`]: a credentials file, a sealed handoff
//! bundle (both offline), or live from Keycloak (the default).

use super::Context;
use crate::cli::SourceArgs;
use crate::commands::error::Result;
use crate::credentials::Credentials;
use crate::{keycloak, seal};

pub async fn credentials(args: &SourceArgs, ctx: &Context) -> Result<Credentials> {
    if let Some(path) = &args.credentials {
        return Ok(Credentials::load(path)?);
    }
    if let Some(path) = &args.from_bundle {
        let mut options = seal::OpenOptions::new(
            args.identities.clone(),
            args.identity_passphrase_file.clone(),
            args.bundle_passphrase_file.clone(),
        );
        options.signers = args.signers.clone();
        options.signer = args.signer.clone();
        let opened = seal::open(path, &options)?;
        if let Some(signer) = &opened.signer {
            ctx.ui.step(format!(
                "{}: signed by {} ({})",
                path.display(),
                crate::output::one_line(&signer.principals.join(", ")),
                signer.fingerprint
            ));
        }
        return Ok(opened.credentials);
    }
    let realm = ctx.settings.realm()?.to_string();
    let session = super::keycloak::connect(ctx, args.connect).await?;
    let credentials =
        keycloak::fetch_credentials(&session, &realm, ctx.settings.client_id()).await?;
    ctx.ui.step(format!(
        "fetched the credentials of client `{}` in realm `{realm}`",
        credentials.client_id
    ));
    super::keycloak::warn_type_mismatch(&credentials, ctx);
    Ok(credentials)
}
