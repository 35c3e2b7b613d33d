//! Status enums: every named response's status, and each operation's
//! alternative outcomes, derived `StatusCode`.

use proc_macro2::TokenStream;
use quote::quote;

use super::names;
use crate::ir::Api;

/// One variant: key, code (and its text form), reason code, English name,
/// description.
pub struct Variant<'a> {
    pub key: &'a str,
    pub code: u16,
    pub text: String,
    pub reason: u8,
    pub name: &'a str,
    pub description: &'a str,
}

/// A `0x…` literal of four hex digits.
pub(super) fn hex(value: u16) -> syn::LitInt {
    syn::LitInt::new(&format!("0x{value:04X}"), proc_macro2::Span::call_site())
}

/// A status enum named `name`; `layout` is the path of the generated
/// `STATUS_LAYOUT` constant from where the enum stands.
pub fn status_enum(
    layout: &TokenStream,
    name: &proc_macro2::Ident,
    doc: &str,
    variants: &[Variant<'_>],
) -> syn::Result<TokenStream> {
    let doc = names::doc(doc);
    let variants = variants
        .iter()
        .map(|v| -> syn::Result<TokenStream> {
            let ident = names::type_(v.key)?;
            let code = hex(v.code);
            let reason = proc_macro2::Literal::u8_unsuffixed(v.reason);
            let title = v.name;
            let doc = names::doc(&format!("`{}` {}: {}", v.text, v.name, v.description));
            Ok(quote! {
                #[doc = #doc]
                #[status(code = #code, reason = #reason, name = #title)]
                #ident,
            })
        })
        .collect::<syn::Result<Vec<_>>>()?;
    Ok(quote! {
        #[doc = #doc]
        // Variants are the spec's names (`Server Error` in an `Alternative` enum).
        #[allow(clippy::enum_variant_names)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ::iothub_client::StatusCode)]
        #[status(layout = #layout)]
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
            text: api.connection.status_layout.format(r.status.code),
            reason: r.reason_code,
            name: &r.title,
            description: &r.description,
        })
        .collect();
    status_enum(
        &quote!(STATUS_LAYOUT),
        &names::type_("status")?,
        "Status codes of the API's named responses (the `status` user property).",
        &variants,
    )
}
