//! Derive macros for the IoT Hub data-plane MQTT 5 API, used by the code
//! generated from the spec and usable by hand:
//!
//! - [`MqttProperties`](derive@MqttProperties): a struct's fields as MQTT 5
//!   properties (user properties with typed values, Content Type,
//!   Correlation Data, `@` application properties);
//! - [`StatusCode`](derive@StatusCode): an enum of status codes with their
//!   text form, reason code, kind and retryable flag;
//! - [`Operation`](derive@Operation): an operation descriptor (topic,
//!   interaction type, direction, QoS, message types, statuses).
//!
//! The generated code refers to the runtime in `iothub_client`. Misuse is a
//! compile error pointing at the offending attribute or field.
#![deny(missing_docs)]

mod attr;
mod operation;
mod properties;
mod status;

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

/// Maps a struct's fields to MQTT 5 properties and implements
/// `iothub_client::wire::MqttProperties`.
///
/// Every field carries one `#[mqtt(...)]`:
/// - `user = "wire-name"`: a user property; the field's type (`String`,
///   `u32`, `u64`, `i32`, `Timestamp`, or `Option` of one for an optional
///   property) gives its encoding;
/// - `content_type`: the first-class Content Type property (`String` or `Option<String>`);
/// - `correlation_data`: the first-class Correlation Data property (`Bytes` or `Option<Bytes>`);
/// - `application`: the `@`-prefixed application properties (`ApplicationProperties`);
/// - `other`: the user properties the message does not define, kept in order
///   (`Vec<(String, String)>`). Without such a field, reading a message with
///   an undefined user property is an error (how the hub reads what a client
///   sends); with it, they are kept (how a client reads what the hub sends).
///
/// On the struct, `#[mqtt(validate = path::to::check)]` names a
/// `fn(&Self) -> Result<(), iothub_client::Error>` run after reading.
///
/// ```text
/// #[derive(iothub_macros::MqttProperties)]
/// struct Command {
///     #[mqtt(user = "sequence-no")]
///     sequence_no: u64,
///     #[mqtt(content_type)]
///     content_type: Option<String>,
/// }
/// ```
#[proc_macro_derive(MqttProperties, attributes(mqtt))]
pub fn derive_mqtt_properties(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    properties::derive(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Implements `iothub_client::status::StatusCode`, `Display` and `FromStr`
/// for an enum of status codes.
///
/// The enum carries `#[status(layout = path::TO_LAYOUT)]`, the
/// `iothub_client::status::StatusLayout` constant its codes follow (the
/// generated `iothub_client::api::STATUS_LAYOUT` is the spec's). Each unit
/// variant carries `#[status(code = 0x0100, reason = 131, name = "Bad Request")]`
/// (a code that sets the layout's reserved bits does not compile); exactly
/// one variant `#[status(unknown)] Unknown(u16)` takes codes the enum does
/// not list.
#[proc_macro_derive(StatusCode, attributes(status))]
pub fn derive_status_code(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    status::derive(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Implements `iothub_client::operation::Operation` for a unit struct.
///
/// `#[operation(name = "get-twin", topic = "$iothub/twin/get", interaction = request_response,
/// direction = c2s, qos = 0, first = Request, success = Response, alternative = Alternative,
/// statuses = [0x0100, 0x0101])]`; `success` and `alternative` may be omitted
/// (`NoMessage`). The API's own rules are given, not known: `prefix = "…"`
/// checks that the topic starts with it, `max_qos = N` bounds the QoS (the
/// generator passes the spec's topic prefix and CONNACK Maximum QoS).
#[proc_macro_derive(Operation, attributes(operation))]
pub fn derive_operation(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    operation::derive(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
