//! Channels, operations and messages: a channel per topic (with its path
//! parameters) and one for `$iothub/responses`; an operation per API
//! operation, from the device's side (`send` client-to-server, `receive`
//! server-to-client) with the MQTT operation binding (QoS); a
//! request–response operation's replies through the Operation Reply object
//! on the responses channel, matched by Correlation Data; a message–ack
//! operation's PUBACK outcomes, which are no messages, under
//! `x-iothub-outcomes`.

use super::schemas;
use super::MQTT_BINDING_VERSION;
use crate::ir::{
    Alternative, Api, Direction, Interaction, Message, Operation, Property, PropertyRole,
};
use crate::status::StatusKind;
use crate::tree::{reference, MapBuilder, Node};

/// The key of the responses channel.
pub const RESPONSES: &str = "responses";

/// Where a request–response message carries its correlation.
pub const CORRELATION_LOCATION: &str = "$message.header#/correlationData";

/// A message of the document: its id in `components.messages` and the
/// message object.
struct Built {
    id: String,
    message: Node,
}

fn status_kind(kind: StatusKind) -> &'static str {
    match kind {
        StatusKind::Success => "success",
        StatusKind::ClientError => "client-error",
        StatusKind::ServerError => "server-error",
    }
}

/// The spec's key of an operation's first message.
fn first_key(op: &Operation) -> &'static str {
    match op.interaction {
        Interaction::RequestResponse => "request",
        Interaction::MessageAck | Interaction::Message => "message",
    }
}

/// What a message is made of.
struct Parts<'p> {
    id: String,
    title: String,
    summary: Option<&'p str>,
    properties: Vec<&'p Property>,
    application: bool,
    payload: &'p str,
    /// Whether it carries Correlation Data (request–response).
    correlated: bool,
    /// The status an alternative response carries.
    status: Option<&'p str>,
}

struct Builder<'a> {
    api: &'a Api,
}

impl Builder<'_> {
    fn message(&self, parts: Parts<'_>) -> Built {
        let Parts {
            id,
            title,
            summary,
            properties,
            application,
            payload,
            correlated,
            status,
        } = parts;
        let api = self.api;
        let schema = api.schema(payload);
        let mut m = MapBuilder::new()
            .set("name", id.clone())
            .set("title", title)
            .set_opt("summary", summary)
            .set_opt("contentType", schema.and_then(schemas::content_type))
            .set_opt(
                "headers",
                schemas::headers(api, &properties, application, status),
            )
            .set_opt("payload", schema.map(schemas::payload));
        if correlated {
            m.push(
                "correlationId",
                MapBuilder::new()
                    .set(
                        "description",
                        "MQTT 5 Correlation Data: a response carries its request's.",
                    )
                    .set("location", CORRELATION_LOCATION),
            );
        }
        let mut mqtt = MapBuilder::new();
        if correlated {
            mqtt.push(
                "correlationData",
                MapBuilder::new()
                    .set("type", "string")
                    .set("format", "binary")
                    .set("maxLength", api.connection.correlation_data_max_bytes),
            );
        }
        if let Some(p) = properties
            .iter()
            .find(|p| p.wire == crate::ir::PropertyWire::ContentType)
        {
            m.push(
                "x-iothub-content-type",
                MapBuilder::new()
                    .set("required", p.required)
                    .set_opt("description", p.description.as_deref()),
            );
        }
        mqtt.push("bindingVersion", MQTT_BINDING_VERSION);
        m.push("bindings", MapBuilder::new().set("mqtt", mqtt));
        Built {
            id,
            message: m.build(),
        }
    }

    fn first(&self, op: &Operation) -> Built {
        let m = &op.first;
        self.message(Parts {
            id: format!("{}.{}", op.name, first_key(op)),
            title: format!("{}: {}", op.title, first_key(op)),
            summary: m.description.as_deref(),
            properties: m.properties.iter().collect(),
            application: m.application_properties,
            payload: &m.payload,
            correlated: op.interaction == Interaction::RequestResponse,
            status: None,
        })
    }

    /// The success response of a request–response operation.
    fn success(&self, op: &Operation, m: &Message) -> Built {
        let mut properties: Vec<&Property> = m.properties.iter().collect();
        properties.extend(
            self.api
                .connection
                .response_properties
                .iter()
                .filter(|p| p.role != Some(PropertyRole::Status)),
        );
        self.message(Parts {
            id: format!("{}.response", op.name),
            title: format!("{}: response", op.title),
            summary: m.description.as_deref(),
            properties,
            application: m.application_properties,
            payload: &m.payload,
            correlated: true,
            status: None,
        })
    }

    /// An alternative response of a request–response operation: the named
    /// response's message, or one of the operation's own.
    fn alternative(&self, op: &Operation, a: &Alternative) -> Built {
        let status = a.status.to_string();
        let (id, payload, title, description) =
            match a.response.as_deref().and_then(|r| self.api.response(r)) {
                Some(r) => (
                    format!("{RESPONSES}.{}", r.name),
                    r.payload.clone(),
                    r.title.clone(),
                    r.description.clone(),
                ),
                None => (
                    format!("{}.{}", op.name, a.name),
                    "empty".to_owned(),
                    a.title.clone(),
                    a.description.clone(),
                ),
            };
        let mut properties: Vec<&Property> = a.properties.iter().collect();
        properties.extend(
            self.api
                .connection
                .response_properties
                .iter()
                .filter(|p| !a.properties.iter().any(|own| own.name == p.name)),
        );
        let mut built = self.message(Parts {
            id,
            title,
            summary: Some(&description),
            properties,
            application: false,
            payload: &payload,
            correlated: true,
            status: Some(&status),
        });
        if let Node::Map(entries) = &mut built.message {
            entries.push(("x-iothub-status".to_owned(), Node::from(status)));
            entries.push(("x-iothub-reason-code".to_owned(), Node::from(a.reason_code)));
        }
        built
    }

    fn outcomes(&self, op: &Operation) -> Node {
        let success = MapBuilder::new()
            .set("name", "success")
            .set("reason-code", 0u8)
            .set_opt(
                "description",
                op.success.as_ref().and_then(|m| m.description.as_deref()),
            )
            .build();
        let mut out = vec![success];
        for a in &op.alternatives {
            out.push(
                MapBuilder::new()
                    .set("name", &a.name)
                    .set_opt("response", a.response.as_deref())
                    .set("title", &a.title)
                    .set("description", &a.description)
                    .set("status", a.status.to_string())
                    .set("reason-code", a.reason_code)
                    .set("kind", status_kind(a.status.kind))
                    .set("retryable", a.status.retryable)
                    .build(),
            );
        }
        Node::Seq(out)
    }
}

