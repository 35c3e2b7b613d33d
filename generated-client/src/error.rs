//! The crate's error type.

use std::time::Duration;

use crate::status::StatusProblem;
#[cfg(feature = "device")]
use crate::transport::TlsError;

/// Everything that can go wrong in `iothub-client`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A required property is absent.
    #[error("required property `{name}` is missing")]
    MissingProperty {
        /// Its wire name.
        name: &'static str,
    },
    /// A property's value does not parse as its type.
    #[error("property `{name}` has value `{value}`, which is not a valid {expected}")]
    InvalidProperty {
        /// Its wire name.
        name: &'static str,
        /// The value received.
        value: String,
        /// The API type expected.
        expected: &'static str,
    },
    /// A property the message does not define and that is not an `@` application property.
    #[error("unknown property `{name}` (application properties must start with `@`)")]
    UnknownProperty {
        /// Its wire name.
        name: String,
    },
    /// A property appears more than once.
    #[error("property `{name}` appears more than once")]
    DuplicateProperty {
        /// Its wire name.
        name: &'static str,
    },
    /// A topic path parameter cannot be put into a topic.
    #[error("path parameter `{{{name}}}` = `{value}` is empty or holds `/`, `+`, `#` or NUL")]
    InvalidTopicParameter {
        /// The parameter's name.
        name: &'static str,
        /// The value given.
        value: String,
    },
    /// A status is not a valid code of the layout.
    #[error("status `{text}` {problem}")]
    InvalidStatus {
        /// The text received.
        text: String,
        /// What is wrong with it.
        problem: StatusProblem,
    },
    /// A named response was decoded from a message with another status.
    #[error("a `{expected}` response cannot carry status `{found}`")]
    UnexpectedStatus {
        /// The response's own status (text form).
        expected: String,
        /// The status the message carries (text form).
        found: String,
    },
    /// A connection string is malformed (the message names the part, never a key).
    #[error("invalid connection string: {problem}")]
    InvalidConnectionString {
        /// What is wrong.
        problem: String,
    },
    /// Credentials are unusable (the message never shows a key).
    #[error("invalid credentials: {problem}")]
    InvalidCredentials {
        /// What is wrong.
        problem: String,
    },
    /// Client options contradict each other or the API.
    #[error("invalid client options: {problem}")]
    InvalidOptions {
        /// What is wrong.
        problem: String,
    },
    /// TLS material is unusable.
    #[cfg(feature = "device")]
    #[error(transparent)]
    Tls(#[from] TlsError),
    /// The hub refused the connection (CONNACK reason code, and the `status`
    /// and `reason` it sent). Retrying with the same credentials will not help.
    #[error("the hub refused the connection: reason code 0x{reason_code:02X}{}{}", .status.as_deref().map(|s| format!(", status {s}")).unwrap_or_default(), .reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default())]
    ConnectionRefused {
        /// The CONNACK reason code.
        reason_code: u8,
        /// The `status` user property, if sent.
        status: Option<String>,
        /// The `reason` user property or Reason String, if sent.
        reason: Option<String>,
    },
    /// The connection ended while this exchange was in flight; its outcome
    /// is unknown (sending it again is safe for idempotent operations).
    #[error("the connection was lost before the hub answered: {cause}")]
    ConnectionLost {
        /// Why the connection ended.
        cause: String,
    },
    /// The client is not connected and is set to fail fast while offline.
    #[error("not connected to the hub (the client fails fast while offline)")]
    Offline,
    /// The client did not connect within the time allowed; the last
    /// attempt failed for `cause` (a refusal, a lost connection).
    #[error("not connected within {waited:?}: {cause}")]
    NotConnected {
        /// How long was waited.
        waited: Duration,
        /// Why the last connection attempt failed or the last connection ended.
        cause: String,
    },
    /// Correlation Data longer than the API allows.
    #[error("Correlation Data of {len} bytes exceeds the API's limit of {max} bytes")]
    CorrelationDataTooLong {
        /// Its length.
        len: usize,
        /// The API's limit.
        max: usize,
    },
    /// The hub refused the subscription of an operation (SUBACK reason
    /// code); its messages do not arrive until a later connection's
    /// subscription is granted.
    #[error("the hub refused the subscription to `{filter}` with reason code 0x{reason_code:02X}")]
    SubscriptionRefused {
        /// The topic filter.
        filter: &'static str,
        /// The SUBACK reason code.
        reason_code: u8,
    },
    /// No answer within the time allowed.
    #[error("no answer from the hub within {0:?}")]
    Timeout(Duration),
    /// The client was shut down (or its session ended for good).
    #[error("the client is closed")]
    Closed,
    /// A message is larger than the hub's Maximum Packet Size.
    #[error("a message of {size} bytes exceeds the hub's maximum packet size of {max} bytes")]
    TooLarge {
        /// The encoded packet's size.
        size: usize,
        /// The hub's limit.
        max: u32,
    },
    /// A payload is not what the operation's schema says (e.g. not JSON).
    #[error("invalid payload: {problem}")]
    InvalidPayload {
        /// What is wrong.
        problem: String,
    },
    /// The hub answered with an alternative outcome where the client needed
    /// the success (e.g. fetching a snapshot).
    #[error("the hub answered with status {status}{}", .reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default())]
    Rejected {
        /// The status (text form).
        status: String,
        /// The hub's reason, if sent.
        reason: Option<String>,
    },
    /// A property (or topic) is longer than MQTT 5's 65,535 bytes.
    #[error("`{name}` is {len} bytes long; MQTT 5 carries at most 65,535")]
    PropertyTooLong {
        /// The property's name (at most 64 characters of it).
        name: String,
        /// Its length (the longer of name and value).
        len: usize,
    },
}
