//! The crate's error type.

use crate::status::StatusProblem;

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
}
