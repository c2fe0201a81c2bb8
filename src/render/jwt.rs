//! OpenMetadata's own JWT key pair in the rendered files: where the server reads the two key
//! files (`jwtTokenConfiguration` in openmetadata.yaml, `RSA_*_KEY_FILE_PATH` in the env file,
//! the Helm values), how they get there (a compose override that mounts them into the server
//! and migrate containers, a Kubernetes Secret mounted into every pod of the chart), and the
//! key id and issuer the server signs with.

use std::path::PathBuf;
use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::Serialize;

use super::RenderError;
use crate::jwt_keys::{KeyPair, PRIVATE_KEY_FILE, PUBLIC_KEY_FILE};

/// The compose override that mounts the key files (rendered with the env file).
pub const COMPOSE_OVERRIDE: &str = "docker-compose.jwt-keys.yml";
/// The Kubernetes Secret holding the two key files.
pub const HELM_JWT_SECRET: &str = "helm/jwt-keys.yaml";
/// The compose services that run OpenMetadata's code and read `jwtTokenConfiguration`: the
/// server, and the migration job that starts the same configuration before it (both list
/// `RSA_*_KEY_FILE_PATH` in the quickstart compose file).
pub const COMPOSE_SERVICES: [&str; 2] = ["execute-migrate-all", "openmetadata-server"];

/// The key pair and how the server is to find it, resolved by the caller.
#[derive(Debug, Clone)]
pub struct JwtInput {
    pub pair: Arc<KeyPair>,
    pub key_id: String,
    pub issuer: String,
    /// Absolute folder where the server reads the files (`jwt.server_dir`).
    pub server_dir: String,
    /// The key folder on this machine, absolute (what the compose override mounts).
    pub local_dir: PathBuf,
    pub secret_name: String,
}

/// `jwt` in the templates.
#[derive(Debug, Serialize)]
pub struct JwtModel {
    pub key_id: String,
    pub issuer: String,
    /// The files as the server sees them.
    pub private_key_path: String,
    pub public_key_path: String,
    pub server_dir: String,
    /// The files on this machine (the compose override's mount sources).
    pub local_private_key: String,
    pub local_public_key: String,
    pub secret_name: String,
    pub private_key_name: &'static str,
    pub public_key_name: &'static str,
    /// The public key file, base64 (the Secret's `data`); the private key is
    /// `jwt_private_key` in the context, redacted in shown renderings.
    pub public_key_base64: String,
    pub compose_services: [&'static str; 2],
}

impl JwtModel {
    pub fn build(input: &JwtInput) -> Result<JwtModel, RenderError> {
        let dir = input.server_dir.trim_end_matches('/');
        // The server resolves a relative path against its working folder, which differs
        // between images, charts and bare metal: only an absolute one means the same file
        // on every route.
        if !input.server_dir.starts_with('/') || dir.is_empty() {
            return Err(RenderError::JwtServerDir {
                dir: input.server_dir.clone(),
            });
        }
        let local = |name: &str| input.local_dir.join(name).display().to_string();
        Ok(JwtModel {
            key_id: input.key_id.clone(),
            issuer: input.issuer.clone(),
            private_key_path: format!("{dir}/{PRIVATE_KEY_FILE}"),
            public_key_path: format!("{dir}/{PUBLIC_KEY_FILE}"),
            server_dir: dir.to_string(),
            local_private_key: local(PRIVATE_KEY_FILE),
            local_public_key: local(PUBLIC_KEY_FILE),
            secret_name: input.secret_name.clone(),
            private_key_name: PRIVATE_KEY_FILE,
            public_key_name: PUBLIC_KEY_FILE,
            public_key_base64: STANDARD.encode(input.pair.public().to_der()),
            compose_services: COMPOSE_SERVICES,
        })
    }
}

/// The private key file, base64, for the Secret's `data`. A secret.
pub fn private_key_base64(input: &JwtInput) -> String {
    STANDARD.encode(input.pair.private_der())
}
