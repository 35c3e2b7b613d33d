//! MQTT 5 packets and their framing, shared by the device client
//! (`iothub-client`) and the hub (`iothub-emulator`), so both read and
//! write packets the same way: rumqttc's codec underneath (a private
//! detail), and what it lacks or gets wrong for this API —
//!
//! - [`packet`]: the packets as this crate's own types, with reason codes
//!   as [`ReasonCode`] (every MQTT 5 code, `Unknown` for the rest); no
//!   rumqttc type is part of this crate's API;
//! - [`frame`]: whole packets off a byte buffer, with the fixed-header
//!   flag rules (MQTT 5 §2.1.3), the Maximum Packet Size checked on the
//!   whole packet (§3.1.2.11.4), and a DISCONNECT with no property length
//!   or no reason code (§3.14.2);
//! - [`auth`]: the AUTH packet (type 15), which SAS re-authentication
//!   sends;
//! - [`Violation`]: a peer breaking the protocol, with the reason code the
//!   connection is ended with.
#![deny(missing_docs)]

pub mod auth;
mod codec;
mod error;
pub mod frame;
pub mod packet;
mod reason;
mod reason_code;
mod violation;

pub use error::FrameError;
pub use reason_code::ReasonCode;
pub use violation::Violation;
