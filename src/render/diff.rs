//! A unified diff between an existing file and what omsso would write, with the client secret
//! masked on both sides: the new one is known, the old one is found by its line's prefix (the
//! text before the secret on the same line of the new file, e.g. `OIDC_CLIENT_SECRET=`).

use similar::TextDiff;

use super::{RenderedFile, REDACTED};

pub fn masked_diff(label: &str, existing: &[u8], file: &RenderedFile) -> String {
    let old = String::from_utf8_lossy(existing);
    let new = String::from_utf8_lossy(&file.bytes);
    let (old, new) = if file.holds_secret {
        match mask(&old, &new, &file.redacted) {
            Some(pair) => pair,
            None => {
                return format!(
                    "{label}: differs (not shown: the file holds the client secret and its layout \
                     changed too much to mask it)\n"
                )
            }
        }
    } else {
        (old.into_owned(), new.into_owned())
    };
    if old == new {
        return format!("{label}: only the client secret differs (not shown)\n");
    }
    TextDiff::from_lines(&old, &new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("{label} (existing)"), &format!("{label} (omsso)"))
        .to_string()
}

/// `(old, new)` with secrets replaced by `<redacted>`, or `None` when the redacted rendering
/// does not line up with the real one.
fn mask(old: &str, new: &str, redacted: &str) -> Option<(String, String)> {
    let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
    let shown_lines: Vec<&str> = redacted.split_inclusive('\n').collect();
    if new_lines.len() != shown_lines.len() {
        return None;
    }
    let prefixes: Vec<&str> = new_lines
        .iter()
        .zip(&shown_lines)
        .filter(|(n, s)| n != s)
        .filter_map(|(_, s)| s.find(REDACTED).map(|i| &s[..i]))
        .collect();
    let old = old
        .split_inclusive('\n')
        .map(
            |line| match prefixes.iter().find(|p| line.starts_with(**p)) {
                Some(p) => format!(
                    "{p}{REDACTED}{}",
                    if line.ends_with('\n') { "\n" } else { "" }
                ),
                None => line.to_string(),
            },
        )
        .collect();
    Some((old, redacted.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn file(real: &str, shown: &str) -> RenderedFile {
        RenderedFile {
            rel_path: PathBuf::from("x.env"),
            bytes: real.as_bytes().to_vec(),
            holds_secret: real != shown,
            redacted: shown.to_string(),
        }
    }

    #[test]
    fn neither_the_old_nor_the_new_secret_is_shown() {
        let f = file(
            "A='1'\nSECRET='new-secret'\nB='2'\n",
            "A='1'\nSECRET=<redacted>\nB='2'\n",
        );
        let d = masked_diff("x.env", b"A='0'\nSECRET='old-secret'\nB='2'\n", &f);
        assert!(
            !d.contains("new-secret") && !d.contains("old-secret"),
            "{d}"
        );
        assert!(d.contains("-A='0'") && d.contains("+A='1'"), "{d}");
        let d = masked_diff("x.env", b"A='1'\nSECRET='old-secret'\nB='2'\n", &f);
        assert!(d.contains("only the client secret differs"), "{d}");
    }
}
