//! What the typed property decoders must do with any properties a peer
//! sends, for the property tests (`property_decoders_never_panic.rs`) and
//! the `property_decoders` fuzz target (which includes this file by path):
//! every generated message type's `from_properties`, every operation's
//! outcome of a response or PUBACK (any reason code) and every status
//! enum's text form run without a panic; what a decoder accepts encodes
//! and decodes again to the same message, and a status it reads writes
//! back as text it reads the same.
#![allow(dead_code)]

use std::fmt::Debug;

use iothub_client::api::{self, responses};
use iothub_client::status::StatusCode;
use iothub_client::wire::{MqttProperties, Properties};

/// Names a peer may send: the spec's, near misses, application properties.
pub const NAMES: &[&str] = &[
    "status",
    "reason",
    "trace-id",
    "api-version",
    "host",
    "sas-policy",
    "sas-at",
    "sas-expiry",
    "client-agent",
    "sequence-no",
    "enqueued-time",
    "delivery-count",
    "creation-time",
    "message-id",
    "user-id",
    "correlation-id",
    "content-encoding",
    "if-version",
    "version",
    "response-code",
    "Trace-ID",
    "STATUS",
    "status ",
    "@",
    "@@",
    "@name",
    "@status",
    "",
    "unknown",
];

/// Values of every type of the API, valid and not.
pub const VALUES: &[&str] = &[
    "0",
    "1",
    "-1",
    "007",
    "+1",
    " 1",
    "4294967295",
    "4294967296",
    "2147483648",
    "-2147483649",
    "18446744073709551615",
    "18446744073709551616",
    "1e3",
    "0x10",
    "0000",
    "0100",
    "0101",
    "0104",
    "0400",
    "0501",
    "0603",
    "06A0",
    "06a0",
    "FFFF",
    "0800",
    "10000",
    "01000",
    "",
    "é",
    "2020-10-01-preview",
    "SAS",
];

/// `M` read from `p`; if it reads, it reads back from its own encoding.
fn decode<M: MqttProperties + PartialEq + Debug>(p: &Properties) {
    if let Ok(message) = M::from_properties(p) {
        let again = M::from_properties(&message.to_properties());
        assert_eq!(again.as_ref(), Ok(&message), "read from {p:?}");
    }
}

/// A status of `S` read from `text` writes back as text that reads the same.
fn status<S: StatusCode + PartialEq + Debug>(text: &str) {
    if let Ok(status) = S::from_text(text) {
        let again = S::from_text(&status.to_text()).ok();
        assert_eq!(again, Some(status), "read from {text:?}");
    }
}

macro_rules! message_types {
    ($($ty:ty,)*) => {
        /// Every generated message type (the property tests check that the
        /// list is the spec's).
        pub const MESSAGE_TYPES: &[&str] = &[$(stringify!($ty),)*];

        /// Runs every message type's decoder on `p`.
        fn decode_all(p: &Properties) {
            $(decode::<$ty>(p);)*
        }
    };
}

message_types! {
    api::connection::Connect,
    api::get_twin::Request,
    api::get_twin::Response,
    api::patch_twin_reported::Request,
    api::patch_twin_reported::Response,
    api::receive_commands::Message,
    api::receive_commands::Ack,
    api::receive_direct_methods::Request,
    api::receive_direct_methods::Response,
    api::receive_twin_desired_state_changes::Message,
    api::send_telemetry::Message,
    api::send_telemetry::Ack,
    responses::BadRequest,
    responses::Conflict,
    responses::NotAllowed,
    responses::NotAuthorized,
    responses::NotFound,
    responses::NotModified,
    responses::PreconditionFailed,
    responses::QuotaExceeded,
    responses::ResourceExhausted,
    responses::ServerBusy,
    responses::ServerError,
    responses::TargetFailed,
    responses::TargetTimeout,
    responses::TargetUnavailable,
    responses::Throttled,
    responses::Timeout,
}

/// Every decoder on `p`, and the PUBACK outcomes with `reason_code`.
pub fn check(p: &Properties, reason_code: u8) {
    decode_all(p);
    let _ = api::get_twin::outcome(p);
    let _ = api::patch_twin_reported::outcome(p);
    let _ = api::receive_direct_methods::outcome(p);
    let _ = api::receive_commands::outcome(reason_code, p);
    let _ = api::send_telemetry::outcome(reason_code, p);
    for (_, value) in &p.user {
        status::<api::Status>(value);
        status::<api::get_twin::Alternative>(value);
        status::<api::patch_twin_reported::Alternative>(value);
        status::<api::receive_commands::Alternative>(value);
        status::<api::receive_direct_methods::Alternative>(value);
        status::<api::send_telemetry::Alternative>(value);
    }
}
