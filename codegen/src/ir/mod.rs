//! The validated API: what generators consume. Every reference is resolved,
//! every code parsed; nothing here can be inconsistent with the spec rules.

mod lower;

pub use lower::lower;

pub use crate::spec::model::{
    AuthenticationData, Direction, Interaction, PayloadContent, PropertyRole, PropertyWire,
    WireFormat,
};
use crate::status::{Status, StatusLayout};
use crate::topic::TopicPattern;

/// The whole API.
#[derive(Debug, Clone)]
pub struct Api {
    /// Name and versions.
    pub info: ApiInfo,
    /// Document prose and labels.
    pub document: Document,
    /// Property data types.
    pub types: Vec<DataType>,
    /// Payload schemas.
    pub schemas: Vec<Schema>,
    /// Connection rules.
    pub connection: Connection,
    /// Operations, in spec order.
    pub operations: Vec<Operation>,
    /// Named responses, in spec order.
    pub responses: Vec<Response>,
}

/// Name and versions.
#[derive(Debug, Clone)]
pub struct ApiInfo {
    /// Human name.
    pub name: String,
    /// API version (`2.0`).
    pub version: String,
    /// `api-version` value.
    pub api_version: String,
    /// MQTT protocol version.
    pub mqtt_version: u8,
}

/// Document prose: front matter, headings, labels and table headers.
#[derive(Debug, Clone)]
pub struct Document {
    /// Front matter `title`.
    pub title: String,
    /// Front matter `description`.
    pub description: String,
    /// Other front matter keys, in order.
    pub metadata: Vec<(String, String)>,
    /// Top heading.
    pub heading: String,
    /// Introduction paragraph.
    pub introduction: String,
    /// Texts keyed by their stable place (`headings.request`, `labels.none`, …),
    /// in document order.
    pub texts: Vec<(&'static str, String)>,
}

impl Document {
    /// The text of a place key such as `labels.topic-name`.
    pub fn text(&self, key: &str) -> Option<&str> {
        self.texts
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// A property data type.
#[derive(Debug, Clone)]
pub struct DataType {
    /// Name (`u64`).
    pub name: String,
    /// What it is.
    pub description: String,
    /// Wire encoding.
    pub wire: WireFormat,
}

/// A payload schema.
#[derive(Debug, Clone)]
pub struct Schema {
    /// Name.
    pub name: String,
    /// Display text for prose schemas.
    pub text: Option<String>,
    /// What it is.
    pub description: String,
    /// Content kind.
    pub content: PayloadContent,
}

/// A property of a message.
#[derive(Debug, Clone)]
pub struct Property {
    /// Wire name.
    pub name: String,
    /// Rust field name (snake case, may be a keyword).
    pub rust_name: String,
    /// Type name as the spec writes it.
    pub type_name: String,
    /// Wire encoding of the type.
    pub format: WireFormat,
    /// Whether it must be present.
    pub required: bool,
    /// Where it travels.
    pub wire: PropertyWire,
    /// What it means (may be empty in the reference).
    pub description: Option<String>,
    /// Its role, for `connection.response-properties`.
    pub role: Option<PropertyRole>,
}

/// One message of an operation.
#[derive(Debug, Clone)]
pub struct Message {
    /// Sentence under the section heading.
    pub description: Option<String>,
    /// Properties, in order.
    pub properties: Vec<Property>,
    /// Whether `@` application properties are allowed.
    pub application_properties: bool,
    /// Payload schema name.
    pub payload: String,
}

/// An alternative outcome of an operation.
#[derive(Debug, Clone)]
pub struct Alternative {
    /// Key: the referenced response's name or the outcome's own name.
    pub name: String,
    /// The named response it refers to, if any.
    pub response: Option<String>,
    /// Title in this operation.
    pub title: String,
    /// Description in this operation.
    pub description: String,
    /// MQTT reason code.
    pub reason_code: u8,
    /// Status code.
    pub status: Status,
    /// Properties.
    pub properties: Vec<Property>,
}

/// An operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Stable key.
    pub name: String,
    /// Heading.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Interaction type.
    pub interaction: Interaction,
    /// Direction of the first message.
    pub direction: Direction,
    /// QoS of the first message.
    pub qos: u8,
    /// Topic pattern.
    pub topic: TopicPattern,
    /// The request (request–response) or message (message, message–ack).
    pub first: Message,
    /// The success response or acknowledgement, if the interaction has one.
    pub success: Option<Message>,
    /// Alternative outcomes.
    pub alternatives: Vec<Alternative>,
    /// How the state behind a server-to-client message is fetched.
    pub snapshot: Option<Snapshot>,
}

/// How a client fetches the whole state behind a server-to-client message
/// operation after every (re)connection (validated: `operation` is a
/// client-to-server request–response operation with a JSON response and a
/// request that needs nothing).
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The operation that fetches it.
    pub operation: String,
    /// The member of its JSON response holding the state.
    pub member: String,
    /// Message property name → member of the state.
    pub properties: Vec<(String, String)>,
}

/// A named response.
#[derive(Debug, Clone)]
pub struct Response {
    /// Stable key.
    pub name: String,
    /// Display name.
    pub title: String,
    /// What it means.
    pub description: String,
    /// MQTT reason code.
    pub reason_code: u8,
    /// Status code.
    pub status: Status,
    /// Properties.
    pub properties: Vec<Property>,
    /// Payload schema name.
    pub payload: String,
}

/// Connection rules.
#[derive(Debug, Clone)]
pub struct Connection {
    /// CONNECT deadline after the TLS handshake.
    pub connect_timeout_seconds: u32,
    /// Authentication methods: name, description, whether data is required.
    pub authentication_methods: Vec<AuthenticationMethod>,
    /// CONNECT user properties.
    pub connect_properties: Vec<Property>,
    /// SAS rules.
    pub sas: Sas,
    /// CONNACK limits.
    pub connack: Connack,
    /// Subscriptions per client.
    pub max_subscriptions: u32,
    /// SUBACK reason code past that.
    pub subscription_quota_exceeded_reason_code: u8,
    /// Longest Correlation Data.
    pub correlation_data_max_bytes: u16,
    /// Topic prefix.
    pub topic_prefix: String,
    /// Responses topic.
    pub responses_topic: String,
    /// Named response to a PUBLISH on an unknown topic.
    pub unknown_topic_publish: String,
    /// SUBACK reason code for an unknown topic.
    pub unknown_topic_subscribe_reason_code: u8,
    /// SUBACK reason code for a wildcard under the prefix.
    pub wildcard_subscribe_reason_code: u8,
    /// Properties the hub sets on outcomes.
    pub response_properties: Vec<Property>,
    /// Application property prefix.
    pub application_property_prefix: String,
    /// Status code layout.
    pub status_layout: StatusLayout,
    /// Notable DISCONNECT reason codes.
    pub disconnect_reasons: Vec<DisconnectReason>,
}

/// An authentication method.
#[derive(Debug, Clone)]
pub struct AuthenticationMethod {
    /// Value of Authentication Method.
    pub name: String,
    /// What it is.
    pub description: String,
    /// Whether Authentication Data is used.
    pub data: AuthenticationData,
}

/// The string-to-sign field that is the hub's host name (the TLS SNI or
/// the `host` CONNECT property), not read from the CONNECT properties.
pub const STRING_TO_SIGN_HOST: &str = "host";
/// The string-to-sign field that is CONNECT's Client Identifier.
pub const STRING_TO_SIGN_CLIENT_ID: &str = "client-id";

/// SAS rules.
#[derive(Debug, Clone)]
pub struct Sas {
    /// Algorithm name.
    pub algorithm: String,
    /// Key encoding.
    pub key_encoding: String,
    /// Fields of the string to sign, each followed by `\n`: validation makes
    /// sure each is [`STRING_TO_SIGN_HOST`], [`STRING_TO_SIGN_CLIENT_ID`] or
    /// the name of a CONNECT user property.
    pub string_to_sign: Vec<String>,
    /// AUTH reason code for reauthentication.
    pub reauthentication_reason_code: u8,
}

/// CONNACK limits.
#[derive(Debug, Clone, Copy)]
pub struct Connack {
    /// Receive Maximum.
    pub receive_maximum: u16,
    /// Maximum QoS.
    pub maximum_qos: u8,
    /// Retain Available.
    pub retain_available: bool,
    /// Maximum Packet Size.
    pub maximum_packet_size: u32,
    /// Topic Alias Maximum.
    pub topic_alias_maximum: u16,
    /// Wildcard Subscription Available.
    pub wildcard_subscription_available: bool,
    /// Subscription Identifiers Available.
    pub subscription_identifiers_available: bool,
    /// Shared Subscription Available.
    pub shared_subscriptions_available: bool,
    /// Largest Keep Alive.
    pub server_keep_alive_seconds: u16,
    /// Session Expiry Interval granted to a client asking for one above 0.
    pub session_expiry_interval: u32,
}

/// A DISCONNECT reason code.
#[derive(Debug, Clone)]
pub struct DisconnectReason {
    /// Code.
    pub reason_code: u8,
    /// MQTT 5 name.
    pub name: String,
    /// When it is used.
    pub description: String,
}

impl Connection {
    /// The response property with `role` (validation makes sure the status
    /// one exists and each role appears once).
    pub fn response_property(&self, role: PropertyRole) -> Option<&Property> {
        self.response_properties
            .iter()
            .find(|p| p.role == Some(role))
    }
}

impl Api {
    /// A named response.
    pub fn response(&self, name: &str) -> Option<&Response> {
        self.responses.iter().find(|r| r.name == name)
    }

    /// A schema.
    pub fn schema(&self, name: &str) -> Option<&Schema> {
        self.schemas.iter().find(|s| s.name == name)
    }

    /// An operation.
    pub fn operation(&self, name: &str) -> Option<&Operation> {
        self.operations.iter().find(|o| o.name == name)
    }
}
