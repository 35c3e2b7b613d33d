//! Escaping text (spec prose and, above all, translations from catalogs) so
//! that it stays one inline piece of Markdown: it cannot open a block, break
//! a table, end a heading, close a fence or inject HTML. Code spans and
//! emphasis, which translations legitimately carry, are kept.

use super::markdown::one_line;

/// A piece of inline text: a code span (kept verbatim) or plain text.
enum Piece<'a> {
    Code(&'a str),
    Text(&'a str),
}

/// Splits at code spans the way CommonMark finds them: a run of n backticks
/// opens a span that the next run of exactly n backticks closes; a run with
/// no partner is literal text.
fn pieces(text: &str) -> Vec<Piece<'_>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'`' {
            i += 1;
            continue;
        }
        // `\`` is a literal backtick, not the start of a code span.
        let backslashes = bytes[..i].iter().rev().take_while(|&&b| b == b'\\').count();
        if backslashes % 2 == 1 {
            i += 1;
            continue;
        }
        let run_start = i;
        while i < bytes.len() && bytes[i] == b'`' {
            i += 1;
        }
        let n = i - run_start;
        // Find the closing run of exactly n backticks.
        let mut j = i;
        let mut close = None;
        while j < bytes.len() {
            if bytes[j] == b'`' {
                let k = j;
                while j < bytes.len() && bytes[j] == b'`' {
                    j += 1;
                }
                if j - k == n {
                    close = Some(j);
                    break;
                }
            } else {
                j += 1;
            }
        }
        if let Some(end) = close {
            if run_start > start {
                out.push(Piece::Text(&text[start..run_start]));
            }
            out.push(Piece::Code(&text[run_start..end]));
            start = end;
            i = end;
        }
    }
    if start < text.len() {
        out.push(Piece::Text(&text[start..]));
    }
    out
}

fn escape_text(text: &str, in_table: bool, out: &mut String) {
    let mut backslashes = 0;
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '|' if in_table => out.push_str("\\|"),
            // A backtick here has no partner in this text (pairs are code
            // spans): it must not pair with a code span that follows (a
            // topic or status after a label).
            '`' if backslashes % 2 == 0 => out.push_str("\\`"),
            // No links or images from translations (`[text](url)`, `![](src)`).
            '[' if backslashes % 2 == 0 => out.push_str("\\["),
            _ => out.push(c),
        }
        backslashes = if c == '\\' { backslashes + 1 } else { 0 };
    }
}

fn escape(text: &str, in_table: bool) -> String {
    let text = one_line(text);
    let mut out = String::with_capacity(text.len() + 8);
    for piece in pieces(&text) {
        match piece {
            Piece::Code(code) if in_table => out.push_str(&code.replace('|', "\\|")),
            Piece::Code(code) => out.push_str(code),
            Piece::Text(t) => escape_text(t, in_table, &mut out),
        }
    }
    out
}

/// Whether a line starting with `text` would open a block (heading, quote,
/// list, table, fence, thematic break, setext underline, HTML, link
/// reference definition).
fn opens_block(text: &str) -> bool {
    let t = text;
    let starts = |p: &str| t.starts_with(p);
    if starts("#") || starts(">") || starts("|") || starts("```") || starts("~~~") || starts("=") {
        return true;
    }
    if starts("- ") || starts("+ ") || starts("* ") || t == "-" || t == "+" || t == "*" {
        return true;
    }
    if starts("---") || starts("***") || starts("___") {
        return true;
    }
    // `[label]: destination` defines a link and shows nothing.
    starts("[") && t.contains("]:")
}

/// Digits that would start an ordered list (`1.`, `2)`): their count.
fn list_number(text: &str) -> Option<usize> {
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    ((1..=9).contains(&digits) && matches!(text[digits..].chars().next(), Some('.' | ')')))
        .then_some(digits)
}

/// Text for a paragraph or a label line.
pub fn inline(text: &str) -> String {
    let out = escape(text, false);
    if let Some(digits) = list_number(&out) {
        // A backslash only escapes punctuation: escape the `.` / `)`.
        format!("{}\\{}", &out[..digits], &out[digits..])
    } else if opens_block(&out) {
        format!("\\{out}")
    } else {
        out
    }
}

