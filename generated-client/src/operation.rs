//! Operation descriptors: what the `Operation` derive states about each
//! operation of the API (topic, interaction type, direction, QoS, message
//! types, allowed statuses).

/// Interaction type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Interaction {
    /// Request and response, both QoS 0 PUBLISH, matched by Correlation Data.
    RequestResponse,
    /// PUBLISH at QoS 1 answered by PUBACK.
    MessageAck,
    /// PUBLISH with no acknowledgement.
    Message,
}

/// Direction of the first message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Client to server.
    ClientToServer,
    /// Server to client.
    ServerToClient,
}

/// The type of an operation's missing second message (one-way messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NoMessage;

/// An operation of the API (derive `Operation`).
pub trait Operation {
    /// Stable key (`get-twin`).
    const NAME: &'static str;
    /// Topic pattern, with `{name}` path parameters.
    const TOPIC: &'static str;
    /// Interaction type.
    const INTERACTION: Interaction;
    /// Direction of the first message.
    const DIRECTION: Direction;
    /// QoS of the first message.
    const QOS: u8;
    /// Status codes the operation may end with besides success.
    const STATUSES: &'static [u16];
    /// The request (request–response) or message.
    type First;
    /// The success response or acknowledgement ([`NoMessage`] if none).
    type Success;
    /// Its alternative outcomes.
    type Error;
}
