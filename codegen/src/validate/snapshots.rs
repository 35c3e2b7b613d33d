//! Snapshots: a server-to-client message operation may name the
//! request–response operation that fetches the whole state its messages
//! change. The generated client calls it after every (re)connection with a
//! default request and no payload, reads the state from a member of the
//! JSON response, and delivers it as a message, its properties taken from
//! members of the state. So: the snapshot's operation exists, is
//! client-to-server request–response, needs no request property and no
//! payload, and answers JSON; the message operation is server-to-client
//! `message` with a JSON payload and a topic without path parameters
//! (a snapshot comes on that topic); every property named is one of the
//! message's, and every required one is named.

use crate::diagnostic::DiagnosticKind;
use crate::spec::model::{Direction, Interaction, PayloadContent, Spec};
use crate::spec::source::Source;

fn content(spec: &Spec, schema: &str) -> Option<PayloadContent> {
    spec.schemas
        .iter()
        .find(|s| *s.name == *schema)
        .map(|s| *s.content)
}

pub(super) fn check(spec: &Spec, source: &mut Source) {
    for op in &spec.operations {
        let Some(snapshot) = &op.snapshot else {
            continue;
        };
        let name = op.name.as_str();
        let is_json = |schema: &str| content(spec, schema) == Some(PayloadContent::Json);
        if *op.direction != Direction::S2c
            || *op.interaction != Interaction::Message
            || !op.message.as_ref().is_some_and(|m| is_json(&m.payload))
            || op.topic.contains('{')
        {
            source.report(
                snapshot,
                DiagnosticKind::InteractionMismatch,
                format!("operation `{name}` has a snapshot, but only a server-to-client `message` operation with a JSON payload and a topic without path parameters can"),
                Some("remove `snapshot`, or give it to the operation whose messages change the state".to_owned()),
            );
            continue;
        }
        let Some(fetch) = spec
            .operations
            .iter()
            .find(|o| *o.name == *snapshot.operation)
        else {
            source.report(
                &snapshot.operation,
                DiagnosticKind::UnknownResponse,
                format!(
                    "the snapshot of `{name}` names operation `{}`, which is not defined",
                    snapshot.operation.as_str()
                ),
                Some("name a client-to-server request–response operation of this spec".to_owned()),
            );
            continue;
        };
        let request_ok = fetch.request.as_ref().is_some_and(|r| {
            r.properties.iter().all(|p| !*p.required)
                && content(spec, &r.payload) == Some(PayloadContent::Empty)
        });
        let response_ok = fetch.response.as_ref().is_some_and(|r| is_json(&r.payload));
        if *fetch.direction != Direction::C2s
            || *fetch.interaction != Interaction::RequestResponse
            || !request_ok
            || !response_ok
        {
            source.report(
                &snapshot.operation,
                DiagnosticKind::InteractionMismatch,
                format!(
                    "the snapshot of `{name}` names `{}`, which is not a client-to-server request–response operation with an empty request and a JSON response",
                    snapshot.operation.as_str()
                ),
                Some("the client calls it with no properties and no payload and reads JSON from its response".to_owned()),
            );
        }
        if snapshot.member.trim().is_empty() {
            source.report(
                &snapshot.member,
                DiagnosticKind::EmptyText,
                format!("the snapshot of `{name}` has an empty `member`"),
                Some("name the member of the JSON response that holds the state".to_owned()),
            );
        }
        let Some(message) = &op.message else {
            continue;
        };
        for property in &snapshot.properties {
            if !message.properties.iter().any(|p| *p.name == *property.name) {
                source.report(
                    &property.name,
                    DiagnosticKind::InvalidValue,
                    format!(
                        "the snapshot of `{name}` sets property `{}`, which its message does not have",
                        property.name.as_str()
                    ),
                    Some("name a property of the operation's message".to_owned()),
                );
            }
        }
        for required in message.properties.iter().filter(|p| *p.required) {
            if !snapshot
                .properties
                .iter()
                .any(|p| *p.name == *required.name)
            {
                source.report(
                    snapshot,
                    DiagnosticKind::InteractionMismatch,
                    format!(
                        "the snapshot of `{name}` does not set required property `{}` of its message",
                        required.name.as_str()
                    ),
                    Some(format!("add `{{ name: {}, member: … }}` to its `properties`", required.name.as_str())),
                );
            }
        }
    }
}
