//! The spec as written: serde types mirroring `spec/iothub-mqtt5.yaml`, with the
//! source position of every value that validation may need to point at.
//!
//! Nothing here is checked beyond its shape; [`crate::validate`] checks meaning
//! and [`crate::ir`] is what generators consume.

use marked_yaml::Spanned;
use serde::Deserialize;

use super::number::Number;

/// A string with its position in the spec.
pub type Text = Spanned<String>;

/// The whole spec file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Spec {
    /// API identity.
    pub api: Spanned<ApiInfo>,
    /// Document-level prose and labels of the reference.
    pub document: Document,
    /// Property data types.
    pub types: Vec<Spanned<TypeDef>>,
    /// Payload schemas.
    pub schemas: Vec<Spanned<SchemaDef>>,
    /// Connection rules and limits.
    pub connection: Connection,
    /// The operations.
    pub operations: Vec<Spanned<Operation>>,
    /// Named responses shared by operations.
    pub responses: Vec<Spanned<Response>>,
}

/// Name and versions of the API.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ApiInfo {
    /// Human name of the API.
    pub name: Text,
    /// API version, e.g. `2.0`.
    pub version: Text,
    /// The `api-version` value sent on CONNECT.
    pub api_version: Text,
    /// MQTT protocol version; must be 5.
    pub mqtt_version: Spanned<Number<u8>>,
}

/// Prose and labels of the reference document.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Document {
    /// Front matter of the Markdown document.
    pub front_matter: FrontMatter,
    /// The document's top heading.
    pub heading: Text,
    /// The paragraph under the top heading.
    pub introduction: Text,
    /// Headings of the two top sections.
    pub sections: Sections,
    /// Headings inside an operation.
    pub headings: Headings,
    /// Inline labels.
    pub labels: Labels,
    /// Table column headers.
    pub table_headers: TableHeaders,
}

/// Front matter keys of the document.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FrontMatter {
    /// `title:` (translated).
    pub title: Text,
    /// `description:` (translated).
    pub description: Text,
    /// Other keys, in order, never translated.
    #[serde(default)]
    pub metadata: Vec<Spanned<MetadataEntry>>,
}

/// One untranslated front matter key.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct MetadataEntry {
    /// The key.
    pub key: Text,
    /// The value.
    pub value: Text,
}

/// Headings of the top sections.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Sections {
    /// "Operations".
    pub operations: Text,
    /// "Responses".
    pub responses: Text,
}

/// Headings inside an operation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Headings {
    /// "Request".
    pub request: Text,
    /// "Success Response".
    pub success_response: Text,
    /// "Alternative Responses".
    pub alternative_responses: Text,
    /// "Message".
    pub message: Text,
    /// "Success Acknowledgment".
    pub success_acknowledgment: Text,
    /// "Alternative Acknowledgments".
    pub alternative_acknowledgments: Text,
    /// "Pseudo-code Sample".
    pub pseudo_code_sample: Text,
}

/// Inline labels.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Labels {
    /// "Topic name:".
    pub topic_name: Text,
    /// "Properties".
    pub properties: Text,
    /// "Payload".
    pub payload: Text,
    /// "Reason Code:".
    pub reason_code: Text,
    /// "Status:".
    pub status: Text,
    /// "none" (no properties).
    pub none: Text,
    /// "yes" (required).
    pub yes: Text,
    /// "no" (optional).
    pub no: Text,
}

/// Table column headers.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TableHeaders {
    /// "Name".
    pub name: Text,
    /// "Type".
    #[serde(rename = "type")]
    pub type_: Text,
    /// "Required".
    pub required: Text,
    /// "Description".
    pub description: Text,
    /// "Status".
    pub status: Text,
    /// "Reason Code".
    pub reason_code: Text,
}

/// A property data type.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TypeDef {
    /// The type's name as the reference writes it (`u64`).
    pub name: Text,
    /// What it is.
    pub description: Text,
    /// How a value is written on the wire.
    pub wire: Spanned<WireFormat>,
}

