//! How an incoming QoS 1 message is acknowledged: the PUBACK's reason code
//! and properties.

use crate::wire::Properties;

/// How an incoming message is acknowledged: a PUBACK reason code and its
/// properties (e.g. `status`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Settlement {
    /// The PUBACK Reason Code (0 success).
    pub reason_code: u8,
    /// The PUBACK's properties.
    pub properties: Properties,
}

impl Settlement {
    /// A success PUBACK.
    pub fn success() -> Self {
        Self::default()
    }

    /// A PUBACK with reason code 0x80 (Unspecified error): for a message no
    /// part of the client takes.
    pub fn unspecified_error() -> Self {
        Self {
            reason_code: 0x80,
            properties: Properties::default(),
        }
    }
}
