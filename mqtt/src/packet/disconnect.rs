//! DISCONNECT (MQTT 5 §3.14).

use crate::ReasonCode;

/// DISCONNECT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disconnect {
    /// The reason code.
    pub reason_code: ReasonCode,
    /// Its properties.
    pub properties: Option<DisconnectProperties>,
}

impl Disconnect {
    /// A DISCONNECT with `reason_code` and no property.
    pub fn new(reason_code: ReasonCode) -> Self {
        Self {
            reason_code,
            properties: None,
        }
    }
}

/// DISCONNECT properties.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DisconnectProperties {
    /// Session Expiry Interval.
    pub session_expiry_interval: Option<u32>,
    /// Reason String.
    pub reason_string: Option<String>,
    /// User properties, in order.
    pub user_properties: Vec<(String, String)>,
    /// Server Reference.
    pub server_reference: Option<String>,
}
