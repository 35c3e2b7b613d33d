//! Constants derived from the spec: API identity, topics, status codes, limits.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ident;
use crate::ir::{Api, Operation};

fn upper(name: &str) -> Ident {
    // Names were checked by validation to have an identifier form.
    Ident::new(
        &ident::const_name(name).unwrap_or_else(|| "INVALID".to_owned()),
        Span::call_site(),
    )
}

fn topic_items(op: &Operation) -> TokenStream {
    let name = upper(&op.name);
    let text = &op.topic.text;
    let doc = format!(" {}: {}", op.title, op.summary);
    let filter = op.topic.filter();
    if op.topic.parameters().next().is_some() {
        let filter_name = upper(&format!("{}-filter", op.name));
        let filter_doc = format!(
            " Subscription filter of {}: each path parameter replaced by `+`.",
            op.title
        );
        quote! {
            #[doc = #doc]
            pub const #name: &str = #text;
            #[doc = #filter_doc]
            pub const #filter_name: &str = #filter;
        }
    } else {
        quote! {
            #[doc = #doc]
            pub const #name: &str = #text;
        }
    }
}

/// Tokens of the constants modules.
pub fn tokens(api: &Api) -> TokenStream {
    let api_version = &api.info.api_version;
    let version = &api.info.version;
    let topics = api.operations.iter().map(topic_items);
    let responses = &api.connection.responses_topic;
    let prefix = &api.connection.topic_prefix;
    let statuses = api.responses.iter().map(|r| {
        let name = upper(&r.name);
        let code = syn::LitInt::new(&format!("0x{:04X}", r.status.code), Span::call_site());
        let doc = format!(" `{}` {}: {}", r.status, r.title, r.description);
        quote! {
            #[doc = #doc]
            pub const #name: u16 = #code;
        }
    });
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
    quote! {
        /// The `api-version` CONNECT user property value this code was generated for.
        pub const API_VERSION: &str = #api_version;
        /// The API version.
        pub const VERSION: &str = #version;

        /// Topic names of the operations.
        pub mod topics {
            /// Prefix of every topic of the API.
            pub const PREFIX: &str = #prefix;
            /// Topic of every request–response response.
            pub const RESPONSES: &str = #responses;
            #(#topics)*
        }

        /// Status codes of the named responses.
        pub mod status {
            #(#statuses)*
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