/// How a property value is written on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WireFormat {
    /// UTF-8 text as is.
    Utf8,
    /// Milliseconds since the Unix epoch, decimal.
    UnixMillis,
    /// Unsigned 32-bit, decimal.
    DecimalU32,
    /// Unsigned 64-bit, decimal.
    DecimalU64,
    /// Signed 32-bit, decimal.
    DecimalI32,
}

/// A payload schema.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SchemaDef {
    /// The schema's name, referenced by `payload:`.
    pub name: Text,
    /// Display text where the schema is prose ("any byte sequence"); absent
    /// where its name is an identifier shown as is (`Twin`).
    #[serde(default)]
    pub text: Option<Text>,
    /// What it is.
    pub description: Text,
    /// What the payload bytes hold.
    pub content: Spanned<PayloadContent>,
}

/// What a payload holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PayloadContent {
    /// Nothing.
    Empty,
    /// Opaque bytes.
    Bytes,
    /// A JSON document.
    Json,
}

/// Where a property travels in an MQTT 5 packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PropertyWire {
    /// A user property named by the property's name.
    #[default]
    UserProperty,
    /// The first-class Content Type property.
    ContentType,
    /// The first-class Correlation Data property.
    CorrelationData,
}

/// What a property of `connection.response-properties` is to the runtime:
/// the generated code routes outcomes by it, whatever the property's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PropertyRole {
    /// The extended status code of an outcome (absent on success).
    Status,
    /// The trace ID of the operation.
    TraceId,
    /// The human-readable reason of an outcome.
    Reason,
}

/// A property of a message.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Property {
    /// Wire name (`sequence-no`, or `Content Type` for a first-class property).
    pub name: Text,
    /// Data type name.
    #[serde(rename = "type")]
    pub type_: Text,
    /// Whether it must be present.
    pub required: Spanned<bool>,
    /// Where it travels; default a user property.
    #[serde(default)]
    pub wire: Option<Spanned<PropertyWire>>,
    /// What it means.
    #[serde(default)]
    pub description: Option<Text>,
    /// Its role among `connection.response-properties` (nowhere else).
    #[serde(default)]
    pub role: Option<Spanned<PropertyRole>>,
}

/// Properties and payload of one message of an operation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct MessageDef {
    /// A sentence shown under the section heading.
    #[serde(default)]
    pub description: Option<Text>,
    /// Properties, in order.
    #[serde(default)]
    pub properties: Vec<Spanned<Property>>,
    /// Whether `@`-prefixed application properties are allowed.
    #[serde(default)]
    pub application_properties: Option<Spanned<bool>>,
    /// Payload schema name.
    pub payload: Text,
}

/// Interaction type of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Interaction {
    /// Request and response, both QoS 0 PUBLISH, matched by Correlation Data.
    RequestResponse,
    /// PUBLISH at QoS 1 answered by PUBACK.
    MessageAck,
    /// PUBLISH with no acknowledgement.
    Message,
}

/// Direction of an operation's first message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// Client to server.
    C2s,
    /// Server to client.
    S2c,
}

/// One operation of the API.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Operation {
    /// Stable key (kebab-case).
    pub name: Text,
    /// Heading.
    pub title: Text,
    /// One-line summary.
    pub summary: Text,
    /// Interaction type.
    pub interaction: Spanned<Interaction>,
    /// Direction of the first message.
    pub direction: Spanned<Direction>,
    /// QoS of the first message.
    pub qos: Spanned<Number<u8>>,
    /// Topic, with `{name}` path parameters.
    pub topic: Text,
    /// Request of a request–response operation.
    #[serde(default)]
    pub request: Option<Spanned<MessageDef>>,
    /// Success response of a request–response operation.
    #[serde(default)]
    pub response: Option<Spanned<MessageDef>>,
    /// Message of a message or message–ack operation.
    #[serde(default)]
    pub message: Option<Spanned<MessageDef>>,
    /// Success acknowledgement of a message–ack operation.
    #[serde(default)]
    pub ack: Option<Spanned<MessageDef>>,
    /// Alternative responses or acknowledgements.
    #[serde(default)]
    pub alternatives: Vec<Spanned<Alternative>>,
    /// For a server-to-client message: how a client fetches the whole state
    /// its messages change, after every (re)connection.
    #[serde(default)]
    pub snapshot: Option<Spanned<Snapshot>>,
}

