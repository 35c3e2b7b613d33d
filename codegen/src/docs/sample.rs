//! Pseudo-code samples, generated from an operation the way the reference
//! writes them: packets from the client's point of view (`->` sent, `<-`
//! received), with QoS, topic and properties (`[optional]`).
//!
//! The reference's conventions are kept: a server-to-client operation starts
//! with its SUBSCRIBE (and shows the SUBACK when it is request–response);
//! server-to-client messages show `Payload: ...`; acknowledgements are a bare
//! PUBACK after a blank line.

use std::fmt::Write as _;

use crate::ir::{Api, Direction, Interaction, Operation, Property};

fn arrow(direction: Direction, first: bool) -> &'static str {
    match (direction, first) {
        (Direction::C2s, true) | (Direction::S2c, false) => "->",
        (Direction::S2c, true) | (Direction::C2s, false) => "<-",
    }
}

fn property_line(out: &mut String, p: &Property) {
    let line = format!("{}: <{}>", p.name, p.type_name);
    if p.required {
        let _ = writeln!(out, "    {line}");
    } else {
        let _ = writeln!(out, "    [{line}]");
    }
}

/// The pseudo-code sample of `op`.
pub fn pseudo_code(api: &Api, op: &Operation) -> String {
    let mut out = String::new();
    let s2c = op.direction == Direction::S2c;
    let rr = op.interaction == Interaction::RequestResponse;
    if s2c {
        let _ = writeln!(
            out,
            "-> SUBSCRIBE\n    - Topic: {}\n      QoS: {}",
            op.topic.text, op.qos
        );
        if rr {
            let _ = writeln!(out, "<- SUBACK");
        }
    }
    let _ = writeln!(
        out,
        "{} PUBLISH\n    QoS: {}\n    Topic: {}",
        arrow(op.direction, true),
        op.qos,
        op.topic.text
    );
    for p in &op.first.properties {
        property_line(&mut out, p);
    }
    if s2c && !rr {
        let _ = writeln!(out, "    Payload: ...");
    }
    match op.interaction {
        Interaction::RequestResponse => {
            // The response travels at the request's QoS (the spec's, 0 for
            // this API), on the responses topic.
            let _ = writeln!(
                out,
                "{} PUBLISH\n    QoS: {}\n    Topic: {}",
                arrow(op.direction, false),
                op.qos,
                api.connection.responses_topic
            );
        }
        Interaction::MessageAck => {
            let _ = writeln!(out, "\n{} PUBACK", arrow(op.direction, false));
        }
        Interaction::Message => {}
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_response_shows_the_specs_qos_not_a_literal() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/iothub-mqtt5.yaml");
        let mut api = crate::load(path).expect("the real spec loads");
        let index = api
            .operations
            .iter()
            .position(|o| o.name == "get-twin")
            .expect("get-twin");
        api.operations[index].qos = 1;
        let op = &api.operations[index];
        let sample = super::pseudo_code(&api, op);
        assert_eq!(sample.matches("QoS: 1").count(), 2, "{sample}");
        assert!(!sample.contains("QoS: 0"), "{sample}");
    }
}
