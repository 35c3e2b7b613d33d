//! A raw MQTT 5 client over rumqttc's codec (every packet is built and read
//! by the test, so each assertion is about exact bytes the hub sent), an
//! emulator with SAS devices, and SAS signatures computed here from the
//! overview's rule, independently of the emulator's code.
#![allow(dead_code)]

pub mod process;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use bytes::{Bytes, BytesMut};
use hmac::{KeyInit, Mac};
use iothub_emulator::registry::{Authentication, Device, DeviceId, Key, Registry};
use iothub_emulator::{Config, Emulator};
use rumqttc::v5::mqttbytes::v5::{Connect, ConnectProperties, Packet};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

/// A byte stream the raw client speaks over: plain TCP or TLS.
pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

/// Every wait of a test is bounded by this.
pub const WAIT: Duration = Duration::from_secs(5);

/// The host name the tests sign for.
pub const HOST: &str = "hub.example.test";

/// A device key (base64 of 32 bytes).
pub fn key(seed: u8) -> String {
    base64::engine::general_purpose::STANDARD.encode([seed; 32])
}

/// An emulator with SAS devices `names` (keys `key(i)` and `key(i + 100)`).
pub async fn emulator(names: &[&str]) -> Emulator {
    emulator_with(names, |config| config).await
}

/// [`emulator`], its configuration changed by `configure`.
pub async fn emulator_with(names: &[&str], configure: impl FnOnce(Config) -> Config) -> Emulator {
    let registry = Registry::new();
    for (i, name) in names.iter().enumerate() {
        let i = u8::try_from(i).expect("few devices");
        registry.put(Device::new(
            DeviceId::new(*name).expect("id"),
            Authentication::Sas {
                primary: Key::from_base64(&key(i)).expect("key"),
                secondary: Key::from_base64(&key(i + 100)).expect("key"),
            },
        ));
    }
    Emulator::start(configure(Config::new().registry(registry)))
        .await
        .expect("starts")
}

pub fn now_ms() -> u64 {
    u64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("after 1970")
            .as_millis(),
    )
    .expect("fits")
}

/// The overview's string to sign, `{host}\n{client id}\n{sas-policy}\n{sas-at}\n{sas-expiry}\n`,
/// signed with HMAC-SHA256 under the base64-decoded key.
pub fn sign(key_b64: &str, host: &str, client_id: &str, at: u64, expiry: u64) -> Bytes {
    let key = base64::engine::general_purpose::STANDARD
        .decode(key_b64)
        .expect("base64");
    let text = format!("{host}\n{client_id}\n\n{at}\n{expiry}\n");
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key).expect("any key length");
    mac.update(text.as_bytes());
    Bytes::from(mac.finalize().into_bytes().to_vec())
}

/// A CONNECT as the overview's example has it, signed with `key_b64`.
pub fn connect(client_id: &str, key_b64: &str) -> Connect {
    connect_expiring(client_id, key_b64, 3_600_000)
}

/// A CONNECT whose SAS expires in `lifetime_ms`.
pub fn connect_expiring(client_id: &str, key_b64: &str, lifetime_ms: u64) -> Connect {
    let at = now_ms();
    let expiry = at + lifetime_ms;
    let mut properties = ConnectProperties::new();
    properties.authentication_method = Some("SAS".into());
    properties.authentication_data = Some(sign(key_b64, HOST, client_id, at, expiry));
    properties.user_properties = vec![
        ("api-version".into(), "2020-10-01-preview".into()),
        ("host".into(), HOST.into()),
        ("sas-at".into(), at.to_string()),
        ("sas-expiry".into(), expiry.to_string()),
        ("client-agent".into(), "iothub-emulator tests".into()),
    ];
    Connect {
        keep_alive: 60,
        client_id: client_id.into(),
        clean_start: false,
        properties: Some(properties),
    }
}

/// A connection speaking raw MQTT 5.
pub struct Raw {
    stream: Box<dyn Stream>,
    buffer: BytesMut,
}

impl Raw {
    pub async fn open(emulator: &Emulator) -> Self {
        let stream = tokio::time::timeout(WAIT, TcpStream::connect(emulator.mqtt_addr()))
            .await
            .expect("in time")
            .expect("connects");
        Self::over(stream)
    }

    /// A raw client over an established stream (for example, TLS).
    pub fn over(stream: impl Stream + 'static) -> Self {
        Self {
            stream: Box::new(stream),
            buffer: BytesMut::new(),
        }
    }

    /// Sends `connect` and returns the CONNACK.
    pub async fn connect_over(
        stream: impl Stream + 'static,
        connect: Connect,
    ) -> (Self, rumqttc::v5::mqttbytes::v5::ConnAck) {
        let mut raw = Self::over(stream);
        raw.send(Packet::Connect(connect, None, None)).await;
        match raw.recv().await {
            Some(Packet::ConnAck(ack)) => (raw, ack),
            other => panic!("expected CONNACK, got {other:?}"),
        }
    }

