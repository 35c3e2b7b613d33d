//! Async device client for the IoT Hub data-plane MQTT 5 API.
//!
//! Every API-specific item will be generated from `spec/iothub-mqtt5.yaml` at
//! build time; the generic runtime (transport, correlation, timeouts,
//! reconnect, SAS) is hand-written. Neither is built yet.
#![deny(missing_docs)]
