//! The generated operation layer of the device client: `Client` (a typed
//! wrapper of the runtime's `Session`) with one method per client-to-server
//! operation, and per server-to-client operation a `Receiver` of typed
//! `Received` messages or `Call`s in the operation's module, over the
//! generic runtime of `iothub-client` (`Session::exchange`,
//! `Session::send_acknowledged`, `runtime::{Messages, Calls, Received,
//! Call}`). The output is crate-agnostic (only `::iothub_client` paths and
//! its own types), so it compiles wherever the runtime is a dependency.
//! Adding an operation to the spec adds its method.
//!
//! - client-to-server request–response: `async fn op(..)` (and
//!   `op_within(.., timeout)`) returning the operation's outcome;
//! - client-to-server message–acknowledgement: `async fn op(..)` resolving at
//!   the PUBACK's outcome, `op_within`, and `op_unacknowledged` (QoS 0);
//! - client-to-server message: `async fn op(..)`;
//! - server-to-client operations: a field of `Receivers`, the value
//!   `Client::connect` returns beside the client (a stream of messages
//!   settled by `complete()` or one method per alternative, or a stream of
//!   calls answered by `respond(..)` or one method per alternative).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::names;
use crate::ir::PayloadContent;
use crate::ir::{Api, Direction, Interaction, Operation};

/// Where every generated client item lives, from the crate's root.
fn rt() -> TokenStream {
    quote!(::iothub_client)
}

fn content(api: &Api, schema: &str) -> PayloadContent {
    api.schema(schema)
        .map_or(PayloadContent::Bytes, |s| s.content)
}

