//! Cross-crate tests of iothub-mqtt5 (docs vs the seeds, client ↔ emulator,
//! regenerate-on-change, wire conformance) live under `tests/tests/` as the
//! parts they exercise are built.
#![deny(missing_docs)]
