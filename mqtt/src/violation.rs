//! A peer breaking MQTT 5 or the API: the reason code the connection is
//! ended with (DISCONNECT, or CONNACK before the session) and why, typed,
//! rather than a bare `(u8, String)`.

use crate::frame::FrameError;
use crate::ReasonCode;

/// Why a connection is ended: its reason code and a message for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} ({reason_code})")]
pub struct Violation {
    /// The reason code to end the connection with.
    pub reason_code: ReasonCode,
    /// What the peer did.
    pub message: String,
}

impl Violation {
    /// A violation ended with `reason_code`.
    pub fn new(reason_code: ReasonCode, message: impl Into<String>) -> Self {
        Self {
            reason_code,
            message: message.into(),
        }
    }
}

impl FrameError {
    /// The reason code MQTT 5 gives this framing problem: Packet too large,
    /// Protocol Error, or Malformed Packet.
    pub fn reason_code(&self) -> ReasonCode {
        match self {
            Self::TooLarge { .. } => ReasonCode::PacketTooLarge,
            Self::ProtocolError(_) => ReasonCode::ProtocolError,
            Self::Malformed(_) => ReasonCode::MalformedPacket,
        }
    }
}

impl From<FrameError> for Violation {
    fn from(error: FrameError) -> Self {
        Self::new(error.reason_code(), error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framing_problems_carry_their_reason_codes() {
        let too_large = FrameError::TooLarge { size: 10, max: 9 };
        assert_eq!(
            Violation::from(too_large).reason_code,
            ReasonCode::PacketTooLarge
        );
        let violation = Violation::from(FrameError::Malformed("bad".into()));
        assert_eq!(violation.reason_code, ReasonCode::MalformedPacket);
        assert_eq!(
            violation.to_string(),
            "malformed packet: bad (0x81 (Malformed Packet))"
        );
    }
}
