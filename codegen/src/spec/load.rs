//! Reading a spec: YAML text → [`model::Spec`](super::model::Spec), with every
//! syntax and shape problem located (every shape problem at once: see
//! `super::shape`).

use marked_yaml::{LoadError, LoaderOptions, Marker, Node};

use super::model::Spec;
use super::source::Source;
use crate::diagnostic::DiagnosticKind;

/// Parses spec text into its model and its YAML tree (whose positions
/// locate any value). On failure the problems are recorded in `source`.
pub fn parse(text: &str, source: &mut Source) -> Option<(Spec, Node)> {
    let options = LoaderOptions::default()
        .error_on_duplicate_keys(true)
        .prevent_coercion(true);
    let node = match marked_yaml::parse_yaml_with_options(0, text, options) {
        Ok(node) => node,
        Err(error) => {
            report_load_error(&error, source);
            return None;
        }
    };
    let spec = super::shape::deserialize(&node, source)?;
    Some((spec, node))
}

fn report_load_error(error: &LoadError, source: &mut Source) {
    let (marker, kind, message, help): (Option<Marker>, _, _, _) = match error {
        LoadError::TopLevelMustBeMapping(m) | LoadError::TopLevelMustBeSequence(m) => (
            Some(*m),
            DiagnosticKind::Shape,
            "the spec must be a YAML mapping at the top level".to_owned(),
            "start the file with `api:`, `document:`, `types:` … keys",
        ),
        LoadError::UnexpectedAnchor(m) => (
            Some(source.anchor_start(*m)),
            DiagnosticKind::Syntax,
            "YAML anchors and aliases are not allowed in the spec".to_owned(),
            "write the value out in full",
        ),
        LoadError::MappingKeyMustBeScalar(m) => (
            Some(*m),
            DiagnosticKind::Syntax,
            "mapping keys must be plain scalars".to_owned(),
            "use a string key",
        ),
        LoadError::UnexpectedTag(m) => (
            Some(*m),
            DiagnosticKind::Syntax,
            "YAML tags (`!name`) are not allowed in the spec".to_owned(),
            "remove the tag",
        ),
        LoadError::ScanError(m, scan) => (
            Some(*m),
            DiagnosticKind::Syntax,
            format!("YAML syntax error: {}", scan.info()),
            "check indentation, quoting and `:` placement on this line",
        ),
        LoadError::DuplicateKey(inner) => {
            let first = source.span(inner.prev_key.span());
            (
                inner.key.span().start().copied(),
                DiagnosticKind::DuplicateKey,
                format!(
                    "key `{}` appears twice in this mapping (first at line {})",
                    inner.key.as_str(),
                    first.line
                ),
                "remove or rename one of the two",
            )
        }
    };
    let location = source.exact(marker.as_ref());
    source.report_at(location, kind, message, Some(help.to_owned()));
}
