//! Typed exchanges, generic over an operation's message types: what the
//! generated per-operation methods and streams are made of. A client-to-
//! server exchange returns the operation's [`Outcome`]; a server-to-client
//! message arrives as a [`Received`] (settled once: success or one of the
//! operation's alternatives) or a [`Call`] (answered once).

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::acks::Delivery;
use super::handle::{Session, WeakSession};
use super::routes::RouteReceiver;
use super::settlement::Settlement;
use crate::api;
use crate::operation::{Operation, Outcome};
use crate::status::StatusCode;
use crate::wire::{MqttProperties, Properties};
use crate::Error;

/// A message with its payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply<M> {
    /// The message (its properties, typed).
    pub message: M,
    /// The payload.
    pub payload: Bytes,
}

impl<M> Reply<M> {
    /// The payload as JSON, into the caller's own type.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        from_json(&self.payload)
    }
}

/// Reads a JSON payload.
pub fn from_json<T: DeserializeOwned>(payload: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(payload).map_err(|e| Error::InvalidPayload {
        problem: format!("not the expected JSON: {e}"),
    })
}

/// Writes a JSON payload.
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<Bytes, Error> {
    serde_json::to_vec(value)
        .map(Bytes::from)
        .map_err(|e| Error::InvalidPayload {
            problem: format!("cannot be written as JSON: {e}"),
        })
}

/// The settlement that sends alternative `status` (its reason code and
/// `status` property).
pub fn settlement<A: StatusCode>(status: A) -> Settlement {
    Settlement {
        reason_code: status.reason_code(),
        properties: status_properties(status),
    }
}

fn status_properties<A: StatusCode>(status: A) -> Properties {
    Properties {
        user: vec![(api::RESPONSE_PROPERTIES.status.to_owned(), status.to_text())],
        ..Properties::default()
    }
}

/// What a message of operation `O` that the application drops unsettled is
/// settled with: the first of its alternatives whose status is retryable
/// (so the hub delivers it again), else success.
pub fn default_settlement<O: Operation>() -> Settlement
where
    O::Alternative: StatusCode,
{
    O::STATUSES
        .iter()
        .map(|&code| <O::Alternative as StatusCode>::from_code(code))
        .find(|status| status.retryable())
        .map_or_else(Settlement::success, settlement)
}

/// What a message of operation `O` whose properties do not decode is
/// settled with: the first of its alternatives whose status is a
/// non-retryable client error (reject: delivering it again cannot help),
/// else its default.
pub fn invalid_settlement<O: Operation>() -> Settlement
where
    O::Alternative: StatusCode,
{
    O::STATUSES
        .iter()
        .map(|&code| <O::Alternative as StatusCode>::from_code(code))
        .find(|status| {
            status.kind() == Some(crate::status::StatusKind::ClientError) && !status.retryable()
        })
        .map_or_else(default_settlement::<O>, settlement)
}

impl Session {
    /// A client-to-server request–response exchange of an operation: the
    /// request's properties and payload out, the response's outcome back.
    pub async fn exchange<Req, Resp, A>(
        &self,
        topic: String,
        request: &Req,
        payload: Bytes,
        timeout: Option<Duration>,
    ) -> Result<Outcome<Reply<Resp>, A>, Error>
    where
        Req: MqttProperties,
        Resp: MqttProperties,
        A: StatusCode,
    {
        let response = self
            .request(topic, request.to_properties(), payload, timeout)
            .await?;
        let outcome =
            Outcome::<Resp, A>::from_response(&api::RESPONSE_PROPERTIES, &response.properties)?;
        Ok(outcome.map(|message| Reply {
            message,
            payload: response.payload,
        }))
    }

    /// A client-to-server message–acknowledgement exchange at QoS 1: the
    /// PUBACK's outcome.
    pub async fn send_acknowledged<M, Ack, A>(
        &self,
        topic: String,
        message: &M,
        payload: Bytes,
        timeout: Option<Duration>,
    ) -> Result<Outcome<Ack, A>, Error>
    where
        M: MqttProperties,
        Ack: MqttProperties,
        A: StatusCode,
    {
        let ack = self
            .publish_acknowledged(topic, message.to_properties(), payload, timeout)
            .await?;
        Outcome::from_puback(&api::RESPONSE_PROPERTIES, ack.reason_code, &ack.properties)
    }
}

