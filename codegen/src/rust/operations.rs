//! One module per operation: its message structs, its outcomes enum, its
//! descriptor (derived `Operation`) and its topic helpers.

use proc_macro2::TokenStream;
use quote::quote;

use super::{messages, names, status};
use crate::ir::{Api, Direction, Interaction, Operation};
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

/// The module of `op`.
pub fn module(api: &Api, op: &Operation) -> syn::Result<TokenStream> {
    let module = names::module(&op.name)?;
    let descriptor = names::type_(&op.name)?;
    let rr = op.interaction == Interaction::RequestResponse;
    let (first_name, success_name) = if rr {
        ("Request", "Response")
    } else {
        ("Message", "Ack")
    };
    let first_ident = proc_macro2::Ident::new(first_name, proc_macro2::Span::call_site());
    let success_ident = proc_macro2::Ident::new(success_name, proc_macro2::Span::call_site());
    let first = messages::message(
        &first_ident,
        &format!(
            "{} of {}.",
            if rr { "The request" } else { "The message" },
            op.title
        ),
        &op.first.properties,
        op.first.application_properties,
        None,
    )?;
    let success = op
        .success
        .as_ref()
        .map(|m| {
            let what = if rr {
                "The success response"
            } else {
                "The success acknowledgement"
            };
            let doc = match &m.description {
                Some(d) => format!("{what} of {}: {d}", op.title),
                None => format!("{what} of {}.", op.title),
            };
            messages::message(
                &success_ident,
                &doc,
                &m.properties,
                m.application_properties,
                None,
            )
        })
        .transpose()?;
    let outcomes: Vec<status::Variant<'_>> = op
        .alternatives
        .iter()
        .map(|a| status::Variant {
            key: &a.name,
            code: a.status.code,
            reason: a.reason_code,
            name: &a.title,
            description: &a.description,
        })
        .collect();
    let error_ident = proc_macro2::Ident::new("Error", proc_macro2::Span::call_site());
    let error = (!outcomes.is_empty())
        .then(|| {
            let what = if rr { "responses" } else { "acknowledgements" };
            status::status_enum(
                &api.connection.status_layout,
                &error_ident,
                &format!("The alternative {what} of {}.", op.title),
                &outcomes,
            )
        })
        .transpose()?;
    let name = &op.name;
    let topic = &op.topic.text;
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
    let error_arg = error.as_ref().map(|_| quote!(error = #error_ident,));
    let statuses = op.alternatives.iter().map(|a| {
        syn::LitInt::new(
            &format!("0x{:04X}", a.status.code),
            proc_macro2::Span::call_site(),
        )
    });
    let module_doc = names::doc(&format!("{}: {}", op.title, op.summary));
    let descriptor_doc = names::doc(&format!("The {} operation.", op.title));
    let helpers = topic_helpers(op)?;
    Ok(quote! {
        #[doc = #module_doc]
        pub mod #module {
            #first
            #success
            #error

            #[doc = #descriptor_doc]
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ::iothub_client::Operation)]
            #[operation(
                name = #name,
                topic = #topic,
                interaction = #interaction,
                direction = #direction,
                qos = #qos,
                first = #first_ident,
                #success_arg
                #error_arg
                statuses = [#(#statuses),*],
            )]
            pub struct #descriptor;

            #helpers
        }
        pub use #module::#descriptor;
    })
}

/// Structs of the named responses (their properties and `status`).
pub fn responses(api: &Api) -> syn::Result<TokenStream> {
    let status_prop = api
        .connection
        .response_properties
        .iter()
        .find(|p| p.name == "status");
    let structs = api.responses.iter().map(|r| {
        let ident = names::type_(&r.name)?;
        let status = status_prop.map(|p| (p.name.as_str(), quote!(super::Status)));
        messages::message(
            &ident,
            &format!(
                "{} (`{}`, reason code {}): {}",
                r.title, r.status, r.reason_code, r.description
            ),
            &r.properties,
            false,
            status,
        )
    });
    let structs = structs.collect::<syn::Result<Vec<_>>>()?;
    Ok(quote! {
        /// The named responses: the properties each one carries.
        pub mod responses {
            #(#structs)*
        }
    })
}
