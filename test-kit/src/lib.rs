//! What the tests of iothub-mqtt5 share, in one place rather than copied
//! between test folders:
//!
//! - [`sources`]: where the source documents are, and what a test does
//!   without them;
//! - [`tools`]: the third-party programs the CI scripts install (the service
//!   SDK, the AsyncAPI CLI, html-validate, check-jsonschema, selenium,
//!   chromium);
//! - [`sas`]: SAS signatures, CONNECT and re-authentication AUTH computed
//!   from the overview's rule, independently of the client and the
//!   emulator;
//! - [`peer`]: a raw MQTT 5 client (every packet built or written by the
//!   test, every answer read with the framing the hub uses);
//! - [`hub`]: a scripted hub for the client's wire tests;
//! - [`fixtures`]: an in-process emulator with SAS devices, and client
//!   options for them;
//! - [`proxy`]: a loopback TCP proxy a test can cut;
//! - [`service`]: the emulator's service API over HTTP/1.1, with tokens
//!   from a reference `SharedAccessSignature` signer.
//!
//! Every wait is bounded by [`WAIT`].
#![deny(missing_docs)]

pub mod sources;
pub mod tools;

#[cfg(feature = "network")]
pub mod fixtures;
#[cfg(feature = "network")]
pub mod hub;
#[cfg(feature = "network")]
pub mod peer;
#[cfg(feature = "network")]
pub mod proxy;
#[cfg(feature = "network")]
pub mod sas;
#[cfg(feature = "network")]
pub mod service;

pub use sources::{root, sources_dir, sources_path};
pub use tools::{
    asyncapi_cli, check_jsonschema, chromium, html_validate, output_within, python_sdk,
    python_tools,
};

/// Every wait of a test for a peer is bounded by this.
pub const WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// The host name the tests sign for.
pub const HOST: &str = "hub.example.test";
