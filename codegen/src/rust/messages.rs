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

/// A message struct named `name` with `properties` (and `@` application
/// properties when allowed), documented with `doc`; `status` adds a required
/// `status` field of that type first (error responses).
pub fn message(
    name: &proc_macro2::Ident,
    doc: &str,
    properties: &[Property],
    application: bool,
    status: Option<(&str, TokenStream)>,
) -> syn::Result<TokenStream> {
    let fields = properties
        .iter()
        .map(field)
        .collect::<syn::Result<Vec<_>>>()?;
    let status_field = status.as_ref().map(|(wire, ty)| {
        quote! {
            /// The outcome (`status` user property, four hex digits).
            #[mqtt(user = #wire)]
            pub status: #ty,
        }
    });
    let app = application.then(|| {
        quote! {
            /// Application properties (`@name` user properties), names without the `@`.
            #[mqtt(application)]
            pub application: ::iothub_client::wire::ApplicationProperties,
        }
    });
    let doc = names::doc(doc);
    let default =
        (status.is_none() && properties.iter().all(|p| !p.required)).then(|| quote!(Default,));
    Ok(quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, Eq, #default ::iothub_client::MqttProperties)]
        pub struct #name {
            #status_field
            #(#fields)*
            #app
        }
    })
}
