//! One keyword and its string as GNU gettext writes them (`msgid "…"`):
//! the string escaped, cut into logical lines after each `\n`, each
//! logical line broken where [`linebreak`](super::linebreak) allows so that
//! a written line (quotes included) fits the page width. A string that
//! does not fit on the keyword's line, or holds a line break before its
//! end, starts with an empty `""` on the keyword's line.

use super::linebreak::{breaks, Break};
use super::string::escape_letter;

/// Appends `prefix keyword "value"` to `out`, wrapped at `page_width`
/// (`None`: never wrapped), every line ending in `\n`.
pub(super) fn wrap(
    out: &mut String,
    prefix: &str,
    keyword: &str,
    value: &str,
    page_width: Option<usize>,
) {
    // Columns are counted as gettext counts them: after the prefix and the
    // opening quote of a continuation line; the closing quote needs one.
    let after_break = prefix.len() + 1;
    let width = page_width.map_or(usize::MAX / 2, |w| w.saturating_sub(1 + after_break));
    let first_start = prefix.len() + keyword.len() + 2 - after_break;
    let mut first_line = true;
    let mut rest = value;
    loop {
        let end = rest.find('\n').map_or(rest.len(), |i| i + 1);
        let (line, after) = rest.split_at(end);
        let (text, overrides) = escaped(line);
        let start = if first_line { first_start } else { 0 };
        let mut cuts = breaks(&text, &overrides, width, start);
        if first_line
            && !text.is_empty()
            && (!after.is_empty() || start > width || cuts.contains(&true))
        {
            out.push_str(&format!("{prefix}{keyword} \"\"\n"));
            first_line = false;
            cuts = breaks(&text, &overrides, width, 0);
        }
        out.push_str(prefix);
        if first_line {
            out.push_str(keyword);
            out.push(' ');
            first_line = false;
        }
        out.push('"');
        for (c, cut) in text.iter().zip(cuts) {
            if cut {
                out.push_str("\"\n");
                out.push_str(prefix);
                out.push('"');
            }
            out.push(*c);
        }
        out.push_str("\"\n");
        rest = after;
        if rest.is_empty() {
            break;
        }
    }
}

/// `line` as written between quotes, one `char` each, with the breaks the
/// escapes forbid: none inside an escape, none before a final `\n`.
fn escaped(line: &str) -> (Vec<char>, Vec<Break>) {
    let mut text = Vec::with_capacity(line.len());
    let mut overrides = Vec::with_capacity(line.len());
    for c in line.chars() {
        match escape_letter(c) {
            Some(letter) => {
                text.extend(['\\', letter]);
                overrides.extend([Break::Undefined, Break::Prohibited]);
            }
            None => {
                text.push(c);
                overrides.push(Break::Undefined);
            }
        }
    }
    if line.ends_with('\n') {
        let at = overrides.len() - 2;
        overrides[at] = Break::Prohibited;
    }
    (text, overrides)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrapped(keyword: &str, value: &str) -> String {
        let mut out = String::new();
        wrap(&mut out, "", keyword, value, Some(79));
        out
    }

    #[test]
    fn short_strings_stay_on_the_keyword_line() {
        assert_eq!(wrapped("msgid", ""), "msgid \"\"\n");
        assert_eq!(wrapped("msgid", "Get Twin"), "msgid \"Get Twin\"\n");
        assert_eq!(
            wrapped("msgstr", "a \"b\"\n"),
            "msgstr \"a \\\"b\\\"\\n\"\n"
        );
    }

    #[test]
    fn long_strings_and_inner_line_breaks_start_empty() {
        assert_eq!(
            wrapped("msgstr", "Language: sv-SE\nX: y\n"),
            "msgstr \"\"\n\"Language: sv-SE\\n\"\n\"X: y\\n\"\n"
        );
        let long = "This document defines operations available in version 2.0 (api-version: `2020-10-01-preview`) of IoT Hub data plane API.";
        assert_eq!(
            wrapped("msgid", long),
            "msgid \"\"\n\"This document defines operations available in version 2.0 (api-version: \"\n\"`2020-10-01-preview`) of IoT Hub data plane API.\"\n"
        );
        let mut out = String::new();
        wrap(&mut out, "#~ ", "msgid", long, None);
        assert_eq!(out, format!("#~ msgid \"{long}\"\n"));
    }
}
