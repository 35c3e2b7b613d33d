//! Async device client for the IoT Hub data-plane MQTT 5 API.
//!
//! Every API-specific item is generated from `spec/iothub-mqtt5.yaml` at
//! build time (see [`api`]); the hand-written part is the generic runtime:
//! property encoding ([`wire`]), status codes ([`status`]), operation
//! descriptors and typed outcomes ([`operation`]).
//!
//! ```
//! use iothub_client::api::get_twin;
//! use iothub_client::operation::Outcome;
//! use iothub_client::status::StatusCode;
//! use iothub_client::wire::Properties;
//!
//! // A Get Twin response with the hub's `status`, `reason` and `trace-id`.
//! let properties = Properties {
//!     user: vec![
//!         ("status".into(), "0501".into()),
//!         ("reason".into(), "too many requests".into()),
//!         ("trace-id".into(), "5b1f".into()),
//!     ],
//!     ..Properties::default()
//! };
//! match get_twin::outcome(&properties)? {
//!     Outcome::Alternative { status, reason, trace_id, .. } => {
//!         assert_eq!(status, get_twin::Alternative::Throttled);
//!         assert!(status.retryable());
//!         assert_eq!(reason.as_deref(), Some("too many requests"));
//!         assert_eq!(trace_id.as_deref(), Some("5b1f"));
//!     }
//!     Outcome::Success(_) => unreachable!("the status names an alternative"),
//! }
//! # Ok::<(), iothub_client::Error>(())
//! ```
#![deny(missing_docs)]

// The derives refer to `::iothub_client`, which must resolve inside this crate too.
extern crate self as iothub_client;

pub mod credentials;
mod error;
pub mod operation;
mod options;
pub mod runtime;
pub mod status;
pub mod transport;
pub mod wire;

/// Everything generated from the spec: constants, the `Status` enum, the
/// named responses, and one module per operation (message structs, outcomes,
/// descriptor, topic helpers). `iothub-codegen rust` prints the same code.
pub mod api {
    include!(concat!(env!("OUT_DIR"), "/iothub_api.rs"));
}

pub use api::{Client, Receivers};
pub use bytes;
pub use error::Error;
pub use iothub_macros::{MqttProperties, Operation, StatusCode};
pub use options::{ClientOptions, OfflineBehavior};
pub use serde;
