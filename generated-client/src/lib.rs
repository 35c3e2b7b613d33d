//! Async device client for the IoT Hub data-plane MQTT 5 API.
//!
//! Every API-specific item is generated from `spec/iothub-mqtt5.yaml` at
//! build time (see [`api`]); the hand-written part is the generic runtime:
//! property encoding ([`wire`]), status codes ([`status`]) and operation
//! descriptors ([`operation`]).
#![deny(missing_docs)]

// The derives refer to `::iothub_client`, which must resolve inside this crate too.
extern crate self as iothub_client;

mod error;
pub mod operation;
pub mod status;
pub mod wire;

/// Everything generated from the spec: constants, the `Status` enum, the
/// named responses, and one module per operation (message structs, outcomes,
/// descriptor, topic helpers). `iothub-codegen rust` prints the same code.
pub mod api {
    include!(concat!(env!("OUT_DIR"), "/iothub_api.rs"));
}

pub use bytes;
pub use error::Error;
pub use iothub_macros::{MqttProperties, Operation, StatusCode};
