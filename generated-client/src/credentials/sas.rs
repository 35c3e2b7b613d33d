//! SAS signatures: HMAC-SHA256 under the key over the spec's string to sign
//! (generated as `api::connection::sas::string_to_sign`), and the token
//! policy (lifetime, and when to renew).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use hmac::{KeyInit, Mac};
use zeroize::Zeroizing;

use super::SasKey;
use crate::api::connection::{sas, Connect};
use crate::wire::Timestamp;

/// How long a SAS token lives and when the client renews it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TokenPolicy {
    lifetime: Duration,
    renew_at: f64,
}

impl Default for TokenPolicy {
    /// One hour, renewed at 80% of its lifetime (48 minutes in).
    fn default() -> Self {
        Self {
            lifetime: Duration::from_secs(3600),
            renew_at: 0.8,
        }
    }
}

impl TokenPolicy {
    /// Tokens living `lifetime` (one second to one year), renewed after
    /// `renew_at` of it (clamped to 0.1..=0.95) has passed.
    pub fn new(lifetime: Duration, renew_at: f64) -> Self {
        let renew_at = if renew_at.is_finite() {
            renew_at.clamp(0.1, 0.95)
        } else {
            0.8
        };
        Self {
            lifetime: lifetime.clamp(Duration::from_secs(1), Duration::from_secs(365 * 86_400)),
            renew_at,
        }
    }

    /// How long a token lives.
    pub fn lifetime(&self) -> Duration {
        self.lifetime
    }

    /// How long after signing a token is renewed.
    pub fn renew_after(&self) -> Duration {
        self.lifetime.mul_f64(self.renew_at)
    }
}

/// A signed SAS token: when it was made, when it expires, and the signature
/// (the CONNECT or AUTH Authentication Data). `Debug` hides the signature;
/// clones share it, and it is zeroed when the last one is dropped.
#[derive(Clone)]
pub struct SasToken {
    /// `sas-at`.
    pub at: Timestamp,
    /// `sas-expiry`.
    pub expiry: Timestamp,
    signature: Arc<Zeroizing<Vec<u8>>>,
}

impl fmt::Debug for SasToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SasToken")
            .field("at", &self.at)
            .field("expiry", &self.expiry)
            .field("signature", &"***")
            .finish()
    }
}

impl SasToken {
    /// Signs `connect`'s SAS fields for `host` and `client_id` with `key`:
    /// `connect.sas_at` and `connect.sas_expiry` are set from `now` and
    /// `lifetime` first.
    pub fn sign(
        key: &SasKey,
        host: &str,
        client_id: &str,
        connect: &mut Connect,
        now: Timestamp,
        lifetime: Duration,
    ) -> Self {
        let lifetime_ms = u64::try_from(lifetime.as_millis()).unwrap_or(u64::MAX);
        let expiry = Timestamp(now.as_millis().saturating_add(lifetime_ms));
        connect.sas_at = Some(now);
        connect.sas_expiry = Some(expiry);
        let text = sas::string_to_sign(host, client_id, connect);
        // HMAC takes keys of any length.
        let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key.bytes())
            .expect("HMAC accepts keys of any length");
        mac.update(text.as_bytes());
        Self {
            at: now,
            expiry,
            signature: Arc::new(Zeroizing::new(mac.finalize().into_bytes().to_vec())),
        }
    }

    /// The signature (Authentication Data). Do not log it.
    pub fn signature(&self) -> &[u8] {
        self.signature.as_slice()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_the_overviews_string_and_hides_the_signature() {
        let key = SasKey::from_bytes(*b"key").expect("key");
        let mut connect = Connect {
            api_version: crate::api::API_VERSION.into(),
            host: None,
            sas_policy: None,
            sas_at: None,
            sas_expiry: None,
            client_agent: None,
        };
        let token = SasToken::sign(
            &key,
            "h.example",
            "d1",
            &mut connect,
            Timestamp(1000),
            Duration::from_secs(60),
        );
        assert_eq!(connect.sas_expiry, Some(Timestamp(61_000)));
        let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(b"key").expect("k");
        mac.update(b"h.example\nd1\n\n1000\n61000\n");
        assert_eq!(token.signature(), &mac.finalize().into_bytes()[..]);
        assert!(format!("{token:?}").contains("***"));
    }

    #[test]
    fn renewal_is_a_fraction_of_the_lifetime() {
        let policy = TokenPolicy::new(Duration::from_secs(100), 0.5);
        assert_eq!(policy.renew_after(), Duration::from_secs(50));
        assert_eq!(
            TokenPolicy::new(Duration::ZERO, 9.0).renew_after(),
            Duration::from_millis(950)
        );
    }
}
