//! UNSUBACK (MQTT 5 §3.11).

use crate::ReasonCode;

/// UNSUBACK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsubAck {
    /// The Packet Identifier.
    pub pkid: u16,
    /// One reason code per filter of the UNSUBSCRIBE.
    pub reasons: Vec<ReasonCode>,
    /// Its properties.
    pub properties: Option<UnsubAckProperties>,
}

/// UNSUBACK properties.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UnsubAckProperties {
    /// Reason String.
    pub reason_string: Option<String>,
    /// User properties, in order.
    pub user_properties: Vec<(String, String)>,
}
