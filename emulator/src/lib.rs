//! A local IoT Hub for the data-plane MQTT 5 API: an MQTT 5 server with the
//! API's semantics and an HTTP service API. Not built yet; see the design's
//! emulator contract.
#![deny(missing_docs)]
