//! Every shape problem of a spec whose YAML parses, not only the first.
//!
//! serde stops at the first problem. So each top-level section is
//! deserialized on its own, and after each problem the part it is about (an
//! unknown key, or the innermost list item holding the problem) is removed
//! from a working copy of the tree and the section deserialized again: the
//! next, independent problem then reports too. The top-level keys are
//! checked against the model's fields directly. Removals never create
//! problems of their own (see [`super::prune`]).

use marked_yaml::{Marker, Node};
use serde::de::{DeserializeOwned, Error as _};

use super::fields::fields_of;
use super::indent;
use super::locate::{describe, locate};
use super::model::{ApiInfo, Connection, Document, Operation, Response, SchemaDef, Spec, TypeDef};
use super::prune;
use super::source::Source;
use crate::diagnostic::DiagnosticKind;

/// Shape problems reported at most, so a wildly wrong file stays readable.
const MAX_PROBLEMS: usize = 100;

/// Collects the shape problems of the parsed spec `root` into `source`;
/// the model when there are none.
pub(super) fn deserialize(root: &Node, source: &mut Source) -> Option<Spec> {
    let mut shape = Shape {
        original: root,
        pruned: root.clone(),
        reported: 0,
    };
    shape.top_level_keys(source);
    shape.section::<marked_yaml::Spanned<ApiInfo>>("api", source);
    shape.section::<Document>("document", source);
    shape.section::<Vec<marked_yaml::Spanned<TypeDef>>>("types", source);
    shape.section::<Vec<marked_yaml::Spanned<SchemaDef>>>("schemas", source);
    shape.section::<Connection>("connection", source);
    shape.section::<Vec<marked_yaml::Spanned<Operation>>>("operations", source);
    shape.section::<Vec<marked_yaml::Spanned<Response>>>("responses", source);
    if shape.reported > 0 {
        return None;
    }
    // Every section is sound: the whole spec deserializes (a section added
    // to the model but not above is still checked here, if only its first
    // problem).
    match marked_yaml::from_node::<Spec>(root) {
        Ok(spec) => Some(spec),
        Err(error) => {
            let path = error.path().unwrap_or_default().to_owned();
            let fallback = error.start_mark();
            shape.report(&error, &path, fallback, source);
            None
        }
    }
}

struct Shape<'a> {
    original: &'a Node,
    pruned: Node,
    reported: usize,
}

impl Shape<'_> {
    fn top_level_keys(&mut self, source: &mut Source) {
        let fields = fields_of::<Spec>();
        let Some(mapping) = self.original.as_mapping() else {
            return;
        };
        for (key, _) in mapping.iter() {
            if !fields.contains(&key.as_str()) {
                let error = marked_yaml::Error::unknown_field(key.as_str(), fields);
                self.report(&error, key.as_str(), None, source);
            }
        }
        for field in fields {
            if mapping.get_node(field).is_none() {
                let error = marked_yaml::Error::missing_field(field);
                self.report(&error, "", None, source);
            }
        }
    }

    /// Deserializes top-level section `key` as a `T` until it has no more
    /// problems that can be set aside.
    fn section<T: DeserializeOwned>(&mut self, key: &str, source: &mut Source) {
        while self.reported < MAX_PROBLEMS {
            let Some(node) = self.pruned.as_mapping().and_then(|m| m.get_node(key)) else {
                return;
            };
            let error = match marked_yaml::from_node::<T>(node) {
                Ok(_) => return,
                Err(error) => error,
            };
            let path = match error.path().unwrap_or_default() {
                "" => key.to_owned(),
                p if p.starts_with('[') => format!("{key}{p}"),
                p => format!("{key}.{p}"),
            };
            let fallback = error.start_mark();
            self.report(&error, &path, fallback, source);
            let unknown = matches!(&*error, marked_yaml::Error::UnknownFieldError(..));
            if !prune::remove(&mut self.pruned, &path, unknown) {
                return;
            }
        }
    }

    /// Reports `error`, found at `path` of the pruned tree.
    fn report(
        &mut self,
        error: &marked_yaml::Error,
        path: &str,
        fallback: Option<Marker>,
        source: &mut Source,
    ) {
        self.reported += 1;
        let at_key = matches!(error, marked_yaml::Error::UnknownFieldError(..));
        let marker = locate(&self.pruned, path, at_key).or(fallback);
        let location = source.marker(marker.as_ref());
        let message = if path.is_empty() {
            error.to_string()
        } else {
            let shown = describe("", self.original, &self.pruned, path);
            format!("at `{shown}`: {error}")
        };
        source.report_at(
            location,
            DiagnosticKind::Shape,
            message,
            Some(help(error, path)),
        );
    }
}

/// What to do about a shape error at `path`, by its kind.
fn help(error: &marked_yaml::Error, path: &str) -> String {
    let text = error.to_string();
    match error {
        marked_yaml::Error::UnknownFieldError(field, ..) => indent::hint(path, field)
            .unwrap_or_else(|| {
                "remove this field or correct its spelling (the allowed fields are listed)"
                    .to_owned()
            }),
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
