//! Message structs: one field per property, derived `MqttProperties`.

use proc_macro2::TokenStream;
use quote::quote;

use super::names;
use crate::ir::{Property, PropertyWire, WireFormat};

/// The Rust type of a property value (before `Option`).
fn value_type(format: WireFormat, wire: PropertyWire) -> TokenStream {
    match (wire, format) {
        (PropertyWire::CorrelationData, _) => quote!(::iothub_client::bytes::Bytes),
        (_, WireFormat::Utf8) => quote!(::std::string::String),
        (_, WireFormat::UnixMillis) => quote!(::iothub_client::wire::Timestamp),
        (_, WireFormat::DecimalU32) => quote!(u32),
        (_, WireFormat::DecimalU64) => quote!(u64),
        (_, WireFormat::DecimalI32) => quote!(i32),
    }
}

/// A struct field for `p`.
pub fn field(p: &Property) -> syn::Result<TokenStream> {
    let ident = names::field(&p.name)?;
    let value = value_type(p.format, p.wire);
    let ty = if p.required {
        value
    } else {
        quote!(::core::option::Option<#value>)
    };
    let name = &p.name;
    let attr = match p.wire {
        PropertyWire::UserProperty => quote!(#[mqtt(user = #name)]),
        PropertyWire::ContentType => quote!(#[mqtt(content_type)]),
        PropertyWire::CorrelationData => quote!(#[mqtt(correlation_data)]),
    };
    let kind = match p.wire {
        PropertyWire::UserProperty => "user property",
        PropertyWire::ContentType => "MQTT 5 property",
        PropertyWire::CorrelationData => "MQTT 5 property",
    };
    let presence = if p.required { "required" } else { "optional" };
    let mut doc = format!("`{name}` ({kind}, `{}`, {presence})", p.type_name);
    if let Some(description) = p.description.as_deref().filter(|d| !d.trim().is_empty()) {
        doc = format!("{description}\n\n{doc}");
    }
    let docs = doc.lines().map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            names::doc(l)
        }
    });
    Ok(quote! {
        #(#[doc = #docs])*
        #attr
        pub #ident: #ty,
    })
}

/// The `status` field of a message the hub sends about an outcome.
pub struct StatusField<'a> {
    /// The wire name (the spec's status response property).
    pub wire: &'a str,
    /// Its type.
    pub ty: TokenStream,
    /// Required (a named response, which always has its status) or optional
    /// (a success message, which has none unless its status is a success).
    pub required: bool,
}

/// A message struct of the generated API.
pub struct MessageStruct<'a> {
    /// The struct's name.
    pub name: &'a proc_macro2::Ident,
    /// Its doc comment.
    pub doc: String,
    /// Its properties, in order.
    pub properties: Vec<&'a Property>,
    /// Whether `@` application properties are allowed.
    pub application: bool,
    /// The status field, for messages about an outcome that the hub sends.
    pub status: Option<StatusField<'a>>,
    /// Whether the message keeps user properties it does not define (the
    /// hub sends it: the client tolerates what a newer hub adds) instead of
    /// rejecting them (a client sends it: the hub is strict).
    pub keeps_other: bool,
    /// A check run after decoding (`#[mqtt(validate = …)]`).
    pub validate: Option<TokenStream>,
}

/// The tokens of a message struct.
pub fn message(m: &MessageStruct<'_>) -> syn::Result<TokenStream> {
    let name = m.name;
    let fields = m
        .properties
        .iter()
        .map(|p| field(p))
        .collect::<syn::Result<Vec<_>>>()?;
    let status_field = m.status.as_ref().map(|s| -> syn::Result<TokenStream> {
        let wire = s.wire;
        let ident = names::field(wire)?;
        let ty = &s.ty;
        let (ty, doc) = if s.required {
            (
                quote!(#ty),
                format!("The outcome (`{wire}` user property)."),
            )
        } else {
            (
                quote!(::core::option::Option<#ty>),
                format!("The outcome (`{wire}` user property): absent on success."),
            )
        };
        let doc = names::doc(&doc);
        Ok(quote! {
            #[doc = #doc]
            #[mqtt(user = #wire)]
            pub #ident: #ty,
        })
    });
    let status_field = status_field.transpose()?;
    let app = m.application.then(|| {
        quote! {
            /// Application properties (`@name` user properties), names without the `@`.
            #[mqtt(application)]
            pub application: ::iothub_client::wire::ApplicationProperties,
        }
    });
    let other = m.keeps_other.then(|| {
        quote! {
            /// User properties this message does not define, in order: the hub
            /// may add properties that this spec does not list.
            #[mqtt(other)]
            pub other_properties: ::std::vec::Vec<(::std::string::String, ::std::string::String)>,
        }
    });
    let validate = m
        .validate
        .as_ref()
        .map(|path| quote!(#[mqtt(validate = #path)]));
    let doc = names::doc(&m.doc);
    let required_status = m.status.as_ref().is_some_and(|s| s.required);
    let default =
        (!required_status && m.properties.iter().all(|p| !p.required)).then(|| quote!(Default,));
    Ok(quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, Eq, #default ::iothub_client::MqttProperties)]
        #validate
        pub struct #name {
            #status_field
            #(#fields)*
            #app
            #other
        }
    })
}
