//! Reading PO text into [`Message`]s, as GNU gettext reads it — comments,
//! flags, previous strings (`#|`), obsolete entries (`#~`) — with every
//! problem reported at its line. Stricter than gettext where a file could
//! only come from a hand edit gone wrong: entries are separated by empty
//! lines (a line of spaces is refused), comments come before an entry's
//! first keyword, every entry but the header has a context and a
//! non-empty `msgid`, contexts are unique, and plural forms are refused
//! (these catalogs have none).

use std::collections::HashMap;

use super::model::{Flags, Message};
use super::string::unquote;

/// A problem at a line of a PO file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Line number, from 1.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Which string a quoted line continues.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Field {
    None,
    PreviousCtxt,
    PreviousId,
    Ctxt,
    Id,
    Str,
}

/// The entry being read.
#[derive(Default)]
struct Pending {
    message: Message,
    /// A `msgctxt` / `msgid` / `msgstr` line was read.
    started: bool,
    has_id: bool,
    has_str: bool,
    /// A `#|` line was read.
    has_previous: bool,
    /// Line of its first line of any kind.
    first: usize,
}

const COMMENT_INSIDE: &str =
    "a `#` comment inside an entry: comments go before its `msgctxt`, after an empty line";

struct Reader {
    problems: Vec<Problem>,
    messages: Vec<Message>,
    current: Option<Pending>,
    field: Field,
}

impl Reader {
    fn problem(&mut self, line: usize, message: impl Into<String>) {
        self.problems.push(Problem {
            line,
            message: message.into(),
        });
    }

    fn pending(&mut self, line: usize) -> &mut Pending {
        self.current.get_or_insert_with(|| Pending {
            first: line,
            ..Pending::default()
        })
    }

    fn finish(&mut self) {
        self.field = Field::None;
        let Some(p) = self.current.take() else {
            return;
        };
        if !p.started {
            // Comments standing alone belong to no message; gettext drops
            // them too. `#|` lines need the entry they describe.
            if p.has_previous {
                self.problem(p.first, "`#|` lines without the entry they belong to");
            }
            return;
        }
        if !p.has_id {
            self.problem(p.message.line, "entry has no `msgid`");
        } else if !p.has_str {
            self.problem(p.message.line, "entry has no `msgstr`");
        }
        self.messages.push(p.message);
    }

    /// A `#` line that is not `#~` or `#|`.
    fn comment(&mut self, line_no: usize, line: &str) {
        if self.current.as_ref().is_some_and(|p| p.started) {
            return self.problem(line_no, COMMENT_INSIDE);
        }
        let text = |rest: &str| rest.strip_prefix(' ').unwrap_or(rest).to_owned();
        let message = &mut self.pending(line_no).message;
        if let Some(rest) = line.strip_prefix("#.") {
            message.extracted.push(text(rest));
        } else if let Some(rest) = line.strip_prefix("#:") {
            message
                .references
                .extend(rest.split_whitespace().map(str::to_owned));
        } else if let Some(rest) = line.strip_prefix("#,") {
            read_flags(&mut message.flags, rest);
        } else {
            message.comments.push(text(&line[1..]));
        }
    }

