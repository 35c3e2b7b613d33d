//! Mapping YAML positions to [`Location`]s of one spec file.

use std::path::{Path, PathBuf};

use marked_yaml::{Marker, Span, Spanned};

use crate::diagnostic::{Diagnostic, DiagnosticKind, Location};

/// The file a spec was read from; turns spans into locations and collects
/// diagnostics.
#[derive(Debug)]
pub struct Source {
    file: PathBuf,
    diagnostics: Vec<Diagnostic>,
}

impl Source {
    /// A source named `file` (used in every location).
    pub fn new(file: &Path) -> Self {
        Self {
            file: file.to_path_buf(),
            diagnostics: Vec::new(),
        }
    }

    /// The location of a marker.
    pub fn marker(&self, marker: Option<&Marker>) -> Location {
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

    /// Whether anything was recorded.
    pub fn has_errors(&self) -> bool {
        !self.diagnostics.is_empty()
    }
}
