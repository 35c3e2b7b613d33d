//! The crate's error: why bytes are not a packet that can be read or
//! written.

/// Why the bytes on a connection are not a packet this server can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// The packet is larger than the reader's Maximum Packet Size.
    #[error("packet of {size} bytes exceeds the maximum packet size of {max} bytes")]
    TooLarge {
        /// Its size, fixed header included (or, when the codec refused it
        /// first, its remaining length).
        size: usize,
        /// The limit.
        max: u32,
    },
    /// The bytes are not a well-formed packet.
    #[error("malformed packet: {0}")]
    Malformed(String),
    /// A well-formed packet MQTT 5 calls a Protocol Error (a SUBSCRIBE
    /// without a topic filter, §3.8.3).
    #[error("protocol error: {0}")]
    ProtocolError(String),
}