/// How the whole state behind a server-to-client message operation is
/// fetched: a client-to-server request–response operation whose JSON
/// response holds the state under `member`; the snapshot is delivered on the
/// message operation like a message, its properties taken from members of
/// the state.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Snapshot {
    /// The request–response operation that fetches the state.
    pub operation: Text,
    /// The member of its JSON response that holds the state.
    pub member: Text,
    /// The message's properties, each from a member of the state.
    #[serde(default)]
    pub properties: Vec<Spanned<SnapshotProperty>>,
}

/// A message property of a snapshot and the state member it comes from.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SnapshotProperty {
    /// The message property's name.
    pub name: Text,
    /// The member of the state holding its value.
    pub member: Text,
}

/// An alternative outcome of an operation: a named response (optionally
/// retitled for this operation) or an outcome of its own.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Alternative {
    /// Reference to a named response.
    #[serde(default)]
    pub response: Option<Text>,
    /// Key of an operation-specific outcome.
    #[serde(default)]
    pub name: Option<Text>,
    /// Title shown in this operation's table.
    #[serde(default)]
    pub title: Option<Text>,
    /// Description shown in this operation's table.
    #[serde(default)]
    pub description: Option<Text>,
    /// MQTT reason code of an operation-specific outcome.
    #[serde(default)]
    pub reason_code: Option<Spanned<Number<u8>>>,
    /// Status of an operation-specific outcome.
    #[serde(default)]
    pub status: Option<Text>,
    /// Properties of an operation-specific outcome.
    #[serde(default)]
    pub properties: Vec<Spanned<Property>>,
}

/// A named response.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Response {
    /// Stable key (kebab-case).
    pub name: Text,
    /// Heading / display name.
    pub title: Text,
    /// What it means.
    pub description: Text,
    /// MQTT 5 reason code (PUBACK, DISCONNECT).
    pub reason_code: Spanned<Number<u8>>,
    /// Status code, four hex digits.
    pub status: Text,
    /// Properties.
    #[serde(default)]
    pub properties: Vec<Spanned<Property>>,
    /// Payload schema name.
    pub payload: Text,
}

/// Connection rules of the overview.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Connection {
    /// Seconds after the TLS handshake within which CONNECT must arrive.
    pub connect_timeout_seconds: Spanned<Number<u32>>,
    /// Authentication methods.
    pub authentication_methods: Vec<Spanned<AuthenticationMethod>>,
    /// User properties of CONNECT.
    pub connect_properties: Vec<Spanned<Property>>,
    /// Shared Access Signature rules.
    pub sas: Spanned<Sas>,
    /// What CONNACK declares.
    pub connack: Spanned<Connack>,
    /// Further limits.
    pub limits: Spanned<Limits>,
    /// Topic rules.
    pub topics: Spanned<TopicRules>,
    /// Properties the hub sets on responses, acknowledgements and DISCONNECT.
    pub response_properties: Vec<Spanned<Property>>,
    /// Prefix of application property names.
    pub application_property_prefix: Text,
    /// Layout of the status code.
    pub status_code: Spanned<StatusLayout>,
    /// Notable DISCONNECT reason codes.
    pub disconnect_reasons: Vec<Spanned<DisconnectReason>>,
}

