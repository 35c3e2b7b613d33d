//! Opening a connection: the transport, CONNECT with the API's
//! authentication and user properties (from the generated
//! `api::connection::Connect`), and the CONNACK's answer; and the AUTH
//! packet that re-authenticates a SAS connection.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use iothub_mqtt::packet::{ConnAck, ConnectProperties, Packet};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::machine::LinkParams;
use super::state::DisconnectCause;
use crate::api::{self, connection::sas, limits};
use crate::credentials::{Credentials, SasToken};
use crate::options::ClientOptions;
use crate::transport::{self, Stream};
use crate::wire::{MqttProperties, Timestamp};
use iothub_mqtt::auth::AuthPacket;
use iothub_mqtt::frame::{self, Frame};
use iothub_mqtt::ReasonCode;

/// The Receive Maximum this client declares: QoS 1 messages the hub may
/// have unacknowledged with it (commands held by the application count).
pub const CLIENT_RECEIVE_MAXIMUM: u16 = 16;

/// An open connection, after a successful CONNACK.
pub(crate) struct Link {
    pub(crate) stream: Box<dyn Stream>,
    /// Bytes read after the CONNACK.
    pub(crate) read: BytesMut,
    /// The CONNACK's terms (the Keep Alive in force is the hub's Server
    /// Keep Alive if it set one).
    pub(crate) params: LinkParams,
}

/// Why a connection attempt failed.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) cause: DisconnectCause,
    /// Whether trying again cannot help (the hub refused these credentials
    /// or this API version).
    pub(crate) fatal: bool,
}

fn network(e: impl std::fmt::Display) -> Failure {
    Failure {
        cause: DisconnectCause::Network(e.to_string()),
        fatal: false,
    }
}

fn protocol(e: impl std::fmt::Display) -> Failure {
    Failure {
        cause: DisconnectCause::Protocol(e.to_string()),
        fatal: false,
    }
}

/// The generated CONNECT user properties, unsigned.
fn connect_properties(options: &ClientOptions) -> api::connection::Connect {
    api::connection::Connect {
        api_version: api::API_VERSION.to_owned(),
        host: Some(options.host_name.clone()),
        sas_policy: match &options.credentials {
            Credentials::Sas { policy, .. } => policy.clone(),
            Credentials::X509 => None,
        },
        sas_at: None,
        sas_expiry: None,
        client_agent: Some(options.client_agent.clone()),
    }
}

/// Signs a new token for `options` (SAS credentials only).
fn sign(options: &ClientOptions, connect: &mut api::connection::Connect) -> Option<SasToken> {
    match &options.credentials {
        Credentials::Sas { key, .. } => Some(SasToken::sign(
            key,
            &options.host_name,
            &options.client_id(),
            connect,
            Timestamp::now(),
            options.token.lifetime(),
        )),
        Credentials::X509 => None,
    }
}

/// How long after signing a token signed at `at` is due for renewal, from
/// now (the policy's share of its lifetime, less its age).
pub(crate) fn renew_in(options: &ClientOptions, at: Timestamp) -> Duration {
    let age = Duration::from_millis(Timestamp::now().as_millis().saturating_sub(at.as_millis()));
    options.token.renew_after().saturating_sub(age)
}

