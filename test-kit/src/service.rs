//! The emulator's service API from the outside: HTTP/1.1 requests written
//! and answers parsed here, signed with `SharedAccessSignature` tokens made
//! by a reference signer written from the service's rule (independently of
//! the emulator): `sr` the percent-encoded resource, `se` the expiry in
//! seconds, `skn` the policy, `sig` the percent-encoded base64 HMAC-SHA256
//! of `{sr}\n{se}` under the policy's base64-decoded key.
//!
//! The fixtures' emulators have the policy [`POLICY`] with every
//! permission and the key [`policy_key`]; [`Service::new`] signs with it.

use std::net::SocketAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use hmac::{KeyInit, Mac};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::sas::key;
use crate::{HOST, WAIT};

/// The fixtures' shared access policy (every permission).
pub const POLICY: &str = "iothubowner";

/// The base64 key of [`POLICY`] (test key number 200).
pub fn policy_key() -> String {
    key(200)
}

/// Seconds since the Unix epoch.
pub fn now_s() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

/// Percent-encodes everything but RFC 3986's unreserved characters, as
/// Python's `quote(text, safe="")` does.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The `Authorization` value for `resource` signed with policy `policy`'s
/// base64 key `key_b64`, expiring at `expiry` (seconds).
pub fn token(resource: &str, policy: &str, key_b64: &str, expiry: u64) -> String {
    let sr = encode(resource);
    let key = base64::engine::general_purpose::STANDARD
        .decode(key_b64)
        .expect("base64 key");
    let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(&key).expect("any key");
    mac.update(format!("{sr}\n{expiry}").as_bytes());
    let signature = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    format!(
        "SharedAccessSignature sr={sr}&sig={}&se={expiry}&skn={}",
        encode(&signature),
        encode(policy)
    )
}

/// A token for the whole hub from a service connection string
/// (`HostName=…;SharedAccessKeyName=…;SharedAccessKey=…`), valid for an
/// hour.
pub fn connection_string_token(connection_string: &str) -> String {
    let part = |name: &str| {
        connection_string
            .split(';')
            .find_map(|p| p.trim().strip_prefix(name))
            .unwrap_or_else(|| panic!("no {name} in the connection string"))
            .to_owned()
    };
    token(
        &part("HostName="),
        &part("SharedAccessKeyName="),
        &part("SharedAccessKey="),
        now_s() + 3600,
    )
}

/// A token of the fixtures' policy for the whole hub, valid for an hour.
pub fn fixture_token() -> String {
    token(HOST, POLICY, &policy_key(), now_s() + 3600)
}

/// An HTTP answer.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The headers, names in lower case, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Answer {
    /// The body as JSON (panics, showing it, if it is not).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The first header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Asserts an error answer: `status`, JSON `error` = `kind`, a reason,
    /// the service's `iothub-errorcode` header; returns the reason.
    pub fn assert_error(&self, status: u16, kind: &str) -> String {
        assert_eq!(self.status, status, "{}", self.text());
        let body = self.json();
        assert_eq!(body["error"], kind, "{body}");
        let reason = body["reason"].as_str().expect("a reason").to_owned();
        assert!(!reason.is_empty());
        let code = self.header("iothub-errorcode").expect("an error code");
        assert_eq!(
            body["Message"].as_str().expect("a Message"),
            format!("ErrorCode:{code};{reason}")
        );
        reason
    }
}

/// Sends `head` (request line and headers, without the blank line), a
/// `content-length` of `length` (default: the body's) and `body`; reads the
/// answer. `None` if the server is gone or does not answer within [`WAIT`].
pub async fn try_raw(
    addr: SocketAddr,
    head: &str,
    length: Option<usize>,
    body: &[u8],
) -> Option<Answer> {
    let length = length.unwrap_or(body.len());
    let mut request = format!(
        "{head}\r\nhost: emulator\r\nconnection: close\r\ncontent-length: {length}\r\n\r\n"
    )
    .into_bytes();
    request.extend_from_slice(body);
    exchange(addr, &request).await
}

/// Writes `request` (bytes as they are) and reads one answer. `None` if the
/// server is gone or does not answer within [`WAIT`].
pub async fn exchange(addr: SocketAddr, request: &[u8]) -> Option<Answer> {
    let exchange = async {
        let mut stream = TcpStream::connect(addr).await.ok()?;
        stream.write_all(request).await.ok()?;
        read_answer(&mut stream).await
    };
    tokio::time::timeout(WAIT, exchange).await.ok().flatten()
}

