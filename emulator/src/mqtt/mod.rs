//! The MQTT 5 side of the hub: packets and framing from `iothub-mqtt` (and the
//! protocol version a CONNECT asks for), the bound on connections waiting
//! for CONNECT, CONNECT acceptance, SUBSCRIBE rules and a session's
//! subscriptions, client PUBLISHes by operation, outcomes, the client's
//! Maximum Packet Size and the outbox that keeps to it (where
//! acknowledgements wait for durability), sessions, and the connection: a
//! state machine with no I/O and the task that drives it.

pub mod admission;
pub mod commands;
pub mod connect;
pub mod connection;
pub mod outbox;
pub mod outcome;
pub mod packet_size;
pub mod publish;
pub mod sessions;
pub mod subscribe;
pub mod subscriptions;
pub mod version;

/// Packets, framing and AUTH, shared with the device client.
pub use iothub_mqtt::{auth, frame, packet};
