//! SUBACK (MQTT 5 §3.9).

use crate::ReasonCode;

/// SUBACK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubAck {
    /// The Packet Identifier.
    pub pkid: u16,
    /// One reason code per filter of the SUBSCRIBE: a granted QoS
    /// ([`ReasonCode::granted`]) or a failure.
    pub return_codes: Vec<ReasonCode>,
    /// Its properties.
    pub properties: Option<SubAckProperties>,
}

/// SUBACK properties.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SubAckProperties {
    /// Reason String.
    pub reason_string: Option<String>,
    /// User properties, in order.
    pub user_properties: Vec<(String, String)>,
}