/// [`try_raw`] that must be answered.
pub async fn raw(addr: SocketAddr, head: &str, length: Option<usize>, body: &[u8]) -> Answer {
    try_raw(addr, head, length, body)
        .await
        .unwrap_or_else(|| panic!("no answer in time to {head:?}"))
}

async fn read_answer(stream: &mut TcpStream) -> Option<Answer> {
    let mut data = Vec::new();
    let mut buffer = [0u8; 8192];
    loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8(data[..end].to_vec()).ok()?;
            let mut lines = head.split("\r\n");
            let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
            let headers: Vec<(String, String)> = lines
                .filter_map(|l| l.split_once(':'))
                .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
                .collect();
            let length: usize = headers
                .iter()
                .find(|(n, _)| n == "content-length")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(0);
            if data.len() >= end + 4 + length {
                let body = data[end + 4..end + 4 + length].to_vec();
                return Some(Answer {
                    status,
                    headers,
                    body,
                });
            }
        }
        let read = stream.read(&mut buffer).await.ok()?;
        if read == 0 {
            return None;
        }
        data.extend_from_slice(&buffer[..read]);
    }
}

/// A caller of the service API at one address, with one `Authorization`
/// header (or none).
#[derive(Debug, Clone)]
pub struct Service {
    addr: SocketAddr,
    authorization: Option<String>,
}

impl Service {
    /// A caller signing with the fixtures' policy.
    pub fn new(addr: SocketAddr) -> Self {
        Self::with_authorization(addr, fixture_token())
    }

    /// A caller sending no `Authorization` header.
    pub fn anonymous(addr: SocketAddr) -> Self {
        Self {
            addr,
            authorization: None,
        }
    }

    /// A caller sending `authorization` as is.
    pub fn with_authorization(addr: SocketAddr, authorization: impl Into<String>) -> Self {
        Self {
            addr,
            authorization: Some(authorization.into()),
        }
    }

    /// A caller signing with a service connection string's policy
    /// (`HostName=…;SharedAccessKeyName=…;SharedAccessKey=…`).
    pub fn from_connection_string(addr: SocketAddr, connection_string: &str) -> Self {
        Self::with_authorization(addr, connection_string_token(connection_string))
    }

    /// The `Authorization` header it sends, if any.
    pub fn authorization(&self) -> Option<&str> {
        self.authorization.as_deref()
    }

    /// The address it calls.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    fn head(&self, method: &str, path: &str, content_type: Option<&str>) -> String {
        let mut head = format!("{method} {path} HTTP/1.1");
        if let Some(authorization) = &self.authorization {
            head.push_str(&format!("\r\nauthorization: {authorization}"));
        }
        if let Some(content_type) = content_type {
            head.push_str(&format!("\r\ncontent-type: {content_type}"));
        }
        head
    }

    /// A request with a JSON body (or none); must be answered.
    pub async fn request(&self, method: &str, path: &str, body: Option<&Value>) -> Answer {
        self.try_request(method, path, body)
            .await
            .unwrap_or_else(|| panic!("{method} {path}: no answer in time"))
    }

    /// [`request`](Self::request), `None` if the hub is gone.
    pub async fn try_request(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Option<Answer> {
        match body {
            Some(body) => {
                let head = self.head(method, path, Some("application/json"));
                try_raw(self.addr, &head, None, body.to_string().as_bytes()).await
            }
            None => try_raw(self.addr, &self.head(method, path, None), None, b"").await,
        }
    }

    /// A request with `body` of `content_type` (none when `None`) and
    /// `extra` header lines (`name: value`, joined by `\r\n`, or empty).
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        extra: &str,
        body: &[u8],
    ) -> Answer {
        let mut head = self.head(method, path, content_type);
        if !extra.is_empty() {
            head.push_str("\r\n");
            head.push_str(extra);
        }
        raw(self.addr, &head, None, body).await
    }

    /// A request that must answer `status`; its body as JSON (`null` when
    /// empty).
    pub async fn expect(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
        status: u16,
    ) -> Value {
        let answer = self.request(method, path, body).await;
        assert_eq!(answer.status, status, "{method} {path}: {}", answer.text());
        if answer.body.is_empty() {
            Value::Null
        } else {
            answer.json()
        }
    }
}
