//! The generated message types checked against the spec's YAML, read here
//! with a YAML parser of the test's own: not through `iothub-codegen`, and not
//! through the `PropertyInfo` metadata the derive writes. For each message of
//! each operation, the struct's fields (as `Debug` prints them) are the
//! spec's property names, each property's value is parsed as the spec's type
//! (values of a neighbouring type are refused), and a required property is
//! required while an optional one may be left out. The named responses too,
//! each of which accepts only its own status, and the CONNECT user
//! properties (`connection.connect-properties`).

use iothub_client::api;
use iothub_client::wire::{MqttProperties, Properties};
use iothub_client::Error;
use marked_yaml::types::{MarkedMappingNode, MarkedSequenceNode};

/// One property as the YAML states it.
#[derive(Debug, Clone)]
struct YamlProperty {
    name: String,
    type_name: String,
    wire_format: String,
    required: bool,
    content_type: bool,
    /// `role: status`: typed as the API's status codes, whatever `type` says.
    status_role: bool,
}

/// One message of an operation as the YAML states it.
#[derive(Debug)]
struct YamlMessage {
    operation: String,
    section: String,
    properties: Vec<YamlProperty>,
    application: bool,
    /// The hub sends it: it keeps properties it does not define.
    from_hub: bool,
    /// The hub sends it about an outcome: it has the response properties.
    outcome_from_hub: bool,
    /// A named response: its own status, which no other may replace.
    own_status: Option<String>,
}

fn text<'a>(map: &'a MarkedMappingNode, key: &str) -> &'a str {
    map.get_scalar(key)
        .map(|s| s.as_str())
        .unwrap_or_else(|| panic!("`{key}` in {map:?}"))
}

fn properties(list: Option<&MarkedSequenceNode>, types: &[(String, String)]) -> Vec<YamlProperty> {
    list.map(|l| l.iter().collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|node| {
            let p = node.as_mapping().expect("a property is a mapping");
            let type_name = text(p, "type").to_owned();
            let wire_format = types
                .iter()
                .find(|(name, _)| *name == type_name)
                .map(|(_, wire)| wire.clone())
                .unwrap_or_else(|| panic!("type {type_name}"));
            YamlProperty {
                name: text(p, "name").to_owned(),
                type_name,
                wire_format,
                required: text(p, "required") == "true",
                content_type: p
                    .get_scalar("wire")
                    .is_some_and(|w| w.as_str() == "content-type"),
                status_role: p.get_scalar("role").is_some_and(|r| r.as_str() == "status"),
            }
        })
        .collect()
}

struct Spec {
    messages: Vec<YamlMessage>,
    response_properties: Vec<YamlProperty>,
}

fn spec() -> Spec {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/iothub-mqtt5.yaml");
    let yaml = std::fs::read_to_string(path).expect("spec");
    let root = marked_yaml::parse_yaml(0, yaml).expect("YAML");
    let root = root.as_mapping().expect("mapping");
    let types: Vec<(String, String)> = root
        .get_sequence("types")
        .expect("types")
        .iter()
        .map(|t| {
            let t = t.as_mapping().expect("type");
            (text(t, "name").to_owned(), text(t, "wire").to_owned())
        })
        .collect();
    let connection = root.get_mapping("connection").expect("connection");
    let response_properties = properties(connection.get_sequence("response-properties"), &types);
    // The CONNECT user properties: a client sends them, the hub reads them strictly.
    let mut messages = vec![YamlMessage {
        operation: "connection".to_owned(),
        section: "connect-properties".to_owned(),
        properties: properties(connection.get_sequence("connect-properties"), &types),
        application: false,
        from_hub: false,
        outcome_from_hub: false,
        own_status: None,
    }];
    for op in root.get_sequence("operations").expect("operations").iter() {
        let op = op.as_mapping().expect("operation");
        let c2s = text(op, "direction") == "c2s";
        for section in ["request", "response", "message", "ack"] {
            let Some(m) = op.get_mapping(section) else {
                continue;
            };
            let first = matches!(section, "request" | "message");
            let from_hub = first != c2s;
            messages.push(YamlMessage {
                operation: text(op, "name").to_owned(),
                section: section.to_owned(),
                properties: properties(m.get_sequence("properties"), &types),
                application: m
                    .get_scalar("application-properties")
                    .is_some_and(|a| a.as_str() == "true"),
                from_hub,
                outcome_from_hub: from_hub && !first,
                own_status: None,
            });
        }
    }
    for r in root.get_sequence("responses").expect("responses").iter() {
        let r = r.as_mapping().expect("response");
        messages.push(YamlMessage {
            operation: "responses".to_owned(),
            section: text(r, "name").to_owned(),
            properties: properties(r.get_sequence("properties"), &types),
            application: false,
            from_hub: true,
            outcome_from_hub: true,
            own_status: Some(text(r, "status").to_owned()),
        });
    }
    Spec {
        messages,
        response_properties,
    }
}