/// Opens a connection and performs CONNECT / CONNACK; `clean_start` asks
/// the hub to drop the session it keeps.
pub(crate) async fn open(options: &ClientOptions, clean_start: bool) -> Result<Link, Failure> {
    let (host, port) = options.address();
    let mut stream = transport::open(&options.transport, host, port, options.server_name())
        .await
        .map_err(network)?;

    let mut user = connect_properties(options);
    let token = sign(options, &mut user);
    let mut properties = ConnectProperties::new();
    // Keep the session (subscriptions, queued commands) across reconnects.
    properties.session_expiry_interval = Some(u32::MAX);
    properties.receive_maximum = Some(CLIENT_RECEIVE_MAXIMUM);
    properties.max_packet_size = Some(limits::MAXIMUM_PACKET_SIZE);
    properties.authentication_method = Some(options.credentials.method().name().to_owned());
    properties.authentication_data = token
        .as_ref()
        .map(|t| Bytes::copy_from_slice(t.signature()));
    properties.user_properties = user.to_properties().user;
    let keep_alive = u16::try_from(options.keep_alive.as_secs()).unwrap_or(u16::MAX);
    let connect = iothub_mqtt::packet::Connect {
        keep_alive,
        client_id: options.client_id(),
        clean_start,
        properties: Some(properties),
    };
    let mut out = BytesMut::new();
    Packet::Connect(connect, None, None)
        .write(&mut out, None)
        .map_err(protocol)?;
    stream.write_all(&out).await.map_err(network)?;
    stream.flush().await.map_err(network)?;

    let mut read = BytesMut::with_capacity(4096);
    let connack = loop {
        match frame::read(&mut read, limits::MAXIMUM_PACKET_SIZE).map_err(protocol)? {
            Some(Frame::Packet(packet)) => match *packet {
                Packet::ConnAck(connack) => break connack,
                other => return Err(protocol(format!("expected CONNACK, got {}", other.name()))),
            },
            Some(Frame::Auth(_)) => return Err(protocol("expected CONNACK, got AUTH")),
            None => {
                if stream.read_buf(&mut read).await.map_err(network)? == 0 {
                    return Err(network("the hub closed the connection before CONNACK"));
                }
            }
        }
    };
    accept(stream, read, connack, options, token)
}

fn accept(
    stream: Box<dyn Stream>,
    read: BytesMut,
    connack: ConnAck,
    options: &ClientOptions,
    token: Option<SasToken>,
) -> Result<Link, Failure> {
    let properties = connack.properties;
    if connack.code != ReasonCode::Success {
        let code = connack.code;
        let user = properties
            .as_ref()
            .map(|p| p.user_properties.as_slice())
            .unwrap_or_default();
        let status = crate::wire::user_property(user, api::RESPONSE_PROPERTIES.status);
        let reason = api::RESPONSE_PROPERTIES
            .reason
            .and_then(|name| crate::wire::user_property(user, name))
            .or_else(|| properties.as_ref().and_then(|p| p.reason_string.clone()));
        // What the same CONNECT cannot fix: version, identity, a bad user
        // name or password, a ban, the method. Not authorized (0x87) is
        // retried with backoff: every CONNECT carries a fresh token, and a
        // device whose clock was wrong at boot gets a right one later.
        let fatal = matches!(
            code,
            ReasonCode::UnsupportedProtocolVersion
                | ReasonCode::ClientIdentifierNotValid
                | ReasonCode::BadUserNameOrPassword
                | ReasonCode::Banned
                | ReasonCode::BadAuthenticationMethod
        );
        return Err(Failure {
            cause: DisconnectCause::Refused {
                reason_code: code.into(),
                status,
                reason,
            },
            fatal,
        });
    }
    let keep_alive = properties
        .as_ref()
        .and_then(|p| p.server_keep_alive)
        .map(|s| Duration::from_secs(s.into()))
        .unwrap_or(options.keep_alive);
    Ok(Link {
        stream,
        read,
        params: LinkParams {
            session_present: connack.session_present,
            receive_maximum: properties
                .as_ref()
                .and_then(|p| p.receive_max)
                .unwrap_or(u16::MAX),
            maximum_packet_size: properties
                .as_ref()
                .and_then(|p| p.max_packet_size)
                .unwrap_or(u32::MAX),
            keep_alive,
            renew_in: token.as_ref().map(|t| renew_in(options, t.at)),
        },
    })
}

/// The re-authentication AUTH (the spec's re-authentication reason code)
/// with a fresh token, and the token. It carries the CONNECT user
/// properties that signing set (the SAS times, as the overview's AUTH
/// example has them); the hub keeps the others from CONNECT.
pub(crate) fn reauthenticate(options: &ClientOptions) -> Option<(AuthPacket, SasToken)> {
    let unsigned = connect_properties(options).to_properties().user;
    let mut user = connect_properties(options);
    let token = sign(options, &mut user)?;
    let user_properties = user
        .to_properties()
        .user
        .into_iter()
        .filter(|property| !unsigned.contains(property))
        .collect();
    let auth = AuthPacket {
        reason_code: sas::REAUTHENTICATION_REASON_CODE,
        method: Some(options.credentials.method().name().to_owned()),
        data: Some(Bytes::copy_from_slice(token.signature())),
        reason_string: None,
        user_properties,
    };
    Some((auth, token))
}
