//! Reading a spec: YAML text → [`model::Spec`](super::model::Spec), with every
//! syntax and shape problem located.

use marked_yaml::{LoadError, LoaderOptions, Marker};

use super::model::Spec;
use super::source::Source;
use crate::diagnostic::DiagnosticKind;

/// Parses spec text. On failure the problems are recorded in `source`.
pub fn parse(text: &str, source: &mut Source) -> Option<Spec> {
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
    match marked_yaml::from_node::<Spec>(&node) {
        Ok(spec) => Some(spec),
        Err(error) => {
            let marker = error
                .path()
                .and_then(|path| {
                    let at_key = matches!(&*error, marked_yaml::Error::UnknownFieldError(..));
                    super::locate::locate(&node, path, at_key)
                })
                .or_else(|| error.start_mark());
            let location = source.marker(marker.as_ref());
            let message = match error.path() {
                Some(path) => format!("at `{path}`: {}", &*error),
                None => error.to_string(),
            };
            let help = shape_help(&error);
            source.report_at(location, DiagnosticKind::Shape, message, Some(help));
            None
        }
    }
}

/// What to do about a shape error, by its kind.
fn shape_help(error: &marked_yaml::Error) -> String {
    let text = error.to_string();
    match error {
        marked_yaml::Error::UnknownFieldError(..) => {
            "remove this field or correct its spelling (the allowed fields are listed)".to_owned()
        }
        marked_yaml::Error::NotBoolean(_) => "write `true` or `false`".to_owned(),
        marked_yaml::Error::IntegerParseFailure(..) | marked_yaml::Error::FloatParseFailure(..) => {
            "write a whole number".to_owned()
        }
        _ if text.starts_with("missing field") => {
            let field = text.split('`').nth(1).unwrap_or("the field");
            format!("add `{field}:` to this mapping")
        }
        _ if text.starts_with("unknown variant") => "use one of the listed values".to_owned(),
        _ if text.starts_with("invalid type") => {
            "this value has the wrong form: see spec/iothub-mqtt5.yaml for the expected layout"
                .to_owned()
        }
        _ => "compare with the layout of spec/iothub-mqtt5.yaml; fields are kebab-case".to_owned(),
    }
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
