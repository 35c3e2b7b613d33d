//! `#[derive(MqttProperties)]`.

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, LitStr};

use crate::attr::{is_named, is_user_property_list, option_inner};

enum Kind {
    User(LitStr),
    ContentType,
    CorrelationData,
    Application,
    Other,
}

struct Field<'a> {
    ident: &'a syn::Ident,
    ty: &'a syn::Type,
    kind: Kind,
}

fn field_kind(field: &syn::Field) -> syn::Result<Kind> {
    let mut kind = None;
    let mut last_attr = None;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("mqtt")) {
        last_attr = Some(attr);
        attr.parse_nested_meta(|meta| {
            if kind.is_some() {
                return Err(meta.error("a field maps to one property: give `#[mqtt(...)]` one key"));
            }
            if meta.path.is_ident("user") {
                if !meta.input.peek(syn::Token![=]) {
                    return Err(meta.error("`user` needs the property's wire name: `user = \"name\"`"));
                }
                let name: LitStr = meta.value()?.parse()?;
                let value = name.value();
                if value.is_empty() {
                    return Err(syn::Error::new(name.span(), "a user property name cannot be empty"));
                }
                if value.starts_with('@') {
                    return Err(syn::Error::new(
                        name.span(),
                        "`@` names are application properties: use `#[mqtt(application)]` on an `ApplicationProperties` field",
                    ));
                }
                kind = Some(Kind::User(name));
            } else if meta.path.is_ident("content_type") {
                kind = Some(Kind::ContentType);
            } else if meta.path.is_ident("correlation_data") {
                kind = Some(Kind::CorrelationData);
            } else if meta.path.is_ident("application") {
                kind = Some(Kind::Application);
            } else if meta.path.is_ident("other") {
                kind = Some(Kind::Other);
            } else {
                return Err(meta.error(
                    "unknown key: expected `user = \"name\"`, `content_type`, `correlation_data`, `application` or `other`",
                ));
            }
            Ok(())
        })?;
    }
    match (kind, last_attr) {
        (Some(kind), _) => Ok(kind),
        (None, Some(attr)) => Err(syn::Error::new_spanned(
            attr,
            "`#[mqtt(...)]` needs a key: `user = \"name\"`, `content_type`, `correlation_data`, `application` or `other`",
        )),
        // At the field's name, not at its first token (which may be a doc comment).
        (None, None) => Err(syn::Error::new(
            field.ident.as_ref().map_or_else(|| field.span(), syn::Ident::span),
            "every field needs `#[mqtt(user = \"name\")]`, `#[mqtt(content_type)]`, `#[mqtt(correlation_data)]`, `#[mqtt(application)]` or `#[mqtt(other)]`",
        )),
    }
}

/// The struct-level `#[mqtt(validate = path)]`: a `fn(&Self) -> Result<(),
/// iothub_client::Error>` run after a message is read.
fn validate_hook(input: &DeriveInput) -> syn::Result<Option<syn::Path>> {
    let mut hook = None;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("mqtt")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("validate") {
                if hook.is_some() {
                    return Err(meta.error("`validate` is given twice"));
                }
                hook = Some(meta.value()?.parse::<syn::Path>()?);
                Ok(())
            } else {
                Err(meta.error("unknown key: the struct takes `validate = path::to::check`"))
            }
        })?;
    }
    Ok(hook)
}

