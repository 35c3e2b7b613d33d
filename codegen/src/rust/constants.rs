//! Constants derived from the spec: API identity, shared topics and their
//! rules, limits.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Api, PropertyRole};

/// A `0x…` literal of two hex digits (a reason code).
fn reason(code: u8) -> syn::LitInt {
    syn::LitInt::new(&format!("0x{code:02X}"), proc_macro2::Span::call_site())
}

/// Tokens of the constants modules.
pub fn tokens(api: &Api) -> syn::Result<TokenStream> {
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
    let session_expiry = k.session_expiry_interval;
    let max_subscriptions = c.max_subscriptions;
    let correlation = c.correlation_data_max_bytes;
    let app_prefix = &c.application_property_prefix;
    let connect_timeout = c.connect_timeout_seconds;
    let quota_exceeded = reason(c.subscription_quota_exceeded_reason_code);
    let retain = k.retain_available;
    let wildcard = k.wildcard_subscription_available;
    let identifiers = k.subscription_identifiers_available;
    let shared = k.shared_subscriptions_available;
    let unknown_subscribe = reason(c.unknown_topic_subscribe_reason_code);
    let wildcard_subscribe = reason(c.wildcard_subscribe_reason_code);
    // Validation makes sure it names a response, so a `Status` variant.
    let unknown_publish = super::names::type_(&c.unknown_topic_publish)?;
    let unknown_publish_doc = super::names::doc(&format!(
        "The status of a PUBLISH to a topic under the prefix that the API does not define (`{}`).",
        c.unknown_topic_publish
    ));
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
    Ok(quote! {
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
            #[doc = #unknown_publish_doc]
            pub const UNKNOWN_TOPIC_PUBLISH: super::Status = super::Status::#unknown_publish;
            /// SUBACK Reason Code of a SUBSCRIBE to a topic under the prefix that the API does not define.
            pub const UNKNOWN_TOPIC_SUBSCRIBE_REASON_CODE: u8 = #unknown_subscribe;
            /// SUBACK Reason Code of a SUBSCRIBE with a wildcard in place of an API topic segment.
            pub const WILDCARD_SUBSCRIBE_REASON_CODE: u8 = #wildcard_subscribe;
        }

        /// Limits the hub declares or enforces.
        pub mod limits {
            /// Seconds after the TLS handshake within which CONNECT must arrive.
            pub const CONNECT_TIMEOUT_SECONDS: u32 = #connect_timeout;
            /// CONNACK Retain Available.
            pub const RETAIN_AVAILABLE: bool = #retain;
            /// CONNACK Wildcard Subscription Available.
            pub const WILDCARD_SUBSCRIPTION_AVAILABLE: bool = #wildcard;
            /// CONNACK Subscription Identifiers Available.
            pub const SUBSCRIPTION_IDENTIFIERS_AVAILABLE: bool = #identifiers;
            /// CONNACK Shared Subscription Available.
            pub const SHARED_SUBSCRIPTIONS_AVAILABLE: bool = #shared;
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
            /// CONNACK Session Expiry Interval granted to a client that asks
            /// for a session outliving its connection (`u32::MAX`: never expires).
            pub const SESSION_EXPIRY_INTERVAL: u32 = #session_expiry;
            /// Subscriptions per client.
            pub const MAX_SUBSCRIPTIONS: u32 = #max_subscriptions;
            /// SUBACK Reason Code of a subscription past `MAX_SUBSCRIPTIONS`.
            pub const SUBSCRIPTION_QUOTA_EXCEEDED_REASON_CODE: u8 = #quota_exceeded;
            /// Longest Correlation Data in bytes.
            pub const CORRELATION_DATA_MAX_BYTES: u16 = #correlation;
            /// Prefix of application property names.
            pub const APPLICATION_PROPERTY_PREFIX: &str = #app_prefix;
        }
    })
}
