//! Interaction types: each operation has exactly the sections its interaction
//! type needs, at a QoS the type and the hub's limits allow.

use crate::diagnostic::DiagnosticKind;
use marked_yaml::Spanned;

use crate::spec::model::{Interaction, Operation, Spec};
use crate::spec::source::Source;

pub(super) fn check(spec: &Spec, source: &mut Source) {
    if spec.api.mqtt_version.0 != 5 {
        source.report(
            &spec.api.mqtt_version,
            DiagnosticKind::InvalidValue,
            format!(
                "mqtt-version is {}, but this API is defined over MQTT 5",
                spec.api.mqtt_version.0
            ),
            Some("set `mqtt-version: 5`".to_owned()),
        );
    }
    let max_qos = spec.connection.connack.maximum_qos.0;
    if max_qos > 1 {
        source.report(
            &spec.connection.connack.maximum_qos,
            DiagnosticKind::InvalidValue,
            format!("Maximum QoS {max_qos} is not allowed in CONNACK"),
            Some("MQTT 5 allows Maximum QoS 0 or 1 (omitted means 2)".to_owned()),
        );
    }
    let connack = &spec.connection.connack;
    not_zero(
        &connack.receive_maximum,
        connack.receive_maximum.0 == 0,
        "receive-maximum",
        source,
    );
    not_zero(
        &connack.maximum_packet_size,
        connack.maximum_packet_size.0 == 0,
        "maximum-packet-size",
        source,
    );
    for op in &spec.operations {
        sections(op, source);
        qos(op, max_qos, source);
    }
}

fn not_zero<T>(value: &Spanned<T>, zero: bool, name: &str, source: &mut Source) {
    if zero {
        source.report(
            value,
            DiagnosticKind::InvalidValue,
            format!("CONNACK {name} is 0, which MQTT 5 does not allow"),
            Some("give a positive value".to_owned()),
        );
    }
}

fn sections(op: &Spanned<Operation>, source: &mut Source) {
    let interaction = *op.interaction;
    let (needed, allowed): (&[&str], &[&str]) = match interaction {
        Interaction::RequestResponse => (&["request", "response"], &["request", "response"]),
        Interaction::MessageAck => (&["message"], &["message", "ack"]),
        Interaction::Message => (&["message"], &["message"]),
    };
    let present: Vec<&str> = super::sections(op).map(|(key, _)| key).collect();
    let help = format!(
        "a {} operation has {}",
        name(interaction),
        allowed.join(" and ")
    );
    for key in needed {
        if !present.contains(key) {
            source.report(
                op,
                DiagnosticKind::InteractionMismatch,
                format!(
                    "{} operation `{}` has no `{key}:` section",
                    name(interaction),
                    op.name.as_str()
                ),
                Some(help.clone()),
            );
        }
    }
    for (key, section) in super::sections(op) {
        if !allowed.contains(&key) {
            source.report(
                section,
                DiagnosticKind::InteractionMismatch,
                format!(
                    "{} operation `{}` cannot have a `{key}:` section",
                    name(interaction),
                    op.name.as_str()
                ),
                Some(help.clone()),
            );
        }
    }
    if interaction == Interaction::Message {
        if let Some(first) = op.alternatives.first() {
            source.report(
                first,
                DiagnosticKind::InteractionMismatch,
                format!(
                    "message operation `{}` is not acknowledged, so it has no alternatives",
                    op.name.as_str()
                ),
                Some("use `interaction: message-ack` if the receiver acknowledges".to_owned()),
            );
        }
    }
}

fn qos(op: &Operation, max_qos: u8, source: &mut Source) {
    let qos = op.qos.0;
    let (ok, help) = match *op.interaction {
        Interaction::RequestResponse => {
            (qos == 0, "request–response operations use QoS 0 both ways")
        }
        Interaction::MessageAck => (
            qos == 1,
            "message–acknowledgement operations use QoS 1 (PUBLISH / PUBACK)",
        ),
        Interaction::Message => (qos <= 1, "messages use QoS 0 or 1"),
    };
    if !ok {
        source.report(
            &op.qos,
            DiagnosticKind::InvalidQos,
            format!(
                "{} operation `{}` has QoS {qos}",
                name(*op.interaction),
                op.name.as_str()
            ),
            Some(help.to_owned()),
        );
    } else if qos > max_qos {
        source.report(
            &op.qos,
            DiagnosticKind::InvalidQos,
            format!(
                "operation `{}` has QoS {qos}, above the hub's Maximum QoS {max_qos}",
                op.name.as_str()
            ),
            Some("lower the operation's QoS or raise connack.maximum-qos".to_owned()),
        );
    }
}

fn name(interaction: Interaction) -> &'static str {
    match interaction {
        Interaction::RequestResponse => "request–response",
        Interaction::MessageAck => "message–acknowledgement",
        Interaction::Message => "message",
    }
}
