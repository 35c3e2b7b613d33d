//! Status codes: the two-byte code written as hex digits, and the bit layout
//! that gives its kind (success / client error / server error) and whether it
//! is retryable. The layout itself comes from the spec; its one
//! implementation is the `iothub-status` crate, which the generated client
//! uses at run time too.

pub use iothub_status::{Status, StatusKind, StatusLayout, StatusProblem};

/// Whether an MQTT 5 reason code reports success (below 0x80).
pub fn reason_is_success(reason_code: u8) -> bool {
    reason_code < 0x80
}