/// `channels`, `operations` and `components.messages`.
pub fn build(api: &Api) -> (Node, Node, Node) {
    let b = Builder { api };
    let mut channels = MapBuilder::new();
    let mut operations = MapBuilder::new();
    let mut messages = MapBuilder::new();
    let mut reply_messages: Vec<String> = Vec::new();
    let mut reply_nodes: Vec<(String, Node)> = Vec::new();

    for op in &api.operations {
        let first = b.first(op);
        let first_ref = format!("#/channels/{}/messages/{}", op.name, first_key(op));
        let mut parameters = MapBuilder::new();
        for name in op.topic.parameters() {
            parameters.push(
                name,
                MapBuilder::new().set(
                    "description",
                    format!("The `{{{name}}}` segment of the topic."),
                ),
            );
        }
        let mut channel = MapBuilder::new()
            .set("address", &op.topic.text)
            .set("title", &op.title)
            .set(
                "messages",
                MapBuilder::new().set(
                    first_key(op),
                    reference(format!("#/components/messages/{}", first.id)),
                ),
            );
        if !parameters.is_empty() {
            channel.push("parameters", parameters);
        }
        channels.push(&op.name, channel);
        messages.push(&first.id, first.message);

        let action = match op.direction {
            Direction::C2s => "send",
            Direction::S2c => "receive",
        };
        let mut operation = MapBuilder::new()
            .set("action", action)
            .set("channel", reference(format!("#/channels/{}", op.name)))
            .set("title", &op.title)
            .set("summary", &op.summary)
            .set("messages", Node::Seq(vec![reference(first_ref)]))
            .set(
                "bindings",
                MapBuilder::new().set(
                    "mqtt",
                    MapBuilder::new()
                        .set("qos", op.qos)
                        .set("retain", false)
                        .set("bindingVersion", MQTT_BINDING_VERSION),
                ),
            );
        if let (Interaction::RequestResponse, Some(success)) = (op.interaction, &op.success) {
            let mut replies = vec![b.success(op, success)];
            replies.extend(op.alternatives.iter().map(|a| b.alternative(op, a)));
            let refs: Vec<Node> = replies
                .iter()
                .map(|r| reference(format!("#/channels/{RESPONSES}/messages/{}", r.id)))
                .collect();
            for r in replies {
                if !reply_messages.contains(&r.id) {
                    reply_messages.push(r.id.clone());
                    reply_nodes.push((r.id, r.message));
                }
            }
            operation.push(
                "reply",
                MapBuilder::new()
                    .set("channel", reference(format!("#/channels/{RESPONSES}")))
                    .set("messages", Node::Seq(refs)),
            );
        }
        let interaction = match op.interaction {
            Interaction::RequestResponse => "request-response",
            Interaction::MessageAck => "message-ack",
            Interaction::Message => "message",
        };
        operation.push("x-iothub-interaction", interaction);
        if op.interaction != Interaction::Message {
            operation.push("x-iothub-outcomes", b.outcomes(op));
        }
        if let Some(s) = &op.snapshot {
            let mut props = MapBuilder::new();
            for (name, member) in &s.properties {
                props.push(name, member);
            }
            operation.push(
                "x-iothub-snapshot",
                MapBuilder::new()
                    .set("operation", &s.operation)
                    .set("member", &s.member)
                    .set("properties", props),
            );
        }
        operations.push(&op.name, operation);
    }

    let mut responses = MapBuilder::new();
    for (id, message) in reply_nodes {
        responses.push(&id, reference(format!("#/components/messages/{id}")));
        messages.push(id, message);
    }
    channels.push(
        RESPONSES,
        MapBuilder::new()
            .set("address", &api.connection.responses_topic)
            .set("title", "Responses")
            .set(
                "description",
                "The one topic of every request–response operation's responses, in both directions.",
            )
            .set("messages", responses),
    );
    (channels.build(), operations.build(), messages.build())
}
