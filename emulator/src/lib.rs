//! A local IoT Hub for the data-plane MQTT 5 API: an MQTT 5 server with the
//! API's semantics and an HTTP service API (see the design's emulator
//! contract). Start one in-process with [`Emulator::start`].
//!
//! - [`registry`]: device identities and their credentials.
//! - [`access`]: hub-level shared access policies and the service API's
//!   `SharedAccessSignature` tokens.
//! - [`sas`]: shared access signatures (HMAC-SHA256) and their expiry.
//! - [`hub`]: the hub's state: twins, command queues, telemetry, connections.
//! - [`methods`]: direct method calls to a device's live connection.
//! - [`mqtt`]: the MQTT 5 server: framing, CONNECT, SUBSCRIBE, operations.
//! - [`http`]: the HTTP service API: devices, twins, commands, telemetry.
//! - [`tls`]: MQTT over TLS and the client certificate's thumbprint.
//! - [`store`]: durable state: the changes written to a state folder before
//!   they are acknowledged, and read back on start.
//! - [`error`]: the crate's error type.
//!
//! Built so far: CONNECT with SAS, the CONNACK limits, sessions and
//! takeover, keep alive, SUBSCRIBE rules, Send Telemetry, Get Twin, Patch
//! Twin Reported, desired-state notifications, and the error rules for
//! unknown topics, properties and Correlation Data; commands, direct
//! methods and re-authentication; the HTTP service API and the
//! `iothub-emulator` binary. MQTT runs over plain TCP or, with
//! [`Config::tls`], over TLS with the SNI host name for SAS and X.509
//! client certificates checked by thumbprint. State lives in memory or,
//! with [`Config::state`] (`--state DIR`), in a state folder, written
//! before anything is acknowledged so that a killed emulator restarts with
//! everything it acknowledged, and shown only once written. The service
//! API takes `SharedAccessSignature` tokens of the hub's shared access
//! policies (a development policy is made when none is configured), and
//! both listeners have their limits ([`HttpLimits`], a share of the file
//! descriptors each); commands keep the real service's quotas
//! ([`hub::CommandQuotas`]).
#![deny(missing_docs)]

pub mod access;
mod config;
pub mod error;
pub mod http;
pub mod hub;
pub mod mailbox;
pub mod methods;
pub mod mqtt;
pub mod query;
mod redact;
pub mod registry;
pub mod sas;
mod server;
pub mod settings;
pub mod store;
pub mod time;
pub mod tls;

pub use config::Config;
pub use error::Error;
pub use hub::Hub;
pub use server::http::HttpLimits;
pub use server::Emulator;
