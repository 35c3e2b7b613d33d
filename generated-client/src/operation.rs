//! Operation descriptors: what the `Operation` derive states about each
//! operation of the API (topic, interaction type, direction, QoS, message
//! types, alternative outcomes), and [`Outcome`]: a response or PUBACK
//! turned into the operation's typed result.

use crate::status::{StatusCode, StatusKind};
use crate::wire::{derive_support, MqttProperties, Properties};
use crate::Error;

/// Interaction type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Interaction {
    /// Request and response, matched by Correlation Data.
    RequestResponse,
    /// PUBLISH answered by PUBACK.
    MessageAck,
    /// PUBLISH with no acknowledgement.
    Message,
}

/// Direction of the first message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Client to server.
    ClientToServer,
    /// Server to client.
    ServerToClient,
}

/// The type of an operation's missing second message (one-way messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NoMessage;

/// An operation of the API (derive `Operation`).
pub trait Operation {
    /// Stable key (`get-twin`).
    const NAME: &'static str;
    /// Topic pattern, with `{name}` path parameters.
    const TOPIC: &'static str;
    /// Interaction type.
    const INTERACTION: Interaction;
    /// Direction of the first message.
    const DIRECTION: Direction;
    /// QoS of the first message.
    const QOS: u8;
    /// Status codes the operation may end with besides success.
    const STATUSES: &'static [u16];
    /// The request (request–response) or message.
    type First;
    /// The success response or acknowledgement ([`NoMessage`] if none).
    type Success;
    /// Its alternative outcomes ([`NoMessage`] if none).
    type Alternative;
}

/// The wire names of the properties that carry an outcome, by role (the
/// spec's `connection.response-properties`; generated as
/// `api::RESPONSE_PROPERTIES`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ResponseProperties {
    /// The status code; absent on success.
    pub status: &'static str,
    /// The trace ID, if the API has one.
    pub trace_id: Option<&'static str>,
    /// The human-readable reason, if the API has one.
    pub reason: Option<&'static str>,
}

/// How one exchange of an operation ended: its success message `S`, or one
/// of its alternative outcomes `A` with what the peer said about it.
///
/// An alternative is read like its success message: from the hub (whose
/// messages keep what they do not define) its other user properties are
/// kept in `other_properties`; from a client (read by the hub, strictly) any
/// user property but the status is an error.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use = "an alternative outcome is the hub saying no: handle it, or turn it into an error with `into_result()`"]
pub enum Outcome<S, A> {
    /// The success response or acknowledgement.
    Success(S),
    /// An alternative outcome.
    Alternative {
        /// The status (unknown codes are kept: `A::Unknown(code)`).
        status: A,
        /// The MQTT reason code: the PUBACK's, or for a response the one the
        /// spec gives the status.
        reason_code: u8,
        /// Why, if the hub said.
        reason: Option<String>,
        /// Trace ID for diagnostics, if the hub sent one.
        trace_id: Option<String>,
        /// The other user properties, in order (only from the hub).
        other_properties: Vec<(String, String)>,
    },
}

impl<S, A> Outcome<S, A> {
    /// Whether it is the success.
    pub fn is_success(&self) -> bool {
        matches!(self, Self::Success(_))
    }

    /// The same outcome with its success message mapped by `f`.
    pub fn map<T>(self, f: impl FnOnce(S) -> T) -> Outcome<T, A> {
        match self {
            Self::Success(message) => Outcome::Success(f(message)),
            Self::Alternative {
                status,
                reason_code,
                reason,
                trace_id,
                other_properties,
            } => Outcome::Alternative {
                status,
                reason_code,
                reason,
                trace_id,
                other_properties,
            },
        }
    }
}

