//! Shared access signatures: HMAC-SHA256 over a string-to-sign with a
//! device's symmetric key, verified in constant time against either key, and
//! their expiry. The string-to-sign itself comes from the generated API code.

use hmac::{Hmac, KeyInit, Mac};
use iothub_client::api::Status;
use sha2::Sha256;

use crate::registry::Key;

type HmacSha256 = Hmac<Sha256>;

/// Why a SAS is not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SasError {
    /// The expiry is not after the current time.
    #[error("the SAS expired at {expiry_ms} (now {now_ms}, milliseconds since the Unix epoch)")]
    Expired {
        /// The SAS's expiry.
        expiry_ms: u64,
        /// The hub's time.
        now_ms: u64,
    },
    /// The signature matches neither of the device's keys.
    #[error("the SAS signature does not match the device's keys")]
    InvalidSignature,
}

impl SasError {
    /// The API status this error answers with.
    pub fn status(&self) -> Status {
        Status::NotAuthorized
    }
}

/// A MAC keyed with `key`. HMAC takes keys of every length (long ones are
/// hashed), so this never fails in practice; `None` keeps it panic-free.
fn mac(key: &Key, string_to_sign: &str) -> Option<HmacSha256> {
    let mut mac = <HmacSha256 as KeyInit>::new_from_slice(key.expose_bytes()).ok()?;
    mac.update(string_to_sign.as_bytes());
    Some(mac)
}

/// HMAC-SHA256 of `string_to_sign` with `key` (32 bytes).
pub fn sign(key: &Key, string_to_sign: &str) -> Vec<u8> {
    mac(key, string_to_sign).map_or_else(Vec::new, |mac| mac.finalize().into_bytes().to_vec())
}

/// Whether `signature` is the HMAC-SHA256 of `string_to_sign` with any of
/// `keys`. Each comparison is constant-time, and every key is tried, so the
/// time taken does not tell which key (if any) matched. A truncated or
/// empty signature never matches.
pub fn verify(keys: &[&Key], string_to_sign: &str, signature: &[u8]) -> bool {
    keys.iter().fold(false, |matched, key| {
        let ok = mac(key, string_to_sign).is_some_and(|mac| mac.verify_slice(signature).is_ok());
        matched | ok
    })
}

/// Checks that a SAS expiring at `expiry_ms` is still valid at `now_ms`
/// (both milliseconds since the Unix epoch): it must expire after now.
pub fn check_expiry(expiry_ms: u64, now_ms: u64) -> Result<(), SasError> {
    if expiry_ms > now_ms {
        Ok(())
    } else {
        Err(SasError::Expired { expiry_ms, now_ms })
    }
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine as _;

    use super::*;

    fn key(bytes: &[u8]) -> Key {
        Key::from_bytes(bytes).unwrap()
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn rfc_4231_test_case_2() {
        let signature = sign(&key(b"Jefe"), "what do ya want for nothing?");
        assert_eq!(
            hex(&signature),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn sas_string_known_answer() {
        // python3: base64.b64encode(hmac.new(base64.b64decode("c2VjcmV0LWtleS1vbmU="),
        //   b"hub.example\ndev1\n\n1600987195000\n1600987795320\n", hashlib.sha256).digest())
        let key = Key::from_base64("c2VjcmV0LWtleS1vbmU=").unwrap();
        let text = "hub.example\ndev1\n\n1600987195000\n1600987795320\n";
        assert_eq!(
            STANDARD.encode(sign(&key, text)),
            "DLy8Ybn6RwYpvhS/uH/kS68Xquh9jRUvIiHrVCXXq8A="
        );
    }

    #[test]
    fn verify_accepts_either_key_and_nothing_else() {
        let (primary, secondary, other) = (key(b"primary"), key(b"secondary"), key(b"other"));
        let text = "host\ndev\n\n1\n2\n";
        let keys = [&primary, &secondary];
        assert!(verify(&keys, text, &sign(&primary, text)));
        assert!(verify(&keys, text, &sign(&secondary, text)));
        assert!(!verify(&keys, text, &sign(&other, text)), "wrong key");
        assert!(
            !verify(&keys, "host\ndev\n\n1\n3\n", &sign(&primary, text)),
            "other text"
        );
        let signature = sign(&primary, text);
        assert!(!verify(&keys, text, &signature[..31]), "truncated");
        assert!(!verify(&keys, text, &[]), "empty");
        let mut longer = signature.clone();
        longer.push(0);
        assert!(!verify(&keys, text, &longer), "extended");
        assert!(!verify(&[], text, &signature), "no keys");
    }

    #[test]
    fn expiry() {
        assert_eq!(check_expiry(1001, 1000), Ok(()));
        assert_eq!(
            check_expiry(1000, 1000),
            Err(SasError::Expired {
                expiry_ms: 1000,
                now_ms: 1000
            })
        );
        assert!(check_expiry(0, u64::MAX).is_err());
        assert_eq!(SasError::InvalidSignature.status(), Status::NotAuthorized);
    }
}
