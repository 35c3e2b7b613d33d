//! Names: keys are kebab-case, no list has a name twice, no text is empty.

use std::collections::HashMap;

use marked_yaml::Spanned;

use super::{alternative_keys, property_lists};
use crate::diagnostic::DiagnosticKind;
use crate::spec::model::{Spec, Text};
use crate::spec::source::Source;

pub(super) fn check(spec: &Spec, source: &mut Source) {
    for op in &spec.operations {
        kebab(&op.name, "operation", source);
        for alt in &op.alternatives {
            if let Some(name) = &alt.name {
                kebab(name, "alternative", source);
            }
        }
    }
    for response in &spec.responses {
        kebab(&response.name, "response", source);
    }

    unique(spec.types.iter().map(|t| &t.name), "type", source);
    unique(spec.schemas.iter().map(|s| &s.name), "schema", source);
    unique(spec.operations.iter().map(|o| &o.name), "operation", source);
    unique(spec.responses.iter().map(|r| &r.name), "response", source);
    unique(
        spec.connection
            .authentication_methods
            .iter()
            .map(|m| &m.name),
        "authentication method",
        source,
    );
    unique(
        spec.connection.disconnect_reasons.iter().map(|r| &r.name),
        "disconnect reason",
        source,
    );
    for op in &spec.operations {
        unique(
            alternative_keys(op),
            &format!("alternative of operation `{}`", *op.name),
            source,
        );
    }
    let app_prefix = spec.connection.application_property_prefix.as_str();
    for (place, list) in property_lists(spec) {
        unique(
            list.iter().map(|p| &p.name),
            &format!("property in {place}"),
            source,
        );
        for property in list {
            if !app_prefix.is_empty() && property.name.starts_with(app_prefix) {
                source.report(
                    &property.name,
                    DiagnosticKind::InvalidName,
                    format!(
                        "property `{}` in {place} starts with `{app_prefix}`, the application property prefix",
                        property.name.as_str()
                    ),
                    Some("system properties are named without the prefix; application properties are not listed".to_owned()),
                );
            }
        }
    }

    for text in texts(spec) {
        if text.trim().is_empty() {
            source.report(
                text,
                DiagnosticKind::EmptyText,
                "this text is empty",
                Some("write the English text, or remove the optional field".to_owned()),
            );
        }
    }
}

fn kebab(name: &Text, what: &str, source: &mut Source) {
    let ok = !name.is_empty()
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('-')
        && !name.contains("--")
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !ok {
        source.report(
            name,
            DiagnosticKind::InvalidName,
            format!("{what} name `{}` is not a kebab-case key", name.as_str()),
            Some("use lowercase ASCII words joined by `-`, e.g. `get-twin`".to_owned()),
        );
    }
}

fn unique<'a>(names: impl Iterator<Item = &'a Text>, what: &str, source: &mut Source) {
    let mut seen: HashMap<&str, &Spanned<String>> = HashMap::new();
    for name in names {
        if let Some(first) = seen.get(name.as_str()) {
            let line = source.at(first).line;
            source.report(
                name,
                DiagnosticKind::DuplicateName,
                format!(
                    "{what} `{}` is defined twice (first at line {line})",
                    name.as_str()
                ),
                Some("remove one, or give it another name".to_owned()),
            );
        } else {
            seen.insert(name.as_str(), name);
        }
    }
}

/// Every required or present prose text.
fn texts(spec: &Spec) -> Vec<&Text> {
    let d = &spec.document;
    let mut out = vec![
        &spec.api.name,
        &spec.api.version,
        &spec.api.api_version,
        &d.front_matter.title,
        &d.front_matter.description,
        &d.heading,
        &d.introduction,
        &d.sections.operations,
        &d.sections.responses,
        &d.headings.request,
        &d.headings.success_response,
        &d.headings.alternative_responses,
        &d.headings.message,
        &d.headings.success_acknowledgment,
        &d.headings.alternative_acknowledgments,
        &d.headings.pseudo_code_sample,
        &d.labels.topic_name,
        &d.labels.properties,
        &d.labels.payload,
        &d.labels.reason_code,
        &d.labels.status,
        &d.labels.none,
        &d.labels.yes,
        &d.labels.no,
        &d.table_headers.name,
        &d.table_headers.type_,
        &d.table_headers.required,
        &d.table_headers.description,
        &d.table_headers.status,
        &d.table_headers.reason_code,
    ];
    let c = &spec.connection;
    out.extend(
        d.front_matter
            .metadata
            .iter()
            .flat_map(|m| [&m.key, &m.value]),
    );
    out.extend(
        c.authentication_methods
            .iter()
            .flat_map(|m| [&m.name, &m.description]),
    );
    out.extend(
        c.disconnect_reasons
            .iter()
            .flat_map(|r| [&r.name, &r.description]),
    );
    out.extend([&c.sas.algorithm, &c.sas.key_encoding, &c.topics.responses]);
    out.extend(&c.sas.string_to_sign);
    out.extend(spec.types.iter().flat_map(|t| [&t.name, &t.description]));
    out.extend(spec.schemas.iter().flat_map(|s| [&s.name, &s.description]));
    out.extend(spec.schemas.iter().filter_map(|s| s.text.as_ref()));
    for op in &spec.operations {
        out.extend([&op.name, &op.title, &op.summary]);
        for (_, section) in super::sections(op) {
            out.extend(section.description.as_ref());
        }
        for alt in &op.alternatives {
            out.extend(
                [&alt.title, &alt.description, &alt.name]
                    .into_iter()
                    .flatten(),
            );
        }
    }
    for r in &spec.responses {
        out.extend([&r.name, &r.title, &r.description]);
    }
    for (_, list) in property_lists(spec) {
        for p in list {
            out.push(&p.name);
            out.extend(p.description.as_ref());
        }
    }
    out
}