/// Text for a heading: like [`inline`], and a trailing `#` run is not taken
/// as the heading's closing sequence.
pub fn heading(text: &str) -> String {
    let out = inline(text);
    match out.strip_suffix('#') {
        // Not when already escaped (`\#`): that `#` closes nothing.
        Some(rest) if !rest.ends_with('\\') => format!("{rest}\\#"),
        _ => out,
    }
}

/// Text for a table cell: like [`inline`], and `|` never ends the cell.
pub fn cell(text: &str) -> String {
    escape(text, true)
}

/// A front matter value: as is when YAML reads it back as the same string,
/// else double-quoted (numbers, booleans and null stay strings).
pub fn front_matter(value: &str) -> String {
    let scalar_word = matches!(
        value.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~"
    );
    let number = value.parse::<f64>().is_ok() || value.starts_with("0x") || value.starts_with("0o");
    let plain = !value.is_empty()
        && !scalar_word
        && !number
        && value == value.trim()
        && !value.contains(": ")
        && !value.contains(" #")
        && !value.ends_with(':')
        && !value.chars().any(char::is_control)
        && !value.starts_with([
            '"', '\'', '[', ']', '{', '}', '&', '*', '!', '|', '>', '%', '@', '`', '#', ',', '?',
            '-',
        ]);
    if plain {
        value.to_owned()
    } else {
        let escaped = value
            .chars()
            .map(|c| match c {
                '"' => "\\\"".to_owned(),
                '\\' => "\\\\".to_owned(),
                c if c.is_control() => format!("\\u{:04x}", u32::from(c)),
                c => c.to_string(),
            })
            .collect::<String>();
        format!("\"{escaped}\"")
    }
}

/// An inline code span showing `text` verbatim, whatever backticks it holds.
pub fn code(text: &str) -> String {
    let text = one_line(text);
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let ticks = "`".repeat(longest + 1);
    if longest == 0 {
        format!("{ticks}{text}{ticks}")
    } else {
        format!("{ticks} {text} {ticks}")
    }
}

/// A code fence that no backtick run inside `code` can close.
pub fn fence(code: &str) -> String {
    let longest = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_code_spans_and_emphasis() {
        assert_eq!(inline("**Payload**: empty"), "**Payload**: empty");
        assert_eq!(
            inline("translates into `content-type` property"),
            "translates into `content-type` property"
        );
    }

    #[test]
    fn neutralises_html_blocks_and_breaks() {
        assert_eq!(
            inline("a <script>x</script>\n\n# b"),
            "a &lt;script>x&lt;/script> # b"
        );
        assert_eq!(inline("# not a heading"), "\\# not a heading");
        assert_eq!(inline("1. not a list"), "1\\. not a list");
        assert_eq!(inline("[x]: /url"), "\\[x]: /url");
        assert_eq!(heading("#"), "\\#");
        assert_eq!(heading("C#"), "C\\#");
        assert_eq!(inline("`a <b>`"), "`a <b>`");
    }

    #[test]
    fn escaped_backticks_open_no_code_span() {
        // `\`` is literal: the backtick after `b` is unpaired and escaped.
        assert_eq!(inline("a \\`b` c"), "a \\`b\\` c");
        assert_eq!(
            inline("[x](javascript:alert(1)) ![i](src)"),
            "\\[x](javascript:alert(1)) !\\[i](src)"
        );
        assert_eq!(inline("\\[kept]"), "\\[kept]");
    }

    #[test]
    fn cells_cannot_split() {
        assert_eq!(cell("a | b"), "a \\| b");
        assert_eq!(cell("`x|y` | z"), "`x\\|y` \\| z");
        assert_eq!(cell("unbalanced ` <i> |"), "unbalanced \\` &lt;i> \\|");
    }

    #[test]
    fn fences_outlast_content() {
        assert_eq!(fence("plain"), "```");
        assert_eq!(fence("a ```` b"), "`````");
    }

    #[test]
    fn front_matter_quotes_when_needed() {
        assert_eq!(
            front_matter("Azure IoT Hub MQTT 5 API reference (preview)"),
            "Azure IoT Hub MQTT 5 API reference (preview)"
        );
        assert_eq!(front_matter("a: b"), "\"a: b\"");
        assert_eq!(front_matter("\"quoted\""), "\"\\\"quoted\\\"\"");
    }
}
