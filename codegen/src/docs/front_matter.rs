//! Front matter of a localized document as the catalogs keep it: which keys
//! are plain (YAML reads them as themselves), how a one-line value becomes
//! text, the `msgctxt` prefix of locale-specific values, and which keys name
//! the document's locale. Used by both the catalog reader and import.

/// `msgctxt` prefix of locale-specific front matter values (not translations).
pub const PREFIX: &str = "front-matter.meta.";

/// Front matter keys whose value is the document's locale tag: always the
/// target locale in a generated or imported document.
pub const LOCALE_KEYS: &[&str] = &["ms.contentlocale"];

/// The front matter key of a catalog context, if it is one.
pub fn key_of_context(context: &str) -> Option<&str> {
    context.strip_prefix(PREFIX)
}

/// The catalog context of front matter key `key`.
pub fn context_of_key(key: &str) -> String {
    format!("{PREFIX}{key}")
}

/// A front matter key that YAML reads as itself (`ms.locfileid`).
pub fn is_plain_key(key: &str) -> bool {
    key.starts_with(|c: char| c.is_ascii_alphanumeric())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// A one-line front matter value as text: double quotes with their escapes,
/// single quotes with `''`, or plain.
pub fn unquote(value: &str) -> String {
    let v = value.trim();
    if let Some(inner) = v
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .filter(|_| v.len() >= 2)
    {
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some(other) => out.push(other),
                    None => out.push('\\'),
                }
            } else {
                out.push(c);
            }
        }
        out
    } else if let Some(inner) = v
        .strip_prefix('\'')
        .and_then(|r| r.strip_suffix('\''))
        .filter(|_| v.len() >= 2)
    {
        inner.replace("''", "'")
    } else {
        v.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_keys_and_values() {
        assert!(is_plain_key("ms.locfileid"));
        assert!(!is_plain_key("-x"));
        assert!(!is_plain_key("a: b"));
        assert_eq!(unquote("\"96603561\""), "96603561");
        assert_eq!(unquote("'it''s'"), "it's");
        assert_eq!(unquote(" plain "), "plain");
        assert_eq!(key_of_context(&context_of_key("ms.date")), Some("ms.date"));
        assert_eq!(key_of_context("operation.x"), None);
    }
}
