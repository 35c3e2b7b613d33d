//! A SAS key: base64 on input, raw bytes kept for signing, never shown by
//! `Debug`, zeroed when dropped.

use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use crate::Error;

/// A symmetric key (the decoded bytes of a base64 device or policy key).
///
/// `Debug` prints `SasKey(***)`; the bytes are overwritten with zeros on
/// drop; nothing in this crate logs or prints them.
#[derive(Clone)]
pub struct SasKey(Vec<u8>);

impl SasKey {
    /// The key whose base64 text is `text` (surrounding whitespace ignored).
    /// The error never shows the text.
    pub fn from_base64(text: &str) -> Result<Self, Error> {
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|_| Error::InvalidCredentials {
                problem: "the key is not valid base64 (standard alphabet, `=` padding)".into(),
            })?;
        Self::from_bytes(bytes)
    }

    /// The key made of `bytes`.
    pub fn from_bytes(bytes: impl Into<Vec<u8>>) -> Result<Self, Error> {
        let bytes = bytes.into();
        if bytes.is_empty() {
            return Err(Error::InvalidCredentials {
                problem: "the key is empty".into(),
            });
        }
        Ok(Self(bytes))
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for SasKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SasKey(***)")
    }
}

impl Drop for SasKey {
    fn drop(&mut self) {
        for byte in &mut self.0 {
            // A volatile-free overwrite; the allocation is freed right after.
            *byte = 0;
        }
        std::hint::black_box(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_errors_show_nothing_of_the_key() {
        let key = SasKey::from_base64("c2VjcmV0LWtleQ==").expect("base64");
        assert_eq!(key.bytes(), b"secret-key");
        assert_eq!(format!("{key:?}"), "SasKey(***)");
        let error = SasKey::from_base64("not*base64*secret").expect_err("refused");
        assert!(!error.to_string().contains("secret"), "{error}");
        assert!(SasKey::from_bytes(Vec::new()).is_err());
    }
}
