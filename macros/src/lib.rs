//! Derive macros for the IoT Hub data-plane MQTT 5 API: MQTT 5 property
//! mapping for message structs, status-code enums and operation descriptors.
//!
//! The derives are not built yet; they arrive with the typed protocol layer.
//! This crate exists so the workspace has its final shape.
#![deny(missing_docs)]
