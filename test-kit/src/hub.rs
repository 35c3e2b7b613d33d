//! A scripted hub for the client's wire tests: it accepts one connection and
//! the test reads and writes raw MQTT 5 packets (through the framing the
//! client and the emulator share), so each assertion is about
//! the exact bytes the client sent.

use std::net::SocketAddr;

use bytes::BytesMut;
use iothub_client::api;
use iothub_mqtt::frame::{self, Frame};
use iothub_mqtt::packet::QoS;
use iothub_mqtt::packet::{ConnAck, Filter, Packet, Publish, PublishProperties, SubAck, Subscribe};
use iothub_mqtt::ReasonCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::WAIT;

/// A listener for one client.
#[derive(Debug)]
pub struct ScriptedHub {
    listener: TcpListener,
}

/// The connection of a client to the scripted hub.
#[derive(Debug)]
pub struct HubConnection {
    stream: TcpStream,
    buffer: BytesMut,
}

impl ScriptedHub {
    /// Listens on a free loopback port.
    pub async fn start() -> Self {
        Self {
            listener: TcpListener::bind("127.0.0.1:0").await.expect("binds"),
        }
    }

    /// Its address.
    pub fn addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("addr")
    }

    /// The next client connection.
    pub async fn accept(&self) -> HubConnection {
        let (stream, _) = tokio::time::timeout(WAIT, self.listener.accept())
            .await
            .expect("the client connects in time")
            .expect("accepts");
        HubConnection {
            stream,
            buffer: BytesMut::new(),
        }
    }
}

impl HubConnection {
    /// The next packet the client sent.
    pub async fn recv(&mut self) -> Frame {
        let read = async {
            loop {
                if let Some(frame) = frame::read(&mut self.buffer, 1 << 20).expect("a valid packet")
                {
                    return frame;
                }
                let n = self.stream.read_buf(&mut self.buffer).await.expect("reads");
                assert!(n > 0, "the client closed the connection");
            }
        };
        tokio::time::timeout(WAIT, read)
            .await
            .expect("the client sends in time")
    }

    /// The next packet, which must not be an AUTH.
    pub async fn recv_packet(&mut self) -> Packet {
        match self.recv().await {
            Frame::Packet(packet) => *packet,
            Frame::Auth(auth) => panic!("unexpected AUTH {auth:?}"),
        }
    }

    /// The next packet the client sends, with no time limit; `None` once
    /// the client closed the connection (or sent what is not a packet).
    pub async fn next_packet(&mut self) -> Option<Packet> {
        loop {
            match frame::read(&mut self.buffer, 1 << 20) {
                Ok(Some(Frame::Packet(packet))) => return Some(*packet),
                Ok(Some(Frame::Auth(_))) => continue,
                Ok(None) => {}
                Err(_) => return None,
            }
            match self.stream.read_buf(&mut self.buffer).await {
                Ok(0) | Err(_) => return None,
                Ok(_) => {}
            }
        }
    }

    /// Sends bytes as they are.
    pub async fn send_raw(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).await.expect("writes");
    }

    /// Sends `packet`.
    pub async fn send(&mut self, packet: Packet) {
        let mut out = BytesMut::new();
        packet.write(&mut out, None).expect("encodes");
        self.stream.write_all(&out).await.expect("writes");
    }

    /// Reads CONNECT and answers CONNACK success with `session_present`;
    /// returns the CONNECT.
    pub async fn accept_connect(&mut self, session_present: bool) -> Packet {
        let connect = self.recv_packet().await;
        assert!(matches!(connect, Packet::Connect(..)), "{connect:?}");
        self.send(Packet::ConnAck(ConnAck {
            session_present,
            code: ReasonCode::Success,
            properties: None,
        }))
        .await;
        connect
    }

    /// Answers the next packet, a Get Twin request, with an empty twin.
    pub async fn answer_twin_request(&mut self) {
        let Packet::Publish(request) = self.recv_packet().await else {
            panic!("expected a Get Twin request");
        };
        assert_eq!(request.topic, api::get_twin::TOPIC.as_bytes());
        let correlation = request.properties.and_then(|p| p.correlation_data);
        let twin = br#"{"desired":{"$version":1},"reported":{"$version":1}}"#;
        self.send(Packet::Publish(Publish::new(
            api::topics::RESPONSES,
            QoS::AtMostOnce,
            &twin[..],
            Some(PublishProperties {
                correlation_data: correlation,
                ..PublishProperties::default()
            }),
        )))
        .await;
    }

    /// Reads CONNECT and answers CONNACK success (no session), reads the
    /// SUBSCRIBE and grants it, then answers the Get Twin request the client
    /// makes for its desired-state snapshot; returns the CONNECT and the
    /// filters.
    pub async fn handshake(&mut self) -> (Packet, Vec<(String, QoS)>) {
        let connect = self.accept_connect(false).await;
        let subscribe = self.answer_subscribe(|f| ReasonCode::granted(f.qos)).await;
        let filters: Vec<(String, QoS)> = subscribe
            .filters
            .iter()
            .map(|f| (f.path.clone(), f.qos))
            .collect();
        self.answer_twin_request().await;
        (connect, filters)
    }

    /// Reads the next packet, which must be a SUBSCRIBE, and answers it
    /// with a SUBACK of `decide`'s code for each filter; returns the
    /// SUBSCRIBE.
    pub async fn answer_subscribe(&mut self, decide: impl Fn(&Filter) -> ReasonCode) -> Subscribe {
        let Packet::Subscribe(subscribe) = self.recv_packet().await else {
            panic!("expected SUBSCRIBE");
        };
        let codes = subscribe.filters.iter().map(decide).collect();
        self.send(Packet::SubAck(SubAck {
            pkid: subscribe.pkid,
            return_codes: codes,
            properties: None,
        }))
        .await;
        subscribe
    }
}