/// The parameter a payload of `schema` takes, and the expression giving its
/// bytes (`?` applies: JSON may fail).
fn payload_param(api: &Api, schema: &str) -> (TokenStream, TokenStream) {
    let rt = rt();
    match content(api, schema) {
        PayloadContent::Empty => (quote!(), quote!(#rt::bytes::Bytes::new())),
        PayloadContent::Bytes => (
            quote!(payload: impl ::core::convert::Into<#rt::bytes::Bytes>,),
            quote!(payload.into()),
        ),
        PayloadContent::Json => (
            quote!(payload: &(impl #rt::serde::Serialize + ?::core::marker::Sized),),
            quote!(#rt::runtime::to_json(payload)?),
        ),
    }
}

/// The operation's alternative type: its own enum, or the API's `Status`
/// when it has none.
fn alternative(op: &Operation, module: &syn::Ident) -> TokenStream {
    if op.alternatives.is_empty() {
        quote!(Status)
    } else {
        quote!(#module::Alternative)
    }
}

/// The parameter and value of the first message: none when it has no
/// properties (its `Default` is sent).
fn first_param(op: &Operation, module: &syn::Ident, ty: &str) -> (TokenStream, TokenStream) {
    let ty = format_ident!("{ty}");
    if op.first.properties.is_empty() && !op.first.application_properties {
        (quote!(), quote!(&#module::#ty::default()))
    } else {
        let param = format_ident!(
            "{}",
            if ty == "Request" {
                "request"
            } else {
                "message"
            }
        );
        (quote!(#param: #module::#ty,), quote!(&#param))
    }
}

/// The argument names a method forwards to its `_within` form.
fn forward(op: &Operation, api: &Api) -> TokenStream {
    let first = (!op.first.properties.is_empty() || op.first.application_properties).then(|| {
        if op.interaction == Interaction::RequestResponse {
            quote!(request,)
        } else {
            quote!(message,)
        }
    });
    let payload =
        (content(api, &op.first.payload) != PayloadContent::Empty).then(|| quote!(payload,));
    quote!(#first #payload)
}

/// The methods of a client-to-server operation.
fn c2s_methods(api: &Api, op: &Operation) -> syn::Result<TokenStream> {
    let rt = rt();
    let module = names::module(&op.name)?;
    let method = names::field(&op.name)?;
    let bare = method.to_string().trim_start_matches("r#").to_owned();
    let within = format_ident!("{bare}_within");
    let title = &op.title;
    let summary = op.summary.trim_end_matches('.');
    let alternative = alternative(op, &module);
    let (payload_param, payload) = payload_param(api, &op.first.payload);
    let forward = forward(op, api);
    let timeout =
        quote!(timeout: impl ::core::convert::Into<::core::option::Option<::std::time::Duration>>);
    let topic = quote!(::std::string::String::from(#module::TOPIC));
    match op.interaction {
        Interaction::RequestResponse => {
            let (request_param, request) = first_param(op, &module, "Request");
            let empty_response = op
                .success
                .as_ref()
                .is_none_or(|m| content(api, &m.payload) == PayloadContent::Empty);
            let (ret, map) = if empty_response {
                (
                    quote!(#rt::operation::Outcome<#module::Response, #alternative>),
                    quote!(.map(|outcome| outcome.map(|reply| reply.message))),
                )
            } else {
                (
                    quote!(#rt::operation::Outcome<#rt::runtime::Reply<#module::Response>, #alternative>),
                    quote!(),
                )
            };
            let doc = names::doc(&format!(
                "{title}: {summary}. Sends the request and waits for the response \
                 (within the client's request timeout); the outcome is the success \
                 response or one of the operation's alternatives."
            ));
            let doc_within = names::doc(&format!(
                "{title}, waiting at most `timeout` (`None`: the client's request timeout) for the response."
            ));
            Ok(quote! {
                #[doc = #doc]
                pub async fn #method(&self, #request_param #payload_param) -> ::core::result::Result<#ret, #rt::Error> {
                    self.#within(#forward ::core::option::Option::None).await
                }
                #[doc = #doc_within]
                pub async fn #within(&self, #request_param #payload_param #timeout) -> ::core::result::Result<#ret, #rt::Error> {
                    let payload = #payload;
                    self.session.exchange::<_, #module::Response, #alternative>(#topic, #request, payload, timeout.into())
                        .await #map
                }
            })
        }
        Interaction::MessageAck => {
            let (message_param, message) = first_param(op, &module, "Message");
            let unacknowledged = format_ident!("{bare}_unacknowledged");
            let doc = names::doc(&format!(
                "{title}: {summary}. Sends the message at QoS {} and resolves at the \
                 hub's PUBACK: the success acknowledgement or one of the operation's \
                 alternatives. A message in flight when the connection drops is sent \
                 again until acknowledged.",
                op.qos
            ));
            let doc_within = names::doc(&format!(
                "{title}, waiting at most `timeout` (`None`: the client's request timeout) for the PUBACK."
            ));
            let doc_unacknowledged = names::doc(&format!(
                "{title} at QoS 0: no acknowledgement; resolves once written to the connection."
            ));
            let ack = if op.success.is_some() {
                quote!(#module::Ack)
            } else {
                quote!(#rt::operation::NoMessage)
            };
            Ok(quote! {
                #[doc = #doc]
                pub async fn #method(&self, #message_param #payload_param) -> ::core::result::Result<#rt::operation::Outcome<#ack, #alternative>, #rt::Error> {
                    self.#within(#forward ::core::option::Option::None).await
                }
                #[doc = #doc_within]
                pub async fn #within(&self, #message_param #payload_param #timeout) -> ::core::result::Result<#rt::operation::Outcome<#ack, #alternative>, #rt::Error> {
                    let payload = #payload;
                    self.session.send_acknowledged::<_, #ack, #alternative>(#topic, #message, payload, timeout.into())
                        .await
                }
                #[doc = #doc_unacknowledged]
                pub async fn #unacknowledged(&self, #message_param #payload_param) -> ::core::result::Result<(), #rt::Error> {
                    let payload = #payload;
                    self.session.publish(#topic, #rt::wire::MqttProperties::to_properties(#message), payload, ::core::option::Option::None)
                        .await
                }
            })
        }
        Interaction::Message => {
            let (message_param, message) = first_param(op, &module, "Message");
            let doc = names::doc(&format!(
                "{title}: {summary}. Sends the message (QoS 0); resolves once written to the connection."
            ));
            Ok(quote! {
                #[doc = #doc]
                pub async fn #method(&self, #message_param #payload_param) -> ::core::result::Result<(), #rt::Error> {
                    let payload = #payload;
                    self.session.publish(#topic, #rt::wire::MqttProperties::to_properties(#message), payload, ::core::option::Option::None)
                        .await
                }
            })
        }
    }
}

/// A server-to-client operation's place in `Receivers`: the field and how
/// `connect` makes it.
struct Receiver {
    field: syn::Ident,
    doc: String,
    ty: TokenStream,
    route: TokenStream,
    make: TokenStream,
    /// Starts its snapshot task, after the session (see `snapshot`).
    after_start: TokenStream,
}

/// The snapshot task of `op`, if its spec names one: after every
/// connection the session calls the snapshot's operation and the state it
/// answers is delivered on `op`'s receiver. Two pieces: taking a sender into
/// the route (before the subscriptions move into the session) and starting
/// the task (after).
fn snapshot(api: &Api, op: &Operation) -> syn::Result<(TokenStream, TokenStream)> {
    let Some(snapshot) = &op.snapshot else {
        return Ok((quote!(), quote!()));
    };
    let rt = rt();
    let module = names::module(&op.name)?;
    let Some(fetch) = api.operations.iter().find(|o| o.name == snapshot.operation) else {
        return Err(syn::Error::new(
            proc_macro2::Span::call_site(),
            format!(
                "snapshot operation `{}` is not defined, but validation let it through (a bug in iothub-codegen)",
                snapshot.operation
            ),
        ));
    };
    let fetch_module = names::module(&fetch.name)?;
    let fetch_alternative = alternative(fetch, &fetch_module);
    let member = &snapshot.member;
    let pairs = snapshot
        .properties
        .iter()
        .map(|(name, from)| quote!((#name, #from)));
    let filter = if op.topic.parameters().next().is_some() {
        quote!(#module::TOPIC_FILTER)
    } else {
        quote!(#module::TOPIC)
    };
    let sender = format_ident!(
        "__{}_snapshots",
        module.to_string().trim_start_matches("r#")
    );
    let overflow = format_ident!("__{}_overflow", module.to_string().trim_start_matches("r#"));
    let take = quote! {
        let #sender = __subscriptions.injector(#filter);
        let #overflow = __subscriptions.overflow_signal(#filter);
    };
    let start = quote! {
        if let ::core::option::Option::Some(#sender) = #sender {
            #rt::runtime::spawn_snapshots(&__session, #sender, #overflow, #module::TOPIC, |session| async move {
                let outcome = session
                    .exchange::<_, #fetch_module::Response, #fetch_alternative>(
                        ::std::string::String::from(#fetch_module::TOPIC),
                        &#fetch_module::Request::default(),
                        #rt::bytes::Bytes::new(),
                        ::core::option::Option::None,
                    )
                    .await?;
                match outcome {
                    #rt::operation::Outcome::Success(reply) => {
                        #rt::runtime::snapshot_of(&reply.payload, #member, &[#(#pairs),*])
                    }
                    #rt::operation::Outcome::Alternative { status, reason, .. } => {
                        ::core::result::Result::Err(#rt::Error::Rejected {
                            status: #rt::status::StatusCode::to_text(&status),
                            reason,
                        })
                    }
                }
            });
        }
    };
    Ok((take, start))
}

fn s2c_receiver(api: &Api, op: &Operation) -> syn::Result<Receiver> {
    let (take_snapshot_sender, start_snapshots) = snapshot(api, op)?;
    let rt = rt();
    let module = names::module(&op.name)?;
    let descriptor = names::type_(&op.name)?;
    let field = names::field(&op.name)?;
    let title = &op.title;
    let filter = if op.topic.parameters().next().is_some() {
        quote!(#module::TOPIC_FILTER)
    } else {
        quote!(#module::TOPIC)
    };
    let qos = proc_macro2::Literal::u8_unsuffixed(op.qos);
    let summary = op.summary.trim_end_matches('.');
    match op.interaction {
        Interaction::MessageAck | Interaction::Message => {
            let (on_drop, on_invalid) = if op.alternatives.is_empty() {
                (
                    quote!(#rt::runtime::Settlement::success()),
                    quote!(#rt::runtime::Settlement::success()),
                )
            } else {
                (
                    quote!(#rt::runtime::default_settlement::<#module::#descriptor>()),
                    quote!(#rt::runtime::invalid_settlement::<#module::#descriptor>()),
                )
            };
            let capacity = if op.interaction == Interaction::MessageAck && op.qos > 0 {
                // Room for a connection's worth and the leftovers of the one
                // before (skipped by the receiver).
                quote!(2 * usize::from(#rt::runtime::CLIENT_RECEIVE_MAXIMUM))
            } else {
                quote!(RECEIVER_CAPACITY)
            };
            let doc = names::doc(&format!("{title}: {summary}."));
            Ok(Receiver {
                field: field.clone(),
                doc,
                ty: quote!(#module::Receiver),
                route: quote! {
                    let #field = __subscriptions.route(#filter, #qos, #capacity, #on_drop);
                    #take_snapshot_sender
                },
                make: quote!(#field: #module::Receiver(#rt::runtime::Messages::new(#field, #on_invalid)),),
                after_start: start_snapshots,
            })
        }
        Interaction::RequestResponse => {
            let on_drop = match op.alternatives.first() {
                Some(a) => {
                    let variant = names::type_(&a.name)?;
                    quote!(::core::option::Option::Some(#module::Alternative::#variant))
                }
                None => quote!(::core::option::Option::None),
            };
            let doc = names::doc(&format!("{title}: {summary}."));
            Ok(Receiver {
                field: field.clone(),
                doc,
                ty: quote!(#module::Receiver),
                route: quote! {
                    let #field = __subscriptions.route(
                        #filter, #qos, RECEIVER_CAPACITY, #rt::runtime::Settlement::success(),
                    );
                },
                make: quote!(#field: #module::Receiver(#rt::runtime::Calls::new(#field, &__session, #on_drop)),),
                after_start: start_snapshots,
            })
        }
    }
}

/// The client-layer items of a server-to-client operation's module: its
/// `Receiver` and its `Received` message or `Call`, with one method per
/// alternative. Nothing for a client-to-server operation.
pub fn module_items(api: &Api, op: &Operation) -> syn::Result<TokenStream> {
    if op.direction != Direction::S2c {
        return Ok(quote!());
    }
    let rt = rt();
    let layout = &api.connection.status_layout;
    let title = &op.title;
    let alternative = if op.alternatives.is_empty() {
        quote!(super::Status)
    } else {
        quote!(Alternative)
    };
    let alternatives = op
        .alternatives
        .iter()
        .map(|a| Ok((names::field(&a.name)?, names::type_(&a.name)?, a)))
        .collect::<syn::Result<Vec<_>>>()?;
    match op.interaction {
        Interaction::MessageAck | Interaction::Message => {
            let inner = quote!(#rt::runtime::Received<Message, #alternative>);
            let settles = op.interaction == Interaction::MessageAck;
            let settle = alternatives.iter().map(|(method, variant, a)| {
                let doc = names::doc(&format!(
                    "Settles it as {} (`{}`, reason code {}): {}",
                    a.title,
                    layout.format(a.status.code),
                    a.reason_code,
                    a.description
                ));
                quote! {
                    #[doc = #doc]
                    pub fn #method(self) {
                        self.0.settle(Alternative::#variant)
                    }
                }
            });
            let complete = settles.then(|| {
                quote! {
                    /// Settles it with success (a success PUBACK).
                    pub fn complete(self) {
                        self.0.complete()
                    }
                }
            });
            let doc_received = names::doc(&format!(
                "A message of {title}{}. Its fields are those of `runtime::Received` (`message`, `payload`, `topic`).",
                if settles {
                    ": settle it once with `complete()` or an alternative; dropped unsettled, it is settled with the operation's default"
                } else {
                    ""
                }
            ));
            let doc_receiver = names::doc(&format!("The messages of {title}, in arrival order."));
            Ok(quote! {
                #[doc = #doc_received]
                #[derive(Debug)]
                pub struct Received(pub #inner);

                impl ::core::ops::Deref for Received {
                    type Target = #inner;
                    fn deref(&self) -> &Self::Target {
                        &self.0
                    }
                }

                impl Received {
                    #complete
                    #(#settle)*
                }

                #[doc = #doc_receiver]
                #[derive(Debug)]
                pub struct Receiver(pub #rt::runtime::Messages<Message, #alternative>);

                impl Receiver {
                    /// The next message; `None` once the client has closed; an
                    /// error item for a message whose properties do not decode.
                    pub async fn recv(&mut self) -> ::core::option::Option<::core::result::Result<Received, #rt::Error>> {
                        self.0.recv().await.map(|r| r.map(Received))
                    }
                }
            })
        }
        Interaction::RequestResponse => {
            let inner = quote!(#rt::runtime::Call<Request, Response, #alternative>);
            let answer = alternatives.iter().map(|(method, variant, a)| {
                let doc = names::doc(&format!(
                    "Answers with {} (`{}`): {}",
                    a.title,
                    layout.format(a.status.code),
                    a.description
                ));
                quote! {
                    #[doc = #doc]
                    pub async fn #method(self) -> ::core::result::Result<(), #rt::Error> {
                        self.0.respond_alternative(Alternative::#variant).await
                    }
                }
            });
            let params = op.topic.parameters().next().is_some().then(|| {
                quote! {
                    /// The topic's path parameters.
                    pub fn params(&self) -> ::core::option::Option<TopicParams<'_>> {
                        match_topic(&self.0.topic)
                    }
                }
            });
            let doc_call = names::doc(&format!(
                "A call of {title}: answer it once with `respond(..)`{}; dropped unanswered, it is {}. Its fields are those of `runtime::Call` (`request`, `payload`, `topic`).",
                if alternatives.is_empty() { "" } else { " or an alternative" },
                match op.alternatives.first() {
                    Some(a) => format!("answered as {}", a.title),
                    None => "not answered".to_owned(),
                }
            ));
            let doc_receiver = names::doc(&format!("The calls of {title}, in arrival order."));
            Ok(quote! {
                #[doc = #doc_call]
                #[derive(Debug)]
                pub struct Call(pub #inner);

                impl ::core::ops::Deref for Call {
                    type Target = #inner;
                    fn deref(&self) -> &Self::Target {
                        &self.0
                    }
                }

                impl Call {
                    #params
                    /// Answers with the success response and `payload`.
                    pub async fn respond(self, response: Response, payload: impl ::core::convert::Into<#rt::bytes::Bytes>) -> ::core::result::Result<(), #rt::Error> {
                        self.0.respond(response, payload).await
                    }
                    #(#answer)*
                }

                #[doc = #doc_receiver]
                #[derive(Debug)]
                pub struct Receiver(pub #rt::runtime::Calls<Request, Response, #alternative>);

                impl Receiver {
                    /// The next call; `None` once the client has closed; an error
                    /// item for a call whose properties do not decode (it is
                    /// answered with the default).
                    pub async fn recv(&mut self) -> ::core::option::Option<::core::result::Result<Call, #rt::Error>> {
                        self.0.recv().await.map(|r| r.map(Call))
                    }
                }
            })
        }
    }
}

/// `Client`, `Receivers` and `RECEIVER_CAPACITY`.
pub fn tokens(api: &Api) -> syn::Result<TokenStream> {
    let rt = rt();
    let methods = api
        .operations
        .iter()
        .filter(|op| op.direction == Direction::C2s)
        .map(|op| c2s_methods(api, op))
        .collect::<syn::Result<Vec<_>>>()?;
    let receivers = api
        .operations
        .iter()
        .filter(|op| op.direction == Direction::S2c)
        .map(|op| s2c_receiver(api, op))
        .collect::<syn::Result<Vec<_>>>()?;
    let fields = receivers.iter().map(|r| {
        let (field, ty, doc) = (&r.field, &r.ty, &r.doc);
        quote!(#[doc = #doc] pub #field: #ty,)
    });
    let routes = receivers.iter().map(|r| &r.route);
    let makes = receivers.iter().map(|r| &r.make);
    let starts = receivers.iter().map(|r| &r.after_start);
    Ok(quote! {
        /// How many messages of a QoS 0 server-to-client operation wait for
        /// the application before more are dropped.
        pub const RECEIVER_CAPACITY: usize = 64;

        /// The receivers of every server-to-client operation, made before the
        /// client connects (so nothing the hub sends finds no receiver).
        /// Dropping one leaves its messages to their default: a message to
        /// settle is settled with its operation's default, a call is answered
        /// with its operation's first alternative.
        #[derive(Debug)]
        pub struct Receivers {
            #(#fields)*
        }

        /// A device's client: every client-to-server operation of the API as
        /// a typed method (cheap to clone; clones share the connection). It
        /// dereferences to the runtime's `Session` (connection state,
        /// `wait_connected`, `disconnect`, the generic exchanges).
        #[derive(Debug, Clone)]
        pub struct Client {
            session: #rt::runtime::Session,
        }

        impl ::core::ops::Deref for Client {
            type Target = #rt::runtime::Session;
            fn deref(&self) -> &Self::Target {
                &self.session
            }
        }

        impl Client {
            /// Starts a client subscribed to every server-to-client operation,
            /// and returns it with their receivers. It connects in the
            /// background (see `Session::wait_connected`) and keeps
            /// reconnecting until it is dropped or `disconnect`ed.
            pub fn connect(options: #rt::ClientOptions) -> ::core::result::Result<(Self, Receivers), #rt::Error> {
                let mut __subscriptions = #rt::runtime::Subscriptions::new();
                #(#routes)*
                let __session = #rt::runtime::Session::start(options, __subscriptions)?;
                #(#starts)*
                let __receivers = Receivers { #(#makes)* };
                ::core::result::Result::Ok((Self { session: __session }, __receivers))
            }

            /// The runtime session under this client.
            pub fn session(&self) -> &#rt::runtime::Session {
                &self.session
            }

            #(#methods)*
        }
    })
}
