//! Status enums: every named response's status, and each operation's
//! alternative outcomes, derived `StatusCode`.

use proc_macro2::TokenStream;
use quote::quote;

use super::names;
use crate::ir::Api;
use crate::status::StatusLayout;

/// One variant: key, code, reason code, English name, description.
pub struct Variant<'a> {
    pub key: &'a str,
    pub code: u16,
    pub reason: u8,
    pub name: &'a str,
    pub description: &'a str,
}

fn hex(value: u16) -> syn::LitInt {
    syn::LitInt::new(&format!("0x{value:04X}"), proc_macro2::Span::call_site())
}

/// A status enum named `name`.
pub fn status_enum(
    layout: &StatusLayout,
    name: &proc_macro2::Ident,
    doc: &str,
    variants: &[Variant<'_>],
) -> syn::Result<TokenStream> {
    let doc = names::doc(doc);
    let (kind_mask, success, client, server, retryable, reserved) = (
        hex(layout.kind_mask),
        hex(layout.success),
        hex(layout.client_error),
        hex(layout.server_error),
        hex(layout.retryable_bit),
        hex(layout.reserved_mask),
    );
    let variants = variants.iter().map(|v| {
        let ident = names::type_(v.key)?;
        let code = hex(v.code);
        let reason = proc_macro2::Literal::u8_unsuffixed(v.reason);
        let title = v.name;
        let doc = names::doc(&format!("`{:04X}` {}: {}", v.code, v.name, v.description));
        Ok(quote! {
            #[doc = #doc]
            #[status(code = #code, reason = #reason, name = #title)]
            #ident,
        })
    });
    let variants = variants.collect::<syn::Result<Vec<_>>>()?;
    Ok(quote! {
        #[doc = #doc]
        // Variants are the spec's names (`Server Error` in an `Error` enum).
        #[allow(clippy::enum_variant_names)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ::iothub_client::StatusCode)]
        #[status(kind_mask = #kind_mask, success = #success, client_error = #client, server_error = #server, retryable = #retryable, reserved = #reserved)]
        pub enum #name {
            #(#variants)*
            /// A status code this enum does not list.
            #[status(unknown)]
            Unknown(u16),
        }
    })
}

/// The enum of every named response's status.
pub fn all_statuses(api: &Api) -> syn::Result<TokenStream> {
    let variants: Vec<Variant<'_>> = api
        .responses
        .iter()
        .map(|r| Variant {
            key: &r.name,
            code: r.status.code,
            reason: r.reason_code,
            name: &r.title,
            description: &r.description,
        })
        .collect();
    status_enum(
        &api.connection.status_layout,
        &names::type_("status")?,
        "Status codes of the API's named responses (the `status` user property).",
        &variants,
    )
}
