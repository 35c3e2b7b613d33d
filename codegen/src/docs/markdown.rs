//! A localized reference document as blocks with their Markdown source and
//! line numbers (parsed by pulldown-cmark), plus its front matter.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// A block of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A heading: level, `<a name>` anchor if any, text source without the anchor.
    Heading {
        /// 1 to 6.
        level: u8,
        /// The `<a name="…">` anchor.
        anchor: Option<String>,
        /// The heading's Markdown source.
        text: String,
        /// Line number.
        line: usize,
    },
    /// A paragraph's Markdown source, on one line.
    Paragraph {
        /// Source.
        text: String,
        /// Line number.
        line: usize,
    },
    /// A table: rows of cell sources (header first), with their lines.
    Table {
        /// Rows.
        rows: Vec<(usize, Vec<String>)>,
        /// Line of the header.
        line: usize,
    },
    /// A code block.
    Code {
        /// Line number.
        line: usize,
    },
}

impl Block {
    /// Its first line.
    pub fn line(&self) -> usize {
        match self {
            Self::Heading { line, .. }
            | Self::Paragraph { line, .. }
            | Self::Table { line, .. }
            | Self::Code { line } => *line,
        }
    }
}

/// Whitespace runs to one space, ends trimmed.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An ATX heading's text without its optional closing `#` run, which counts
/// only after whitespace (`C#` and `C\#` keep theirs).
fn strip_closing_sequence(text: &str) -> &str {
    let without = text.trim_end_matches('#');
    if without.len() == text.len() {
        return text;
    }
    if without.is_empty() || without.ends_with([' ', '\t']) {
        without.trim_end()
    } else {
        text
    }
}

/// Splits a leading `<a name="x"></a>` off heading text.
fn anchor(text: &str) -> (Option<String>, String) {
    let t = text.trim();
    let parsed = t.strip_prefix("<a name=\"").and_then(|rest| {
        let (name, rest) = rest.split_once('"')?;
        let rest = rest
            .trim_start()
            .strip_prefix('>')?
            .trim_start()
            .strip_prefix("</a>")?;
        Some((name.to_owned(), rest.trim().to_owned()))
    });
    match parsed {
        Some((name, rest)) => (Some(name), rest),
        None => (None, t.to_owned()),
    }
}

struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Self {
        Self(
            std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect(),
        )
    }

    fn of(&self, offset: usize) -> usize {
        match self.0.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }
}

/// The front matter (`---` … `---` at the top) as key / raw value pairs with
/// lines, and the byte offset where the body starts.
pub fn front_matter(text: &str) -> (Vec<(String, String, usize)>, usize) {
    let mut pairs = Vec::new();
    let mut lines = text.split_inclusive('\n');
    let Some(first) = lines.next() else {
        return (pairs, 0);
    };
    if first.trim_end() != "---" {
        return (pairs, 0);
    }
    let mut offset = first.len();
    for (i, line) in lines.enumerate() {
        offset += line.len();
        let trimmed = line.trim();
        if trimmed == "---" {
            return (pairs, offset);
        }
        if trimmed.starts_with('#') {
            // A YAML comment, not a key.
            continue;
        }
        if let Some((key, value)) = trimmed.split_once(':') {
            pairs.push((key.trim().to_owned(), value.trim().to_owned(), i + 2));
        }
    }
    // No closing line: not front matter after all.
    (Vec::new(), 0)
}

/// The blocks of `text` (front matter excluded).
pub fn blocks(text: &str) -> Vec<Block> {
    let lines = Lines::new(text);
    let (_, body_start) = front_matter(text);
    let body = &text[body_start..];
    let mut out = Vec::new();
    let mut rows: Vec<(usize, Vec<String>)> = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut row_line = 0;
    for (event, range) in Parser::new_ext(body, Options::ENABLE_TABLES).into_offset_iter() {
        let start = body_start + range.start;
        let source = || text.get(start..body_start + range.end).unwrap_or_default();
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                let level = match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    HeadingLevel::H3 => 3,
                    HeadingLevel::H4 => 4,
                    HeadingLevel::H5 => 5,
                    HeadingLevel::H6 => 6,
                };
                let raw = source().trim().trim_start_matches('#');
                let raw = strip_closing_sequence(raw.trim());
                let (anchor, text) = anchor(raw);
                out.push(Block::Heading {
                    level,
                    anchor,
                    text: one_line(&text),
                    line: lines.of(start),
                });
            }
            Event::Start(Tag::Paragraph) => out.push(Block::Paragraph {
                text: one_line(source()),
                line: lines.of(start),
            }),
            Event::Start(Tag::CodeBlock(_)) => out.push(Block::Code {
                line: lines.of(start),
            }),
            Event::Start(Tag::Table(_)) => rows.clear(),
            Event::Start(Tag::TableHead | Tag::TableRow) => {
                row.clear();
                row_line = lines.of(start);
            }
            Event::Start(Tag::TableCell) => {
                let cell = source().trim().replace("\\|", "|");
                row.push(one_line(&cell));
            }
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => {
                rows.push((row_line, std::mem::take(&mut row)))
            }
            Event::End(TagEnd::Table) => {
                let line = rows.first().map_or(0, |(l, _)| *l);
                out.push(Block::Table {
                    rows: std::mem::take(&mut rows),
                    line,
                });
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_hashes_that_close_nothing() {
        assert_eq!(strip_closing_sequence("C#"), "C#");
        assert_eq!(strip_closing_sequence("C\\#"), "C\\#");
        assert_eq!(strip_closing_sequence("Title ##"), "Title");
        assert_eq!(strip_closing_sequence("Title"), "Title");
    }

    #[test]
    fn reads_blocks_with_lines() {
        let text = "---\ntitle: T\n---\n# <a name=\"top\"></a>Title\n\n**Label**:\n none\n\n| A | B |\n| - | - |\n| x \\| y | z |\n";
        let (fm, _) = front_matter(text);
        assert_eq!(fm, [("title".to_owned(), "T".to_owned(), 2)]);
        let b = blocks(text);
        assert_eq!(
            b[0],
            Block::Heading {
                level: 1,
                anchor: Some("top".into()),
                text: "Title".into(),
                line: 4
            }
        );
        assert_eq!(
            b[1],
            Block::Paragraph {
                text: "**Label**: none".into(),
                line: 6
            }
        );
        let Block::Table { rows, line } = &b[2] else {
            panic!()
        };
        assert_eq!(*line, 9);
        assert_eq!(rows[1], (11, vec!["x | y".to_owned(), "z".to_owned()]));
    }
}
