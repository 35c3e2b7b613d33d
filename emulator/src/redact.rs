//! Keeping secrets out of messages built from parser errors: serde quotes
//! the values it could not use, and a misplaced key must reach neither a
//! response nor a log.

/// `message` without the text a peer wrote: every part between double
/// quotes becomes `"…"` (serde quotes values it could not use), and so does
/// the backticked name after `unknown field` or `unknown variant` (serde's
/// own expectations, in backticks too, stay).
pub fn scrub(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut open: Option<char> = None;
    for (i, c) in message.char_indices() {
        match open {
            Some(quote) if c == quote => open = None,
            Some(_) => {}
            None if c == '"' || (c == '`' && names_input(&message[..i])) => {
                out.push(c);
                out.push('…');
                out.push(c);
                open = Some(c);
            }
            None => out.push(c),
        }
    }
    out
}

/// Whether a backtick after `before` opens a name the input gave.
fn names_input(before: &str) -> bool {
    before.ends_with("unknown field ") || before.ends_with("unknown variant ")
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