    /// A keyword or string line; `obsolete` for `#~`, `previous` for `#|`.
    fn content(&mut self, line_no: usize, body: &str, obsolete: bool, previous: bool) {
        let body = body.trim_start_matches([' ', '\t']);
        if let Some(p) = &self.current {
            if p.started && p.message.obsolete != obsolete {
                return self.problem(
                    line_no,
                    if obsolete {
                        COMMENT_INSIDE
                    } else {
                        "an obsolete (`#~`) entry continues with a line without `#~`: end it with an empty line"
                    },
                );
            }
            if previous && p.started {
                return self.problem(line_no, COMMENT_INSIDE);
            }
        }
        if body.starts_with('"') {
            return self.string(line_no, body, previous);
        }
        let (keyword, rest) = body
            .split_once([' ', '\t'])
            .map_or((body, ""), |(k, r)| (k, r.trim_start_matches([' ', '\t'])));
        let next = match (keyword, previous) {
            ("msgctxt", false) => Field::Ctxt,
            ("msgid", false) => Field::Id,
            ("msgstr", false) => Field::Str,
            ("msgctxt", true) => Field::PreviousCtxt,
            ("msgid", true) => Field::PreviousId,
            ("msgid_plural", _) => {
                return self.problem(line_no, "plural forms are not used by these catalogs")
            }
            (k, false) if k.starts_with("msgstr[") => {
                // Still this entry's translation: no "no `msgstr`" for it.
                if let Some(p) = self.current.as_mut() {
                    p.has_str = true;
                }
                self.field = Field::Str;
                return self.problem(line_no, "plural forms are not used by these catalogs");
            }
            _ => {
                let shown: String = body.chars().take(40).collect();
                return self.problem(
                    line_no,
                    format!(
                        "expected `msgctxt`, `msgid`, `msgstr`, a quoted string or a `#` comment, found `{shown}`"
                    ),
                );
            }
        };
        // A bad string is reported; the keyword still counts (no spurious
        // "no `msgstr`" for an entry whose msgstr is malformed).
        let value = unquote(rest).unwrap_or_else(|e| {
            self.problem(line_no, e);
            String::new()
        });
        // A keyword out of order starts a new entry without an empty line.
        let starts_entry = next == Field::Ctxt || (next == Field::Id && self.field != Field::Ctxt);
        let repeats = match next {
            Field::Str => self.current.as_ref().is_some_and(|p| p.has_str),
            Field::PreviousCtxt => self
                .current
                .as_ref()
                .is_some_and(|p| p.message.previous_msgctxt.is_some()),
            Field::PreviousId => self
                .current
                .as_ref()
                .is_some_and(|p| p.message.previous_msgid.is_some()),
            _ => false,
        };
        let started = self.current.as_ref().is_some_and(|p| p.started);
        if (starts_entry && started) || repeats {
            self.problem(
                line_no,
                if repeats {
                    format!("a second `{keyword}` in one entry")
                } else {
                    "a new entry starts here: end the previous one with a blank line".to_owned()
                },
            );
        }
        if starts_entry && started {
            self.finish();
        }
        let p = self.pending(line_no);
        match next {
            Field::PreviousCtxt => {
                p.has_previous = true;
                p.message.previous_msgctxt = Some(value);
            }
            Field::PreviousId => {
                p.has_previous = true;
                p.message.previous_msgid = Some(value);
            }
            Field::Ctxt => p.message.msgctxt = Some(value),
            Field::Id => {
                p.has_id = true;
                p.message.msgid = value;
            }
            Field::Str => {
                p.has_str = true;
                p.message.msgstr = value;
            }
            Field::None => {}
        }
        if !previous && !p.started {
            p.started = true;
            p.message.obsolete = obsolete;
            p.message.line = line_no;
        }
        self.field = next;
    }

    /// A quoted line continuing the current string.
    fn string(&mut self, line_no: usize, body: &str, previous: bool) {
        let fits = match self.field {
            Field::PreviousCtxt | Field::PreviousId => previous,
            Field::Ctxt | Field::Id | Field::Str => !previous,
            Field::None => false,
        };
        if !fits {
            return self.problem(
                line_no,
                "a string continues no `msgctxt`, `msgid` or `msgstr`",
            );
        }
        let value = match unquote(body) {
            Ok(value) => value,
            Err(e) => return self.problem(line_no, e),
        };
        let field = self.field;
        let Some(p) = self.current.as_mut() else {
            return;
        };
        let target = match field {
            Field::PreviousCtxt => p.message.previous_msgctxt.get_or_insert_with(String::new),
            Field::PreviousId => p.message.previous_msgid.get_or_insert_with(String::new),
            Field::Ctxt => p.message.msgctxt.get_or_insert_with(String::new),
            Field::Id => &mut p.message.msgid,
            Field::Str => &mut p.message.msgstr,
            Field::None => return,
        };
        target.push_str(&value);
    }
}

/// Reads a `#,` line's flags (after `#,`).
fn read_flags(flags: &mut Flags, rest: &str) {
    for flag in rest.split(',').map(str::trim).filter(|f| !f.is_empty()) {
        match flag {
            "fuzzy" => flags.fuzzy = true,
            "wrap" => flags.wrap = Some(true),
            "no-wrap" => flags.wrap = Some(false),
            other if !flags.other.iter().any(|f| f == other) => flags.other.push(other.to_owned()),
            _ => {}
        }
    }
}

