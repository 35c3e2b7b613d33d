//! `#[derive(Operation)]`.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Fields, Ident, LitInt, LitStr, Type};

use syn::parse::Parse;
use syn::spanned::Spanned;

use crate::attr::int;

#[derive(Default)]
struct Args {
    name: Option<LitStr>,
    topic: Option<LitStr>,
    interaction: Option<Ident>,
    direction: Option<Ident>,
    qos: Option<(u8, proc_macro2::Span)>,
    first: Option<Type>,
    success: Option<Type>,
    alternative: Option<Type>,
    statuses: Vec<u16>,
    prefix: Option<LitStr>,
    max_qos: Option<(u8, proc_macro2::Span)>,
}

/// The arguments, and the last `#[operation]` attribute's name (where a
/// missing key is reported).
fn args(input: &DeriveInput) -> syn::Result<(Args, proc_macro2::Span)> {
    let mut a = Args::default();
    let mut found = None;
    for attr in input
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("operation"))
    {
        found = Some(attr.path().span());
        attr.parse_nested_meta(|meta| {
            let key = meta.path.get_ident().map(Ident::to_string).unwrap_or_default();
            match key.as_str() {
                "name" => a.name = Some(meta.value()?.parse()?),
                "topic" => a.topic = Some(meta.value()?.parse()?),
                "interaction" => a.interaction = Some(meta.value()?.parse()?),
                "direction" => a.direction = Some(meta.value()?.parse()?),
                "qos" => {
                    let lit: LitInt = meta.value()?.parse()?;
                    a.qos = Some((int(&lit, "QoS")?, lit.span()));
                }
                "first" => a.first = Some(meta.value()?.parse()?),
                "success" => a.success = Some(meta.value()?.parse()?),
                "alternative" => a.alternative = Some(meta.value()?.parse()?),
                "prefix" => a.prefix = Some(meta.value()?.parse()?),
                "max_qos" => {
                    let lit: LitInt = meta.value()?.parse()?;
                    a.max_qos = Some((int(&lit, "QoS")?, lit.span()));
                }
                "statuses" => {
                    let value = meta.value()?;
                    let content;
                    syn::bracketed!(content in value);
                    let list = content.parse_terminated(LitInt::parse, syn::Token![,])?;
                    for lit in list {
                        let code = int(&lit, "a status code is two bytes")?;
                        if a.statuses.contains(&code) {
                            return Err(syn::Error::new(lit.span(), format!("status {code:#06x} is listed twice")));
                        }
                        a.statuses.push(code);
                    }
                }
                _ => {
                    return Err(meta.error(
                        "unknown key: expected `name`, `topic`, `interaction`, `direction`, `qos`, `first`, `success`, `alternative`, `statuses`, `prefix` or `max_qos`",
                    ))
                }
            }
            Ok(())
        })?;
    }
    let Some(at) = found else {
        return Err(syn::Error::new(
            input.ident.span(),
            "missing `#[operation(...)]`",
        ));
    };
    Ok((a, at))
}

