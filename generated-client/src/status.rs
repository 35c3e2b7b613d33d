//! Status codes: the two-byte code of the `status` user property, its kind
//! and retryable flag from its bits, and the trait the `StatusCode` derive
//! implements for each generated status enum. The bit layout and the number
//! of hex digits come from the spec (`connection.status-code`) through the
//! generated `api::STATUS_LAYOUT`; `iothub-status` implements them once for
//! the generator and this runtime.

use std::fmt;

pub use iothub_status::{StatusKind, StatusLayout, StatusProblem};

/// A status enum generated from the spec (derive `StatusCode`).
pub trait StatusCode: Sized + Copy + fmt::Display {
    /// The layout its codes follow.
    const LAYOUT: StatusLayout;

    /// The codes the spec defines for it, in the spec's order.
    const KNOWN: &'static [u16];

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

    /// Its kind from the code's bits; `None` when they name no kind.
    fn kind(&self) -> Option<StatusKind> {
        Self::LAYOUT.kind(self.code())
    }

    /// Whether retrying can help, from the code's bits.
    fn retryable(&self) -> bool {
        Self::LAYOUT.retryable(self.code())
    }

    /// The text form (`0501`).
    fn to_text(&self) -> String {
        Self::LAYOUT.format(self.code())
    }

    /// The `Unknown` status of no code the hub could send: the first code
    /// whose bits, under the layout, name no kind and are not retryable
    /// (for the API's layout, `FBFF`). What a bare reason code that names no
    /// single status becomes.
    fn unknown() -> Self {
        let code = (0..=u8::MAX)
            .rev()
            .map(|high| u16::from_be_bytes([high, 0xFF]))
            .find(|&code| Self::LAYOUT.kind(code).is_none() && !Self::LAYOUT.retryable(code))
            .unwrap_or(u16::MAX);
        Self::from_code(code)
    }

    /// What a PUBACK or DISCONNECT that carries only MQTT reason code
    /// `reason_code` means: the one defined status (not a success) that goes
    /// with it, or [`StatusCode::unknown`] when none or several do: guessing
    /// between several would guess whether retrying helps.
    fn from_reason_code(reason_code: u8) -> Self {
        let mut matching = Self::KNOWN
            .iter()
            .map(|&code| Self::from_code(code))
            .filter(|s| s.reason_code() == reason_code && s.kind() != Some(StatusKind::Success));
        match (matching.next(), matching.next()) {
            (Some(only), None) => only,
            _ => Self::unknown(),
        }
    }

    /// Parses the text form: the layout's number of hex digits, no reserved
    /// bits.
    fn from_text(text: &str) -> Result<Self, crate::Error> {
        Self::LAYOUT
            .parse_code(text)
            .map(Self::from_code)
            .map_err(|problem| crate::Error::InvalidStatus {
                text: text.to_owned(),
                problem,
            })
    }
}
