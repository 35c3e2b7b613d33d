//! Async device client for the IoT Hub data-plane MQTT 5 API
//! (api-version `2020-10-01-preview`), generated from its spec.
//!
//! [`Client`] has one method per client-to-server operation of the spec,
//! and [`Receivers`] one stream per server-to-client operation, both
//! generated at build time from `spec/iothub-mqtt5.yaml` (see [`api`]); the
//! hand-written part is the generic runtime ([`runtime`]: the session as a
//! state machine with no I/O, driven by one task that owns the connection:
//! correlation, QoS 1 in flight, PUBACKs in arrival order, keep alive,
//! reconnection, SAS renewal), the transport ([`transport`]:
//! TLS by default, plain TCP for a local emulator), credentials
//! ([`credentials`]: SAS keys, connection strings, X.509), property
//! encoding ([`wire`]), status codes ([`status`]) and typed outcomes
//! ([`operation`]).
//!
//! ```no_run
//! use iothub_client::api::{patch_twin_reported, send_telemetry};
//! use iothub_client::operation::Outcome;
//! use iothub_client::{Client, ClientOptions};
//!
//! # async fn run() -> Result<(), iothub_client::Error> {
//! let options = ClientOptions::from_connection_string(
//!     "HostName=my-hub.azure-devices.net;DeviceId=thermostat;SharedAccessKey=c2VjcmV0",
//! )?;
//! let (client, mut receivers) = Client::connect(options)?;
//! client.wait_connected(std::time::Duration::from_secs(30)).await?;
//!
//! // Client-to-server: typed methods returning the operation's outcome,
//! // which is `#[must_use]`: an alternative is the hub saying no.
//! let outcome = client.send_telemetry(send_telemetry::Message::default(), "21.5").await?;
//! if let Outcome::Alternative { status, .. } = &outcome {
//!     eprintln!("telemetry refused: {status} (retryable: {})", outcome.is_retryable());
//! }
//! // `*_within` bounds the wait; `into_result()` makes an alternative an error.
//! client
//!     .patch_twin_reported_within(
//!         patch_twin_reported::Request::default(),
//!         &serde_json::json!({"fw": "1.0"}),
//!         std::time::Duration::from_secs(10),
//!     )
//!     .await?
//!     .into_result()?;
//!
//! // Server-to-client: streams, settled or answered by the application. An
//! // item that does not decode is an error item (already settled as
//! // invalid): the loop goes on past it.
//! while let Some(command) = receivers.receive_commands.recv().await {
//!     let command = match command {
//!         Ok(command) => command,
//!         Err(error) => {
//!             eprintln!("skipped a command: {error}");
//!             continue;
//!         }
//!     };
//!     if command.payload.is_empty() {
//!         command.reject(); // PUBACK 131 with the spec's `status`
//!     } else {
//!         command.complete();
//!     }
//! }
//! # Ok(())
//! # }
//! ```
//!
//! The typed API also stands alone: reading the hub's messages and
//! outcomes from MQTT properties, whatever MQTT client carries them.
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

#[cfg(feature = "device")]
pub mod credentials;
mod error;
pub mod operation;
#[cfg(feature = "device")]
mod options;
#[cfg(feature = "device")]
pub mod runtime;
pub mod status;
pub mod transport;
pub mod wire;

/// Everything generated from the spec: constants, the `Status` enum, the
/// named responses, and one module per operation (message structs, outcomes,
/// descriptor, topic helpers); with the `device` feature (the default) also
/// `Client`, `Receivers` and each operation's received-message and call
/// types. `iothub-codegen rust` prints the same code.
pub mod api {
    include!(concat!(env!("OUT_DIR"), "/iothub_api.rs"));
}

#[cfg(feature = "device")]
pub use api::{Client, Receivers};
pub use bytes;
pub use error::Error;
pub use iothub_macros::{MqttProperties, Operation, StatusCode};
#[cfg(feature = "device")]
pub use options::{ClientOptions, OfflineBehavior};
pub use serde;