pub fn derive(input: &DeriveInput) -> syn::Result<TokenStream> {
    match &input.data {
        Data::Struct(s) if matches!(s.fields, Fields::Unit) => {}
        _ => {
            return Err(syn::Error::new(
                input.ident.span(),
                "Operation is derived for a unit struct (`struct GetTwin;`)",
            ))
        }
    }
    let (a, at) = args(input)?;
    let missing = |key: &str| syn::Error::new(at, format!("`#[operation(...)]` needs `{key}`"));
    let name = a.name.ok_or_else(|| missing("name = \"…\""))?;
    let topic = a.topic.ok_or_else(|| missing("topic = \"$iothub/…\""))?;
    let interaction = a
        .interaction
        .ok_or_else(|| missing("interaction = request_response | message_ack | message"))?;
    let direction = a
        .direction
        .ok_or_else(|| missing("direction = c2s | s2c"))?;
    let (qos, qos_span) = a.qos.ok_or_else(|| missing("qos = 0 | 1 | 2"))?;
    let first = a.first.ok_or_else(|| missing("first = RequestType"))?;

    // The API's rules come from its spec: the generator passes its topic
    // prefix and maximum QoS; the derive itself knows only MQTT's.
    if let Some(prefix) = &a.prefix {
        if !topic.value().starts_with(&prefix.value()) {
            return Err(syn::Error::new(
                topic.span(),
                format!("topics of this API start with `{}`", prefix.value()),
            ));
        }
    }
    let (max_qos, max_span) = a.max_qos.unwrap_or((2, qos_span));
    if max_qos > 2 {
        return Err(syn::Error::new(max_span, "MQTT's QoS is 0, 1 or 2"));
    }
    if qos > max_qos {
        return Err(syn::Error::new(
            qos_span,
            format!("QoS is at most {max_qos}"),
        ));
    }
    if topic.value().contains(['+', '#']) {
        return Err(syn::Error::new(
            topic.span(),
            "a topic name has no wildcards; write path parameters as `{name}`",
        ));
    }
    let topic_text = topic.value();
    if topic_text.contains('\0') {
        return Err(syn::Error::new(
            topic.span(),
            "a topic name has no NUL character",
        ));
    }
    let bad_segment = topic_text.split('/').find(|segment| {
        let parameter = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}'));
        segment.is_empty()
            || parameter.is_some_and(|p| p.is_empty() || p.contains(['{', '}']))
            || (parameter.is_none() && segment.contains(['{', '}']))
    });
    if let Some(segment) = bad_segment {
        return Err(syn::Error::new(
            topic.span(),
            format!("topic segment `{segment}` is not a literal or a whole `{{name}}` parameter (and none is empty)"),
        ));
    }
    let interaction_tokens = match interaction.to_string().as_str() {
        "request_response" => quote!(RequestResponse),
        // MQTT's rule: only a QoS 1 or 2 PUBLISH is acknowledged.
        "message_ack" if qos == 0 => {
            return Err(syn::Error::new(
                qos_span,
                "a message–acknowledgement needs QoS 1 or more: a QoS 0 PUBLISH gets no PUBACK",
            ))
        }
        "message_ack" => quote!(MessageAck),
        "message" => quote!(Message),
        _ => {
            return Err(syn::Error::new(
                interaction.span(),
                "interaction is `request_response`, `message_ack` or `message`",
            ))
        }
    };
    let direction_tokens = match direction.to_string().as_str() {
        "c2s" => quote!(ClientToServer),
        "s2c" => quote!(ServerToClient),
        _ => {
            return Err(syn::Error::new(
                direction.span(),
                "direction is `c2s` or `s2c`",
            ))
        }
    };
    let filter = topic
        .value()
        .split('/')
        .map(|s| {
            if s.starts_with('{') && s.ends_with('}') {
                "+"
            } else {
                s
            }
        })
        .collect::<Vec<_>>()
        .join("/");
    let rt = quote!(::iothub_client::operation);
    let none = quote!(#rt::NoMessage);
    let success = a.success.map_or_else(|| none.clone(), |t| quote!(#t));
    let alternative = a.alternative.map_or(none, |t| quote!(#t));
    let statuses = a.statuses;
    let ident = &input.ident;
    Ok(quote! {
        impl #rt::Operation for #ident {
            const NAME: &'static str = #name;
            const TOPIC: &'static str = #topic;
            const INTERACTION: #rt::Interaction = #rt::Interaction::#interaction_tokens;
            const DIRECTION: #rt::Direction = #rt::Direction::#direction_tokens;
            const QOS: u8 = #qos;
            const STATUSES: &'static [u16] = &[#(#statuses),*];
            type First = #first;
            type Success = #success;
            type Alternative = #alternative;
        }

        impl #ident {
            /// The subscription filter of this operation's topic (`+` for each path parameter).
            pub const TOPIC_FILTER: &'static str = #filter;
        }
    })
}
