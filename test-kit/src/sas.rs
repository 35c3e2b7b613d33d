//! SAS from the overview's rule, written here independently of the client
//! and the emulator: the string to sign
//! `{host}\n{client id}\n{sas-policy}\n{sas-at}\n{sas-expiry}\n`, signed
//! with HMAC-SHA256 under the base64-decoded key; the overview's CONNECT
//! and the re-authentication AUTH (MQTT 5 §3.15, reason 0x19) built by hand.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use bytes::Bytes;
use hmac::{KeyInit, Mac};
use iothub_mqtt::packet::{Connect, ConnectProperties};

use crate::HOST;

/// The bytes of test key number `i` (32 bytes of `i + 1`).
pub fn key_bytes(i: u8) -> Vec<u8> {
    vec![i.wrapping_add(1); 32]
}

/// Test key number `i` in base64, as a connection string or a registry
/// carries it.
pub fn key(i: u8) -> String {
    base64::engine::general_purpose::STANDARD.encode(key_bytes(i))
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970");
    u64::try_from(since.as_millis()).expect("fits")
}

/// The overview's signature of `client_id` at `host` from `at` to `expiry`
/// (no policy) under the base64 key `key_b64`.
pub fn sign(key_b64: &str, host: &str, client_id: &str, at: u64, expiry: u64) -> Bytes {
    sign_fields(key_b64, host, client_id, "", &at.to_string(), expiry)
}

/// The overview's signature with every field given as text (`policy` and
/// `at` empty when omitted, as the overview says of optional fields).
pub fn sign_fields(
    key_b64: &str,
    host: &str,
    client_id: &str,
    policy: &str,
    at: &str,
    expiry: u64,
) -> Bytes {
    let key = base64::engine::general_purpose::STANDARD
        .decode(key_b64)
        .expect("base64");
    let text = format!("{host}\n{client_id}\n{policy}\n{at}\n{expiry}\n");
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key).expect("any key length");
    mac.update(text.as_bytes());
    Bytes::from(mac.finalize().into_bytes().to_vec())
}

/// A CONNECT as the overview's example has it, for [`HOST`], signed with
/// `key_b64` for an hour.
pub fn connect(client_id: &str, key_b64: &str) -> Connect {
    connect_expiring(client_id, key_b64, 3_600_000)
}

/// [`connect`], its SAS expiring in `lifetime_ms`.
pub fn connect_expiring(client_id: &str, key_b64: &str, lifetime_ms: u64) -> Connect {
    connect_to(HOST, client_id, key_b64, lifetime_ms)
}

/// [`connect`] for hub `host`.
pub fn connect_to(host: &str, client_id: &str, key_b64: &str, lifetime_ms: u64) -> Connect {
    let at = now_ms();
    let expiry = at + lifetime_ms;
    let mut properties = ConnectProperties::new();
    properties.authentication_method = Some("SAS".into());
    properties.authentication_data = Some(sign(key_b64, host, client_id, at, expiry));
    properties.user_properties = vec![
        ("api-version".into(), "2020-10-01-preview".into()),
        ("host".into(), host.into()),
        ("sas-at".into(), at.to_string()),
        ("sas-expiry".into(), expiry.to_string()),
        ("client-agent".into(), "iothub-test-kit".into()),
    ];
    Connect {
        keep_alive: 60,
        client_id: client_id.into(),
        clean_start: false,
        properties: Some(properties),
    }
}

/// [`connect`] signed with shared access policy `policy`'s base64 key
/// `key_b64` (`sas-policy` set).
pub fn connect_with_policy(client_id: &str, policy: &str, key_b64: &str) -> Connect {
    let at = now_ms();
    let expiry = at + 3_600_000;
    let mut connect = connect(client_id, key_b64);
    let properties = connect.properties.as_mut().expect("properties");
    properties.authentication_data = Some(sign_fields(
        key_b64,
        HOST,
        client_id,
        policy,
        &at.to_string(),
        expiry,
    ));
    properties.user_properties = vec![
        ("api-version".into(), "2020-10-01-preview".into()),
        ("host".into(), HOST.into()),
        ("sas-policy".into(), policy.into()),
        ("sas-at".into(), at.to_string()),
        ("sas-expiry".into(), expiry.to_string()),
    ];
    connect
}

/// What a hand-built re-authentication carries and signs.
#[derive(Debug, Clone, Copy, Default)]
pub struct Reauth<'a> {
    /// `sas-policy`, sent and signed (none: neither).
    pub policy: Option<&'a str>,
    /// Whether `sas-at` is sent (and signed; else signed as empty).
    pub send_at: bool,
    /// The `sas-at` the signature covers instead of what is sent.
    pub signed_at: Option<&'a str>,
}

/// An AUTH re-authenticating `client_id` with a fresh signature by
/// `key_b64` (built by hand: MQTT 5 §3.15).
pub fn reauthentication(client_id: &str, key_b64: &str) -> Vec<u8> {
    reauthentication_signed(client_id, key_b64).0
}

/// [`reauthentication`] and the signature it carries.
pub fn reauthentication_signed(client_id: &str, key_b64: &str) -> (Vec<u8>, Bytes) {
    reauthentication_as(
        client_id,
        key_b64,
        Reauth {
            send_at: true,
            ..Reauth::default()
        },
    )
}

/// A re-authentication AUTH as `how` says, and the signature it carries.
pub fn reauthentication_as(client_id: &str, key_b64: &str, how: Reauth<'_>) -> (Vec<u8>, Bytes) {
    let at = now_ms();
    let expiry = at + 3_600_000;
    let sent_at = if how.send_at {
        at.to_string()
    } else {
        String::new()
    };
    let signed_at = how.signed_at.map_or(sent_at.clone(), str::to_owned);
    let signature = sign_fields(
        key_b64,
        HOST,
        client_id,
        how.policy.unwrap_or(""),
        &signed_at,
        expiry,
    );
    let mut properties = Vec::new();
    let string = |id: u8, bytes: &[u8], out: &mut Vec<u8>| {
        out.push(id);
        out.extend_from_slice(&u16::try_from(bytes.len()).expect("short").to_be_bytes());
        out.extend_from_slice(bytes);
    };
    string(0x15, b"SAS", &mut properties);
    string(0x16, &signature, &mut properties);
    let mut user = Vec::new();
    if let Some(policy) = how.policy {
        user.push(("sas-policy", policy.to_owned()));
    }
    if how.send_at {
        user.push(("sas-at", sent_at));
    }
    user.push(("sas-expiry", expiry.to_string()));
    for (name, value) in user {
        properties.push(0x26);
        for part in [name.as_bytes(), value.as_bytes()] {
            properties.extend_from_slice(&u16::try_from(part.len()).expect("short").to_be_bytes());
            properties.extend_from_slice(part);
        }
    }
    let mut body = vec![0x19, u8::try_from(properties.len()).expect("short")];
    body.extend_from_slice(&properties);
    let mut packet = vec![0xF0, u8::try_from(body.len()).expect("short")];
    packet.extend_from_slice(&body);
    (packet, signature)
}

/// The value of user property `name` in `user` (first wins).
pub fn user<'a>(user: &'a [(String, String)], name: &str) -> Option<&'a str> {
    user.iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}
