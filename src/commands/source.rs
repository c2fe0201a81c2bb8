//! Where `render` and `seal` get the credentials, from their command-line arguments: a
//! credentials file, a sealed handoff bundle (both offline), or live from Keycloak (the
//! default).

use crate::cli::SourceArgs;
use crate::hint::Opt;
use crate::pipeline::fetch::Source;
use crate::seal;

pub fn source(args: &SourceArgs) -> Source {
    if let Some(path) = &args.credentials {
        return Source::File(path.clone());
    }
    if let Some(path) = &args.from_bundle {
        let mut options = seal::OpenOptions::new(
            args.identities.clone(),
            args.identity_passphrase_file.clone().map(|p| {
                (
                    p,
                    crate::settings::Source::Flag("--identity-passphrase-file".into()),
                )
            }),
            args.bundle_passphrase_file.clone().map(|p| {
                (
                    p,
                    crate::settings::Source::Flag("--bundle-passphrase-file".into()),
                )
            }),
        );
        options.identity_passphrase = options
            .identity_passphrase
            .file_option(Opt::IdentityPassphraseFile);
        options.passphrase = options.passphrase.file_option(Opt::BundlePassphraseFile);
        options.signers = args.signers.clone();
        options.signer = args.signer.clone();
        return Source::Bundle(path.clone(), Box::new(options));
    }
    Source::Keycloak {
        insecure: args.connect.insecure,
    }
}
