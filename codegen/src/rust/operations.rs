//! One module per operation: its message structs, its outcomes enum, its
//! descriptor (derived `Operation`) and its topic helpers.

use proc_macro2::TokenStream;
use quote::quote;

use super::messages::{MessageStruct, StatusField};
use super::{client, messages, names, status};
use crate::ir::{Api, Direction, Interaction, Operation, Property, PropertyRole};
use crate::topic::Segment;

/// Topic helpers: the constant, a builder and a matcher.
fn topic_helpers(op: &Operation) -> syn::Result<TokenStream> {
    let pattern = &op.topic.text;
    let filter = op.topic.filter();
    let params: Vec<&str> = op.topic.parameters().collect();
    if params.is_empty() {
        let doc = names::doc(&format!("The topic of {}.", op.title));
        return Ok(quote! {
            #[doc = #doc]
            pub const TOPIC: &str = #pattern;

            /// Whether `topic` is this operation's topic (exact, case-sensitive).
            pub fn is_topic(topic: &str) -> bool {
                topic == TOPIC
            }
        });
    }
    let idents = params
        .iter()
        .map(|p| names::field(p))
        .collect::<syn::Result<Vec<_>>>()?;
    let format = op
        .topic
        .segments
        .iter()
        .map(|s| match s {
            Segment::Literal(l) => l.replace('{', "{{").replace('}', "}}"),
            Segment::Parameter(_) => "{}".to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/");
    let matchers = op
        .topic
        .segments
        .iter()
        .map(|s| match s {
            Segment::Literal(l) => Ok(quote! {
                if __segments.next()? != #l {
                    return ::core::option::Option::None;
                }
            }),
            Segment::Parameter(p) => {
                let ident = names::field(p)?;
                Ok(quote! {
                    let #ident = __segments.next().filter(|s| !s.is_empty())?;
                })
            }
        })
        .collect::<syn::Result<Vec<_>>>()?;
    let names_str: Vec<String> = params.iter().map(|p| (*p).to_owned()).collect();
    let param_docs = params
        .iter()
        .map(|p| names::doc(&format!("The `{{{p}}}` segment.")));
    let doc_pattern = names::doc(&format!("The topic pattern of {}: `{pattern}`.", op.title));
    let doc_filter = names::doc(&format!(
        "The subscription filter of {}: `{filter}`.",
        op.title
    ));
    Ok(quote! {
        #[doc = #doc_pattern]
        pub const TOPIC: &str = #pattern;

        #[doc = #doc_filter]
        pub const TOPIC_FILTER: &str = #filter;

        /// The path parameters of a topic of this operation.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct TopicParams<'a> {
            #(
                #[doc = #param_docs]
                pub #idents: &'a str,
            )*
        }

        /// The topic with its path parameters filled in; a parameter that is
        /// empty or holds `/`, `+`, `#` or NUL is an error.
        pub fn topic(#(#idents: &str),*) -> ::core::result::Result<::std::string::String, ::iothub_client::Error> {
            #(::iothub_client::wire::check_topic_parameter(#names_str, #idents)?;)*
            ::core::result::Result::Ok(::std::format!(#format, #(#idents),*))
        }

        /// The path parameters of `topic` if it is a topic of this operation.
        pub fn match_topic(topic: &str) -> ::core::option::Option<TopicParams<'_>> {
            let mut __segments = topic.split('/');
            #(#matchers)*
            if __segments.next().is_some() {
                return ::core::option::Option::None;
            }
            ::core::option::Option::Some(TopicParams { #(#idents),* })
        }
    })
}

/// The hub's outcome properties that a message about an outcome carries
/// besides its own: the trace ID and reason roles of
/// `connection.response-properties`, unless the message declares them.
fn outcome_properties<'a>(api: &'a Api, declared: &'a [Property]) -> Vec<&'a Property> {
    let extra = [PropertyRole::TraceId, PropertyRole::Reason]
        .into_iter()
        .filter_map(|role| api.connection.response_property(role))
        .filter(|p| !declared.iter().any(|d| d.name == p.name));
    declared.iter().chain(extra).collect()
}

/// The wire name of the status response property (validation makes sure
/// there is one).
fn status_wire(api: &Api) -> &str {
    api.connection
        .response_property(PropertyRole::Status)
        .map_or("", |p| p.name.as_str())
}

/// The module of `op`.
pub fn module(api: &Api, op: &Operation, device_client: bool) -> syn::Result<TokenStream> {
    let module = names::module(&op.name)?;
    let descriptor = names::type_(&op.name)?;
    let rr = op.interaction == Interaction::RequestResponse;
    // Who sends the first message; the other side sends the second.
    let hub_first = op.direction == Direction::S2c;
    let (first_name, success_name) = if rr {
        ("Request", "Response")
    } else {
        ("Message", "Ack")
    };
    let first_ident = proc_macro2::Ident::new(first_name, proc_macro2::Span::call_site());
    let success_ident = proc_macro2::Ident::new(success_name, proc_macro2::Span::call_site());
    let first = messages::message(&MessageStruct {
        name: &first_ident,
        doc: format!(
            "{} of {}.",
            if rr { "The request" } else { "The message" },
            op.title
        ),
        properties: op.first.properties.iter().collect(),
        application: op.first.application_properties,
        status: None,
        keeps_other: hub_first,
        validate: None,
    })?;
    let success = op.success.as_ref().map(|m| {
        let what = if rr {
            "The success response"
        } else {
            "The success acknowledgement"
        };
        let doc = match &m.description {
            Some(d) => format!("{what} of {}: {d}", op.title),
            None => format!("{what} of {}.", op.title),
        };
        let from_hub = !hub_first;
        messages::message(&MessageStruct {
            name: &success_ident,
            doc,
            properties: if from_hub {
                outcome_properties(api, &m.properties)
            } else {
                m.properties.iter().collect()
            },
            application: m.application_properties,
            status: from_hub.then(|| StatusField {
                wire: status_wire(api),
                ty: quote!(super::Status),
                required: false,
            }),
            keeps_other: from_hub,
            validate: None,
        })
    });
    let success = success.transpose()?;
    let layout = &api.connection.status_layout;
    let outcomes: Vec<status::Variant<'_>> = op
        .alternatives
        .iter()
        .map(|a| status::Variant {
            key: &a.name,
            code: a.status.code,
            text: layout.format(a.status.code),
            reason: a.reason_code,
            name: &a.title,
            description: &a.description,
        })
        .collect();
    let alternative_ident = proc_macro2::Ident::new("Alternative", proc_macro2::Span::call_site());
    let alternative = (!outcomes.is_empty()).then(|| {
        let what = if rr { "responses" } else { "acknowledgements" };
        status::status_enum(
            &quote!(super::STATUS_LAYOUT),
            &alternative_ident,
            &format!("The alternative {what} of {}.", op.title),
            &outcomes,
        )
    });
    let alternative = alternative.transpose()?;
    let outcome = (op.success.is_some() && alternative.is_some()).then(|| {
        let rt = quote!(::iothub_client::operation::Outcome);
        if rr {
            let doc = names::doc(&format!(
                "The outcome of a response of {}: the success response, or the alternative its status names, with its reason and trace ID.",
                op.title
            ));
            quote! {
                #[doc = #doc]
                pub fn outcome(
                    properties: &::iothub_client::wire::Properties,
                ) -> ::core::result::Result<#rt<#success_ident, #alternative_ident>, ::iothub_client::Error> {
                    #rt::from_response(&super::RESPONSE_PROPERTIES, properties)
                }
            }
        } else {
            let doc = names::doc(&format!(
                "The outcome of a PUBACK of {}: the success acknowledgement, or (for an error reason code) the alternative its status names, with its reason and trace ID.",
                op.title
            ));
            quote! {
                #[doc = #doc]
                pub fn outcome(
                    reason_code: u8,
                    properties: &::iothub_client::wire::Properties,
                ) -> ::core::result::Result<#rt<#success_ident, #alternative_ident>, ::iothub_client::Error> {
                    #rt::from_puback(&super::RESPONSE_PROPERTIES, reason_code, properties)
                }
            }
        }
    });
    let name = &op.name;
    let topic = &op.topic.text;
    let prefix = &api.connection.topic_prefix;
    let max_qos = proc_macro2::Literal::u8_unsuffixed(api.connection.connack.maximum_qos);
    let interaction = proc_macro2::Ident::new(
        match op.interaction {
            Interaction::RequestResponse => "request_response",
            Interaction::MessageAck => "message_ack",
            Interaction::Message => "message",
        },
        proc_macro2::Span::call_site(),
    );
    let direction = proc_macro2::Ident::new(
        match op.direction {
            Direction::C2s => "c2s",
            Direction::S2c => "s2c",
        },
        proc_macro2::Span::call_site(),
    );
    let qos = proc_macro2::Literal::u8_unsuffixed(op.qos);
    let success_arg = op
        .success
        .as_ref()
        .map(|_| quote!(success = #success_ident,));
    let alternative_arg = alternative
        .as_ref()
        .map(|_| quote!(alternative = #alternative_ident,));
    let statuses = op.alternatives.iter().map(|a| status::hex(a.status.code));
    let module_doc = names::doc(&format!("{}: {}", op.title, op.summary));
    let descriptor_doc = names::doc(&format!("The {} operation.", op.title));
    let helpers = topic_helpers(op)?;
    let client_items = if device_client {
        client::module_items(api, op)?
    } else {
        TokenStream::new()
    };
    Ok(quote! {
        #[doc = #module_doc]
        pub mod #module {
            #first
            #success
            #alternative
            #outcome

            #[doc = #descriptor_doc]
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ::iothub_client::Operation)]
            #[operation(
                name = #name,
                topic = #topic,
                prefix = #prefix,
                interaction = #interaction,
                direction = #direction,
                qos = #qos,
                max_qos = #max_qos,
                first = #first_ident,
                #success_arg
                #alternative_arg
                statuses = [#(#statuses),*],
            )]
            pub struct #descriptor;

            #helpers
            #client_items
        }
        pub use #module::#descriptor;
    })
}

