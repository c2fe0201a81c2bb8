//! The key names of the OIDC Secret in a SOPS file. SOPS's MAC covers values, not key names
//! (docs/SOPS.md): a renamed key, or an added empty value, passes `sops -d`, so the lint
//! checks the names omsso writes, which the chart's values refer to.

use super::finding::{Report, Severity};
use super::registry::SOPS_UNEXPECTED_KEY;
use crate::openmetadata::server;
use crate::sops::tree::Node;

/// The keys omsso writes into the OIDC Secret (the chart's values refer to them by name).
const OIDC_KEYS: [&str; 2] = [server::HELM_CLIENT_ID_KEY, server::HELM_CLIENT_SECRET_KEY];

/// The OIDC Secret (one that holds a key omsso writes) holds exactly omsso's keys. SOPS's MAC
/// covers values, not key names: a key renamed (an empty value's, or any without the key to
/// decrypt), or an added empty value, passes `sops -d`. Another Secret is left alone.
pub fn check(body: &Node, line: &dyn Fn(&[&str]) -> Option<usize>, r: &mut Report) {
    let mut keys: Vec<(String, String)> = Vec::new();
    for section in ["data", "stringData"] {
        if let Some(Node::Map(entries)) = body.get(section) {
            keys.extend(
                entries
                    .iter()
                    .map(|(k, _)| (section.to_string(), k.clone())),
            );
        }
    }
    if !keys.iter().any(|(_, k)| OIDC_KEYS.contains(&k.as_str())) {
        return;
    }
    let expected = OIDC_KEYS.join(" and ");
    for (section, key) in keys
        .iter()
        .filter(|(_, k)| !OIDC_KEYS.contains(&k.as_str()))
    {
        r.add(
            SOPS_UNEXPECTED_KEY,
            Severity::Warning,
            line(&[section.as_str(), key.as_str()]),
            format!(
                "`{section}.{key}` is not a key omsso writes into the OIDC Secret ({expected}); \
                 SOPS's MAC does not cover key names, so a renamed or added key passes sops -d"
            ),
            "restore the file from git, or render it again; if you added the key on purpose, \
             nothing to do",
        );
    }
    for missing in OIDC_KEYS
        .iter()
        .filter(|o| !keys.iter().any(|(_, k)| k == *o))
    {
        r.add(
            SOPS_UNEXPECTED_KEY,
            Severity::Warning,
            line(&["stringData"]).or(line(&["data"])),
            format!(
                "the OIDC Secret holds no `{missing}`: the chart's values refer to it by that \
                 name, so the OpenMetadata pod would not start"
            ),
            "restore the file from git, or render it again",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seal::error::Origin;
    use crate::seal::Recipient;

    /// The MAC covers no key name (issue 20): a renamed key or an added empty value in the
    /// OIDC Secret is flagged without any key; a Secret of other keys is left alone.
    #[test]
    fn the_oidc_secret_holds_exactly_omsso_s_keys() {
        let origin = Origin::Value {
            index: 1,
            source: "test".into(),
        };
        let to = Recipient::parse(
            "age1pem99tac5qz3n2rc65eanjq09qqg6ql62h5t4urt4wlse05aup4qa4za64",
            None,
            &origin,
        )
        .unwrap();
        let encrypt = |plain: &str| {
            let e = crate::sops::secret::encrypt(
                "t",
                plain.as_bytes(),
                std::slice::from_ref(&to),
                None,
                false,
                || Ok(None),
            )
            .unwrap();
            String::from_utf8(e.bytes).unwrap()
        };
        let unexpected = |text: &str| -> Vec<(Option<usize>, String)> {
            super::super::sops_secret::lint(text, None)
                .into_iter()
                .filter(|f| f.check == SOPS_UNEXPECTED_KEY.name)
                .map(|f| (f.line, f.message))
                .collect()
        };
        let oidc = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: oidc-secrets\nstringData:\n  openmetadata-oidc-client-id: open-metadata\n  openmetadata-oidc-client-secret: s3cret\n";
        let text = encrypt(oidc);
        assert_eq!(unexpected(&text), []);

        let renamed = text.replace(
            "openmetadata-oidc-client-id:",
            "openmetadata-oidc-client-idx:",
        );
        let found = unexpected(&renamed);
        assert_eq!(found.len(), 2, "{found:?}");
        let renamed_at = |needle: &str| found.iter().find(|(_, m)| m.contains(needle)).map(|f| f.0);
        assert_eq!(
            renamed_at("`stringData.openmetadata-oidc-client-idx` is not a key"),
            Some(Some(6)),
            "{found:?}"
        );
        assert_eq!(
            renamed_at("holds no `openmetadata-oidc-client-id`"),
            Some(Some(5)),
            "{found:?}"
        );

        let added = encrypt(&format!("{oidc}  extra: \"\"\n"));
        let found = unexpected(&added);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].1.contains("`stringData.extra`"), "{found:?}");

        let other = encrypt("kind: Secret\nstringData:\n  password: x\n");
        assert_eq!(unexpected(&other), []);
    }
}
