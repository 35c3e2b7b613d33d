//! The MQTT 5 side of the hub: packet framing over rumqttc's codec, CONNECT
//! acceptance, SUBSCRIBE rules, client PUBLISHes by operation, outcomes,
//! sessions, and the per-connection task.

pub mod commands;
pub mod connect;
pub mod connection;
pub mod outcome;
pub mod publish;
pub mod sessions;
pub mod subscribe;

/// Packet framing, AUTH and MQTT 5 reason codes, shared with the device client.
pub use iothub_client::transport::{auth, frame, reason};
