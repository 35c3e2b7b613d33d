//! Status codes of the IoT Hub data-plane MQTT 5 API: a two-byte code whose
//! bits give its kind (success, client error, server error) and whether a
//! retry can help, written as hex digits in the `status` user property.
//!
//! This crate holds the one implementation of that layout. The layout's
//! values are not written here: they come from the spec
//! (`connection.status-code`), through `iothub-codegen` at build time and
//! through the code it generates at run time.
//!
//! ```
//! use iothub_status::{StatusKind, StatusLayout, StatusProblem};
//!
//! // The values of the spec's `connection.status-code`.
//! let layout = StatusLayout {
//!     digits: 4,
//!     kind_mask: 0x0300,
//!     success: 0x0000,
//!     client_error: 0x0100,
//!     server_error: 0x0200,
//!     retryable_bit: 0x0400,
//!     reserved_mask: 0xF800,
//! };
//! let throttled = layout.parse("0501").unwrap();
//! assert_eq!((throttled.kind, throttled.retryable), (StatusKind::ClientError, true));
//! assert_eq!(layout.parse("0A01"), Err(StatusProblem::Reserved(0x0800)));
//! assert_eq!(layout.format(0x06A0), "06A0");
//! ```
#![deny(missing_docs)]

mod layout;
mod problem;

pub use layout::{Status, StatusKind, StatusLayout};
pub use problem::StatusProblem;
