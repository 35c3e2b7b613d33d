//! Meaning checks over a parsed spec. Every check runs and records its
//! problems in the [`Source`]; nothing stops at the first one.

mod connection;
mod identifiers;
mod interactions;
mod names;
mod parameters;
mod references;
mod roles;
mod snapshots;
mod status;
mod topics;

use marked_yaml::Spanned;

use crate::spec::model::{MessageDef, Operation, Property, Spec, Text};
use crate::spec::source::Source;

pub(crate) use status::layout_of;

/// Runs every check on `spec`.
pub fn validate(spec: &Spec, source: &mut Source) {
    names::check(spec, source);
    references::check(spec, source);
    status::check(spec, source);
    topics::check(spec, source);
    interactions::check(spec, source);
    identifiers::check(spec, source);
    parameters::check(spec, source);
    roles::check(spec, source);
    connection::check(spec, source);
    snapshots::check(spec, source);
}

/// The message sections an operation has, with their spec keys.
pub(crate) fn sections(
    op: &Operation,
) -> impl Iterator<Item = (&'static str, &Spanned<MessageDef>)> {
    [
        ("request", op.request.as_ref()),
        ("response", op.response.as_ref()),
        ("message", op.message.as_ref()),
        ("ack", op.ack.as_ref()),
    ]
    .into_iter()
    .filter_map(|(key, section)| section.map(|s| (key, s)))
}

/// The key of each alternative of an operation: its own name or the response
/// it refers to.
pub(crate) fn alternative_keys(op: &Operation) -> impl Iterator<Item = &Text> {
    op.alternatives
        .iter()
        .filter_map(|a| a.name.as_ref().or(a.response.as_ref()))
}

/// The label [`property_lists`] gives `connection.response-properties`.
pub(crate) const RESPONSE_PROPERTIES_LIST: &str = "connection.response-properties";

/// Every property list of the spec with a description of where it is.
pub(crate) fn property_lists(spec: &Spec) -> Vec<(String, &[Spanned<Property>])> {
    let mut lists: Vec<(String, &[Spanned<Property>])> = Vec::new();
    for op in &spec.operations {
        for (key, section) in sections(op) {
            lists.push((
                format!("{} of operation `{}`", key, *op.name),
                &section.properties,
            ));
        }
        for alt in &op.alternatives {
            let name = alt
                .name
                .as_deref()
                .or(alt.response.as_deref())
                .map_or("?", String::as_str);
            lists.push((
                format!("alternative `{name}` of operation `{}`", *op.name),
                &alt.properties,
            ));
        }
    }
    for response in &spec.responses {
        lists.push((
            format!("response `{}`", *response.name),
            &response.properties,
        ));
    }
    lists.push((
        "connection.connect-properties".to_owned(),
        &spec.connection.connect_properties,
    ));
    lists.push((
        RESPONSE_PROPERTIES_LIST.to_owned(),
        &spec.connection.response_properties,
    ));
    lists
}