pub fn derive(input: &DeriveInput) -> syn::Result<TokenStream> {
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new(
            input.ident.span(),
            "MqttProperties can only be derived for structs",
        ));
    };
    let named = match &data.fields {
        Fields::Named(named) => &named.named,
        Fields::Unit => {
            return Err(syn::Error::new(
                input.ident.span(),
                "MqttProperties needs named fields",
            ))
        }
        Fields::Unnamed(f) => {
            return Err(syn::Error::new(
                f.span(),
                "MqttProperties needs named fields, not a tuple struct",
            ))
        }
    };

    let mut fields = Vec::new();
    let mut errors: Option<syn::Error> = None;
    let mut push_error = |e: syn::Error| match &mut errors {
        Some(all) => all.combine(e),
        None => errors = Some(e),
    };
    for field in named {
        match field_kind(field) {
            Ok(kind) => fields.push(Field {
                ident: match field.ident.as_ref() {
                    Some(ident) => ident,
                    None => {
                        push_error(syn::Error::new(
                            field.span(),
                            "MqttProperties needs named fields",
                        ));
                        continue;
                    }
                },
                ty: &field.ty,
                kind,
            }),
            Err(e) => push_error(e),
        }
    }

    // One of each first-class kind; unique user names; right types.
    let mut names: Vec<&LitStr> = Vec::new();
    let (mut content, mut correlation, mut application, mut other) = (0, 0, 0, 0);
    for f in &fields {
        match &f.kind {
            Kind::User(name) => {
                if names.iter().any(|n| n.value() == name.value()) {
                    push_error(syn::Error::new(
                        name.span(),
                        format!("user property `{}` is mapped twice", name.value()),
                    ));
                }
                names.push(name);
            }
            Kind::ContentType => {
                content += 1;
                let inner = option_inner(f.ty).unwrap_or(f.ty);
                if !is_named(inner, "String") {
                    push_error(syn::Error::new_spanned(
                        f.ty,
                        "Content Type is a `String` or `Option<String>`",
                    ));
                }
                if content > 1 {
                    push_error(syn::Error::new(
                        f.ident.span(),
                        "only one field can be the Content Type",
                    ));
                }
            }
            Kind::CorrelationData => {
                correlation += 1;
                let inner = option_inner(f.ty).unwrap_or(f.ty);
                if !is_named(inner, "Bytes") {
                    push_error(syn::Error::new_spanned(
                        f.ty,
                        "Correlation Data is `Bytes` or `Option<Bytes>`",
                    ));
                }
                if correlation > 1 {
                    push_error(syn::Error::new(
                        f.ident.span(),
                        "only one field can be the Correlation Data",
                    ));
                }
            }
            Kind::Application => {
                application += 1;
                if !is_named(f.ty, "ApplicationProperties") {
                    push_error(syn::Error::new_spanned(
                        f.ty,
                        "application properties are an `ApplicationProperties` field",
                    ));
                }
                if application > 1 {
                    push_error(syn::Error::new(
                        f.ident.span(),
                        "only one field can hold the application properties",
                    ));
                }
            }
            Kind::Other => {
                other += 1;
                if !is_user_property_list(f.ty) {
                    push_error(syn::Error::new_spanned(
                        f.ty,
                        "the properties a message does not define are a `Vec<(String, String)>` field",
                    ));
                }
                if other > 1 {
                    push_error(syn::Error::new(
                        f.ident.span(),
                        "only one field can hold the other properties",
                    ));
                }
            }
        }
    }
    let validate = match validate_hook(input) {
        Ok(hook) => hook,
        Err(e) => {
            push_error(e);
            None
        }
    };
    if let Some(e) = errors {
        return Err(e);
    }

    let rt = quote!(::iothub_client::wire);
    let encode = fields.iter().map(|f| {
        let ident = f.ident;
        let inner = option_inner(f.ty);
        let optional = inner.is_some();
        // Qualified by the field's type, so a type that is not a wire value is
        // reported at the type like the other uses, not at the derive.
        let value_ty = inner.unwrap_or(f.ty);
        match (&f.kind, optional) {
            (Kind::User(name), false) => quote! {
                properties.user.push((#name.to_owned(), <#value_ty as #rt::WireValue>::to_wire(&self.#ident)));
            },
            (Kind::User(name), true) => quote! {
                if let ::core::option::Option::Some(value) = &self.#ident {
                    properties.user.push((#name.to_owned(), <#value_ty as #rt::WireValue>::to_wire(value)));
                }
            },
            (Kind::ContentType, false) => quote! { properties.content_type = ::core::option::Option::Some(self.#ident.clone()); },
            (Kind::ContentType, true) => quote! { properties.content_type = self.#ident.clone(); },
            (Kind::CorrelationData, false) => quote! { properties.correlation_data = ::core::option::Option::Some(self.#ident.clone()); },
            (Kind::CorrelationData, true) => quote! { properties.correlation_data = self.#ident.clone(); },
            (Kind::Application, _) => quote! { self.#ident.write_to(&mut properties.user); },
            (Kind::Other, _) => quote! { properties.user.extend(self.#ident.iter().cloned()); },
        }
    });
    let has_application = application > 0;
    let decode = fields.iter().map(|f| {
        let ident = f.ident;
        let inner = option_inner(f.ty);
        match (&f.kind, inner) {
            (Kind::User(name), None) => {
                let ty = f.ty;
                quote! { #ident: #rt::derive_support::required::<#ty>(properties, #name)? }
            }
            (Kind::User(name), Some(ty)) => quote! { #ident: #rt::derive_support::optional::<#ty>(properties, #name)? },
            (Kind::ContentType, Some(_)) => quote! { #ident: properties.content_type.clone() },
            (Kind::ContentType, None) => quote! {
                #ident: properties.content_type.clone().ok_or(::iothub_client::Error::MissingProperty { name: "Content Type" })?
            },
            (Kind::CorrelationData, Some(_)) => quote! { #ident: properties.correlation_data.clone() },
            (Kind::CorrelationData, None) => quote! {
                #ident: properties.correlation_data.clone().ok_or(::iothub_client::Error::MissingProperty { name: "Correlation Data" })?
            },
            (Kind::Application, _) => quote! { #ident: #rt::ApplicationProperties::read_from(&properties.user) },
            (Kind::Other, _) => quote! {
                #ident: #rt::derive_support::other(properties, Self::USER_PROPERTIES, #has_application)
            },
        }
    });
    let infos = fields.iter().filter_map(|f| {
        let required = option_inner(f.ty).is_none();
        let value_ty = option_inner(f.ty).unwrap_or(f.ty);
        Some(match &f.kind {
            Kind::User(name) => quote! {
                #rt::PropertyInfo {
                    name: #name,
                    type_name: <#value_ty as #rt::WireValue>::TYPE_NAME,
                    required: #required,
                    kind: #rt::PropertyKind::User,
                }
            },
            Kind::ContentType => quote! {
                #rt::PropertyInfo { name: "Content Type", type_name: "string", required: #required, kind: #rt::PropertyKind::ContentType }
            },
            Kind::CorrelationData => quote! {
                #rt::PropertyInfo { name: "Correlation Data", type_name: "bytes", required: #required, kind: #rt::PropertyKind::CorrelationData }
            },
            Kind::Application | Kind::Other => return None,
        })
    });
    let keeps_other = other > 0;
    let strict = (other == 0).then(|| {
        quote! { #rt::derive_support::check_unknown(properties, Self::USER_PROPERTIES, #has_application)?; }
    });
    let validate = validate.map(|hook| quote! { #hook(&message)?; });
    let name = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    Ok(quote! {
        impl #impl_generics #rt::MqttProperties for #name #ty_generics #where_clause {
            const USER_PROPERTIES: &'static [&'static str] = &[#(#names),*];
            const PROPERTIES: &'static [#rt::PropertyInfo] = &[#(#infos),*];
            const APPLICATION_PROPERTIES: bool = #has_application;
            const KEEPS_OTHER: bool = #keeps_other;

            fn to_properties(&self) -> #rt::Properties {
                let mut properties = #rt::Properties::default();
                #(#encode)*
                properties
            }

            fn from_properties(properties: &#rt::Properties) -> ::core::result::Result<Self, ::iothub_client::Error> {
                #strict
                let message = Self { #(#decode),* };
                #validate
                ::core::result::Result::Ok(message)
            }
        }
    })
}