/// An authentication method.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AuthenticationMethod {
    /// Value of the Authentication Method property.
    pub name: Text,
    /// What it is.
    pub description: Text,
    /// Whether Authentication Data is required.
    pub authentication_data: Spanned<AuthenticationData>,
}

/// Whether a method carries Authentication Data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuthenticationData {
    /// It must be present.
    Required,
    /// It is not used.
    None,
}

/// SAS rules.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Sas {
    /// Signature algorithm.
    pub algorithm: Text,
    /// Encoding of the stored key.
    pub key_encoding: Text,
    /// Fields of the string to sign, each followed by a newline.
    pub string_to_sign: Vec<Text>,
    /// AUTH reason code of reauthentication.
    pub reauthentication_reason_code: Spanned<Number<u8>>,
}

/// CONNACK properties.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Connack {
    /// Receive Maximum.
    pub receive_maximum: Spanned<Number<u16>>,
    /// Maximum QoS.
    pub maximum_qos: Spanned<Number<u8>>,
    /// Retain Available.
    pub retain_available: Spanned<bool>,
    /// Maximum Packet Size.
    pub maximum_packet_size: Spanned<Number<u32>>,
    /// Topic Alias Maximum.
    pub topic_alias_maximum: Spanned<Number<u16>>,
    /// Wildcard Subscription Available.
    pub wildcard_subscription_available: Spanned<bool>,
    /// Subscription Identifiers Available.
    pub subscription_identifiers_available: Spanned<bool>,
    /// Shared Subscription Available.
    pub shared_subscriptions_available: Spanned<bool>,
    /// Largest Keep Alive; Server Keep Alive when the client asks for more.
    pub server_keep_alive_seconds: Spanned<Number<u16>>,
    /// Session Expiry Interval the hub grants to a client that asks for a
    /// session that outlives its connection (`0xFFFFFFFF`: never expires).
    pub session_expiry_interval: Spanned<Number<u32>>,
}

/// Limits not carried by CONNACK.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Limits {
    /// Subscriptions per client.
    pub max_subscriptions: Spanned<Number<u32>>,
    /// SUBACK reason code past that limit.
    pub subscription_quota_exceeded_reason_code: Spanned<Number<u8>>,
    /// Longest Correlation Data in bytes.
    pub correlation_data_max_bytes: Spanned<Number<u16>>,
}

/// Topic rules.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TopicRules {
    /// Prefix of every topic of the API.
    pub prefix: Text,
    /// Topic of every request–response response.
    pub responses: Text,
    /// Named response to a PUBLISH on an unknown topic under the prefix.
    pub unknown_topic_publish: Text,
    /// SUBACK reason code for a SUBSCRIBE to an unknown topic.
    pub unknown_topic_subscribe_reason_code: Spanned<Number<u8>>,
    /// SUBACK reason code for a wildcard SUBSCRIBE under the prefix.
    pub wildcard_subscribe_reason_code: Spanned<Number<u8>>,
}

/// Bit layout of the status code.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct StatusLayout {
    /// Number of hex digits in the text form.
    pub digits: Spanned<Number<u8>>,
    /// Bits that carry the kind.
    pub kind_mask: Spanned<Number<u16>>,
    /// Values of the kind bits.
    pub kinds: Spanned<StatusKinds>,
    /// Bit set on retryable errors.
    pub retryable_bit: Spanned<Number<u16>>,
    /// Bits that must be zero.
    pub reserved_mask: Spanned<Number<u16>>,
}

/// Values of the kind bits.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct StatusKinds {
    /// Success.
    pub success: Spanned<Number<u16>>,
    /// Client error.
    pub client_error: Spanned<Number<u16>>,
    /// Server error.
    pub server_error: Spanned<Number<u16>>,
}

/// A notable DISCONNECT reason code.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DisconnectReason {
    /// The reason code.
    pub reason_code: Spanned<Number<u8>>,
    /// MQTT 5 name.
    pub name: Text,
    /// When the hub uses it.
    pub description: Text,
}
