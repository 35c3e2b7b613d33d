//! Turning spec names into Rust identifiers, the single place that decides
//! how `Content Type`, `sequence-no` or `get-twin` are spelled in Rust.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Rust keywords (strict and reserved, 2021 edition) that need `r#` or a suffix.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers (`r#self` is not allowed).
const NOT_RAW: &[&str] = &["self", "super", "crate", "Self", "_"];

/// Whether `word` is a Rust keyword.
pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

fn checked(ident: String) -> Option<String> {
    let mut chars = ident.chars();
    let first = chars.next()?;
    let ok = (first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && ident != "_";
    ok.then_some(ident)
}

/// `Content Type` → `content_type`, `if-version` → `if_version`; `None` when the
/// name has no ASCII identifier form (empty, starts with a digit, non-ASCII).
/// Keywords are returned as is; emitters add `r#`.
pub fn field_name(name: &str) -> Option<String> {
    if !name.is_ascii() {
        return None;
    }
    checked(name.to_snake_case()).filter(|n| !NOT_RAW.contains(&n.as_str()))
}

/// `get-twin` → `GetTwin`.
pub fn type_name(name: &str) -> Option<String> {
    if !name.is_ascii() {
        return None;
    }
    checked(name.to_upper_camel_case()).filter(|n| !is_keyword(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_spec_names() {
        assert_eq!(field_name("Content Type").as_deref(), Some("content_type"));
        assert_eq!(field_name("sequence-no").as_deref(), Some("sequence_no"));
        assert_eq!(field_name("type").as_deref(), Some("type"));
        assert_eq!(
            type_name("receive-direct-methods").as_deref(),
            Some("ReceiveDirectMethods")
        );
    }

    #[test]
    fn rejects_names_without_identifier_form() {
        assert_eq!(field_name(""), None);
        assert_eq!(field_name("--"), None);
        assert_eq!(field_name("2fa"), None);
        assert_eq!(field_name("värde"), None);
        assert_eq!(type_name("self"), None);
        assert_eq!(field_name("self"), None);
        assert_eq!(field_name("crate"), None);
    }
}