impl<S: MqttProperties, A: StatusCode> Outcome<S, A> {
    /// The outcome of a response (request–response): with no status, or a
    /// status whose kind is success, the success message; otherwise the
    /// alternative of its status.
    pub fn from_response(
        names: &ResponseProperties,
        properties: &Properties,
    ) -> Result<Self, Error> {
        match derive_support::single(properties, names.status)? {
            None => S::from_properties(properties).map(Self::Success),
            Some(text) => {
                let status = A::from_text(text)?;
                if status.kind() == Some(StatusKind::Success) {
                    return Self::success_with_status(names, properties);
                }
                Self::alternative(names, status, status.reason_code(), properties)
            }
        }
    }

    /// The outcome of a PUBACK (message–acknowledgement): a success reason
    /// code gives the success message; an error reason code gives the
    /// alternative its `status` names, or, when the `status` is absent or
    /// unreadable, the first alternative that goes with the reason code
    /// (`Unknown` where none does; see [`StatusCode::from_reason_code`]).
    pub fn from_puback(
        names: &ResponseProperties,
        reason_code: u8,
        properties: &Properties,
    ) -> Result<Self, Error> {
        if reason_code < 0x80 {
            return Self::success_with_status(names, properties);
        }
        // The overview lets the hub leave `status` out: the reason code
        // alone then says what happened.
        let status = match derive_support::single(properties, names.status) {
            Ok(Some(text)) => A::from_text(text).unwrap_or_else(|error| {
                tracing::debug!(%error, reason_code, "a PUBACK status that does not parse; reading the reason code");
                A::from_reason_code(reason_code)
            }),
            Ok(None) | Err(_) => A::from_reason_code(reason_code),
        };
        Self::alternative(names, status, reason_code, properties)
    }

    /// The success message, from properties that may carry a success-kind
    /// status: one that does not define a status field reads them without it.
    fn success_with_status(
        names: &ResponseProperties,
        properties: &Properties,
    ) -> Result<Self, Error> {
        if S::USER_PROPERTIES.contains(&names.status) {
            return S::from_properties(properties).map(Self::Success);
        }
        let mut without = properties.clone();
        without.user.retain(|(name, _)| name != names.status);
        S::from_properties(&without).map(Self::Success)
    }

    fn alternative(
        names: &ResponseProperties,
        status: A,
        reason_code: u8,
        properties: &Properties,
    ) -> Result<Self, Error> {
        if !S::KEEPS_OTHER {
            // A client's alternative carries its status and nothing else.
            derive_support::check_unknown(properties, &[names.status], false)?;
            return Ok(Self::Alternative {
                status,
                reason_code,
                reason: None,
                trace_id: None,
                other_properties: Vec::new(),
            });
        }
        let text = |name: Option<&'static str>| -> Result<Option<String>, Error> {
            match name {
                Some(name) => Ok(derive_support::single(properties, name)?.map(str::to_owned)),
                None => Ok(None),
            }
        };
        let known: Vec<&str> = [Some(names.status), names.reason, names.trace_id]
            .into_iter()
            .flatten()
            .collect();
        Ok(Self::Alternative {
            status,
            reason_code,
            reason: text(names.reason)?,
            trace_id: text(names.trace_id)?,
            other_properties: derive_support::other(properties, &known, false),
        })
    }
}

impl<S, A: StatusCode> Outcome<S, A> {
    /// The success message, or the alternative as
    /// [`Error::Rejected`] (its status and the hub's reason): for callers
    /// that treat every alternative as a failure and use `?`.
    pub fn into_result(self) -> Result<S, Error> {
        match self {
            Self::Success(message) => Ok(message),
            Self::Alternative { status, reason, .. } => Err(Error::Rejected {
                status: status.to_text(),
                reason,
            }),
        }
    }

    /// The alternative's status, if it is one.
    pub fn status(&self) -> Option<A> {
        match self {
            Self::Success(_) => None,
            Self::Alternative { status, .. } => Some(*status),
        }
    }

    /// Whether trying again can help: an alternative whose status has the
    /// retryable bit.
    pub fn is_retryable(&self) -> bool {
        self.status().is_some_and(|s| s.retryable())
    }
}