    pub async fn send(&mut self, packet: Packet) {
        let mut buffer = BytesMut::new();
        packet.write(&mut buffer, None).expect("encodes");
        self.send_bytes(&buffer).await;
    }

    pub async fn send_bytes(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).await.expect("sends");
    }

    /// Sends `bytes` to a hub that may already have closed the connection
    /// (it answers bad bytes that way): whether they went out.
    pub async fn try_send_bytes(&mut self, bytes: &[u8]) -> bool {
        self.stream.write_all(bytes).await.is_ok()
    }

    /// The next packet; `None` when the hub closed the connection.
    pub async fn recv(&mut self) -> Option<Packet> {
        let read = async {
            loop {
                match Packet::read(&mut self.buffer, None) {
                    Ok(packet) => return Some(packet),
                    Err(rumqttc::v5::mqttbytes::Error::InsufficientBytes(_)) => {}
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

    /// The next packet and how many bytes it took on the wire; `None` when
    /// the hub closed the connection.
    pub async fn recv_sized(&mut self) -> Option<(Packet, usize)> {
        let read = async {
            loop {
                let before = self.buffer.len();
                match Packet::read(&mut self.buffer, None) {
                    Ok(packet) => return Some((packet, before - self.buffer.len())),
                    Err(rumqttc::v5::mqttbytes::Error::InsufficientBytes(_)) => {}
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

    /// The reason code of the next packet, which must be an AUTH (rumqttc's
    /// codec does not read AUTH; its first bytes are checked here).
    pub async fn recv_auth(&mut self) -> u8 {
        let read = async {
            loop {
                if self.buffer.len() >= 2 {
                    assert_eq!(
                        self.buffer[0],
                        0xF0,
                        "expected AUTH, got {:02X?}",
                        &self.buffer[..]
                    );
                    let len = usize::from(self.buffer[1]);
                    assert!(len < 128, "a short AUTH");
                    if self.buffer.len() >= 2 + len {
                        let reason = if len == 0 { 0 } else { self.buffer[2] };
                        let _ = self.buffer.split_to(2 + len);
                        return reason;
                    }
                }
                match self.stream.read_buf(&mut self.buffer).await {
                    Ok(0) | Err(_) => panic!("closed before AUTH"),
                    Ok(_) => {}
                }
            }
        };
        tokio::time::timeout(WAIT, read)
            .await
            .expect("the hub answers in time")
    }

    /// Two PINGREQ round trips, each answered by the very next packet: the
    /// hub had nothing else queued for this connection (one round trip
    /// alone would not show it, as the hub's loop picks among ready work).
    pub async fn assert_quiet(&mut self) {
        for round in 0..2 {
            self.send(Packet::PingReq(rumqttc::v5::mqttbytes::v5::PingReq))
                .await;
            match self.recv().await {
                Some(Packet::PingResp(_)) => {}
                other => panic!("round {round}: expected PINGRESP, got {other:?}"),
            }
        }
    }

    /// Connects with `connect` and returns the CONNACK.
    pub async fn connect(
        emulator: &Emulator,
        connect: Connect,
    ) -> (Self, rumqttc::v5::mqttbytes::v5::ConnAck) {
        let mut raw = Self::open(emulator).await;
        raw.send(Packet::Connect(connect, None, None)).await;
        match raw.recv().await {
            Some(Packet::ConnAck(ack)) => (raw, ack),
            other => panic!("expected CONNACK, got {other:?}"),
        }
    }
}

/// The value of user property `name`.
pub fn user<'a>(properties: &'a [(String, String)], name: &str) -> Option<&'a str> {
    properties
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// An AUTH re-authenticating `client_id` with a fresh signature by
/// `key_b64` (built by hand: MQTT 5 §3.15).
pub fn reauthentication(client_id: &str, key_b64: &str) -> Vec<u8> {
    reauthentication_signed(client_id, key_b64).0
}

/// [`reauthentication`] and the signature it carries.
pub fn reauthentication_signed(client_id: &str, key_b64: &str) -> (Vec<u8>, Bytes) {
    let at = now_ms();
    let expiry = at + 3_600_000;
    let signature = sign(key_b64, HOST, client_id, at, expiry);
    let mut properties = Vec::new();
    let string = |id: u8, bytes: &[u8], out: &mut Vec<u8>| {
        out.push(id);
        out.extend_from_slice(&u16::try_from(bytes.len()).expect("short").to_be_bytes());
        out.extend_from_slice(bytes);
    };
    string(0x15, b"SAS", &mut properties);
    string(0x16, &signature, &mut properties);
    for (name, value) in [
        ("sas-at", at.to_string()),
        ("sas-expiry", expiry.to_string()),
    ] {
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
