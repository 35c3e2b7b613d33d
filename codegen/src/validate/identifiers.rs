//! Rust names: every name that becomes a Rust identifier has one, and no two
//! names of one scope become the same identifier.

use std::collections::HashMap;

use super::{alternative_keys, property_lists};
use crate::diagnostic::DiagnosticKind;
use crate::ident;
use crate::spec::model::{Spec, Text};
use crate::spec::source::Source;

/// Names the generated code uses for its own items.
const RESERVED_MODULES: &[&str] = &["responses", "topics", "limits", "connection", "api"];
const RESERVED_TYPES: &[&str] = &[
    "Status",
    "Unknown",
    "Alternative",
    "Request",
    "Response",
    "Message",
    "Ack",
    "TopicParams",
];
const RESERVED_FIELDS: &[&str] = &["application", "status", "other_properties"];

fn reserved(
    names: &[&Text],
    convert: fn(&str) -> Option<String>,
    taken: &[&str],
    what: &str,
    source: &mut Source,
) {
    for name in names {
        if let Some(rust) = convert(name).filter(|r| taken.contains(&r.as_str())) {
            source.report(
                *name,
                DiagnosticKind::IdentifierCollision,
                format!(
                    "{what} `{}` becomes `{rust}`, which the generated code uses for its own item",
                    name.as_str()
                ),
                Some(format!("rename it; reserved: {}", taken.join(", "))),
            );
        }
    }
}

pub(super) fn check(spec: &Spec, source: &mut Source) {
    let ops: Vec<&Text> = spec.operations.iter().map(|o| &o.name).collect();
    reserved(
        &ops,
        ident::field_name,
        RESERVED_MODULES,
        "operation",
        source,
    );
    reserved(&ops, ident::type_name, RESERVED_TYPES, "operation", source);
    let responses: Vec<&Text> = spec.responses.iter().map(|r| &r.name).collect();
    reserved(
        &responses,
        ident::type_name,
        &["Unknown"],
        "response",
        source,
    );
    for op in &spec.operations {
        let keys: Vec<&Text> = alternative_keys(op).collect();
        reserved(&keys, ident::type_name, &["Unknown"], "alternative", source);
    }
    for (place, list) in property_lists(spec)
        .into_iter()
        .filter(|(p, _)| !p.starts_with("connection."))
    {
        let names: Vec<&Text> = list.iter().map(|p| &p.name).collect();
        reserved(
            &names,
            ident::field_name,
            RESERVED_FIELDS,
            &format!("property in {place}"),
            source,
        );
    }

    scope(
        spec.operations.iter().map(|o| &o.name),
        ident::type_name,
        "operation",
        source,
    );
    modules(&ops, source);
    scope(
        spec.responses.iter().map(|r| &r.name),
        ident::type_name,
        "response",
        source,
    );
    scope(
        spec.connection
            .authentication_methods
            .iter()
            .map(|m| &m.name),
        ident::type_name,
        "authentication method",
        source,
    );
    scope(
        spec.connection.disconnect_reasons.iter().map(|r| &r.name),
        ident::type_name,
        "disconnect reason",
        source,
    );
    scope(
        spec.schemas.iter().map(|s| &s.name),
        ident::type_name,
        "schema",
        source,
    );
    scope(
        spec.types.iter().map(|t| &t.name),
        ident::type_name,
        "type",
        source,
    );
    for op in &spec.operations {
        scope(
            alternative_keys(op),
            ident::type_name,
            &format!("alternative of `{}`", op.name.as_str()),
            source,
        );
    }
    for (place, list) in property_lists(spec) {
        scope(
            list.iter().map(|p| &p.name),
            ident::field_name,
            &format!("property in {place}"),
            source,
        );
    }
}

/// Each operation is also a module: `super` and `crate` have a type name
/// (`Super`) but no module name. Names without either form are reported by
/// [`scope`], and two operations whose module names collide also have
/// colliding type names, which [`scope`] reports.
fn modules(ops: &[&Text], source: &mut Source) {
    for name in ops {
        if ident::type_name(name).is_some() && ident::field_name(name).is_none() {
            source.report(
                *name,
                DiagnosticKind::IdentifierCollision,
                format!(
                    "operation `{}` has no Rust module name form",
                    name.as_str()
                ),
                Some("each operation becomes a module: rename it (`self`, `super` and `crate` cannot be module names)".to_owned()),
            );
        }
    }
}

fn scope<'a>(
    names: impl Iterator<Item = &'a Text>,
    convert: fn(&str) -> Option<String>,
    what: &str,
    source: &mut Source,
) {
    let mut seen: HashMap<String, &Text> = HashMap::new();
    for name in names {
        let Some(rust) = convert(name) else {
            source.report(
                name,
                DiagnosticKind::IdentifierCollision,
                format!("{what} `{}` has no Rust identifier form", name.as_str()),
                Some("names need an ASCII letter first and only ASCII letters, digits, spaces, `-` or `_`".to_owned()),
            );
            continue;
        };
        match seen.get(&rust) {
            // Identical names are reported as duplicates by the names check.
            Some(first) if first.as_str() == name.as_str() => {}
            Some(first) => {
                let line = source.at(first).line;
                source.report(
                    name,
                    DiagnosticKind::IdentifierCollision,
                    format!(
                        "{what} `{}` and `{}` (line {line}) both become the Rust identifier `{rust}`",
                        name.as_str(),
                        first.as_str()
                    ),
                    Some("rename one of them".to_owned()),
                );
            }
            None => {
                seen.insert(rust, name);
            }
        }
    }
}
