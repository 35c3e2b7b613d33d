//! Topic patterns: literal segments and `{name}` path parameters under the
//! API's prefix, e.g. `$iothub/methods/{name}`.

use std::fmt;

/// One segment of a topic pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A literal segment.
    Literal(String),
    /// A path parameter; a subscriber may put `+` in its place.
    Parameter(String),
}

/// A parsed topic pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicPattern {
    /// The pattern as written.
    pub text: String,
    /// Its segments, split at `/`.
    pub segments: Vec<Segment>,
}

/// Why a topic pattern is not valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TopicProblem {
    /// It does not start with the prefix.
    OutsidePrefix,
    /// A `{}` without a name.
    UnnamedParameter,
    /// An empty segment (`//` or a trailing `/`).
    EmptySegment,
    /// A wildcard or NUL character, not allowed in a topic name.
    Forbidden(char),
    /// A `{` or `}` that is not part of a whole-segment `{name}`.
    StrayBrace,
    /// A parameter name that is not lowercase ASCII letters, digits and `-`/`_`.
    BadParameterName(String),
    /// The same parameter twice.
    RepeatedParameter(String),
}

impl TopicPattern {
    /// Parses `text`, which must start with `prefix` (e.g. `$iothub/`).
    pub fn parse(text: &str, prefix: &str) -> Result<Self, TopicProblem> {
        let rest = text
            .strip_prefix(prefix)
            .ok_or(TopicProblem::OutsidePrefix)?;
        if let Some(c) = text.chars().find(|c| matches!(c, '+' | '#' | '\0')) {
            return Err(TopicProblem::Forbidden(c));
        }
        let mut segments = Vec::new();
        for part in prefix
            .trim_end_matches('/')
            .split('/')
            .chain(rest.split('/'))
        {
            if part.is_empty() {
                return Err(TopicProblem::EmptySegment);
            }
            let segment = match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                Some("") => return Err(TopicProblem::UnnamedParameter),
                Some(name) => {
                    let ok = name.chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_'
                    }) && name.starts_with(|c: char| c.is_ascii_lowercase());
                    if !ok {
                        return Err(TopicProblem::BadParameterName(name.to_owned()));
                    }
                    if segments.contains(&Segment::Parameter(name.to_owned())) {
                        return Err(TopicProblem::RepeatedParameter(name.to_owned()));
                    }
                    Segment::Parameter(name.to_owned())
                }
                None if part.contains(['{', '}']) => return Err(TopicProblem::StrayBrace),
                None => Segment::Literal(part.to_owned()),
            };
            segments.push(segment);
        }
        Ok(Self {
            text: text.to_owned(),
            segments,
        })
    }

    /// The names of the path parameters, in order.
    pub fn parameters(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Parameter(name) => Some(name.as_str()),
            Segment::Literal(_) => None,
        })
    }

    /// Whether some topic name matches both patterns (a parameter matches
    /// any one segment).
    pub fn overlaps(&self, other: &Self) -> bool {
        self.segments.len() == other.segments.len()
            && self
                .segments
                .iter()
                .zip(&other.segments)
                .all(|pair| match pair {
                    (Segment::Literal(a), Segment::Literal(b)) => a == b,
                    _ => true,
                })
    }

    /// The subscription filter: each parameter replaced by `+`.
    pub fn filter(&self) -> String {
        self.segments
            .iter()
            .map(|s| match s {
                Segment::Literal(l) => l.as_str(),
                Segment::Parameter(_) => "+",
            })
            .collect::<Vec<_>>()
            .join("/")
    }
}

impl fmt::Display for TopicProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OutsidePrefix => f.write_str("does not start with the API's topic prefix"),
            Self::UnnamedParameter => f.write_str("has a path parameter without a name (`{}`)"),
            Self::EmptySegment => f.write_str("has an empty segment"),
            Self::Forbidden(c) => write!(
                f,
                "contains `{}`, which a topic name may not",
                c.escape_default()
            ),
            Self::StrayBrace => {
                f.write_str("has a `{` or `}` that is not a whole `{name}` segment")
            }
            Self::BadParameterName(n) => {
                write!(f, "has path parameter `{{{n}}}`; names are lowercase ASCII")
            }
            Self::RepeatedParameter(n) => write!(f, "has path parameter `{{{n}}}` twice"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_parameters() {
        let t = TopicPattern::parse("$iothub/methods/{name}", "$iothub/").unwrap();
        assert_eq!(t.parameters().collect::<Vec<_>>(), ["name"]);
        assert_eq!(t.filter(), "$iothub/methods/+");
        let literal = TopicPattern::parse("$iothub/methods/x", "$iothub/").unwrap();
        assert!(t.overlaps(&literal) && literal.overlaps(&t));
        let other = TopicPattern::parse("$iothub/twin/x", "$iothub/").unwrap();
        assert!(!t.overlaps(&other));
    }

    #[test]
    fn rejects_bad_topics() {
        let p = |t| TopicPattern::parse(t, "$iothub/").unwrap_err();
        assert_eq!(p("devices/x"), TopicProblem::OutsidePrefix);
        assert_eq!(p("$iothub/methods/{}"), TopicProblem::UnnamedParameter);
        assert_eq!(p("$iothub/a//b"), TopicProblem::EmptySegment);
        assert_eq!(p("$iothub/a/"), TopicProblem::EmptySegment);
        assert_eq!(p("$iothub/"), TopicProblem::EmptySegment);
        assert_eq!(p("$iothub/+"), TopicProblem::Forbidden('+'));
        assert_eq!(p("$iothub/a{b}"), TopicProblem::StrayBrace);
        assert_eq!(p("$iothub/{A}"), TopicProblem::BadParameterName("A".into()));
        assert_eq!(
            p("$iothub/{a}/{a}"),
            TopicProblem::RepeatedParameter("a".into())
        );
    }
}