/// `sequence-no` → `sequence_no`, `Content Type` → `content_type`.
fn field_name(name: &str) -> String {
    name.to_lowercase().replace(['-', ' '], "_")
}

/// A value of each wire format, and one that the format refuses but a
/// neighbouring one takes.
fn values(p: &YamlProperty) -> (&str, Option<&'static str>) {
    if p.status_role {
        return ("0001", Some("not a status"));
    }
    match p.wire_format.as_str() {
        "utf8" => ("any text", None),
        "unix-millis" => ("1600987195320", Some("-1")),
        "decimal-u32" => ("4294967295", Some("4294967296")),
        "decimal-u64" => ("18446744073709551615", Some("-1")),
        "decimal-i32" => ("-2147483648", Some("2147483648")),
        other => panic!("a wire format this test does not know: {other}"),
    }
}

fn wire(
    properties: &[&YamlProperty],
    own_status: Option<&str>,
    skip: Option<&str>,
    bad: Option<&str>,
) -> Properties {
    let mut p = Properties::default();
    for prop in properties.iter().filter(|p| Some(p.name.as_str()) != skip) {
        let (good, refused) = match (prop.status_role, own_status) {
            (true, Some(own)) => (own, Some("not a status")),
            _ => values(prop),
        };
        let value = if bad == Some(prop.name.as_str()) {
            refused.expect("a refused value")
        } else {
            good
        };
        if prop.content_type {
            p.content_type = Some(value.to_owned());
        } else {
            p.user.push((prop.name.clone(), value.to_owned()));
        }
    }
    p
}

/// The top-level field names of a pretty `Debug` print.
fn debug_fields(debug: &str) -> Vec<String> {
    debug
        .lines()
        .filter_map(|l| l.strip_prefix("    "))
        .filter(|l| !l.starts_with(' '))
        .filter_map(|l| l.split_once(':').map(|(name, _)| name.to_owned()))
        .collect()
}

fn check<M: MqttProperties + std::fmt::Debug>(message: &YamlMessage, spec: &Spec) {
    let at = format!("{} {}", message.operation, message.section);
    let mut expected: Vec<String> = Vec::new();
    let mut owned: Vec<YamlProperty> = message.properties.clone();
    if message.outcome_from_hub {
        for p in &spec.response_properties {
            if !owned.iter().any(|d| d.name == p.name) {
                // A named response always carries its status.
                let required = p.required || (p.status_role && message.own_status.is_some());
                owned.push(YamlProperty {
                    required,
                    ..p.clone()
                });
            }
        }
    }
    let declared: Vec<&YamlProperty> = owned.iter().collect();
    // The status comes first, then the properties in spec order.
    expected.extend(
        declared
            .iter()
            .filter(|p| p.status_role)
            .chain(declared.iter().filter(|p| !p.status_role))
            .map(|p| field_name(&p.name)),
    );
    if message.application {
        expected.push("application".to_owned());
    }
    if message.from_hub {
        expected.push("other_properties".to_owned());
    }

    let own = message.own_status.as_deref();
    // Everything present, valid for its type.
    let all = wire(&declared, own, None, None);
    let decoded = M::from_properties(&all).unwrap_or_else(|e| panic!("{at}: {e}"));
    assert_eq!(
        debug_fields(&format!("{decoded:#?}")),
        expected,
        "{at}: the fields"
    );
    for p in &declared {
        // A value its type refuses.
        if values(p).1.is_some() {
            let name = p.name.as_str();
            match M::from_properties(&wire(&declared, own, None, Some(name))) {
                Err(Error::InvalidProperty {
                    name: got,
                    expected,
                    ..
                }) => {
                    let type_name = if p.status_role {
                        "status"
                    } else {
                        p.type_name.as_str()
                    };
                    assert_eq!((got, expected), (name, type_name), "{at}");
                }
                other => panic!("{at}: `{name}` with a value of another type: {other:?}"),
            }
        }
        // Left out.
        let without = M::from_properties(&wire(&declared, own, Some(&p.name), None));
        match (p.required, without) {
            (true, Err(Error::MissingProperty { name })) => assert_eq!(name, p.name, "{at}"),
            (false, Ok(m)) => {
                let field = field_name(&p.name);
                assert!(
                    format!("{m:#?}").contains(&format!("\n    {field}: None,")),
                    "{at}: `{field}` is None when left out"
                );
            }
            (required, other) => {
                panic!(
                    "{at}: `{}` (required: {required}) left out: {other:?}",
                    p.name
                )
            }
        }
    }
    // A named response with another response's status is not that response.
    if let Some(own) = own {
        let other = if own == "0100" { "0501" } else { "0100" };
        let mut swapped = all.clone();
        for (name, value) in &mut swapped.user {
            if declared.iter().any(|p| p.status_role && p.name == *name) {
                *value = other.to_owned();
            }
        }
        assert!(
            matches!(
                M::from_properties(&swapped),
                Err(Error::UnexpectedStatus { .. })
            ),
            "{at}: decoded with status {other}"
        );
    }
    // A user property the spec does not define: kept from the hub, refused
    // from a client.
    let mut extra = all.clone();
    extra
        .user
        .push(("not-in-the-spec".to_owned(), "x".to_owned()));
    match (message.from_hub, M::from_properties(&extra)) {
        (true, Ok(m)) => assert!(format!("{m:?}").contains("not-in-the-spec"), "{at}"),
        (false, Err(Error::UnknownProperty { name })) => assert_eq!(name, "not-in-the-spec"),
        (from_hub, other) => panic!("{at}: from the hub: {from_hub}: {other:?}"),
    }
}

