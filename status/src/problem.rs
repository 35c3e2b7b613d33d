//! Why a status text or code is not valid under a layout.

use std::fmt;

/// Why a status is not a valid code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusProblem {
    /// The text is not exactly the layout's number of hex digits.
    NotHex,
    /// Reserved bits are set (the offending bits).
    Reserved(u16),
    /// The kind bits match no kind of the layout (the kind bits).
    NoKind(u16),
}

impl fmt::Display for StatusProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotHex => f.write_str("is not a hex status code of the expected length"),
            Self::Reserved(bits) => write!(f, "sets reserved bits ({bits:#06x} must be 0)"),
            Self::NoKind(bits) => write!(f, "has kind bits {bits:#06x}, which name no kind"),
        }
    }
}

impl std::error::Error for StatusProblem {}
