//! `#[derive(StatusCode)]`.

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, LitInt, LitStr};

use crate::attr::int;

struct Known<'a> {
    ident: &'a syn::Ident,
    code: u16,
    reason: u8,
    name: LitStr,
}

/// The overview's layout, overridable at the enum.
struct Layout {
    kind_mask: u16,
    success: u16,
    client_error: u16,
    server_error: u16,
    retryable: u16,
    /// Bits that must be zero; default: first-byte bits that are neither
    /// kind nor retryable.
    reserved: Option<u16>,
}

impl Layout {
    fn reserved(&self) -> u16 {
        self.reserved
            .unwrap_or(!(self.kind_mask | self.retryable | 0x00FF))
    }
}

fn layout(input: &DeriveInput) -> syn::Result<Layout> {
    let mut l = Layout {
        kind_mask: 0x0300,
        success: 0x0000,
        client_error: 0x0100,
        server_error: 0x0200,
        retryable: 0x0400,
        reserved: None,
    };
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("status")) {
        attr.parse_nested_meta(|meta| {
            let slot = if meta.path.is_ident("kind_mask") {
                &mut l.kind_mask
            } else if meta.path.is_ident("success") {
                &mut l.success
            } else if meta.path.is_ident("client_error") {
                &mut l.client_error
            } else if meta.path.is_ident("server_error") {
                &mut l.server_error
            } else if meta.path.is_ident("retryable") {
                &mut l.retryable
            } else if meta.path.is_ident("reserved") {
                let lit: LitInt = meta.value()?.parse()?;
                l.reserved = Some(int(&lit, "a 16-bit mask")?);
                return Ok(());
            } else {
                return Err(meta.error(
                    "unknown layout key: expected `kind_mask`, `success`, `client_error`, `server_error`, `retryable` or `reserved`",
                ));
            };
            let lit: LitInt = meta.value()?.parse()?;
            *slot = int(&lit, "a 16-bit mask")?;
            Ok(())
        })?;
    }
    Ok(l)
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
        let reserved = layout.reserved();
        if code & reserved != 0 {
            return Err(syn::Error::new(
                code_span,
                format!("status {code:#06x} sets reserved bits ({reserved:#06x} must be 0)"),
            ));
        }
        if let Some(first) = known.iter().find(|k| k.code == code) {
            return Err(syn::Error::new(
                code_span,
                format!("status {code:#06x} is already `{}`", first.ident),
            ));
        }
        known.push(Known {
            ident: &variant.ident,
            code,
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
    let reserved = layout.reserved();
    let Layout {
        kind_mask,
        success,
        client_error,
        server_error,
        retryable,
        ..
    } = layout;
    Ok(quote! {
        impl #rt::StatusCode for #ident {
            const LAYOUT: #rt::StatusLayout = #rt::StatusLayout {
                kind_mask: #kind_mask,
                success: #success,
                client_error: #client_error,
                server_error: #server_error,
                retryable_bit: #retryable,
                reserved_mask: #reserved,
            };

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
                        if Self::LAYOUT.kind(*code) == #rt::StatusKind::Success { 0 } else { 131 }
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
                    Self::#unknown(code) => ::core::write!(f, "unknown status {:04X}", code),
                }
            }
        }

        impl ::iothub_client::wire::WireValue for #ident {
            const TYPE_NAME: &'static str = "status";

            fn to_wire(&self) -> ::std::string::String {
                <Self as #rt::StatusCode>::to_text(self)
            }

            fn from_wire(text: &str) -> ::core::option::Option<Self> {
                #rt::parse_code(text)
                    .filter(|code| code & #reserved == 0)
                    .map(<Self as #rt::StatusCode>::from_code)
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
