//! References: every type, schema and response named is defined, and every
//! alternative is either a reference or a complete outcome of its own.

use std::collections::HashSet;

use super::{property_lists, sections};
use crate::diagnostic::DiagnosticKind;
use crate::spec::model::{PropertyWire, Spec, Text, WireFormat};
use crate::spec::source::Source;

pub(super) fn check(spec: &Spec, source: &mut Source) {
    let types: HashSet<&str> = spec.types.iter().map(|t| t.name.as_str()).collect();
    let schemas: HashSet<&str> = spec.schemas.iter().map(|s| s.name.as_str()).collect();
    let responses: HashSet<&str> = spec.responses.iter().map(|r| r.name.as_str()).collect();

    for (place, list) in property_lists(spec) {
        for property in list {
            let wire = property.wire.as_ref().map(|w| **w);
            let type_wire = spec
                .types
                .iter()
                .find(|t| *t.name == *property.type_)
                .map(|t| *t.wire);
            if wire == Some(PropertyWire::ContentType)
                && type_wire.is_some_and(|w| w != WireFormat::Utf8)
            {
                source.report(
                    &property.type_,
                    DiagnosticKind::InvalidValue,
                    format!("Content Type `{}` in {place} has type `{}`, but MQTT 5 carries it as UTF-8 text", property.name.as_str(), property.type_.as_str()),
                    Some("give it a type whose wire is `utf8` (`string`)".to_owned()),
                );
            }
            if !types.contains(property.type_.as_str()) {
                source.report(
                    &property.type_,
                    DiagnosticKind::UnknownType,
                    format!(
                        "property `{}` in {place} has type `{}`, which is not defined",
                        property.name.as_str(),
                        property.type_.as_str()
                    ),
                    Some(format!("use one of: {}", sorted(&types))),
                );
            }
        }
    }

    let payload = |text: &Text, source: &mut Source| {
        if !schemas.contains(text.as_str()) {
            source.report(
                text,
                DiagnosticKind::UnknownSchema,
                format!("payload schema `{}` is not defined", text.as_str()),
                Some(format!("use one of: {}", sorted(&schemas))),
            );
        }
    };
    for op in &spec.operations {
        for (_, section) in sections(op) {
            payload(&section.payload, source);
        }
    }
    for response in &spec.responses {
        payload(&response.payload, source);
    }

    let unknown_response = |text: &Text, source: &mut Source| {
        if !responses.contains(text.as_str()) {
            source.report(
                text,
                DiagnosticKind::UnknownResponse,
                format!(
                    "response `{}` is not defined under `responses:`",
                    text.as_str()
                ),
                Some(format!("use one of: {}", sorted(&responses))),
            );
        }
    };
    unknown_response(&spec.connection.topics.unknown_topic_publish, source);
    for op in &spec.operations {
        for alt in &op.alternatives {
            match (&alt.response, &alt.name) {
                (Some(response), None) => {
                    unknown_response(response, source);
                    let own = [
                        alt.reason_code.is_some(),
                        alt.status.is_some(),
                        !alt.properties.is_empty(),
                    ];
                    if own.iter().any(|&b| b) {
                        source.report(
                            alt,
                            DiagnosticKind::Shape,
                            format!(
                                "alternative `{}` refers to a response and also sets reason-code, status or properties",
                                response.as_str()
                            ),
                            Some("a reference may only override `title` and `description`".to_owned()),
                        );
                    }
                }
                (None, Some(name)) => {
                    let missing: Vec<&str> = [
                        ("title", alt.title.is_none()),
                        ("description", alt.description.is_none()),
                        ("reason-code", alt.reason_code.is_none()),
                        ("status", alt.status.is_none()),
                    ]
                    .into_iter()
                    .filter_map(|(field, absent)| absent.then_some(field))
                    .collect();
                    if !missing.is_empty() {
                        source.report(
                            alt,
                            DiagnosticKind::Shape,
                            format!(
                                "operation-specific alternative `{}` lacks {}",
                                name.as_str(),
                                missing.join(", ")
                            ),
                            Some("give it every field, or refer to a named response with `response:`".to_owned()),
                        );
                    }
                }
                (Some(_), Some(_)) | (None, None) => source.report(
                    alt,
                    DiagnosticKind::Shape,
                    "an alternative needs exactly one of `response:` (a named response) or `name:` (an outcome of this operation)",
                    Some("keep `response:` to reuse a named response, or `name:` with title, description, reason-code and status".to_owned()),
                ),
            }
        }
    }
}

fn sorted(set: &HashSet<&str>) -> String {
    let mut names: Vec<&str> = set.iter().copied().collect();
    names.sort_unstable();
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
