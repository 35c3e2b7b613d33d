//! A line-level check of PO text before it reaches the PO parser (`polib`):
//! every problem is reported with its line, and nothing that could make the
//! parser misbehave (malformed string literals, plural forms, duplicate
//! contexts, a missing header) gets through. It does not parse entries into
//! values; `polib` does that.
//!
//! Whatever it accepts, `polib` reads as it does: entries end at an empty
//! line only (a line of spaces is an error, since `polib` would merge the
//! entries around it), `#` comments come before an entry's first keyword
//! (inside an entry `polib` would append the following strings to the
//! comment), flags are written `#, fuzzy`, and contexts are compared by
//! their unescaped text.

use std::collections::HashMap;

/// A problem at a line of a PO file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoProblem {
    /// Line number, from 1.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// What the check learned about each entry (for locating later problems).
#[derive(Debug, Default, Clone)]
pub struct PoLayout {
    /// Line of each entry's first `msgctxt` / `msgid` line, header excluded,
    /// in file order.
    pub entry_lines: Vec<usize>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Field {
    None,
    Ctxt,
    Id,
    Str,
}

/// Checks that `literal` is `"…"` with only the escapes `polib` knows.
fn literal(literal: &str) -> Result<(), String> {
    let inner = literal
        .strip_prefix('"')
        .and_then(|l| l.strip_suffix('"'))
        .filter(|_| literal.len() >= 2)
        .ok_or_else(|| format!("expected a quoted string, found `{literal}`"))?;
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('\\' | '"' | 'n' | 'r' | 't') => {}
                Some(other) => {
                    return Err(format!(
                        "unknown escape `\\{other}` (use \\\\ \\\" \\n \\r \\t)"
                    ))
                }
                None => return Err("string ends with a lone backslash".to_owned()),
            },
            '"' => return Err("unescaped `\"` inside a string (write `\\\"`)".to_owned()),
            _ => {}
        }
    }
    Ok(())
}

/// The text of a literal that [`literal`] accepted: quotes removed,
/// escapes resolved.
fn inner(literal: &str) -> String {
    let mut out = String::new();
    let mut chars = literal[1..literal.len() - 1].chars();
    while let Some(c) = chars.next() {
        out.push(if c == '\\' {
            match chars.next() {
                Some('n') => '\n',
                Some('r') => '\r',
                Some('t') => '\t',
                Some(other) => other,
                None => '\\',
            }
        } else {
            c
        });
    }
    out
}

struct Entry {
    first_line: usize,
    ctxt: String,
    id: String,
    has_str: bool,
}

