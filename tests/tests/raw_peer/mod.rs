//! A raw MQTT 5 peer for the hostile-peer test: every packet is built with
//! rumqttc's codec (or written as bytes) by the test and every answer is
//! read with the framing the hub itself uses, so each assertion is about
//! what the hub put on the wire. SAS signatures are computed here from the
//! overview's rule, independently of the client and the emulator.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::{Bytes, BytesMut};
use hmac::{KeyInit, Mac};
use iothub_client::transport::frame::{self, Frame};
use rumqttc::v5::mqttbytes::v5::{ConnAck, Connect, ConnectProperties, Disconnect, Packet};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Every wait for the hub is bounded by this.
pub const WAIT: Duration = Duration::from_secs(5);

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970");
    u64::try_from(since.as_millis()).expect("fits")
}

/// HMAC-SHA256 under `key` of the overview's string to sign
/// `{host}\n{client id}\n{sas-policy}\n{sas-at}\n{sas-expiry}\n` (no policy).
pub fn sign(key: &[u8], host: &str, client_id: &str, at: u64, expiry: u64) -> Bytes {
    let text = format!("{host}\n{client_id}\n\n{at}\n{expiry}\n");
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).expect("any key length");
    mac.update(text.as_bytes());
    Bytes::from(mac.finalize().into_bytes().to_vec())
}

/// The overview's CONNECT for `client_id`, signed with `key` for `host`.
pub fn connect(client_id: &str, key: &[u8], host: &str) -> Connect {
    let at = now_ms();
    let expiry = at + 3_600_000;
    let mut properties = ConnectProperties::new();
    properties.authentication_method = Some("SAS".into());
    properties.authentication_data = Some(sign(key, host, client_id, at, expiry));
    properties.user_properties = vec![
        ("api-version".into(), "2020-10-01-preview".into()),
        ("host".into(), host.into()),
        ("sas-at".into(), at.to_string()),
        ("sas-expiry".into(), expiry.to_string()),
        ("client-agent".into(), "hostile peer".into()),
    ];
    Connect {
        keep_alive: 60,
        client_id: client_id.into(),
        clean_start: true,
        properties: Some(properties),
    }
}

/// The value of user property `name` in `user`.
pub fn user<'a>(user: &'a [(String, String)], name: &str) -> Option<&'a str> {
    user.iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// One connection to the hub, speaking raw MQTT 5.
pub struct Raw {
    stream: TcpStream,
    buffer: BytesMut,
}

impl Raw {
    /// A new TCP connection to `addr`.
    pub async fn open(addr: SocketAddr) -> Self {
        let stream = tokio::time::timeout(WAIT, TcpStream::connect(addr))
            .await
            .expect("connects in time")
            .expect("connects");
        Self {
            stream,
            buffer: BytesMut::new(),
        }
    }

    /// A new connection whose `connect` the hub answered with `CONNACK`.
    pub async fn connect(addr: SocketAddr, connect: Connect) -> (Self, ConnAck) {
        let mut raw = Self::open(addr).await;
        raw.send(Packet::Connect(connect, None, None)).await;
        match raw.recv().await {
            Some(Packet::ConnAck(ack)) => (raw, ack),
            other => panic!("expected CONNACK, got {other:?}"),
        }
    }

    /// Sends `packet` (as rumqttc encodes it).
    pub async fn send(&mut self, packet: Packet) {
        let mut buffer = BytesMut::new();
        packet
            .write(&mut buffer, None)
            .expect("the test's packet encodes");
        self.send_bytes(&buffer).await;
    }

    /// Sends `bytes`; the hub may have closed the connection already (a
    /// refused packet), which is not an error here.
    pub async fn send_bytes(&mut self, bytes: &[u8]) {
        let _ = tokio::time::timeout(WAIT, self.stream.write_all(bytes)).await;
    }

    /// The next packet from the hub; `None` once it closed the connection.
    pub async fn recv(&mut self) -> Option<Packet> {
        let read = async {
            loop {
                match frame::read(&mut self.buffer, u32::MAX) {
                    Ok(Some(Frame::Packet(packet))) => return Some(*packet),
                    Ok(Some(Frame::Auth(auth))) => panic!("unexpected {auth:?}"),
                    Ok(None) => {}
                    Err(e) => panic!("the hub sent an unreadable packet: {e}"),
                }
                match self.stream.read_buf(&mut self.buffer).await {
                    Ok(0) | Err(_) => return None,
                    Ok(_) => {}
                }
            }
        };
        tokio::time::timeout(WAIT, read)
            .await
            .expect("the hub answers in time")
    }

    /// Every byte the hub sends until it closes the connection.
    pub async fn recv_until_closed(&mut self) -> Vec<u8> {
        let read = async {
            loop {
                match self.stream.read_buf(&mut self.buffer).await {
                    Ok(0) | Err(_) => return self.buffer.split().to_vec(),
                    Ok(_) => {}
                }
            }
        };
        tokio::time::timeout(WAIT, read)
            .await
            .expect("the hub closes in time")
    }

    /// The hub's DISCONNECT, after which it closes the connection.
    pub async fn expect_disconnect(&mut self, what: &str) -> Disconnect {
        match self.recv().await {
            Some(Packet::Disconnect(disconnect)) => {
                assert!(self.recv().await.is_none(), "{what}: still open");
                disconnect
            }
            other => panic!("{what}: expected DISCONNECT, got {other:?}"),
        }
    }
}
