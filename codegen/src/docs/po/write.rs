//! Writing [`Message`]s as GNU gettext 0.21 writes them (`msgcat`,
//! `msgmerge`): translator comments, extracted comments, references
//! re-flowed to the page width, flags (`fuzzy` only on a non-empty
//! translation; `no-wrap`; never `wrap`), previous strings (`#|`), then the
//! context, English and translation wrapped as [`wrap`](super::wrap) does;
//! obsolete entries (`#~`) after all others, those without a translation
//! left out; an empty line between messages.

use super::model::Message;
use super::wrap::wrap;

/// The text of `messages` (the header first), wrapped at `page_width`
/// columns (gettext's default is 79).
pub fn write(messages: &[Message], page_width: usize) -> String {
    let mut out = String::new();
    let active = messages.iter().filter(|m| !m.obsolete);
    let obsolete = messages
        .iter()
        .filter(|m| m.obsolete && !m.msgstr.is_empty());
    for (i, m) in active.chain(obsolete).enumerate() {
        if i > 0 {
            out.push('\n');
        }
        message(&mut out, m, page_width);
    }
    out
}

/// Comment lines, one per line of each comment (as gettext writes a
/// translator comment that holds a line break).
fn comment_lines(out: &mut String, mark: &str, comments: &[String]) {
    for line in comments.iter().flat_map(|c| c.split('\n')) {
        out.push_str(mark);
        if !line.is_empty() {
            out.push(' ');
            out.push_str(line);
        }
        out.push('\n');
    }
}

/// `#:` lines: references separated by spaces, a new line when the next
/// one would pass the page width.
fn references(out: &mut String, references: &[String], page_width: usize) {
    if references.is_empty() {
        return;
    }
    out.push_str("#:");
    let mut column = 2;
    for reference in references {
        let reference = reference.trim_start_matches("./");
        let width = reference.len() + 1;
        if column > 2 && column + width > page_width {
            out.push_str("\n#:");
            column = 2;
        }
        out.push(' ');
        out.push_str(reference);
        column += width;
    }
    out.push('\n');
}

fn flags(out: &mut String, m: &Message) {
    let mut flags: Vec<&str> = Vec::new();
    // gettext keeps `fuzzy` on an obsolete entry, and drops it from an
    // active one without a translation.
    if m.flags.fuzzy && (m.obsolete || !m.msgstr.is_empty()) {
        flags.push("fuzzy");
    }
    flags.extend(m.flags.other.iter().map(String::as_str));
    if m.flags.wrap == Some(false) {
        flags.push("no-wrap");
    }
    if !flags.is_empty() {
        out.push_str("#, ");
        out.push_str(&flags.join(", "));
        out.push('\n');
    }
}

fn message(out: &mut String, m: &Message, page_width: usize) {
    let width = (m.flags.wrap != Some(false)).then_some(page_width);
    comment_lines(out, "#", &m.comments);
    comment_lines(out, "#.", &m.extracted);
    references(out, &m.references, page_width);
    flags(out, m);
    let (previous, prefix) = if m.obsolete {
        ("#~| ", "#~ ")
    } else {
        ("#| ", "")
    };
    if let Some(ctxt) = &m.previous_msgctxt {
        wrap(out, previous, "msgctxt", ctxt, width);
    }
    if let Some(id) = &m.previous_msgid {
        wrap(out, previous, "msgid", id, width);
    }
    if let Some(ctxt) = &m.msgctxt {
        wrap(out, prefix, "msgctxt", ctxt, width);
    }
    wrap(out, prefix, "msgid", &m.msgid, width);
    wrap(out, prefix, "msgstr", &m.msgstr, width);
}

#[cfg(test)]
mod tests {
    use super::super::model::Flags;
    use super::*;

    #[test]
    fn writes_like_msgcat() {
        let header = Message {
            msgstr: "Language: sv-SE\n".to_owned(),
            ..Message::default()
        };
        let entry = Message {
            comments: vec!["note".to_owned(), String::new()],
            extracted: vec!["Shown at 2 places".to_owned()],
            references: vec!["./a.c:1".to_owned()],
            flags: Flags {
                fuzzy: true,
                wrap: Some(false),
                other: vec!["c-format".to_owned()],
            },
            previous_msgid: Some("Old".to_owned()),
            msgctxt: Some("a".to_owned()),
            msgid: "New".to_owned(),
            msgstr: "Ny".to_owned(),
            ..Message::default()
        };
        let untranslated = Message {
            flags: Flags {
                fuzzy: true,
                ..Flags::default()
            },
            msgctxt: Some("b".to_owned()),
            msgid: "B".to_owned(),
            ..Message::default()
        };
        let gone = Message {
            obsolete: true,
            msgctxt: Some("c".to_owned()),
            msgid: "C".to_owned(),
            msgstr: "Cee".to_owned(),
            ..Message::default()
        };
        let gone_empty = Message {
            msgstr: String::new(),
            ..gone.clone()
        };
        let text = write(&[header, gone, entry, gone_empty, untranslated], 79);
        assert_eq!(
            text,
            "msgid \"\"\nmsgstr \"Language: sv-SE\\n\"\n\n\
             # note\n#\n#. Shown at 2 places\n#: a.c:1\n#, fuzzy, c-format, no-wrap\n#| msgid \"Old\"\nmsgctxt \"a\"\nmsgid \"New\"\nmsgstr \"Ny\"\n\n\
             msgctxt \"b\"\nmsgid \"B\"\nmsgstr \"\"\n\n\
             #~ msgctxt \"c\"\n#~ msgid \"C\"\n#~ msgstr \"Cee\"\n"
        );
    }
}