/// A message the hub sent on a server-to-client operation: typed, with its
/// payload, and (for a message–acknowledgement operation at QoS 1) settled
/// once with [`Received::complete`] or [`Received::settle`]. Dropped
/// unsettled, it is settled with the operation's default (see
/// [`default_settlement`]).
pub struct Received<M, A> {
    /// The topic it came on.
    pub topic: String,
    /// The message (its properties, typed).
    pub message: M,
    /// The payload.
    pub payload: Bytes,
    /// Whether this is a snapshot of the whole state, fetched by the client
    /// after a (re)connection, rather than a message of the hub (for an
    /// operation whose spec names a snapshot; a change carries a patch, a
    /// snapshot the whole state).
    pub snapshot: bool,
    delivery: Option<Delivery>,
    alternative: PhantomData<fn() -> A>,
}

impl<M: fmt::Debug, A> fmt::Debug for Received<M, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Received")
            .field("topic", &self.topic)
            .field("message", &self.message)
            .field("payload_bytes", &self.payload.len())
            .field("snapshot", &self.snapshot)
            .field("acknowledged", &self.delivery.is_some())
            .finish()
    }
}

impl<M, A: StatusCode> Received<M, A> {
    /// The payload as JSON, into the caller's own type.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        from_json(&self.payload)
    }

    /// Settles it with success (a success PUBACK).
    pub fn complete(mut self) {
        if let Some(delivery) = self.delivery.take() {
            delivery.settle(Settlement::success());
        }
    }

    /// Settles it with alternative `status` (a PUBACK with the status's
    /// reason code and `status` property).
    pub fn settle(mut self, status: A) {
        if let Some(delivery) = self.delivery.take() {
            delivery.settle(settlement(status));
        }
    }
}

/// The stream of messages of one server-to-client message operation.
pub struct Messages<M, A> {
    receiver: RouteReceiver,
    on_invalid: Settlement,
    types: PhantomData<fn() -> (M, A)>,
}

impl<M, A> fmt::Debug for Messages<M, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Messages").finish_non_exhaustive()
    }
}

impl<M: MqttProperties, A: StatusCode> Messages<M, A> {
    /// Messages arriving on `receiver`; one whose properties do not decode
    /// is settled with `on_invalid`.
    pub fn new(receiver: RouteReceiver, on_invalid: Settlement) -> Self {
        Self {
            receiver,
            on_invalid,
            types: PhantomData,
        }
    }

    /// The next message; `None` once the client has closed. A refusal of
    /// the operation's subscription by the hub is an error item
    /// ([`Error::SubscriptionRefused`]; the next connection asks again). A
    /// message whose properties do not decode is an error item (and is settled as
    /// invalid: see [`invalid_settlement`]). A QoS 1 message of a connection
    /// that has ended is skipped: the hub delivers it again.
    pub async fn recv(&mut self) -> Option<Result<Received<M, A>, Error>> {
        let incoming = loop {
            let incoming = match self.receiver.recv().await? {
                Ok(incoming) => incoming,
                Err(refused) => return Some(Err(refused)),
            };
            if incoming.delivery.as_ref().is_none_or(Delivery::is_current) {
                break incoming;
            }
        };
        match M::from_properties(&incoming.properties) {
            Ok(message) => Some(Ok(Received {
                topic: incoming.topic,
                message,
                payload: incoming.payload,
                snapshot: incoming.snapshot,
                delivery: incoming.delivery,
                alternative: PhantomData,
            })),
            Err(error) => {
                if let Some(delivery) = incoming.delivery {
                    delivery.settle(self.on_invalid.clone());
                }
                Some(Err(error))
            }
        }
    }
}

/// A request of the hub on a server-to-client request–response operation:
/// answer it once with [`Call::respond`] or [`Call::respond_alternative`].
/// Dropped unanswered, it is answered with the operation's first
/// alternative, if it has one.
pub struct Call<Req, Resp, A> {
    /// The topic it came on (holding its path parameters).
    pub topic: String,
    /// The request (its properties, typed).
    pub request: Req,
    /// The payload.
    pub payload: Bytes,
    correlation: Option<Bytes>,
    connection: u64,
    client: WeakSession,
    /// The answer sent if it is dropped unanswered.
    on_drop: Option<Properties>,
    types: PhantomData<fn() -> (Resp, A)>,
}

impl<Req: fmt::Debug, Resp, A> fmt::Debug for Call<Req, Resp, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("topic", &self.topic)
            .field("request", &self.request)
            .field("payload_bytes", &self.payload.len())
            .finish()
    }
}

