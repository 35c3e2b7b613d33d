//! PO string literals as GNU gettext reads them: `"…"` with the C escapes
//! `\a \b \f \n \r \t \v \\ \"`, octal (`\101`) and hexadecimal (`\x41`)
//! byte escapes; the bytes must be UTF-8 and hold no NUL, which gettext
//! cannot keep (it would cut the string there).

/// The text of `literal` (the whole `"…"`, quotes included).
pub(super) fn unquote(literal: &str) -> Result<String, String> {
    let inner = literal
        .strip_prefix('"')
        .and_then(|l| l.strip_suffix('"'))
        .filter(|_| literal.len() >= 2)
        .ok_or_else(|| {
            let shown: String = literal.chars().take(40).collect();
            format!("expected a quoted string, found `{shown}`")
        })?;
    let mut bytes = Vec::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Err("unescaped `\"` inside a string (write `\\\"`)".to_owned()),
            '\\' => {
                let escape = chars
                    .next()
                    .ok_or_else(|| "string ends with a lone backslash".to_owned())?;
                let byte = match escape {
                    'a' => 0x07,
                    'b' => 0x08,
                    'f' => 0x0c,
                    'n' => b'\n',
                    'r' => b'\r',
                    't' => b'\t',
                    'v' => 0x0b,
                    '\\' => b'\\',
                    '"' => b'"',
                    '0'..='7' => {
                        let mut value = escape.to_digit(8).unwrap_or(0);
                        for _ in 0..2 {
                            match chars.peek().and_then(|d| d.to_digit(8)) {
                                Some(d) => {
                                    value = value * 8 + d;
                                    chars.next();
                                }
                                None => break,
                            }
                        }
                        u8::try_from(value)
                            .map_err(|_| format!("octal escape `\\{value:o}` is past one byte"))?
                    }
                    'x' => {
                        let mut value: u32 = 0;
                        let mut digits = 0;
                        while let Some(d) = chars.peek().and_then(|d| d.to_digit(16)) {
                            value = value.saturating_mul(16).saturating_add(d);
                            digits += 1;
                            chars.next();
                        }
                        if digits == 0 {
                            return Err("`\\x` without hexadecimal digits".to_owned());
                        }
                        u8::try_from(value).map_err(|_| {
                            "hexadecimal escape is past one byte (`\\xFF` at most)".to_owned()
                        })?
                    }
                    other => {
                        return Err(format!(
                            "unknown escape `\\{other}` (use \\\\ \\\" \\n \\t, or \\a \\b \\f \\r \\v, \\ooo, \\xhh)"
                        ))
                    }
                };
                bytes.push(byte);
            }
            c => {
                let mut buffer = [0; 4];
                bytes.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
            }
        }
    }
    if bytes.contains(&0) {
        return Err("a string holds U+0000, which gettext cannot keep".to_owned());
    }
    String::from_utf8(bytes).map_err(|_| "escapes make the string invalid UTF-8".to_owned())
}

/// Whether `c` is written as a two-character C escape (`\n`, `\t`, …).
pub(super) fn escape_letter(c: char) -> Option<char> {
    Some(match c {
        '\u{7}' => 'a',
        '\u{8}' => 'b',
        '\u{c}' => 'f',
        '\n' => 'n',
        '\r' => 'r',
        '\t' => 't',
        '\u{b}' => 'v',
        '\\' => '\\',
        '"' => '"',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_gettext_reads() {
        assert_eq!(unquote(r#""a\"b\\c\n\t""#).as_deref(), Ok("a\"b\\c\n\t"));
        assert_eq!(unquote(r#""\101\x42\303\251""#).as_deref(), Ok("ABé"));
        assert_eq!(unquote(r#""é€😀""#).as_deref(), Ok("é€😀"));
        for bad in [
            r#""a"#,
            r#""\q""#,
            r#""\'""#,
            r#""\x""#,
            r#""\x100""#,
            r#""a"b""#,
            r#""\0""#,
            r#""\303""#,
            r#""\"#,
            "\"",
        ] {
            assert!(unquote(bad).is_err(), "{bad}");
        }
    }
}
