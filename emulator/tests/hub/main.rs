//! The emulator's integration tests, as one test binary (one link of
//! tokio, rustls and the emulator instead of one per file): each module is
//! one concern of the hub, driven through its MQTT and HTTP sides and its
//! binary. Shared helpers come from `iothub-test-kit`; `process` runs the
//! emulator binary, `connection_harness` drives its real connection over an in-memory stream.

mod connection_harness;
mod process;

mod binary;
mod durability;
mod frame_bytes;
mod http_access;
mod http_api;
mod http_limits;
mod http_stream;
mod mqtt_commands;
mod mqtt_connect;
mod mqtt_isolation;
mod mqtt_methods;
mod mqtt_operations;
mod mqtt_packet_size;
mod mqtt_pending_connections;
mod mqtt_reason_codes;
mod mqtt_robustness;
mod mqtt_sessions;
mod mqtt_tls;
mod service_sdk;
mod subscribe_rules;