impl<Req, Resp: MqttProperties, A: StatusCode> Call<Req, Resp, A> {
    /// The payload as JSON, into the caller's own type.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        from_json(&self.payload)
    }

    /// Sends the answer (once: the default on drop is off from here).
    async fn answer(mut self, properties: Properties, payload: Bytes) -> Result<(), Error> {
        self.on_drop = None;
        let correlation = self.correlation.take().ok_or(Error::Closed)?;
        let session = self.client.upgrade().ok_or(Error::Closed)?;
        let mut properties = properties;
        properties.correlation_data = Some(correlation);
        session
            .respond(
                self.connection,
                api::topics::RESPONSES.to_owned(),
                properties,
                payload,
            )
            .await
    }

    /// Answers with the success response and `payload`.
    pub async fn respond(self, response: Resp, payload: impl Into<Bytes>) -> Result<(), Error> {
        self.answer(response.to_properties(), payload.into()).await
    }

    /// Answers with alternative `status` (its `status` property, no payload).
    pub async fn respond_alternative(self, status: A) -> Result<(), Error> {
        self.answer(status_properties(status), Bytes::new()).await
    }
}

impl<Req, Resp, A> Drop for Call<Req, Resp, A> {
    fn drop(&mut self) {
        if let (Some(answer), Some(correlation)) = (self.on_drop.take(), self.correlation.take()) {
            answer_default(&self.client, self.connection, correlation, answer);
        }
    }
}

/// Answers a request with `answer` without waiting (from `Drop`).
fn answer_default(client: &WeakSession, connection: u64, correlation: Bytes, answer: Properties) {
    if let Some(client) = client.upgrade() {
        let mut properties = answer;
        properties.correlation_data = Some(correlation);
        client.try_respond(
            connection,
            api::topics::RESPONSES.to_owned(),
            properties,
            Bytes::new(),
        );
    }
}

/// The stream of requests of one server-to-client request–response operation.
pub struct Calls<Req, Resp, A> {
    receiver: RouteReceiver,
    client: WeakSession,
    on_drop: Option<A>,
    types: PhantomData<fn() -> (Req, Resp)>,
}

impl<Req, Resp, A> fmt::Debug for Calls<Req, Resp, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Calls").finish_non_exhaustive()
    }
}

impl<Req: MqttProperties, Resp: MqttProperties, A: StatusCode> Calls<Req, Resp, A> {
    /// Requests arriving on `receiver`, answered through `client`; one
    /// dropped unanswered, or finding the receiver full, is answered with
    /// `on_drop`.
    pub fn new(receiver: RouteReceiver, client: &Session, on_drop: Option<A>) -> Self {
        if let Some(status) = on_drop {
            // A call that finds the receiver full is answered with it at once.
            receiver.answer_when_busy(status_properties(status));
        }
        Self {
            receiver,
            client: client.downgrade(),
            on_drop,
            types: PhantomData,
        }
    }

    /// The next request; `None` once the client has closed. A request whose
    /// properties do not decode is an error item (and is answered with the
    /// default alternative). A request that arrived on a connection that
    /// has since ended is skipped: the hub no longer waits for its answer.
    pub async fn recv(&mut self) -> Option<Result<Call<Req, Resp, A>, Error>> {
        let incoming = loop {
            let incoming = match self.receiver.recv().await? {
                Ok(incoming) => incoming,
                Err(refused) => return Some(Err(refused)),
            };
            // A call of a connection that has ended: the hub no longer
            // waits for its answer, and an answer could not be sent.
            let current = self.client.upgrade().map(|s| s.current_connection());
            if current == Some(incoming.connection) {
                break incoming;
            }
            tracing::debug!(
                topic = incoming.topic,
                "a call of an ended connection is skipped"
            );
        };
        let correlation = incoming.properties.correlation_data.clone();
        match Req::from_properties(&incoming.properties) {
            Ok(request) => Some(Ok(Call {
                topic: incoming.topic,
                request,
                payload: incoming.payload,
                correlation,
                connection: incoming.connection,
                client: self.client.clone(),
                on_drop: self.on_drop.map(status_properties),
                types: PhantomData,
            })),
            Err(error) => {
                if let (Some(status), Some(correlation)) = (self.on_drop, correlation) {
                    answer_default(
                        &self.client,
                        incoming.connection,
                        correlation,
                        status_properties(status),
                    );
                }
                Some(Err(error))
            }
        }
    }
}
