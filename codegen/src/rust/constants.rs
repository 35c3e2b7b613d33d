//! Constants derived from the spec: API identity, shared topics, limits.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Api, PropertyRole};

/// Tokens of the constants modules.
pub fn tokens(api: &Api) -> TokenStream {
    let api_version = &api.info.api_version;
    let version = &api.info.version;
    let responses = &api.connection.responses_topic;
    let prefix = &api.connection.topic_prefix;
    let c = &api.connection;
    let k = &c.connack;
    let receive_maximum = k.receive_maximum;
    let maximum_qos = k.maximum_qos;
    let maximum_packet_size = k.maximum_packet_size;
    let topic_alias_maximum = k.topic_alias_maximum;
    let keep_alive = k.server_keep_alive_seconds;
    let max_subscriptions = c.max_subscriptions;
    let correlation = c.correlation_data_max_bytes;
    let app_prefix = &c.application_property_prefix;
    let l = &c.status_layout;
    let (digits, kind_mask, success, client_error, server_error, retryable, reserved) = (
        proc_macro2::Literal::u8_unsuffixed(l.digits),
        super::status::hex(l.kind_mask),
        super::status::hex(l.success),
        super::status::hex(l.client_error),
        super::status::hex(l.server_error),
        super::status::hex(l.retryable_bit),
        super::status::hex(l.reserved_mask),
    );
    let role = |role| c.response_property(role).map(|p| p.name.as_str());
    // Validation makes sure the status role exists.
    let status_name = role(PropertyRole::Status).unwrap_or_default();
    let optional = |name: Option<&str>| match name {
        Some(n) => quote!(::core::option::Option::Some(#n)),
        None => quote!(::core::option::Option::None),
    };
    let trace_id_name = optional(role(PropertyRole::TraceId));
    let reason_name = optional(role(PropertyRole::Reason));
    quote! {
        /// The `api-version` CONNECT user property value this code was generated for.
        pub const API_VERSION: &str = #api_version;
        /// The API version.
        pub const VERSION: &str = #version;

        /// The bit layout of status codes (`connection.status-code`).
        pub const STATUS_LAYOUT: ::iothub_client::status::StatusLayout = ::iothub_client::status::StatusLayout {
            digits: #digits,
            kind_mask: #kind_mask,
            success: #success,
            client_error: #client_error,
            server_error: #server_error,
            retryable_bit: #retryable,
            reserved_mask: #reserved,
        };

        /// The properties that carry an outcome, by role
        /// (`connection.response-properties`).
        pub const RESPONSE_PROPERTIES: ::iothub_client::operation::ResponseProperties =
            ::iothub_client::operation::ResponseProperties {
                status: #status_name,
                trace_id: #trace_id_name,
                reason: #reason_name,
            };

        /// Topics shared by all operations (each operation's module has its own).
        pub mod topics {
            /// Prefix of every topic of the API.
            pub const PREFIX: &str = #prefix;
            /// Topic of every request–response response.
            pub const RESPONSES: &str = #responses;
        }

        /// Limits the hub declares or enforces.
        pub mod limits {
            /// CONNACK Receive Maximum.
            pub const RECEIVE_MAXIMUM: u16 = #receive_maximum;
            /// CONNACK Maximum QoS.
            pub const MAXIMUM_QOS: u8 = #maximum_qos;
            /// CONNACK Maximum Packet Size.
            pub const MAXIMUM_PACKET_SIZE: u32 = #maximum_packet_size;
            /// CONNACK Topic Alias Maximum.
            pub const TOPIC_ALIAS_MAXIMUM: u16 = #topic_alias_maximum;
            /// Largest Keep Alive in seconds.
            pub const MAX_KEEP_ALIVE_SECONDS: u16 = #keep_alive;
            /// Subscriptions per client.
            pub const MAX_SUBSCRIPTIONS: u32 = #max_subscriptions;
            /// Longest Correlation Data in bytes.
            pub const CORRELATION_DATA_MAX_BYTES: u16 = #correlation;
            /// Prefix of application property names.
            pub const APPLICATION_PROPERTY_PREFIX: &str = #app_prefix;
        }
    }
}
