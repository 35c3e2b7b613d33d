//! Located problems found in a spec: where (file, line, column), what kind,
//! what is wrong and how to fix it.

use std::fmt;
use std::path::PathBuf;

/// A position in a source file, 1-based like editors show it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// The file the position is in.
    pub file: PathBuf,
    /// Line number, starting at 1.
    pub line: usize,
    /// Column number (in characters), starting at 1.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// What kind of problem a [`Diagnostic`] reports. Stable: tests and tools
/// match on it, and its kebab-case [`code`](DiagnosticKind::code) is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum DiagnosticKind {
    /// The text is not well-formed YAML (or uses anchors, aliases or tags).
    Syntax,
    /// A mapping has the same key twice.
    DuplicateKey,
    /// A value has the wrong shape: missing or unknown field, wrong type,
    /// unknown enum value, number out of range.
    Shape,
    /// Two items of one list have the same name.
    DuplicateName,
    /// A property names a type the spec does not define.
    UnknownType,
    /// A payload names a schema the spec does not define.
    UnknownSchema,
    /// An alternative outcome refers to a response the spec does not define.
    UnknownResponse,
    /// A status code is not four hexadecimal digits.
    InvalidStatus,
    /// A status code sets bits the layout reserves.
    ReservedStatusBits,
    /// A status code's kind bits disagree with its reason code (success vs error),
    /// or no kind of the layout matches them.
    StatusKindMismatch,
    /// A topic does not start with the API's topic prefix.
    TopicOutsidePrefix,
    /// A topic has a path parameter without a name (`{}`).
    UnnamedPathParameter,
    /// A topic is malformed: empty segment, wildcard, unbalanced brace,
    /// repeated or badly named path parameter.
    InvalidTopic,
    /// An operation's QoS is not allowed for its interaction type.
    InvalidQos,
    /// An operation's sections do not fit its interaction type.
    InteractionMismatch,
    /// Two names turn into the same Rust identifier, or a name has no Rust form.
    IdentifierCollision,
    /// A name that must be a kebab-case key is not one.
    InvalidName,
    /// A text that must not be empty is empty.
    EmptyText,
    /// A value is outside what MQTT 5 or the status-code layout allows.
    InvalidValue,
}

impl DiagnosticKind {
    /// The kebab-case code printed in messages, e.g. `unknown-type`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Syntax => "syntax",
            Self::DuplicateKey => "duplicate-key",
            Self::Shape => "shape",
            Self::DuplicateName => "duplicate-name",
            Self::UnknownType => "unknown-type",
            Self::UnknownSchema => "unknown-schema",
            Self::UnknownResponse => "unknown-response",
            Self::InvalidStatus => "invalid-status",
            Self::ReservedStatusBits => "reserved-status-bits",
            Self::StatusKindMismatch => "status-kind-mismatch",
            Self::TopicOutsidePrefix => "topic-outside-prefix",
            Self::UnnamedPathParameter => "unnamed-path-parameter",
            Self::InvalidTopic => "invalid-topic",
            Self::InvalidQos => "invalid-qos",
            Self::InteractionMismatch => "interaction-mismatch",
            Self::IdentifierCollision => "identifier-collision",
            Self::InvalidName => "invalid-name",
            Self::EmptyText => "empty-text",
            Self::InvalidValue => "invalid-value",
        }
    }
}

impl fmt::Display for DiagnosticKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One problem in a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where the problem is.
    pub location: Location,
    /// What kind of problem it is.
    pub kind: DiagnosticKind,
    /// What is wrong, naming the offending value.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: error[{}]: {}",
            self.location, self.kind, self.message
        )?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// All problems found in one spec, in source order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// The problems, sorted by position.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// How many problems there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn from_vec(mut list: Vec<Diagnostic>) -> Self {
        list.sort_by(|a, b| {
            (&a.location, a.kind, &a.message).cmp(&(&b.location, b.kind, &b.message))
        });
        list.dedup();
        Self(list)
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        let n = self.0.len();
        write!(
            f,
            "\n{n} error{} in the spec",
            if n == 1 { "" } else { "s" }
        )
    }
}
