//! A local IoT Hub for the data-plane MQTT 5 API: an MQTT 5 server with the
//! API's semantics and an HTTP service API (see the design's emulator
//! contract).
//!
//! - [`registry`]: device identities and their credentials.
#![deny(missing_docs)]

pub mod registry;
