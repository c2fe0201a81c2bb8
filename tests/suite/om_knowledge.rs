//! omsso's OpenMetadata knowledge (src/openmetadata) against the reference files: every auth
//! key → environment variable pair it knows is the one upstream's conf/openmetadata.yaml reads.

use crate::support;

use omsso::openmetadata::{server, Block};

/// The raw value text of `key` inside `block` of the server config, e.g.
/// `${OIDC_CALLBACK:-"http://localhost:8585/callback"}`.
fn conf_value(conf: &serde_yaml::Value, block: Block, key: &str) -> Option<String> {
    let mut node = conf;
    for part in block.path().split('.') {
        node = node.get(part)?;
    }
    node.get(key).map(|v| match v {
        serde_yaml::Value::String(s) => s.clone(),
        other => format!("{other:?}"),
    })
}

#[test]
fn every_env_name_is_the_one_the_server_config_reads() {
    let path = support::reference("openmetadata/conf/openmetadata.yaml");
    let conf: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    for (block, key, env) in server::ENV_NAMES.iter().chain(server::MAIN_ONLY) {
        let value = conf_value(&conf, *block, key)
            .unwrap_or_else(|| panic!("{}.{key} is not in conf/openmetadata.yaml", block.path()));
        assert!(
            value.starts_with(&format!("${{{env}:-")) || value == format!("${{{env}}}"),
            "{}.{key} reads `{value}`, omsso says {env}",
            block.path()
        );
    }
}
