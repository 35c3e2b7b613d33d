//! Status codes: the two-byte code of the `status` user property, its kind
//! and retryable flag from its bits, and the trait the `StatusCode` derive
//! implements for each generated status enum.

use std::fmt;

/// Outcome class of a status code, from its kind bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusKind {
    /// The operation succeeded.
    Success,
    /// The client sent something wrong.
    ClientError,
    /// The server failed.
    ServerError,
    /// Kind bits the layout does not define.
    Unknown,
}

impl fmt::Display for StatusKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Success => "success",
            Self::ClientError => "client error",
            Self::ServerError => "server error",
            Self::Unknown => "unknown kind",
        })
    }
}

/// The bit layout of status codes (the spec's `connection.status-code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusLayout {
    /// Bits that hold the kind.
    pub kind_mask: u16,
    /// Kind bits of a success.
    pub success: u16,
    /// Kind bits of a client error.
    pub client_error: u16,
    /// Kind bits of a server error.
    pub server_error: u16,
    /// The retryable flag.
    pub retryable_bit: u16,
    /// Bits that must be zero.
    pub reserved_mask: u16,
}

impl StatusLayout {
    /// The kind of `code`.
    pub const fn kind(&self, code: u16) -> StatusKind {
        let bits = code & self.kind_mask;
        if bits == self.success {
            StatusKind::Success
        } else if bits == self.client_error {
            StatusKind::ClientError
        } else if bits == self.server_error {
            StatusKind::ServerError
        } else {
            StatusKind::Unknown
        }
    }

    /// Whether `code` has the retryable flag.
    pub const fn retryable(&self, code: u16) -> bool {
        code & self.retryable_bit != 0
    }
}

/// Parses the text form: exactly four hex digits.
pub fn parse_code(text: &str) -> Option<u16> {
    (text.len() == 4 && text.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| u16::from_str_radix(text, 16).ok())
        .flatten()
}

/// The text form: four uppercase hex digits.
pub fn format_code(code: u16) -> String {
    format!("{code:04X}")
}

/// A status enum generated from the spec (derive `StatusCode`).
pub trait StatusCode: Sized + Copy + fmt::Display {
    /// The layout its codes follow.
    const LAYOUT: StatusLayout;

    /// The two-byte code.
    fn code(&self) -> u16;

    /// The variant of `code` (`Unknown(code)` when the spec has none).
    fn from_code(code: u16) -> Self;

    /// The MQTT 5 reason code that goes with it on PUBACK / DISCONNECT.
    fn reason_code(&self) -> u8;

    /// The English name.
    fn name(&self) -> &'static str;

    /// Whether the spec defines this code.
    fn is_known(&self) -> bool;

    /// Its kind, from the code's bits.
    fn kind(&self) -> StatusKind {
        Self::LAYOUT.kind(self.code())
    }

    /// Whether retrying can help, from the code's bits.
    fn retryable(&self) -> bool {
        Self::LAYOUT.retryable(self.code())
    }

    /// The text form (`0501`).
    fn to_text(&self) -> String {
        format_code(self.code())
    }

    /// Parses the text form; a code with reserved bits set is invalid.
    fn from_text(text: &str) -> Result<Self, crate::Error> {
        parse_code(text)
            .filter(|code| code & Self::LAYOUT.reserved_mask == 0)
            .map(Self::from_code)
            .ok_or_else(|| crate::Error::InvalidStatus {
                text: text.to_owned(),
            })
    }
}
