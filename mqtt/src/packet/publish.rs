//! PUBLISH (MQTT 5 §3.3).

use bytes::Bytes;

use super::QoS;

/// PUBLISH.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Publish {
    /// DUP.
    pub dup: bool,
    /// QoS.
    pub qos: QoS,
    /// RETAIN.
    pub retain: bool,
    /// The Topic Name, as sent (not checked as UTF-8 here).
    pub topic: Bytes,
    /// The Packet Identifier (QoS 1 and 2).
    pub pkid: u16,
    /// The payload.
    pub payload: Bytes,
    /// Its properties.
    pub properties: Option<PublishProperties>,
}

impl Publish {
    /// A PUBLISH of `payload` on `topic` at `qos` (packet identifier 0 until
    /// one is assigned).
    pub fn new(
        topic: impl Into<String>,
        qos: QoS,
        payload: impl Into<Bytes>,
        properties: Option<PublishProperties>,
    ) -> Self {
        Self {
            dup: false,
            qos,
            retain: false,
            topic: Bytes::from(topic.into()),
            pkid: 0,
            payload: payload.into(),
            properties,
        }
    }
}

/// PUBLISH properties.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PublishProperties {
    /// Payload Format Indicator.
    pub payload_format_indicator: Option<u8>,
    /// Message Expiry Interval.
    pub message_expiry_interval: Option<u32>,
    /// Topic Alias.
    pub topic_alias: Option<u16>,
    /// Response Topic.
    pub response_topic: Option<String>,
    /// Correlation Data.
    pub correlation_data: Option<Bytes>,
    /// User properties, in order.
    pub user_properties: Vec<(String, String)>,
    /// Subscription Identifiers.
    pub subscription_identifiers: Vec<usize>,
    /// Content Type.
    pub content_type: Option<String>,
}
