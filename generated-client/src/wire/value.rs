//! Property values on the wire: how each data type of the API is written as
//! an MQTT 5 user property value (`u32`, `u64`, `i32` decimal; `time` as
//! milliseconds since the Unix epoch; `string` as is).

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A point in time as the API writes it: milliseconds since
/// `1970-01-01T00:00:00.000Z`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub u64);

impl Timestamp {
    /// The current time.
    pub fn now() -> Self {
        Self::from(SystemTime::now())
    }

    /// Milliseconds since the Unix epoch.
    pub fn as_millis(self) -> u64 {
        self.0
    }
}

impl From<SystemTime> for Timestamp {
    /// Times before the epoch become the epoch; times past year 584 million saturate.
    fn from(time: SystemTime) -> Self {
        let millis = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis());
        Self(u64::try_from(millis).unwrap_or(u64::MAX))
    }
}

impl Timestamp {
    /// The time as a `SystemTime`, if the platform can represent it (a peer
    /// may send any `u64`).
    pub fn to_system_time(self) -> Option<SystemTime> {
        UNIX_EPOCH.checked_add(Duration::from_millis(self.0))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A type that can be a property value.
pub trait WireValue: Sized {
    /// The API's name of the type (`u64`, `time`, …), for error messages.
    const TYPE_NAME: &'static str;

    /// The value as written on the wire.
    fn to_wire(&self) -> String;

    /// Parses a wire value; `None` when it is not a valid value of the type.
    fn from_wire(text: &str) -> Option<Self>;
}

/// Decimal digits only (no sign, no spaces, no `+`), as the API writes numbers.
fn unsigned_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

impl WireValue for String {
    const TYPE_NAME: &'static str = "string";

    fn to_wire(&self) -> String {
        self.clone()
    }

    fn from_wire(text: &str) -> Option<Self> {
        Some(text.to_owned())
    }
}

impl WireValue for u32 {
    const TYPE_NAME: &'static str = "u32";

    fn to_wire(&self) -> String {
        self.to_string()
    }

    fn from_wire(text: &str) -> Option<Self> {
        unsigned_digits(text).then(|| text.parse().ok()).flatten()
    }
}

impl WireValue for u64 {
    const TYPE_NAME: &'static str = "u64";

    fn to_wire(&self) -> String {
        self.to_string()
    }

    fn from_wire(text: &str) -> Option<Self> {
        unsigned_digits(text).then(|| text.parse().ok()).flatten()
    }
}

impl WireValue for i32 {
    const TYPE_NAME: &'static str = "i32";

    fn to_wire(&self) -> String {
        self.to_string()
    }

    fn from_wire(text: &str) -> Option<Self> {
        let digits = text.strip_prefix('-').unwrap_or(text);
        unsigned_digits(digits).then(|| text.parse().ok()).flatten()
    }
}

impl WireValue for Timestamp {
    const TYPE_NAME: &'static str = "time";

    fn to_wire(&self) -> String {
        self.0.to_string()
    }

    fn from_wire(text: &str) -> Option<Self> {
        u64::from_wire(text).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_plain_decimal() {
        assert_eq!(u64::from_wire("1600987195320"), Some(1_600_987_195_320));
        assert_eq!(u64::from_wire("+1"), None);
        assert_eq!(u64::from_wire(" 1"), None);
        assert_eq!(u64::from_wire("18446744073709551616"), None);
        assert_eq!(u32::from_wire("4294967296"), None);
        assert_eq!(i32::from_wire("-2147483648"), Some(i32::MIN));
        assert_eq!(i32::from_wire("--1"), None);
        assert_eq!(i32::from_wire("-"), None);
        assert_eq!(
            Timestamp::from_wire("1600987195320").map(|t| t.0),
            Some(1_600_987_195_320)
        );
    }

    #[test]
    fn timestamps_convert_to_system_time() {
        let t = Timestamp(1_600_987_195_320);
        assert_eq!(t.to_system_time().map(Timestamp::from), Some(t));
        // Whatever a peer sends, no panic.
        let _ = Timestamp(u64::MAX).to_system_time();
        assert_eq!(t.to_wire(), "1600987195320");
    }
}
