//! A raw MQTT 5 client: every packet is built by the test (`iothub-mqtt`'s
//! packets) or written as bytes, and every answer is read with the framing
//! the hub itself uses, so each assertion is about the exact bytes the hub
//! put on the wire. Over TCP or any other stream (TLS).

use std::net::SocketAddr;

use bytes::BytesMut;
use iothub_emulator::Emulator;
use iothub_mqtt::auth::AuthPacket;
use iothub_mqtt::frame::{self, Frame};
use iothub_mqtt::packet::{ConnAck, Connect, Disconnect, Packet, PingReq};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::WAIT;

/// A byte stream the peer speaks over: plain TCP or TLS.
pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

/// Where a hub's MQTT listener is: an address, or an in-process emulator.
pub trait MqttAddress {
    /// The address.
    fn mqtt_address(&self) -> SocketAddr;
}

impl MqttAddress for SocketAddr {
    fn mqtt_address(&self) -> SocketAddr {
        *self
    }
}

impl MqttAddress for &Emulator {
    fn mqtt_address(&self) -> SocketAddr {
        self.mqtt_addr()
    }
}

/// One connection to a hub, speaking raw MQTT 5.
pub struct RawPeer {
    stream: Box<dyn Stream>,
    buffer: BytesMut,
}

impl std::fmt::Debug for RawPeer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawPeer")
            .field("buffered", &self.buffer.len())
            .finish_non_exhaustive()
    }
}

impl RawPeer {
    /// A new TCP connection to the hub at `hub`.
    pub async fn open(hub: impl MqttAddress) -> Self {
        let stream = tokio::time::timeout(WAIT, TcpStream::connect(hub.mqtt_address()))
            .await
            .expect("connects in time")
            .expect("connects");
        Self::over(stream)
    }

    /// A peer over an established stream (for example, TLS).
    pub fn over(stream: impl Stream + 'static) -> Self {
        Self {
            stream: Box::new(stream),
            buffer: BytesMut::new(),
        }
    }

    /// A new connection whose `connect` the hub answered with CONNACK.
    pub async fn connect(hub: impl MqttAddress, connect: Connect) -> (Self, ConnAck) {
        let raw = Self::open(hub).await;
        raw.handshake(connect).await
    }

    /// [`RawPeer::connect`] over an established stream.
    pub async fn connect_over(stream: impl Stream + 'static, connect: Connect) -> (Self, ConnAck) {
        Self::over(stream).handshake(connect).await
    }

    async fn handshake(mut self, connect: Connect) -> (Self, ConnAck) {
        self.send(Packet::Connect(connect, None, None)).await;
        match self.recv().await {
            Some(Packet::ConnAck(ack)) => (self, ack),
            other => panic!("expected CONNACK, got {other:?}"),
        }
    }

    /// Sends `packet`, encoded.
    pub async fn send(&mut self, packet: Packet) {
        let mut buffer = BytesMut::new();
        packet
            .write(&mut buffer, None)
            .expect("the test's packet encodes");
        self.send_bytes(&buffer).await;
    }

    /// Sends `bytes` as they are.
    pub async fn send_bytes(&mut self, bytes: &[u8]) {
        tokio::time::timeout(WAIT, self.stream.write_all(bytes))
            .await
            .expect("the hub takes the bytes in time")
            .expect("sends");
    }

    /// Sends `bytes` to a hub that may already have closed the connection
    /// (it answers bad bytes that way): whether they went out.
    pub async fn try_send_bytes(&mut self, bytes: &[u8]) -> bool {
        matches!(
            tokio::time::timeout(WAIT, self.stream.write_all(bytes)).await,
            Ok(Ok(()))
        )
    }

    /// The next frame and how many bytes it took; `None` once the hub
    /// closed the connection.
    async fn next(&mut self) -> Option<(Frame, usize)> {
        let read = async {
            loop {
                let before = self.buffer.len();
                match frame::read(&mut self.buffer, u32::MAX) {
                    Ok(Some(frame)) => return Some((frame, before - self.buffer.len())),
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

    /// The next packet from the hub (not an AUTH); `None` once it closed the
    /// connection.
    pub async fn recv(&mut self) -> Option<Packet> {
        self.recv_sized().await.map(|(packet, _)| packet)
    }

    /// The next packet and how many bytes it took on the wire.
    pub async fn recv_sized(&mut self) -> Option<(Packet, usize)> {
        match self.next().await? {
            (Frame::Packet(packet), size) => Some((*packet, size)),
            (Frame::Auth(auth), _) => panic!("expected a packet, got {auth:?}"),
        }
    }

    /// The next packet, which must be an AUTH.
    pub async fn recv_auth_packet(&mut self) -> AuthPacket {
        match self.next().await {
            Some((Frame::Auth(auth), _)) => auth,
            other => panic!("expected AUTH, got {other:?}"),
        }
    }

    /// The reason code of the next packet, which must be an AUTH.
    pub async fn recv_auth(&mut self) -> u8 {
        self.recv_auth_packet().await.reason_code
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

    /// Two PINGREQ round trips, each answered by the very next packet: the
    /// hub had nothing else queued for this connection (one round trip
    /// alone would not show it, as the hub's loop picks among ready work).
    pub async fn assert_quiet(&mut self) {
        for round in 0..2 {
            self.send(Packet::PingReq(PingReq)).await;
            match self.recv().await {
                Some(Packet::PingResp(_)) => {}
                other => panic!("round {round}: expected PINGRESP, got {other:?}"),
            }
        }
    }
}
