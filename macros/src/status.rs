//! `#[derive(StatusCode)]`.

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, LitInt, LitStr};

use crate::attr::int;

struct Known<'a> {
    ident: &'a syn::Ident,
    code: u16,
    code_span: proc_macro2::Span,
    reason: u8,
    name: LitStr,
}

/// The enum-level `#[status(layout = path)]`: the `StatusLayout` constant
/// the codes follow. The generator passes the spec's; the derive knows none.
fn layout(input: &DeriveInput) -> syn::Result<syn::Path> {
    let mut layout = None;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("status")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("layout") {
                if layout.is_some() {
                    return Err(meta.error("`layout` is given twice"));
                }
                layout = Some(meta.value()?.parse::<syn::Path>()?);
                Ok(())
            } else {
                Err(meta.error(
                    "unknown key: the enum takes `layout = path::TO_LAYOUT` (a `StatusLayout` constant)",
                ))
            }
        })?;
    }
    layout.ok_or_else(|| {
        syn::Error::new(
            input.ident.span(),
            "add `#[status(layout = path::TO_LAYOUT)]`: the `StatusLayout` constant its codes follow (the generated `api::STATUS_LAYOUT` is the spec's)",
        )
    })
}

pub fn derive(input: &DeriveInput) -> syn::Result<TokenStream> {
    let Data::Enum(data) = &input.data else {
        return Err(syn::Error::new(
            input.ident.span(),
            "StatusCode can only be derived for enums",
        ));
    };
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &input.generics,
            "a status enum cannot be generic",
        ));
    }
    let layout = layout(input)?;
    let mut known: Vec<Known<'_>> = Vec::new();
    let mut unknown: Option<&syn::Ident> = None;
    for variant in &data.variants {
        let mut code: Option<(u16, proc_macro2::Span)> = None;
        let mut reason: Option<u8> = None;
        let mut name: Option<LitStr> = None;
        let mut is_unknown = false;
        // Errors point at the variant's name or its attribute, not at its
        // first token (which may be a doc comment).
        let mut last_attr = None;
        let mut own_key: Option<syn::Path> = None;
        for attr in variant.attrs.iter().filter(|a| a.path().is_ident("status")) {
            last_attr = Some(attr);
            attr.parse_nested_meta(|meta| {
                if ["code", "reason", "name"]
                    .iter()
                    .any(|k| meta.path.is_ident(k))
                {
                    own_key.get_or_insert_with(|| meta.path.clone());
                }
                if meta.path.is_ident("code") {
                    let lit: LitInt = meta.value()?.parse()?;
                    code = Some((int(&lit, "a status code is two bytes")?, lit.span()));
                } else if meta.path.is_ident("reason") {
                    let lit: LitInt = meta.value()?.parse()?;
                    reason = Some(int(&lit, "an MQTT reason code is one byte")?);
                } else if meta.path.is_ident("name") {
                    name = Some(meta.value()?.parse()?);
                } else if meta.path.is_ident("unknown") {
                    is_unknown = true;
                } else {
                    return Err(
                        meta.error("unknown key: expected `code`, `reason`, `name` or `unknown`")
                    );
                }
                Ok(())
            })?;
        }
        if is_unknown {
            let one_u16 = matches!(&variant.fields, Fields::Unnamed(f) if f.unnamed.len() == 1
                && matches!(&f.unnamed[0].ty, syn::Type::Path(p) if p.path.is_ident("u16")));
            if !one_u16 {
                let message = "the `#[status(unknown)]` variant holds the code: `Unknown(u16)`";
                return Err(match &variant.fields {
                    Fields::Unit => syn::Error::new(variant.ident.span(), message),
                    fields => syn::Error::new_spanned(fields, message),
                });
            }
            if unknown.replace(&variant.ident).is_some() {
                return Err(syn::Error::new(
                    variant.ident.span(),
                    "only one variant can be `#[status(unknown)]`",
                ));
            }
            if let Some(key) = own_key {
                return Err(syn::Error::new_spanned(
                    key,
                    "the unknown variant has no code, reason or name of its own",
                ));
            }
            continue;
        }
        if !matches!(variant.fields, Fields::Unit) {
            return Err(syn::Error::new(
                variant.fields.span(),
                "status variants are unit variants (only the unknown one holds a code)",
            ));
        }
        let Some(attr) = last_attr else {
            return Err(syn::Error::new(
                variant.ident.span(),
                "a status variant needs `#[status(code = 0x…, reason = …, name = \"…\")]` (or `#[status(unknown)]` on `Unknown(u16)`)",
            ));
        };
        let missing = |what: &str| {
            syn::Error::new_spanned(attr, format!("missing `{what}` in `#[status(...)]`"))
        };
        let (code, code_span) = code.ok_or_else(|| missing("code = 0x…"))?;
        let reason = reason.ok_or_else(|| missing("reason = …"))?;
        let name = name.ok_or_else(|| missing("name = \"…\""))?;
        if let Some(first) = known.iter().find(|k| k.code == code) {
            return Err(syn::Error::new(
                code_span,
                format!("status {code:#06x} is already `{}`", first.ident),
            ));
        }
        known.push(Known {
            ident: &variant.ident,
            code,
            code_span,
            reason,
            name,
        });
    }
    let Some(unknown) = unknown else {
        return Err(syn::Error::new(
            input.ident.span(),
            "add a variant `#[status(unknown)] Unknown(u16)` for codes the enum does not list",
        ));
    };

    let ident = &input.ident;
    let rt = quote!(::iothub_client::status);
    let idents: Vec<_> = known.iter().map(|k| k.ident).collect();
    let codes: Vec<_> = known.iter().map(|k| k.code).collect();
    let reasons: Vec<_> = known.iter().map(|k| k.reason).collect();
    let names: Vec<_> = known.iter().map(|k| &k.name).collect();
    // The layout is a constant of the caller's: a code that sets its
    // reserved bits fails to compile, at the code.
    let reserved_checks = known.iter().map(|k| {
        let code = k.code;
        let message = format!("status {code:#06x} sets bits its layout reserves (they must be 0)");
        quote::quote_spanned! {k.code_span=>
            const _: () = ::core::assert!(#layout.reserved_bits(#code) == 0, #message);
        }
    });
    Ok(quote! {
        #(#reserved_checks)*

        impl #rt::StatusCode for #ident {
            const LAYOUT: #rt::StatusLayout = #layout;

            const KNOWN: &'static [u16] = &[#(#codes),*];

            fn code(&self) -> u16 {
                match self {
                    #(Self::#idents => #codes,)*
                    Self::#unknown(code) => *code,
                }
            }

            fn from_code(code: u16) -> Self {
                match code {
                    #(#codes => Self::#idents,)*
                    other => Self::#unknown(other),
                }
            }

            fn reason_code(&self) -> u8 {
                match self {
                    #(Self::#idents => #reasons,)*
                    // Not in the spec: success or implementation-specific error, by kind.
                    Self::#unknown(code) => {
                        if ::core::matches!(Self::LAYOUT.kind(*code), ::core::option::Option::Some(#rt::StatusKind::Success)) { 0 } else { 131 }
                    }
                }
            }

            fn name(&self) -> &'static str {
                match self {
                    #(Self::#idents => #names,)*
                    Self::#unknown(_) => "Unknown",
                }
            }

            fn is_known(&self) -> bool {
                !matches!(self, Self::#unknown(_))
            }
        }

        impl ::core::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                match self {
                    #(Self::#idents => f.write_str(#names),)*
                    Self::#unknown(_) => ::core::write!(f, "unknown status {}", <Self as #rt::StatusCode>::to_text(self)),
                }
            }
        }

        impl ::iothub_client::wire::WireValue for #ident {
            const TYPE_NAME: &'static str = "status";

            fn to_wire(&self) -> ::std::string::String {
                <Self as #rt::StatusCode>::to_text(self)
            }

            fn from_wire(text: &str) -> ::core::option::Option<Self> {
                <Self as #rt::StatusCode>::from_text(text).ok()
            }
        }

        impl ::core::str::FromStr for #ident {
            type Err = ::iothub_client::Error;

            fn from_str(text: &str) -> ::core::result::Result<Self, Self::Err> {
                <Self as #rt::StatusCode>::from_text(text)
            }
        }
    })
}
