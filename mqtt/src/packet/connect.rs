//! CONNECT (MQTT 5 §3.1).

use bytes::Bytes;

use super::QoS;

/// CONNECT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connect {
    /// Keep Alive, in seconds.
    pub keep_alive: u16,
    /// The Client Identifier.
    pub client_id: String,
    /// Clean Start.
    pub clean_start: bool,
    /// Its properties.
    pub properties: Option<ConnectProperties>,
}

/// CONNECT properties.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConnectProperties {
    /// Session Expiry Interval.
    pub session_expiry_interval: Option<u32>,
    /// Receive Maximum.
    pub receive_maximum: Option<u16>,
    /// Maximum Packet Size.
    pub max_packet_size: Option<u32>,
    /// Topic Alias Maximum.
    pub topic_alias_max: Option<u16>,
    /// Request Response Information.
    pub request_response_info: Option<u8>,
    /// Request Problem Information.
    pub request_problem_info: Option<u8>,
    /// User properties, in order.
    pub user_properties: Vec<(String, String)>,
    /// Authentication Method.
    pub authentication_method: Option<String>,
    /// Authentication Data.
    pub authentication_data: Option<Bytes>,
}

impl ConnectProperties {
    /// No property set.
    pub fn new() -> Self {
        Self::default()
    }
}

/// The Will of a CONNECT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastWill {
    /// Will Topic.
    pub topic: Bytes,
    /// Will Payload.
    pub message: Bytes,
    /// Will QoS.
    pub qos: QoS,
    /// Will Retain.
    pub retain: bool,
    /// Will properties.
    pub properties: Option<LastWillProperties>,
}

/// Will properties.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LastWillProperties {
    /// Will Delay Interval.
    pub delay_interval: Option<u32>,
    /// Payload Format Indicator.
    pub payload_format_indicator: Option<u8>,
    /// Message Expiry Interval.
    pub message_expiry_interval: Option<u32>,
    /// Content Type.
    pub content_type: Option<String>,
    /// Response Topic.
    pub response_topic: Option<String>,
    /// Correlation Data.
    pub correlation_data: Option<Bytes>,
    /// User properties, in order.
    pub user_properties: Vec<(String, String)>,
}

/// The User Name and Password of a CONNECT.
#[derive(Clone, PartialEq, Eq)]
pub struct Login {
    /// User Name.
    pub username: String,
    /// Password.
    pub password: String,
}

impl std::fmt::Debug for Login {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Login")
            .field("username", &self.username)
            .field("password", &"***")
            .finish()
    }
}
