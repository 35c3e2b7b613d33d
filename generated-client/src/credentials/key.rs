//! A SAS key: base64 on input, raw bytes kept for signing, never shown by
//! `Debug`, shared (not copied) by `Clone`, zeroed when the last clone is
//! dropped.

use std::fmt;
use std::sync::Arc;

use zeroize::Zeroizing;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use crate::Error;

/// A symmetric key (the decoded bytes of a base64 device or policy key).
///
/// `Debug` prints `SasKey(***)`; clones share one copy of the bytes, which
/// is overwritten with zeros when the last clone is dropped (`zeroize`);
/// nothing in this crate logs or prints them.
#[derive(Clone)]
pub struct SasKey(Arc<Zeroizing<Vec<u8>>>);

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
        let bytes = Zeroizing::new(bytes.into());
        if bytes.is_empty() {
            return Err(Error::InvalidCredentials {
                problem: "the key is empty".into(),
            });
        }
        Ok(Self(Arc::new(bytes)))
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        self.0.as_slice()
    }
}

impl fmt::Debug for SasKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SasKey(***)")
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

    #[test]
    fn clones_share_the_bytes_rather_than_copy_them() {
        let key = SasKey::from_bytes(*b"secret-key").expect("key");
        let clone = key.clone();
        assert!(std::ptr::eq(key.bytes().as_ptr(), clone.bytes().as_ptr()));
    }
}
