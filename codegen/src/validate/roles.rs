//! Property roles: `role` is only for `connection.response-properties`, each
//! role names one property there, and the `status` role exists (the
//! generated code tells an alternative outcome from a success by it).

use super::property_lists;
use crate::diagnostic::DiagnosticKind;
use crate::spec::model::{PropertyRole, PropertyWire, Spec};
use crate::spec::source::Source;

pub(super) fn check(spec: &Spec, source: &mut Source) {
    let response_properties = &spec.connection.response_properties;
    let label = super::RESPONSE_PROPERTIES_LIST;
    for (place, list) in property_lists(spec) {
        if place == label {
            continue;
        }
        for role in list.iter().filter_map(|p| p.role.as_ref()) {
            source.report(
                role,
                DiagnosticKind::InvalidValue,
                format!("`role` is only for connection.response-properties, not the {place}"),
                Some("remove `role` here".to_owned()),
            );
        }
    }
    let mut seen: Vec<PropertyRole> = Vec::new();
    for role in response_properties.iter().filter_map(|p| p.role.as_ref()) {
        if seen.contains(role) {
            source.report(
                role,
                DiagnosticKind::DuplicateName,
                "two response properties have this role",
                Some("give each role (status, trace-id, reason) to one property".to_owned()),
            );
        }
        seen.push(**role);
    }
    // The runtime reads the status as a user property.
    for p in response_properties.iter() {
        let is_status = p.role.as_ref().is_some_and(|r| **r == PropertyRole::Status);
        let first_class = p
            .wire
            .as_ref()
            .is_some_and(|w| **w != PropertyWire::UserProperty);
        if let (true, true, Some(wire)) = (is_status, first_class, p.wire.as_ref()) {
            source.report(
                wire,
                DiagnosticKind::InvalidValue,
                "the status travels as a user property",
                Some("remove `wire` from the `role: status` property".to_owned()),
            );
        }
    }
    if !seen.contains(&PropertyRole::Status) {
        let at = match response_properties.first() {
            Some(first) => source.at(first),
            None => source.marker(None),
        };
        source.report_at(
            at,
            DiagnosticKind::InvalidValue,
            "no response property has `role: status`",
            Some(
                "mark the property that carries an outcome's status code with `role: status`"
                    .to_owned(),
            ),
        );
    }
}