macro_rules! messages {
    ($(($op:literal, $section:literal) => $ty:ty,)*) => {
        #[test]
        fn every_message_has_the_specs_fields_types_and_presence() {
            let spec = spec();
            let mut checked = Vec::new();
            $(
                let message = spec
                    .messages
                    .iter()
                    .find(|m| m.operation == $op && m.section == $section)
                    .unwrap_or_else(|| panic!("{} {} is not in the spec", $op, $section));
                check::<$ty>(message, &spec);
                checked.push(($op, $section));
            )*
            let missing: Vec<String> = spec
                .messages
                .iter()
                .filter(|m| !checked.contains(&(m.operation.as_str(), m.section.as_str())))
                .map(|m| format!("{} {}", m.operation, m.section))
                .collect();
            assert!(missing.is_empty(), "add a line for: {missing:?}");
        }
    };
}

messages! {
    ("connection", "connect-properties") => api::connection::Connect,
    ("get-twin", "request") => api::get_twin::Request,
    ("get-twin", "response") => api::get_twin::Response,
    ("patch-twin-reported", "request") => api::patch_twin_reported::Request,
    ("patch-twin-reported", "response") => api::patch_twin_reported::Response,
    ("receive-commands", "message") => api::receive_commands::Message,
    ("receive-commands", "ack") => api::receive_commands::Ack,
    ("receive-direct-methods", "request") => api::receive_direct_methods::Request,
    ("receive-direct-methods", "response") => api::receive_direct_methods::Response,
    ("receive-twin-desired-state-changes", "message") => api::receive_twin_desired_state_changes::Message,
    ("send-telemetry", "message") => api::send_telemetry::Message,
    ("send-telemetry", "ack") => api::send_telemetry::Ack,
    ("responses", "bad-request") => api::responses::BadRequest,
    ("responses", "conflict") => api::responses::Conflict,
    ("responses", "not-allowed") => api::responses::NotAllowed,
    ("responses", "not-authorized") => api::responses::NotAuthorized,
    ("responses", "not-found") => api::responses::NotFound,
    ("responses", "not-modified") => api::responses::NotModified,
    ("responses", "precondition-failed") => api::responses::PreconditionFailed,
    ("responses", "quota-exceeded") => api::responses::QuotaExceeded,
    ("responses", "resource-exhausted") => api::responses::ResourceExhausted,
    ("responses", "server-busy") => api::responses::ServerBusy,
    ("responses", "server-error") => api::responses::ServerError,
    ("responses", "target-failed") => api::responses::TargetFailed,
    ("responses", "target-timeout") => api::responses::TargetTimeout,
    ("responses", "target-unavailable") => api::responses::TargetUnavailable,
    ("responses", "throttled") => api::responses::Throttled,
    ("responses", "timeout") => api::responses::Timeout,
}
