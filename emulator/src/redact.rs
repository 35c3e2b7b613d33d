//! Keeping secrets out of messages built from parser errors: serde quotes
//! the values it could not use, and a misplaced key must reach neither a
//! response nor a log.

/// `message` without any double-quoted text (each quoted part becomes `"…"`).
pub fn scrub(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quoted = false;
    for c in message.chars() {
        if c == '"' {
            if !quoted {
                out.push_str("\"…\"");
            }
            quoted = !quoted;
        } else if !quoted {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn quoted_values_are_removed() {
        assert_eq!(
            super::scrub(r#"invalid value: string "c2VjcmV0", expected base64"#),
            r#"invalid value: string "…", expected base64"#
        );
        assert_eq!(
            super::scrub(r#"unterminated "secret"#),
            r#"unterminated "…""#
        );
    }
}
