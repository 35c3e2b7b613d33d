//! Status codes: the two-byte code written as hex digits, and the bit layout
//! that gives its kind (success / client error / server error) and whether it
//! is retryable. The layout itself comes from the spec.

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
}

/// The status-code bit layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusLayout {
    /// Number of hex digits of the text form.
    pub digits: u8,
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

/// Why a status text is not a valid code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusProblem {
    /// Not exactly `digits` hex digits.
    NotHex,
    /// Reserved bits set (the offending bits).
    Reserved(u16),
    /// Kind bits match no kind of the layout.
    NoKind(u16),
}

/// A parsed status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Status {
    /// The two-byte value.
    pub code: u16,
    /// Its kind.
    pub kind: StatusKind,
    /// Whether the retryable bit is set.
    pub retryable: bool,
}

impl StatusLayout {
    /// Parses `text` (e.g. `0501`) under this layout.
    pub fn parse(&self, text: &str) -> Result<Status, StatusProblem> {
        let hex =
            text.len() == usize::from(self.digits) && text.chars().all(|c| c.is_ascii_hexdigit());
        let code = if hex {
            u16::from_str_radix(text, 16).ok()
        } else {
            None
        };
        let code = code.ok_or(StatusProblem::NotHex)?;
        self.classify(code)
    }

    /// Kind and flags of a numeric code.
    pub fn classify(&self, code: u16) -> Result<Status, StatusProblem> {
        let reserved = code & self.reserved_mask;
        if reserved != 0 {
            return Err(StatusProblem::Reserved(reserved));
        }
        let bits = code & self.kind_mask;
        let kind = if bits == self.success {
            StatusKind::Success
        } else if bits == self.client_error {
            StatusKind::ClientError
        } else if bits == self.server_error {
            StatusKind::ServerError
        } else {
            return Err(StatusProblem::NoKind(bits));
        };
        Ok(Status {
            code,
            kind,
            retryable: code & self.retryable_bit != 0,
        })
    }
}

impl fmt::Display for Status {
    /// The canonical text form: four uppercase hex digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04X}", self.code)
    }
}

impl fmt::Display for StatusKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Success => "success",
            Self::ClientError => "client error",
            Self::ServerError => "server error",
        })
    }
}

/// Whether an MQTT 5 reason code reports success (below 0x80).
pub fn reason_is_success(reason_code: u8) -> bool {
    reason_code < 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAYOUT: StatusLayout = StatusLayout {
        digits: 4,
        kind_mask: 0x0300,
        success: 0,
        client_error: 0x0100,
        server_error: 0x0200,
        retryable_bit: 0x0400,
        reserved_mask: 0xF800,
    };

    #[test]
    fn overview_examples() {
        let throttled = LAYOUT.parse("0501").unwrap();
        assert_eq!(
            (throttled.kind, throttled.retryable),
            (StatusKind::ClientError, true)
        );
        let busy = LAYOUT.parse("0603").unwrap();
        assert_eq!((busy.kind, busy.retryable), (StatusKind::ServerError, true));
        let bad = LAYOUT.parse("0100").unwrap();
        assert_eq!((bad.kind, bad.retryable), (StatusKind::ClientError, false));
        let unavailable = LAYOUT.parse("06a0").unwrap();
        assert_eq!(unavailable.to_string(), "06A0");
    }

    #[test]
    fn rejects_malformed() {
        assert_eq!(LAYOUT.parse("100"), Err(StatusProblem::NotHex));
        assert_eq!(LAYOUT.parse("01000"), Err(StatusProblem::NotHex));
        assert_eq!(LAYOUT.parse("0G00"), Err(StatusProblem::NotHex));
        assert_eq!(LAYOUT.parse("+100"), Err(StatusProblem::NotHex));
        assert_eq!(LAYOUT.parse("0900"), Err(StatusProblem::Reserved(0x0800)));
        assert_eq!(LAYOUT.parse("0300"), Err(StatusProblem::NoKind(0x0300)));
    }
}
