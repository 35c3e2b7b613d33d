//! X.509 certificate thumbprints of self-signed devices: SHA-1 (40 hex
//! digits) or SHA-256 (64 hex digits), `:` or space separators allowed on
//! input, kept as upper-case hex so comparisons ignore case.

use std::fmt;
use std::str::FromStr;

/// Why a text is not a thumbprint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThumbprintError {
    /// A character that is not a hex digit or separator.
    #[error("thumbprint has {character:?}, which is not a hex digit")]
    NotHex {
        /// The character.
        character: char,
    },
    /// Not 40 (SHA-1) or 64 (SHA-256) hex digits.
    #[error("thumbprint has {digits} hex digits; expected 40 (SHA-1) or 64 (SHA-256)")]
    Length {
        /// The number of hex digits.
        digits: usize,
    },
}

/// A certificate thumbprint (upper-case hex, no separators).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Thumbprint(String);

impl Thumbprint {
    /// `text` as a thumbprint.
    pub fn new(text: &str) -> Result<Self, ThumbprintError> {
        let mut hex = String::with_capacity(text.len());
        for character in text.trim().chars() {
            match character {
                ':' | ' ' => {}
                c if c.is_ascii_hexdigit() => hex.push(c.to_ascii_uppercase()),
                character => return Err(ThumbprintError::NotHex { character }),
            }
        }
        match hex.len() {
            40 | 64 => Ok(Self(hex)),
            digits => Err(ThumbprintError::Length { digits }),
        }
    }

    /// The upper-case hex digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Thumbprint {
    type Err = ThumbprintError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::new(text)
    }
}

impl fmt::Display for Thumbprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_separators() {
        let sha1 = "ab:".repeat(20);
        let thumbprint = Thumbprint::new(sha1.trim_end_matches(':')).unwrap();
        assert_eq!(thumbprint.as_str(), "AB".repeat(20));
        assert_eq!(thumbprint, Thumbprint::new(&"Ab".repeat(20)).unwrap());
        assert!(Thumbprint::new(&"0".repeat(64)).is_ok());
    }

    #[test]
    fn rejects_bad_thumbprints() {
        assert_eq!(
            Thumbprint::new("abc").unwrap_err(),
            ThumbprintError::Length { digits: 3 }
        );
        assert_eq!(
            Thumbprint::new(&format!("{}g", "0".repeat(39))).unwrap_err(),
            ThumbprintError::NotHex { character: 'g' }
        );
    }
}
