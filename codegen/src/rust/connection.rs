//! The `connection` module: what a hub needs to accept a CONNECT, from the
//! spec's `connection:` section. The `Connect` message of the CONNECT user
//! properties (strict: the hub reads it), the `AuthenticationMethod` and
//! `DisconnectReason` enums, and the SAS rules with the string to sign.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::messages::{self, MessageStruct};
use super::names;
use crate::ir::{
    Api, AuthenticationData, Connection, STRING_TO_SIGN_CLIENT_ID as CLIENT_ID_FIELD,
    STRING_TO_SIGN_HOST as HOST_FIELD,
};

/// The tokens of `pub mod connection`.
pub fn module(api: &Api) -> syn::Result<TokenStream> {
    let c = &api.connection;
    let connect_ident = Ident::new("Connect", Span::call_site());
    let connect = messages::message(&MessageStruct {
        name: &connect_ident,
        doc: "The user properties of CONNECT (`connection.connect-properties`): the hub \
              decodes them strictly, refusing a property the spec does not define."
            .to_owned(),
        properties: c.connect_properties.iter().collect(),
        application: false,
        status: None,
        keeps_other: false,
        validate: None,
    })?;
    let methods = authentication_methods(c)?;
    let reasons = disconnect_reasons(c)?;
    let sas = sas(c)?;
    Ok(quote! {
        /// Connection rules (`connection`): the CONNECT user properties,
        /// authentication methods, SAS rules and DISCONNECT reasons.
        pub mod connection {
            #connect
            #methods
            #reasons
            #sas
        }
    })
}

/// `pub enum AuthenticationMethod` with its names and data rule.
fn authentication_methods(c: &Connection) -> syn::Result<TokenStream> {
    let idents = c
        .authentication_methods
        .iter()
        .map(|m| names::type_(&m.name))
        .collect::<syn::Result<Vec<_>>>()?;
    let docs = c.authentication_methods.iter().map(|m| {
        let data = match m.data {
            AuthenticationData::Required => "Authentication Data required",
            AuthenticationData::None => "no Authentication Data",
        };
        names::doc(&format!("`{}`: {} ({data}).", m.name, m.description))
    });
    let wire: Vec<&str> = c
        .authentication_methods
        .iter()
        .map(|m| m.name.as_str())
        .collect();
    let with_data: Vec<&Ident> = idents
        .iter()
        .zip(&c.authentication_methods)
        .filter(|(_, m)| m.data == AuthenticationData::Required)
        .map(|(i, _)| i)
        .collect();
    let requires_data = if with_data.is_empty() {
        quote!(false)
    } else {
        quote!(::core::matches!(*self, #(Self::#with_data)|*))
    };
    Ok(quote! {
        /// The values of the CONNECT `Authentication Method` property
        /// (`connection.authentication-methods`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum AuthenticationMethod {
            #(
                #[doc = #docs]
                #idents,
            )*
        }

        impl AuthenticationMethod {
            /// Every method, in spec order.
            pub const ALL: &'static [Self] = &[#(Self::#idents),*];

            /// The `Authentication Method` value.
            pub fn name(&self) -> &'static str {
                match *self {
                    #(Self::#idents => #wire,)*
                }
            }

            /// The method an `Authentication Method` value names (exact, case-sensitive).
            pub fn from_name(name: &str) -> ::core::option::Option<Self> {
                Self::ALL.iter().copied().find(|m| m.name() == name)
            }

            /// Whether CONNECT must carry `Authentication Data` with this method.
            pub fn requires_data(&self) -> bool {
                #requires_data
            }
        }
    })
}

/// `pub enum DisconnectReason` with its codes and MQTT 5 names.
fn disconnect_reasons(c: &Connection) -> syn::Result<TokenStream> {
    let reasons = &c.disconnect_reasons;
    let idents = reasons
        .iter()
        .map(|r| names::type_(&r.name))
        .collect::<syn::Result<Vec<_>>>()?;
    let docs = reasons.iter().map(|r| {
        names::doc(&format!(
            "`{}` ({}): {}",
            r.reason_code, r.name, r.description
        ))
    });
    let codes = reasons
        .iter()
        .map(|r| proc_macro2::Literal::u8_unsuffixed(r.reason_code));
    let wire = reasons.iter().map(|r| r.name.as_str());
    Ok(quote! {
        /// The DISCONNECT reason codes the hub uses (`connection.disconnect-reasons`).
        // Variants are the MQTT 5 names (`Implementation-specific error`).
        #[allow(clippy::enum_variant_names)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum DisconnectReason {
            #(
                #[doc = #docs]
                #idents,
            )*
        }

        impl DisconnectReason {
            /// Every reason, in spec order.
            pub const ALL: &'static [Self] = &[#(Self::#idents),*];

            /// The DISCONNECT Reason Code.
            pub fn reason_code(&self) -> u8 {
                match *self {
                    #(Self::#idents => #codes,)*
                }
            }

            /// The MQTT 5 name of the reason code.
            pub fn name(&self) -> &'static str {
                match *self {
                    #(Self::#idents => #wire,)*
                }
            }

            /// The reason a DISCONNECT Reason Code stands for, if the spec lists it.
            pub fn from_reason_code(code: u8) -> ::core::option::Option<Self> {
                Self::ALL.iter().copied().find(|r| r.reason_code() == code)
            }
        }
    })
}

