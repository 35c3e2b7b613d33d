//! Connection rules: every field of the SAS string to sign is something the
//! generated `string_to_sign` can fill (the host, the client ID or a CONNECT
//! user property), and no DISCONNECT reason code is listed twice.

use std::collections::HashMap;

use crate::diagnostic::DiagnosticKind;
use crate::ir::{STRING_TO_SIGN_CLIENT_ID, STRING_TO_SIGN_HOST};
use crate::spec::model::{PropertyWire, Spec};
use crate::spec::source::Source;

pub(super) fn check(spec: &Spec, source: &mut Source) {
    string_to_sign(spec, source);
    disconnect_reasons(spec, source);
}

fn string_to_sign(spec: &Spec, source: &mut Source) {
    let properties = &spec.connection.connect_properties;
    for field in &spec.connection.sas.string_to_sign {
        if [STRING_TO_SIGN_HOST, STRING_TO_SIGN_CLIENT_ID].contains(&field.as_str()) {
            continue;
        }
        match properties.iter().find(|p| *p.name == **field) {
            None => {
                let mut names = vec![STRING_TO_SIGN_HOST, STRING_TO_SIGN_CLIENT_ID];
                names.extend(properties.iter().map(|p| p.name.as_str()));
                let names = names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                source.report(
                    field,
                    DiagnosticKind::InvalidValue,
                    format!(
                        "string-to-sign field `{}` is neither `{STRING_TO_SIGN_HOST}`, `{STRING_TO_SIGN_CLIENT_ID}` nor a connection.connect-properties name",
                        field.as_str()
                    ),
                    Some(format!("use one of: {names}")),
                );
            }
            Some(p) => {
                if let Some(wire) = p
                    .wire
                    .as_ref()
                    .filter(|w| ***w != PropertyWire::UserProperty)
                {
                    source.report(
                        wire,
                        DiagnosticKind::InvalidValue,
                        format!(
                            "connect property `{}` is in the string to sign, which takes user properties only",
                            p.name.as_str()
                        ),
                        Some("remove `wire` from it, or take it out of string-to-sign".to_owned()),
                    );
                }
            }
        }
    }
}

fn disconnect_reasons(spec: &Spec, source: &mut Source) {
    let mut seen: HashMap<u8, usize> = HashMap::new();
    for reason in &spec.connection.disconnect_reasons {
        let code = reason.reason_code.0;
        if let Some(line) = seen.get(&code) {
            source.report(
                &reason.reason_code,
                DiagnosticKind::DuplicateName,
                format!("disconnect reason code {code} is listed twice (first at line {line})"),
                Some("list each reason code once".to_owned()),
            );
        } else {
            let line = source.at(&reason.reason_code).line;
            seen.insert(code, line);
        }
    }
}
