//! Mapping YAML positions to [`Location`]s of one spec file.

use std::path::{Path, PathBuf};

use marked_yaml::{Marker, Span, Spanned};

use crate::diagnostic::{Diagnostic, DiagnosticKind, Location};

/// The file a spec was read from; turns spans into locations and collects
/// diagnostics.
#[derive(Debug)]
pub struct Source {
    file: PathBuf,
    lines: Vec<Vec<char>>,
    diagnostics: Vec<Diagnostic>,
}

impl Source {
    /// The spec `text`, read from `file` (named in every location).
    pub fn new(file: &Path, text: &str) -> Self {
        Self {
            file: file.to_path_buf(),
            lines: yaml_lines(text),
            diagnostics: Vec::new(),
        }
    }

    fn char_at(&self, line: usize, column: usize) -> Option<char> {
        let line = self.lines.get(line.checked_sub(1)?)?;
        line.get(column.checked_sub(1)?).copied()
    }

    /// The YAML parser marks a block mapping at its first key's `:`; a
    /// person expects the key. Moves such a marker to the key's first
    /// character (keys of the spec are plain or quoted words).
    fn key_start(&self, line: usize, column: usize) -> usize {
        if self.char_at(line, column) != Some(':') {
            return column;
        }
        let mut start = column;
        while start > 1 {
            match self.char_at(line, start - 1) {
                Some(c) if !c.is_whitespace() && !matches!(c, '{' | ',' | '[') => start -= 1,
                _ => break,
            }
        }
        if start < column {
            start
        } else {
            column
        }
    }

    /// The `&anchor` before the value an anchor error points at, if the
    /// token before that value is one.
    pub fn anchor_start(&self, marker: Marker) -> Marker {
        let line = marker.line();
        let mut column = marker.column();
        while column > 1
            && self
                .char_at(line, column - 1)
                .is_some_and(char::is_whitespace)
        {
            column -= 1;
        }
        let end = column;
        while column > 1
            && self
                .char_at(line, column - 1)
                .is_some_and(|c| !c.is_whitespace())
        {
            column -= 1;
        }
        if column < end && self.char_at(line, column) == Some('&') {
            Marker::new(marker.source(), marker.character(), line, column)
        } else {
            marker
        }
    }

    /// The location of a marker of a node: a block mapping is shown at its
    /// first key.
    pub fn marker(&self, marker: Option<&Marker>) -> Location {
        let location = self.exact(marker);
        let column = self.key_start(location.line, location.column);
        Location { column, ..location }
    }

    /// The location of a marker as is (for syntax errors, which point at
    /// the offending character).
    pub fn exact(&self, marker: Option<&Marker>) -> Location {
        let (line, column) = marker.map_or((1, 1), |m| (m.line().max(1), m.column().max(1)));
        Location {
            file: self.file.clone(),
            line,
            column,
        }
    }

    /// The location where a span starts.
    pub fn span(&self, span: &Span) -> Location {
        self.marker(span.start())
    }

    /// The location of a spanned value.
    pub fn at<T>(&self, value: &Spanned<T>) -> Location {
        self.span(value.span())
    }

    /// The location of `needle` inside the scalar `value` when the spec
    /// writes it on the value's first line (the last occurrence when `last`);
    /// otherwise the value's own location.
    pub fn within(&self, value: &Spanned<String>, needle: &str, last: bool) -> Location {
        let start = self.at(value);
        let Some(line) = self.lines.get(start.line.wrapping_sub(1)) else {
            return start;
        };
        // The scalar as written: its text, plus quotes if it has them.
        let from = start.column.saturating_sub(1).min(line.len());
        let to = (from + value.chars().count() + 2).min(line.len());
        let rest: String = line[from..to].iter().collect();
        let found = if last {
            rest.rfind(needle)
        } else {
            rest.find(needle)
        };
        match found {
            Some(byte) => Location {
                column: start.column + rest[..byte].chars().count(),
                ..start
            },
            None => start,
        }
    }

    /// Records a problem at `value`.
    pub fn report<T>(
        &mut self,
        value: &Spanned<T>,
        kind: DiagnosticKind,
        message: impl Into<String>,
        help: impl Into<Option<String>>,
    ) {
        let location = self.at(value);
        self.report_at(location, kind, message, help);
    }

    /// Records a problem at a location.
    pub fn report_at(
        &mut self,
        location: Location,
        kind: DiagnosticKind,
        message: impl Into<String>,
        help: impl Into<Option<String>>,
    ) {
        self.diagnostics.push(Diagnostic {
            location,
            kind,
            message: message.into(),
            help: help.into(),
        });
    }

    /// The problems recorded so far.
    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }

    /// How many problems were recorded so far.
    pub fn diagnostic_count(&self) -> usize {
        self.diagnostics.len()
    }

    /// Whether anything was recorded.
    pub fn has_errors(&self) -> bool {
        !self.diagnostics.is_empty()
    }
}

/// The lines of `text` as YAML (and so every marker) counts them: a line
/// ends at LF, CRLF or a lone CR (YAML 1.2 §5.4).
fn yaml_lines(text: &str) -> Vec<Vec<char>> {
    let mut lines = Vec::new();
    let mut line = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => lines.push(std::mem::take(&mut line)),
            '\r' => {
                chars.next_if_eq(&'\n');
                lines.push(std::mem::take(&mut line));
            }
            c => line.push(c),
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::yaml_lines;

    #[test]
    fn lines_end_where_yaml_ends_them() {
        let lines = |text: &str| -> Vec<String> {
            yaml_lines(text)
                .into_iter()
                .map(|l| l.into_iter().collect())
                .collect()
        };
        assert_eq!(lines("a\nb\r\nc\rd"), ["a", "b", "c", "d"]);
        assert_eq!(lines("a\r\r\nb\n"), ["a", "", "b"]);
        assert_eq!(lines(""), Vec::<String>::new());
    }
}
