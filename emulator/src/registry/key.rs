//! Symmetric keys of SAS devices: base64 on input, raw bytes kept, never
//! shown by `Debug` or `Display`, zeroed when dropped.

use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

/// What is wrong with a key. Never carries any part of the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The key has no bytes.
    #[error("the key is empty")]
    Empty,
    /// The text is not standard base64 (`A-Z a-z 0-9 + /`, `=` padding).
    #[error("the key is not valid base64 (standard alphabet, `=` padding)")]
    NotBase64,
}

/// A symmetric key (the decoded bytes of a base64 device key).
///
/// `Debug` prints `Key(***)` and `Display` prints `***`; equality compares
/// in constant time; the bytes are overwritten with zeros on drop.
#[derive(Clone)]
pub struct Key(Vec<u8>);

impl Key {
    /// The key whose base64 text is `text` (surrounding whitespace ignored).
    pub fn from_base64(text: &str) -> Result<Self, KeyError> {
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|_| KeyError::NotBase64)?;
        Self::from_bytes(bytes)
    }

    /// The key made of `bytes`.
    pub fn from_bytes(bytes: impl Into<Vec<u8>>) -> Result<Self, KeyError> {
        let bytes = bytes.into();
        if bytes.is_empty() {
            return Err(KeyError::Empty);
        }
        Ok(Self(bytes))
    }

    /// The raw key bytes, for signing. Do not log them.
    pub fn expose_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The key as base64 text (for the service API's identity responses).
    /// Do not log it.
    pub fn expose_base64(&self) -> String {
        STANDARD.encode(&self.0)
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        // Constant time for equal lengths; the length itself is not secret.
        self.0.len() == other.0.len()
            && self
                .0
                .iter()
                .zip(&other.0)
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }
}

impl Eq for Key {}

impl Drop for Key {
    fn drop(&mut self) {
        for byte in &mut self.0 {
            *byte = 0;
        }
        // Keep the writes from being optimised away.
        std::hint::black_box(&mut self.0);
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key(***)")
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_base64_and_keeps_bytes() {
        let key = Key::from_base64(" c2VjcmV0 ").unwrap();
        assert_eq!(key.expose_bytes(), b"secret");
        assert_eq!(key.expose_base64(), "c2VjcmV0");
    }

    #[test]
    fn never_prints_the_key() {
        let key = Key::from_base64("c2VjcmV0").unwrap();
        assert_eq!(format!("{key:?}"), "Key(***)");
        assert_eq!(format!("{key}"), "***");
        assert_eq!(format!("{:?}", Some(&key)), "Some(Key(***))");
    }

    #[test]
    fn rejects_bad_input_without_echoing_it() {
        let error = Key::from_base64("not base64!").unwrap_err();
        assert_eq!(error, KeyError::NotBase64);
        assert!(!error.to_string().contains("base64!"));
        assert_eq!(Key::from_base64("").unwrap_err(), KeyError::Empty);
        assert_eq!(Key::from_bytes(Vec::new()).unwrap_err(), KeyError::Empty);
    }

    #[test]
    fn equality_compares_bytes() {
        let a = Key::from_bytes(*b"abc").unwrap();
        assert_eq!(a, Key::from_bytes(*b"abc").unwrap());
        assert_ne!(a, Key::from_bytes(*b"abd").unwrap());
        assert_ne!(a, Key::from_bytes(*b"ab").unwrap());
    }
}
