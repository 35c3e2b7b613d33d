//! The bit layout and what it says about one code.

use std::fmt;

use crate::StatusProblem;

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

impl fmt::Display for StatusKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Success => "success",
            Self::ClientError => "client error",
            Self::ServerError => "server error",
        })
    }
}

/// The bit layout of status codes (the spec's `connection.status-code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

/// A valid status code with what its bits say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Status {
    /// The two-byte value.
    pub code: u16,
    /// Its kind.
    pub kind: StatusKind,
    /// Whether the retryable bit is set.
    pub retryable: bool,
    /// Number of hex digits of its text form (the layout's).
    pub digits: u8,
}

impl fmt::Display for Status {
    /// The text form: the layout's number of uppercase hex digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:0width$X}",
            self.code,
            width = usize::from(self.digits)
        )
    }
}

impl StatusLayout {
    /// The kind of `code`, or `None` when its kind bits name no kind.
    pub const fn kind(&self, code: u16) -> Option<StatusKind> {
        let bits = code & self.kind_mask;
        if bits == self.success {
            Some(StatusKind::Success)
        } else if bits == self.client_error {
            Some(StatusKind::ClientError)
        } else if bits == self.server_error {
            Some(StatusKind::ServerError)
        } else {
            None
        }
    }

    /// Whether `code` has the retryable flag.
    pub const fn retryable(&self, code: u16) -> bool {
        code & self.retryable_bit != 0
    }

    /// The reserved bits `code` sets (0 when none).
    pub const fn reserved_bits(&self, code: u16) -> u16 {
        code & self.reserved_mask
    }

    /// Parses the text form (`0501`, any case) to a code: exactly
    /// [`digits`](Self::digits) hex digits and no reserved bits. Kind bits
    /// that name no kind are accepted here (a peer may send them); see
    /// [`parse`](Self::parse).
    pub fn parse_code(&self, text: &str) -> Result<u16, StatusProblem> {
        let hex =
            text.len() == usize::from(self.digits) && text.bytes().all(|b| b.is_ascii_hexdigit());
        let code = hex
            .then(|| u16::from_str_radix(text, 16).ok())
            .flatten()
            .ok_or(StatusProblem::NotHex)?;
        match self.reserved_bits(code) {
            0 => Ok(code),
            bits => Err(StatusProblem::Reserved(bits)),
        }
    }

    /// Parses the text form and classifies it; kind bits that name no kind
    /// are a problem.
    pub fn parse(&self, text: &str) -> Result<Status, StatusProblem> {
        self.classify(self.parse_code(text)?)
    }

    /// Kind and flags of a numeric code.
    pub fn classify(&self, code: u16) -> Result<Status, StatusProblem> {
        match self.reserved_bits(code) {
            0 => {}
            bits => return Err(StatusProblem::Reserved(bits)),
        }
        let kind = self
            .kind(code)
            .ok_or(StatusProblem::NoKind(code & self.kind_mask))?;
        Ok(Status {
            code,
            kind,
            retryable: self.retryable(code),
            digits: self.digits,
        })
    }

    /// The text form: [`digits`](Self::digits) uppercase hex digits.
    pub fn format(&self, code: u16) -> String {
        format!("{code:0width$X}", width = usize::from(self.digits))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The overview's layout, as the spec states it.
    const OVERVIEW: StatusLayout = StatusLayout {
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
        let throttled = OVERVIEW.parse("0501").unwrap();
        assert_eq!(
            (throttled.kind, throttled.retryable),
            (StatusKind::ClientError, true)
        );
        let busy = OVERVIEW.parse("0603").unwrap();
        assert_eq!((busy.kind, busy.retryable), (StatusKind::ServerError, true));
        let bad = OVERVIEW.parse("0100").unwrap();
        assert_eq!((bad.kind, bad.retryable), (StatusKind::ClientError, false));
        assert_eq!(OVERVIEW.parse("06a0").map(|s| s.code), Ok(0x06A0));
        assert_eq!(
            OVERVIEW.parse("06a0").map(|s| s.to_string()).as_deref(),
            Ok("06A0")
        );
        assert_eq!(OVERVIEW.format(0x06A0), "06A0");
        assert_eq!(OVERVIEW.format(1), "0001");
    }

    #[test]
    fn reserved_bits_are_not_a_digit_problem() {
        assert_eq!(OVERVIEW.parse("0A01"), Err(StatusProblem::Reserved(0x0800)));
        assert_eq!(
            OVERVIEW.parse_code("0a01"),
            Err(StatusProblem::Reserved(0x0800))
        );
        assert_eq!(OVERVIEW.parse("F000"), Err(StatusProblem::Reserved(0xF000)));
    }

    #[test]
    fn rejects_malformed_text() {
        for bad in ["100", "01000", "0G00", "+100", " 100", "", "0１00"] {
            assert_eq!(OVERVIEW.parse(bad), Err(StatusProblem::NotHex), "{bad:?}");
        }
    }

    #[test]
    fn undefined_kind_bits_parse_as_a_code_but_do_not_classify() {
        assert_eq!(OVERVIEW.parse_code("0300"), Ok(0x0300));
        assert_eq!(OVERVIEW.kind(0x0300), None);
        assert_eq!(OVERVIEW.parse("0300"), Err(StatusProblem::NoKind(0x0300)));
    }

    #[test]
    fn digits_come_from_the_layout() {
        let six = StatusLayout {
            digits: 6,
            ..OVERVIEW
        };
        assert_eq!(six.format(0x0501), "000501");
        assert_eq!(six.parse_code("000501"), Ok(0x0501));
        assert_eq!(six.parse_code("0501"), Err(StatusProblem::NotHex));
    }
}
