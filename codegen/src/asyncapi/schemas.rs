//! JSON Schemas of what travels: a property as an MQTT 5 user property (a
//! UTF-8 string whose text the property's type constrains), a message's
//! user properties as its headers, and a payload by its content.

use crate::ir::{Api, PayloadContent, Property, PropertyRole, PropertyWire, Schema, WireFormat};
use crate::tree::{MapBuilder, Node};

/// The pattern a user property's text matches for a wire format.
fn pattern(format: WireFormat) -> Option<&'static str> {
    match format {
        WireFormat::Utf8 => None,
        WireFormat::UnixMillis | WireFormat::DecimalU32 | WireFormat::DecimalU64 => {
            Some("^[0-9]+$")
        }
        WireFormat::DecimalI32 => Some("^-?[0-9]+$"),
    }
}

/// The spec's name of a wire format.
pub fn wire_name(format: WireFormat) -> &'static str {
    match format {
        WireFormat::Utf8 => "utf8",
        WireFormat::UnixMillis => "unix-millis",
        WireFormat::DecimalU32 => "decimal-u32",
        WireFormat::DecimalU64 => "decimal-u64",
        WireFormat::DecimalI32 => "decimal-i32",
    }
}

/// The schema of one property's value.
pub fn property(p: &Property) -> Node {
    MapBuilder::new()
        .set("type", "string")
        .set_opt("pattern", pattern(p.format))
        .set_opt("description", p.description.as_deref())
        .set("x-iothub-type", &p.type_name)
        .set("x-iothub-wire-format", wire_name(p.format))
        .build()
}

/// The headers schema of a message: its user properties (and those in
/// `extra`, e.g. the hub's outcome properties), with `@` application
/// properties when allowed. More properties are allowed: the hub may add
/// properties this spec does not list.
pub fn headers(
    api: &Api,
    properties: &[&Property],
    application: bool,
    status: Option<&str>,
) -> Option<Node> {
    let users: Vec<&&Property> = properties
        .iter()
        .filter(|p| p.wire == PropertyWire::UserProperty)
        .collect();
    if users.is_empty() && !application {
        return None;
    }
    let mut props = MapBuilder::new();
    let mut required = Vec::new();
    for p in &users {
        let mut schema = property(p);
        // An alternative response's status property holds its status.
        let status_here = status.filter(|_| p.role == Some(PropertyRole::Status));
        if let (Some(code), Node::Map(entries)) = (status_here, &mut schema) {
            entries.insert(1, ("const".to_owned(), Node::from(code)));
        }
        props.push(&p.name, schema);
        if p.required || status_here.is_some() {
            required.push(Node::from(&p.name));
        }
    }
    let mut out = MapBuilder::new()
        .set("type", "object")
        .set("properties", props);
    if !required.is_empty() {
        out.push("required", Node::Seq(required));
    }
    if application {
        let prefix = &api.connection.application_property_prefix;
        out.push(
            "patternProperties",
            MapBuilder::new().set(
                format!("^{}", regex_escape(prefix)),
                MapBuilder::new()
                    .set("type", "string")
                    .set("description", "an application property"),
            ),
        );
    }
    out.push("additionalProperties", true);
    Some(out.build())
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let special = "\\^$.|?*+()[]{}".contains(c);
            special.then_some('\\').into_iter().chain([c])
        })
        .collect()
}

/// The media type of a payload, when it has one.
pub fn content_type(schema: &Schema) -> Option<&'static str> {
    match schema.content {
        PayloadContent::Json => Some("application/json"),
        PayloadContent::Bytes => Some("application/octet-stream"),
        PayloadContent::Empty => None,
    }
}

/// The schema of a payload.
pub fn payload(schema: &Schema) -> Node {
    let out = match schema.content {
        PayloadContent::Json => MapBuilder::new().set("type", "object"),
        PayloadContent::Bytes => MapBuilder::new()
            .set("type", "string")
            .set("format", "binary"),
        PayloadContent::Empty => MapBuilder::new()
            .set("type", "string")
            .set("maxLength", 0u8),
    };
    out.set("title", &schema.name)
        .set("description", &schema.description)
        .build()
}
