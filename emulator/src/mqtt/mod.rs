//! The MQTT 5 side of the hub: packet framing over rumqttc's codec.

pub mod auth;
pub mod frame;
pub mod reason;
pub mod connect;
pub mod subscribe;