/// Reads PO `text`: the header first, then every entry, active and
/// obsolete, in file order; or every problem, sorted by line.
pub fn parse(text: &str) -> Result<Vec<Message>, Vec<Problem>> {
    let mut r = Reader {
        problems: Vec::new(),
        messages: Vec::new(),
        current: None,
        field: Field::None,
    };
    for (index, raw) in text.split('\n').enumerate() {
        let line_no = index + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.is_empty() {
            r.finish();
        } else if line.trim().is_empty() {
            r.problem(
                line_no,
                "a line of only spaces: leave it empty to end the entry",
            );
        } else if let Some(rest) = line.strip_prefix("#~") {
            match rest.strip_prefix('|') {
                Some(body) => r.content(line_no, body, true, true),
                None if rest.trim().is_empty() => {}
                None => r.content(line_no, rest, true, false),
            }
        } else if let Some(body) = line.strip_prefix("#|") {
            r.content(line_no, body, false, true);
        } else if line.starts_with('#') {
            r.comment(line_no, line);
        } else {
            r.content(line_no, line, false, false);
        }
    }
    r.finish();
    let Reader {
        mut problems,
        messages,
        ..
    } = r;
    if problems.is_empty() {
        check_entries(&messages, &mut problems);
    }
    if problems.is_empty() {
        Ok(messages)
    } else {
        problems.sort_by_key(|p| p.line);
        Err(problems)
    }
}

