//! A local IoT Hub for the data-plane MQTT 5 API: an MQTT 5 server with the
//! API's semantics and an HTTP service API (see the design's emulator
//! contract).
//!
//! - [`registry`]: device identities and their credentials.
//! - [`sas`]: shared access signatures (HMAC-SHA256) and their expiry.
//! - [`hub`]: the hub's state: twins, command queues, telemetry, connections.
//! - [`error`]: the crate's error type.
#![deny(missing_docs)]

pub mod error;
pub mod hub;
pub mod registry;
pub mod sas;

pub use error::Error;
pub use hub::Hub;