/// Structs of the named responses: their properties, the hub's outcome
/// properties, and their `status`, which must be theirs.
pub fn responses(api: &Api) -> syn::Result<TokenStream> {
    let wire = status_wire(api);
    let status_ident = names::field(wire)?;
    let layout = &api.connection.status_layout;
    let structs = api.responses.iter().map(|r| -> syn::Result<TokenStream> {
        let ident = names::type_(&r.name)?;
        let message = messages::message(&MessageStruct {
            name: &ident,
            doc: format!(
                "{} (`{}`, reason code {}): {}",
                r.title,
                layout.format(r.status.code),
                r.reason_code,
                r.description
            ),
            properties: outcome_properties(api, &r.properties),
            application: false,
            status: Some(StatusField {
                wire,
                ty: quote!(super::Status),
                required: true,
            }),
            keeps_other: true,
            validate: Some(quote!(Self::check_status)),
        })?;
        let status_doc = names::doc(&format!("The status of {}.", r.title));
        Ok(quote! {
            #message

            impl #ident {
                #[doc = #status_doc]
                pub const STATUS: super::Status = super::Status::#ident;

                /// A message with another status is not this response.
                fn check_status(&self) -> ::core::result::Result<(), ::iothub_client::Error> {
                    if self.#status_ident == Self::STATUS {
                        return ::core::result::Result::Ok(());
                    }
                    let text = <super::Status as ::iothub_client::status::StatusCode>::to_text;
                    ::core::result::Result::Err(::iothub_client::Error::UnexpectedStatus {
                        expected: text(&Self::STATUS),
                        found: text(&self.#status_ident),
                    })
                }
            }
        })
    });
    let structs = structs.collect::<syn::Result<Vec<_>>>()?;
    Ok(quote! {
        /// The named responses: the properties each one carries.
        pub mod responses {
            #(#structs)*
        }
    })
}