/// Checks PO `text`; on success returns where each entry starts.
pub fn check(text: &str) -> Result<PoLayout, Vec<PoProblem>> {
    let mut problems = Vec::new();
    let mut layout = PoLayout::default();
    let mut entries: Vec<Entry> = Vec::new();
    let mut current: Option<Entry> = None;
    let mut field = Field::None;
    let mut contexts: HashMap<String, usize> = HashMap::new();
    // Whether some line before set the field `polib` appends to (it panics
    // on a lone `#` before that).
    let mut any_field = false;

    let finish = |entry: Option<Entry>, problems: &mut Vec<PoProblem>, entries: &mut Vec<Entry>| {
        if let Some(e) = entry {
            if !e.has_str {
                problems.push(PoProblem {
                    line: e.first_line,
                    message: "entry has no `msgstr`".to_owned(),
                });
            }
            entries.push(e);
        }
    };

    for (index, raw) in text.split('\n').enumerate() {
        let line_no = index + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.is_empty() {
            finish(current.take(), &mut problems, &mut entries);
            field = Field::None;
            continue;
        }
        let mut problem = |message: String| {
            problems.push(PoProblem {
                line: line_no,
                message,
            })
        };
        if line.trim().is_empty() {
            problem("a line of only spaces: leave it empty to end the entry".to_owned());
            continue;
        }
        if line.starts_with('#') {
            if current.is_some() {
                problem(
                    "a `#` comment inside an entry: comments go before its `msgctxt`, after an empty line"
                        .to_owned(),
                );
            } else if line == "#" && !any_field {
                problem("an empty `#` comment before the first entry: remove it".to_owned());
            } else if line.starts_with("#,") && !line.starts_with("#, ") && line.len() > 2 {
                problem("flags are written `#, fuzzy` (a space after `#,`)".to_owned());
            }
            any_field |= ["# ", "#. ", "#: ", "#, "]
                .iter()
                .any(|p| line.starts_with(p));
            continue;
        }
        any_field = true;
        if line.starts_with('"') {
            match (field, literal(line)) {
                (Field::None, _) => {
                    problem("a string continues no `msgctxt`, `msgid` or `msgstr`".to_owned())
                }
                (_, Err(e)) => problem(e),
                (f, Ok(())) => {
                    if let Some(e) = current.as_mut() {
                        match f {
                            Field::Ctxt => e.ctxt.push_str(&inner(line)),
                            Field::Id => e.id.push_str(&inner(line)),
                            _ => {}
                        }
                    }
                }
            }
            continue;
        }
        let (keyword, rest) = line.split_once(' ').unwrap_or((line, ""));
        let next = match keyword {
            "msgctxt" => Field::Ctxt,
            "msgid" => Field::Id,
            "msgstr" => Field::Str,
            "msgid_plural" => {
                problem("plural forms are not used by these catalogs".to_owned());
                continue;
            }
            k if k.starts_with("msgstr[") => {
                problem("plural forms are not used by these catalogs".to_owned());
                // Still this entry's translation: no "no `msgstr`" for it.
                if let Some(e) = current.as_mut() {
                    e.has_str = true;
                }
                field = Field::Str;
                continue;
            }
            _ => {
                problem(format!(
                    "expected `msgctxt`, `msgid`, `msgstr`, a quoted string or a `#` comment, found `{}`",
                    line.chars().take(40).collect::<String>()
                ));
                continue;
            }
        };
        // A bad string is reported; the keyword still counts (no spurious
        // "no `msgstr`" for an entry whose msgstr is malformed).
        let value = match literal(rest) {
            Ok(()) => inner(rest),
            Err(e) => {
                problem(e);
                String::new()
            }
        };
        // A keyword out of order starts a new entry without a blank line;
        // the parser would merge it into the previous one.
        let starts_entry =
            matches!(next, Field::Ctxt) || (next == Field::Id && field != Field::Ctxt);
        let repeats_str = next == Field::Str && current.as_ref().is_some_and(|e| e.has_str);
        if (starts_entry && current.is_some()) || repeats_str {
            problems.push(PoProblem {
                line: line_no,
                message: if repeats_str {
                    "a second `msgstr` in one entry".to_owned()
                } else {
                    "a new entry starts here: end the previous one with a blank line".to_owned()
                },
            });
        }
        if starts_entry || current.is_none() {
            finish(current.take(), &mut problems, &mut entries);
            current = Some(Entry {
                first_line: line_no,
                ctxt: String::new(),
                id: String::new(),
                has_str: false,
            });
        }
        if let Some(e) = current.as_mut() {
            match next {
                Field::Ctxt => e.ctxt.push_str(&value),
                Field::Id => e.id.push_str(&value),
                Field::Str => e.has_str = true,
                Field::None => {}
            }
        }
        field = next;
    }
    finish(current.take(), &mut problems, &mut entries);

    // Entry-level checks only make sense on well-formed lines.
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.line);
        return Err(problems);
    }
    // The header is the first entry, with an empty msgid and no context.
    let is_empty = |s: &str| s.is_empty();
    match entries.first() {
        Some(h) if is_empty(&h.id) && h.ctxt.is_empty() => {}
        Some(first) => problems.push(PoProblem {
            line: first.first_line,
            message: "the catalog must start with its header entry (`msgid \"\"` / `msgstr \"Language: …\"`)"
                .to_owned(),
        }),
        None => problems.push(PoProblem {
            line: 1,
            message: "the catalog has no header entry".to_owned(),
        }),
    }
    for entry in entries.iter().skip(1) {
        if is_empty(&entry.id) {
            problems.push(PoProblem {
                line: entry.first_line,
                message: "entry has an empty `msgid`".to_owned(),
            });
        }
        if entry.ctxt.is_empty() {
            problems.push(PoProblem {
                line: entry.first_line,
                message: "entry has no `msgctxt`; every entry names its place in the document"
                    .to_owned(),
            });
        } else if let Some(first) = contexts.insert(entry.ctxt.clone(), entry.first_line) {
            problems.push(PoProblem {
                line: entry.first_line,
                message: format!("this `msgctxt` already appears at line {first}"),
            });
        }
        layout.entry_lines.push(entry.first_line);
    }
    if problems.is_empty() {
        Ok(layout)
    } else {
        problems.sort_by_key(|p| p.line);
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "msgid \"\"\nmsgstr \"Language: sv-SE\\n\"\n\n";

    #[test]
    fn accepts_a_catalog() {
        let text = format!("{HEADER}#, fuzzy\nmsgctxt \"a\"\nmsgid \"\"\n\"x\"\nmsgstr \"y\"\n");
        assert_eq!(check(&text).unwrap().entry_lines, [5]);
    }

    #[test]
    fn locates_problems() {
        let bad = |body: &str| check(&format!("{HEADER}{body}")).unwrap_err();
        assert_eq!(bad("msgctxt \"a\nmsgid \"b\"\nmsgstr \"c\"\n")[0].line, 4);
        assert_eq!(
            bad("msgctxt \"a\"\nmsgid \"b\\q\"\nmsgstr \"\"\n")[0].line,
            5
        );
        assert_eq!(bad("\"orphan\"\n")[0].line, 4);
        assert_eq!(bad("msgctxt \"a\"\nmsgid \"b\"\n")[0].line, 4);
        assert_eq!(bad("msgid \"b\"\nmsgstr \"c\"\n")[0].line, 4);
        assert_eq!(bad("msgctxt \"a\"\nmsgid \"b\"\nmsgstr \"c\"\n\nmsgctxt \"a\"\nmsgid \"d\"\nmsgstr \"e\"\n")[0].line, 8);
        assert_eq!(bad("garbage\n")[0].line, 4);
        assert_eq!(bad("msgid_plural \"x\"\n")[0].line, 4);
        assert!(check("msgctxt \"a\"\nmsgid \"b\"\nmsgstr \"c\"\n").is_err());
        assert!(check("\"").is_err());
        assert!(check("msgid").is_err());
    }

    #[test]
    fn rejects_what_polib_would_read_otherwise() {
        let bad = |body: &str| check(&format!("{HEADER}{body}")).unwrap_err();
        // A comment between the strings of a msgid: polib would append "b" to it.
        let p = bad("msgctxt \"a\"\nmsgid \"\"\n#, fuzzy\n\"b\"\nmsgstr \"c\"\n");
        assert_eq!(p[0].line, 6);
        assert!(p[0].message.contains("comment inside an entry"), "{p:?}");
        // A comment after msgstr, before the empty line.
        assert_eq!(
            bad("msgctxt \"a\"\nmsgid \"b\"\nmsgstr \"c\"\n# x\n")[0].line,
            7
        );
        // A line of spaces: polib does not end the entry there.
        let p = bad("msgctxt \"a\"\nmsgid \"b\"\nmsgstr \"c\"\n \nmsgctxt \"d\"\nmsgid \"e\"\nmsgstr \"f\"\n");
        assert_eq!(p[0].line, 7);
        // `#,fuzzy`: polib ignores the flag.
        assert_eq!(
            bad("#,fuzzy\nmsgctxt \"a\"\nmsgid \"b\"\nmsgstr \"c\"\n")[0].line,
            4
        );
        // A lone `#` first: polib panics.
        assert_eq!(
            check("#\nmsgid \"\"\nmsgstr \"\"\n").unwrap_err()[0].line,
            1
        );
        // The same context written two ways.
        let p = bad("msgctxt \"a\\tb\"\nmsgid \"b\"\nmsgstr \"c\"\n\nmsgctxt \"a\tb\"\nmsgid \"d\"\nmsgstr \"e\"\n");
        assert!(p[0].message.contains("already appears at line 4"), "{p:?}");
    }
}
