//! The server (the hub, with the MQTT server binding), its security
//! schemes, and the connection rules AsyncAPI has no field for
//! (`x-iothub-connection`).

use super::schemas;
use super::MQTT_BINDING_VERSION;
use crate::ir::{Api, AuthenticationData, Connection, Property, PropertyRole};
use crate::tree::{reference, MapBuilder, Node};

/// The key of the one server.
pub const SERVER: &str = "iothub";

/// The security scheme key of an authentication method.
pub fn scheme_key(method: &str) -> String {
    method
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// `servers`.
pub fn servers(api: &Api) -> Node {
    let c = &api.connection;
    let security: Vec<Node> = c
        .authentication_methods
        .iter()
        .map(|m| {
            reference(format!(
                "#/components/securitySchemes/{}",
                scheme_key(&m.name)
            ))
        })
        .collect();
    let mqtt = MapBuilder::new()
        .set("cleanSession", false)
        .set("keepAlive", c.connack.server_keep_alive_seconds)
        .set("sessionExpiryInterval", c.connack.session_expiry_interval)
        .set("maximumPacketSize", c.connack.maximum_packet_size)
        .set("bindingVersion", MQTT_BINDING_VERSION);
    let server = MapBuilder::new()
        .set("host", "{host}")
        .set("protocol", "secure-mqtt")
        .set("protocolVersion", api.info.mqtt_version.to_string())
        .set("title", &api.info.name)
        .set(
            "description",
            format!(
                "The IoT hub, over MQTT {} and TLS. Every CONNECT carries the `api-version` user property `{}`.",
                api.info.mqtt_version, api.info.api_version
            ),
        )
        .set(
            "variables",
            MapBuilder::new().set(
                "host",
                MapBuilder::new().set(
                    "description",
                    "The IoT hub's host name and port (MQTT over TLS: 8883).",
                ),
            ),
        )
        .set("security", Node::Seq(security))
        .set("bindings", MapBuilder::new().set("mqtt", mqtt))
        .set("x-iothub-connection", connection(c));
    MapBuilder::new().set(SERVER, server).build()
}

/// `components.securitySchemes`: a method with Authentication Data is a
/// symmetric-key scheme (the SAS), one without relies on the TLS client
/// certificate.
pub fn security_schemes(api: &Api) -> Node {
    let c = &api.connection;
    let mut out = MapBuilder::new();
    for m in &c.authentication_methods {
        let scheme = match m.data {
            AuthenticationData::Required => MapBuilder::new()
                .set("type", "symmetricEncryption")
                .set("description", &m.description)
                .set("x-iothub-authentication-method", &m.name)
                .set(
                    "x-iothub-sas",
                    MapBuilder::new()
                        .set("algorithm", &c.sas.algorithm)
                        .set("key-encoding", &c.sas.key_encoding)
                        .set("string-to-sign", c.sas.string_to_sign.clone())
                        .set(
                            "reauthentication-reason-code",
                            c.sas.reauthentication_reason_code,
                        ),
                ),
            AuthenticationData::None => MapBuilder::new()
                .set("type", "X509")
                .set("description", &m.description)
                .set("x-iothub-authentication-method", &m.name),
        };
        out.push(scheme_key(&m.name), scheme);
    }
    out.build()
}

/// A property role as the spec writes it.
fn role_name(role: PropertyRole) -> &'static str {
    match role {
        PropertyRole::Status => "status",
        PropertyRole::TraceId => "trace-id",
        PropertyRole::Reason => "reason",
    }
}

fn properties(list: &[Property]) -> Node {
    let mut out = MapBuilder::new();
    for p in list {
        let mut schema = MapBuilder::new().set("required", p.required);
        if let Some(role) = p.role {
            schema.push("role", role_name(role));
        }
        if let Node::Map(entries) = schemas::property(p) {
            for (k, v) in entries {
                schema.push(k, v);
            }
        }
        out.push(&p.name, schema);
    }
    out.build()
}

/// What AsyncAPI has no field for: the connection rules of the spec, with
/// the spec's own (kebab-case) names.
fn connection(c: &Connection) -> Node {
    let k = &c.connack;
    let layout = &c.status_layout;
    let hex = |v: u16| format!("0x{v:04X}");
    MapBuilder::new()
        .set("connect-timeout-seconds", c.connect_timeout_seconds)
        .set("connect-properties", properties(&c.connect_properties))
        .set(
            "connack",
            MapBuilder::new()
                .set("receive-maximum", k.receive_maximum)
                .set("maximum-qos", k.maximum_qos)
                .set("retain-available", k.retain_available)
                .set("maximum-packet-size", k.maximum_packet_size)
                .set("topic-alias-maximum", k.topic_alias_maximum)
                .set(
                    "wildcard-subscription-available",
                    k.wildcard_subscription_available,
                )
                .set(
                    "subscription-identifiers-available",
                    k.subscription_identifiers_available,
                )
                .set(
                    "shared-subscriptions-available",
                    k.shared_subscriptions_available,
                )
                .set("server-keep-alive-seconds", k.server_keep_alive_seconds)
                .set("session-expiry-interval", k.session_expiry_interval),
        )
        .set(
            "limits",
            MapBuilder::new()
                .set("max-subscriptions", c.max_subscriptions)
                .set(
                    "subscription-quota-exceeded-reason-code",
                    c.subscription_quota_exceeded_reason_code,
                )
                .set("correlation-data-max-bytes", c.correlation_data_max_bytes),
        )
        .set(
            "topics",
            MapBuilder::new()
                .set("prefix", &c.topic_prefix)
                .set("responses", &c.responses_topic)
                .set("unknown-topic-publish", &c.unknown_topic_publish)
                .set(
                    "unknown-topic-subscribe-reason-code",
                    c.unknown_topic_subscribe_reason_code,
                )
                .set(
                    "wildcard-subscribe-reason-code",
                    c.wildcard_subscribe_reason_code,
                ),
        )
        .set("response-properties", properties(&c.response_properties))
        .set(
            "application-property-prefix",
            &c.application_property_prefix,
        )
        .set(
            "status-code",
            MapBuilder::new()
                .set("digits", layout.digits)
                .set("kind-mask", hex(layout.kind_mask))
                .set(
                    "kinds",
                    MapBuilder::new()
                        .set("success", hex(layout.success))
                        .set("client-error", hex(layout.client_error))
                        .set("server-error", hex(layout.server_error)),
                )
                .set("retryable-bit", hex(layout.retryable_bit))
                .set("reserved-mask", hex(layout.reserved_mask)),
        )
        .set(
            "disconnect-reasons",
            Node::Seq(
                c.disconnect_reasons
                    .iter()
                    .map(|d| {
                        MapBuilder::new()
                            .set("reason-code", d.reason_code)
                            .set("name", &d.name)
                            .set("description", &d.description)
                            .build()
                    })
                    .collect(),
            ),
        )
        .build()
}
