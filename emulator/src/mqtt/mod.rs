//! The MQTT 5 side of the hub: packet framing over rumqttc's codec, CONNECT
//! acceptance, SUBSCRIBE rules, client PUBLISHes by operation, outcomes,
//! sessions, and the per-connection task.

pub mod admission;
pub mod auth;
pub mod commands;
pub mod connect;
pub mod connection;
pub mod frame;
pub mod outbox;
pub mod outcome;
pub mod packet_size;
pub mod publish;
pub mod reason;
pub mod sessions;
pub mod subscribe;
pub mod subscriptions;
pub mod version;
