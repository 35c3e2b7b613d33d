//! PUBACK (MQTT 5 §3.4), and the QoS 2 acknowledgements PUBREC, PUBREL and
//! PUBCOMP (§3.5 to §3.7), which this API never uses but a peer may send.

use crate::ReasonCode;

/// The properties of an acknowledgement (PUBACK, PUBREC, PUBREL, PUBCOMP).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AckProperties {
    /// Reason String.
    pub reason_string: Option<String>,
    /// User properties, in order.
    pub user_properties: Vec<(String, String)>,
}

/// PUBACK properties.
pub type PubAckProperties = AckProperties;

/// PUBACK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PubAck {
    /// The Packet Identifier.
    pub pkid: u16,
    /// The reason code.
    pub reason: ReasonCode,
    /// Its properties.
    pub properties: Option<PubAckProperties>,
}

impl PubAck {
    /// A success PUBACK of `pkid`.
    pub fn new(pkid: u16, properties: Option<PubAckProperties>) -> Self {
        Self {
            pkid,
            reason: ReasonCode::Success,
            properties,
        }
    }
}

/// PUBREC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PubRec {
    /// The Packet Identifier.
    pub pkid: u16,
    /// The reason code.
    pub reason: ReasonCode,
    /// Its properties.
    pub properties: Option<AckProperties>,
}

/// PUBREL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PubRel {
    /// The Packet Identifier.
    pub pkid: u16,
    /// The reason code.
    pub reason: ReasonCode,
    /// Its properties.
    pub properties: Option<AckProperties>,
}

/// PUBCOMP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PubComp {
    /// The Packet Identifier.
    pub pkid: u16,
    /// The reason code.
    pub reason: ReasonCode,
    /// Its properties.
    pub properties: Option<AckProperties>,
}