/// `pub mod sas`: the algorithm, key encoding, reauthentication reason code
/// and the string to sign.
fn sas(c: &Connection) -> syn::Result<TokenStream> {
    let s = &c.sas;
    let algorithm = &s.algorithm;
    let key_encoding = &s.key_encoding;
    let reauth = syn::LitInt::new(
        &format!("0x{:02X}", s.reauthentication_reason_code),
        Span::call_site(),
    );
    let fields = &s.string_to_sign;
    let pushes = fields
        .iter()
        .map(|field| -> syn::Result<TokenStream> {
            let value = match field.as_str() {
                HOST_FIELD => quote!(__out.push_str(host);),
                CLIENT_ID_FIELD => quote!(__out.push_str(client_id);),
                name => {
                    // Validation makes sure every other field is a connect property.
                    let Some(p) = c.connect_properties.iter().find(|p| p.name == name) else {
                        return Err(syn::Error::new(
                            Span::call_site(),
                            format!(
                                "string-to-sign field `{name}` is not a connect property, but \
                                 validation let it through (a bug in iothub-codegen)"
                            ),
                        ));
                    };
                    let ident = names::field(&p.name)?;
                    let to_wire = quote!(::iothub_client::wire::WireValue::to_wire);
                    if p.required {
                        quote!(__out.push_str(&#to_wire(&connect.#ident));)
                    } else {
                        quote! {
                            if let ::core::option::Option::Some(value) = &connect.#ident {
                                __out.push_str(&#to_wire(value));
                            }
                        }
                    }
                }
            };
            Ok(quote! {
                #value
                __out.push('\n');
            })
        })
        .collect::<syn::Result<Vec<_>>>()?;
    let order = fields
        .iter()
        .map(|f| format!("{{{f}}}\\n"))
        .collect::<String>();
    let doc = names::doc(&format!(
        "The SAS string to sign, `{order}`: `host` and `client_id` are the \
         arguments, every other field the CONNECT property of that name in its \
         wire form, the empty string when absent."
    ));
    let uses_connect = fields
        .iter()
        .any(|f| f != HOST_FIELD && f != CLIENT_ID_FIELD);
    let connect_arg = if uses_connect {
        quote!(connect)
    } else {
        quote!(_connect)
    };
    let host_arg = if fields.iter().any(|f| f == HOST_FIELD) {
        quote!(host)
    } else {
        quote!(_host)
    };
    let client_arg = if fields.iter().any(|f| f == CLIENT_ID_FIELD) {
        quote!(client_id)
    } else {
        quote!(_client_id)
    };
    let body = if pushes.is_empty() {
        quote!(::std::string::String::new())
    } else {
        quote! {
            let mut __out = ::std::string::String::new();
            #(#pushes)*
            __out
        }
    };
    Ok(quote! {
        /// Shared Access Signature rules (`connection.sas`).
        pub mod sas {
            /// The signature algorithm over the string to sign.
            pub const ALGORITHM: &str = #algorithm;
            /// How the stored key is encoded (decode it before signing).
            pub const KEY_ENCODING: &str = #key_encoding;
            /// The AUTH Reason Code of a reauthentication.
            pub const REAUTHENTICATION_REASON_CODE: u8 = #reauth;
            /// The fields of the string to sign, in order, each followed by `\n`.
            pub const STRING_TO_SIGN_FIELDS: &[&str] = &[#(#fields),*];

            #[doc = #doc]
            pub fn string_to_sign(
                #host_arg: &str,
                #client_arg: &str,
                #connect_arg: &super::Connect,
            ) -> ::std::string::String {
                #body
            }
        }
    })
}