/// Entry-level rules, on well-formed lines: the header first, then
/// entries with a context and an English text, contexts unique.
fn check_entries(messages: &[Message], problems: &mut Vec<Problem>) {
    let mut problem = |line: usize, message: String| problems.push(Problem { line, message });
    match messages.first() {
        Some(h) if h.is_header() => {}
        Some(first) => problem(
            first.line,
            "the catalog must start with its header entry (`msgid \"\"` / `msgstr \"Language: …\"`)"
                .to_owned(),
        ),
        None => problem(1, "the catalog has no header entry".to_owned()),
    }
    let mut contexts: HashMap<&str, usize> = HashMap::new();
    for m in messages.iter().skip(1) {
        if m.msgid.is_empty() {
            problem(m.line, "entry has an empty `msgid`".to_owned());
        }
        if m.obsolete {
            continue;
        }
        match m.msgctxt.as_deref() {
            None | Some("") => problem(
                m.line,
                "entry has no `msgctxt`; every entry names its place in the document".to_owned(),
            ),
            Some(ctxt) => {
                if let Some(first) = contexts.insert(ctxt, m.line) {
                    problem(
                        m.line,
                        format!("this `msgctxt` already appears at line {first}"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "msgid \"\"\nmsgstr \"Language: sv-SE\\n\"\n\n";

    fn lines(body: &str) -> Vec<usize> {
        parse(&format!("{HEADER}{body}"))
            .map(|m| m.iter().skip(1).map(|m| m.line).collect())
            .unwrap_or_default()
    }

    fn bad(body: &str) -> Vec<Problem> {
        parse(&format!("{HEADER}{body}")).unwrap_err()
    }

    #[test]
    fn reads_comments_flags_previous_and_obsolete_entries() {
        let text = format!(
            "{HEADER}# note\n#. extracted\n#: a.c:1 b.c\n#, fuzzy, no-wrap\n#| msgctxt \"old\"\n#| msgid \"Old\"\n#| \" text\"\nmsgctxt \"a\"\nmsgid \"\"\n\"x\"\nmsgstr \"y\"\n\n#, fuzzy\n#~| msgid \"older\"\n#~ msgctxt \"gone\"\n#~ msgid \"Gone\"\n#~ msgstr \"\"\n#~ \"Borta\"\n"
        );
        let messages = parse(&text).unwrap();
        let a = &messages[1];
        assert_eq!(a.line, 11);
        assert_eq!(a.comments, ["note"]);
        assert_eq!(a.extracted, ["extracted"]);
        assert_eq!(a.references, ["a.c:1", "b.c"]);
        assert!(a.flags.fuzzy && a.flags.wrap == Some(false));
        assert_eq!(a.previous_msgctxt.as_deref(), Some("old"));
        assert_eq!(a.previous_msgid.as_deref(), Some("Old text"));
        assert_eq!((a.msgid.as_str(), a.msgstr.as_str()), ("x", "y"));
        let gone = &messages[2];
        assert!(gone.obsolete && gone.flags.fuzzy);
        assert_eq!(gone.line, 18);
        assert_eq!(gone.previous_msgid.as_deref(), Some("older"));
        assert_eq!(gone.msgstr, "Borta");
    }

    #[test]
    fn locates_problems() {
        assert_eq!(
            lines("#, fuzzy\nmsgctxt \"a\"\nmsgid \"\"\n\"x\"\nmsgstr \"y\"\n"),
            [5]
        );
        assert_eq!(bad("msgctxt \"a\nmsgid \"b\"\nmsgstr \"c\"\n")[0].line, 4);
        assert_eq!(
            bad("msgctxt \"a\"\nmsgid \"b\\q\"\nmsgstr \"\"\n")[0].line,
            5
        );
        assert_eq!(bad("\"orphan\"\n")[0].line, 4);
        assert_eq!(bad("msgctxt \"a\"\nmsgid \"b\"\n")[0].line, 4);
        assert_eq!(bad("msgid \"b\"\nmsgstr \"c\"\n")[0].line, 4);
        assert_eq!(
            bad("msgctxt \"a\"\nmsgid \"b\"\nmsgstr \"c\"\n\nmsgctxt \"a\"\nmsgid \"d\"\nmsgstr \"e\"\n")[0].line,
            8
        );
        assert_eq!(bad("garbage\n")[0].line, 4);
        assert_eq!(bad("msgid_plural \"x\"\n")[0].line, 4);
        assert!(parse("msgctxt \"a\"\nmsgid \"b\"\nmsgstr \"c\"\n").is_err());
        assert!(parse("\"").is_err());
        assert!(parse("msgid").is_err());
    }

    #[test]
    fn refuses_what_would_be_misread() {
        // A comment between the strings of a msgid.
        let p = bad("msgctxt \"a\"\nmsgid \"\"\n#, fuzzy\n\"b\"\nmsgstr \"c\"\n");
        assert_eq!(p[0].line, 6);
        assert!(p[0].message.contains("comment inside an entry"), "{p:?}");
        // An obsolete line inside an active entry, and the other way round.
        let p = bad("msgctxt \"a\"\nmsgid \"b\"\n#~ msgstr \"c\"\n");
        assert!(
            p.iter()
                .any(|p| p.line == 6 && p.message.contains("comment inside an entry")),
            "{p:?}"
        );
        let p = bad("#~ msgctxt \"a\"\n#~ msgid \"b\"\nmsgstr \"c\"\n");
        assert!(
            p.iter()
                .any(|p| p.line == 6 && p.message.contains("obsolete")),
            "{p:?}"
        );
        // A line of spaces does not end an entry.
        let p = bad("msgctxt \"a\"\nmsgid \"b\"\nmsgstr \"c\"\n \nmsgctxt \"d\"\nmsgid \"e\"\nmsgstr \"f\"\n");
        assert_eq!(p[0].line, 7);
        // The same context written two ways.
        let p = bad("msgctxt \"a\\tb\"\nmsgid \"b\"\nmsgstr \"c\"\n\nmsgctxt \"a\tb\"\nmsgid \"d\"\nmsgstr \"e\"\n");
        assert!(p[0].message.contains("already appears at line 4"), "{p:?}");
        // `#|` lines with no entry after them.
        assert!(
            bad("#| msgid \"x\"\n\nmsgctxt \"a\"\nmsgid \"b\"\nmsgstr \"c\"\n")[0]
                .message
                .contains("`#|`")
        );
    }

    #[test]
    fn accepts_what_gettext_writes_and_reads() {
        // `#` alone, `#,fuzzy` without a space, obsolete entries without
        // a context, leading blanks before keywords.
        let messages = parse(&format!(
            "#\n# title\n{HEADER}#,fuzzy\nmsgctxt  \"a\"\n  msgid \"b\"\nmsgstr \"c\"\n\n#~ msgid \"d\"\n#~ msgstr \"e\"\n"
        ))
        .unwrap();
        assert_eq!(messages[0].comments, ["", "title"]);
        assert!(messages[1].flags.fuzzy);
        assert!(messages[2].obsolete && messages[2].msgctxt.is_none());
    }
}
