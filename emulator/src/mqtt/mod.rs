//! The MQTT 5 side of the hub: packets and framing from `iothub-mqtt` (and the
//! protocol version a CONNECT asks for), the bound on connections waiting
//! for CONNECT, CONNECT acceptance, SUBSCRIBE rules and a session's
//! subscriptions, client PUBLISHes by operation, outcomes, acknowledgements
//! that wait for durability, the client's Maximum Packet Size and the outbox
//! that keeps to it, sessions, and the per-connection task.

pub mod acks;
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
