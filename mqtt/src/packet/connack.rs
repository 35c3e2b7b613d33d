//! CONNACK (MQTT 5 §3.2).

use bytes::Bytes;

use crate::ReasonCode;

/// CONNACK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnAck {
    /// Session Present.
    pub session_present: bool,
    /// The reason code.
    pub code: ReasonCode,
    /// Its properties.
    pub properties: Option<ConnAckProperties>,
}

/// CONNACK properties.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConnAckProperties {
    /// Session Expiry Interval.
    pub session_expiry_interval: Option<u32>,
    /// Receive Maximum.
    pub receive_max: Option<u16>,
    /// Maximum QoS.
    pub max_qos: Option<u8>,
    /// Retain Available.
    pub retain_available: Option<u8>,
    /// Maximum Packet Size.
    pub max_packet_size: Option<u32>,
    /// Assigned Client Identifier.
    pub assigned_client_identifier: Option<String>,
    /// Topic Alias Maximum.
    pub topic_alias_max: Option<u16>,
    /// Reason String.
    pub reason_string: Option<String>,
    /// User properties, in order.
    pub user_properties: Vec<(String, String)>,
    /// Wildcard Subscription Available.
    pub wildcard_subscription_available: Option<u8>,
    /// Subscription Identifiers Available.
    pub subscription_identifiers_available: Option<u8>,
    /// Shared Subscription Available.
    pub shared_subscription_available: Option<u8>,
    /// Server Keep Alive.
    pub server_keep_alive: Option<u16>,
    /// Response Information.
    pub response_information: Option<String>,
    /// Server Reference.
    pub server_reference: Option<String>,
    /// Authentication Method.
    pub authentication_method: Option<String>,
    /// Authentication Data.
    pub authentication_data: Option<Bytes>,
}
