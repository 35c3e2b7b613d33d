//! What a client connects with: the hub's host, the device's identity and
//! credentials, the transport, and the runtime's policies (keep alive,
//! timeouts, token renewal, reconnection, what to do while offline). Built
//! with [`ClientOptions::new`] or [`ClientOptions::from_connection_string`]
//! and the setters.

use std::time::Duration;

use crate::credentials::{ConnectionString, Credentials, TokenPolicy};
use crate::runtime::ReconnectPolicy;
use crate::transport::{Tls, Transport};
use crate::Error;

/// What requests do while the client is not connected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OfflineBehavior {
    /// Wait for the connection (within the request's timeout): the default.
    #[default]
    Wait,
    /// Fail at once with [`Error::Offline`].
    FailFast,
}

/// Options of a [`crate::Client`].
#[derive(Debug, Clone)]
pub struct ClientOptions {
    pub(crate) host_name: String,
    pub(crate) gateway_host_name: Option<String>,
    pub(crate) connect_host: Option<String>,
    pub(crate) port: Option<u16>,
    pub(crate) device_id: String,
    pub(crate) module_id: Option<String>,
    pub(crate) credentials: Credentials,
    pub(crate) transport: Transport,
    pub(crate) keep_alive: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) request_timeout: Duration,
    pub(crate) token: TokenPolicy,
    pub(crate) reconnect: ReconnectPolicy,
    pub(crate) offline: OfflineBehavior,
    pub(crate) client_agent: String,
    pub(crate) queue_capacity: usize,
    pub(crate) insecure_tcp: bool,
    pub(crate) resend_limit: u32,
    pub(crate) close_timeout: Duration,
}

impl ClientOptions {
    /// Options for device `device_id` of the hub `host_name`, over TLS on
    /// port 8883, with the default policies.
    pub fn new(
        host_name: impl Into<String>,
        device_id: impl Into<String>,
        credentials: Credentials,
    ) -> Self {
        Self {
            host_name: host_name.into(),
            gateway_host_name: None,
            connect_host: None,
            port: None,
            device_id: device_id.into(),
            module_id: None,
            credentials,
            transport: Transport::default(),
            keep_alive: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(30),
            token: TokenPolicy::default(),
            reconnect: ReconnectPolicy::default(),
            offline: OfflineBehavior::default(),
            client_agent: format!(
                "iothub-client/{} ({}; {})",
                env!("CARGO_PKG_VERSION"),
                std::env::consts::OS,
                std::env::consts::ARCH
            ),
            queue_capacity: 256,
            insecure_tcp: false,
            resend_limit: 3,
            close_timeout: Duration::from_secs(5),
        }
    }

    /// Options from a connection string (`HostName=…;DeviceId=…;SharedAccessKey=…`).
    pub fn from_connection_string(text: &str) -> Result<Self, Error> {
        let parsed: ConnectionString = text.parse()?;
        let mut options = Self::new(parsed.host_name, parsed.device_id, parsed.credentials);
        options.module_id = parsed.module_id;
        options.gateway_host_name = parsed.gateway_host_name;
        Ok(options)
    }

    /// Connect the socket to this address instead of the host name, which
    /// stays the name signed in SAS tokens, sent as `host` and checked in
    /// the hub's TLS certificate; e.g. `127.0.0.1` for a local emulator.
    pub fn connect_to(mut self, host: impl Into<String>, port: u16) -> Self {
        self.connect_host = Some(host.into());
        self.port = Some(port);
        self
    }

    /// The MQTT port (default: the transport's, 8883 for TLS, 1883 for TCP).
    pub fn port(mut self, port: u16) -> Self {
        self.port = Some(port);
        self
    }

    /// A module identity of the device.
    pub fn module_id(mut self, module_id: impl Into<String>) -> Self {
        self.module_id = Some(module_id.into());
        self
    }

    /// The transport (default: TLS with Mozilla's roots).
    pub fn transport(mut self, transport: Transport) -> Self {
        self.transport = transport;
        self
    }

    /// TLS with these settings (e.g. a private CA, a client certificate).
    pub fn tls(self, tls: Tls) -> Self {
        self.transport(Transport::Tls(tls))
    }

    /// Plain TCP: only for a hub on this machine, such as the emulator (a
    /// SAS signature is a bearer token: over plain TCP anyone on the path
    /// can use it until it expires). A socket address that is not loopback
    /// is refused unless [`ClientOptions::allow_insecure_tcp`] says otherwise.
    pub fn plain_tcp(self) -> Self {
        self.transport(Transport::Tcp)
    }

    /// Allows plain TCP to an address that is not loopback (a test hub on
    /// another machine of a private network, say).
    pub fn allow_insecure_tcp(mut self) -> Self {
        self.insecure_tcp = true;
        self
    }

    /// Keep Alive (default 60 s; the hub allows at most 1140 s and may ask
    /// for less in CONNACK, which the client then follows).
    pub fn keep_alive(mut self, keep_alive: Duration) -> Self {
        self.keep_alive = keep_alive;
        self
    }

    /// How long one connection attempt may take, TCP, TLS and CONNACK
    /// together (default 30 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long a request or an acknowledged message may wait for the hub,
    /// including time spent offline (default 30 s; per call with the
    /// `*_with_timeout` methods).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// SAS token lifetime and renewal (default one hour, renewed at 80%).
    pub fn token_policy(mut self, policy: TokenPolicy) -> Self {
        self.token = policy;
        self
    }

    /// Reconnection backoff (see [`ReconnectPolicy`]).
    pub fn reconnect(mut self, policy: ReconnectPolicy) -> Self {
        self.reconnect = policy;
        self
    }

    /// What requests do while offline (default: wait).
    pub fn offline(mut self, behavior: OfflineBehavior) -> Self {
        self.offline = behavior;
        self
    }

    /// The `client-agent` CONNECT property (default `iothub-client/VERSION (OS; ARCH)`).
    pub fn client_agent(mut self, agent: impl Into<String>) -> Self {
        self.client_agent = agent.into();
        self
    }

    /// How many outgoing messages may queue for the connection before
    /// senders wait (default 256).
    pub fn queue_capacity(mut self, capacity: usize) -> Self {
        self.queue_capacity = capacity.max(1);
        self
    }

    /// After how many connections the hub ended with a DISCONNECT while a
    /// QoS 1 message was in flight that message is given up: its sender
    /// gets [`crate::Error::Rejected`] and the next
    /// connection starts a clean session (MQTT 5 would otherwise have it
    /// sent again on every resumed session, keeping the device offline for
    /// good). Default 3, at least 1.
    pub fn resend_limit(mut self, connections: u32) -> Self {
        self.resend_limit = connections.max(1);
        self
    }

    /// How long `disconnect()` (or dropping the last handle) may spend
    /// writing what is queued and the DISCONNECT to a hub that does not
    /// read (default 5 s).
    pub fn close_timeout(mut self, timeout: Duration) -> Self {
        self.close_timeout = timeout;
        self
    }

    /// The MQTT Client Identifier: the device ID, or `device/module`.
    pub fn client_id(&self) -> String {
        match &self.module_id {
            Some(module) => format!("{}/{module}", self.device_id),
            None => self.device_id.clone(),
        }
    }

    /// The hub's host name.
    pub fn host_name(&self) -> &str {
        &self.host_name
    }

    /// Connect through a gateway: the socket and the TLS server name are
    /// the gateway's, the SAS host name stays the hub's (`GatewayHostName` of
    /// a connection string).
    pub fn gateway(mut self, gateway_host_name: impl Into<String>) -> Self {
        self.gateway_host_name = Some(gateway_host_name.into());
        self
    }

    /// Where the socket connects: the address given to
    /// [`ClientOptions::connect_to`], else the gateway, else the host name.
    pub(crate) fn address(&self) -> (&str, u16) {
        (
            self.connect_host
                .as_deref()
                .or(self.gateway_host_name.as_deref())
                .unwrap_or(&self.host_name),
            self.port.unwrap_or_else(|| self.transport.default_port()),
        )
    }

    /// The name the TLS server certificate must hold (and the SNI): the
    /// gateway's if there is one, else the hub's host name.
    pub(crate) fn server_name(&self) -> &str {
        self.gateway_host_name.as_deref().unwrap_or(&self.host_name)
    }

    pub(crate) fn check(&self) -> Result<(), Error> {
        let invalid = |problem: &str| {
            Err(Error::InvalidOptions {
                problem: problem.to_owned(),
            })
        };
        if self.host_name.is_empty() {
            return invalid("the host name is empty");
        }
        if self.device_id.is_empty() {
            return invalid("the device ID is empty");
        }
        let max_keep_alive = Duration::from_secs(crate::api::limits::MAX_KEEP_ALIVE_SECONDS.into());
        if self.keep_alive < Duration::from_secs(1) || self.keep_alive > max_keep_alive {
            return invalid(&format!(
                "keep alive must be between 1 s and the hub's maximum of {max_keep_alive:?}"
            ));
        }
        let (host, _) = self.address();
        let loopback = host == "localhost"
            || host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        if matches!(self.transport, Transport::Tcp) && !loopback && !self.insecure_tcp {
            return invalid(&format!(
                "plain TCP to `{host}`, which is not loopback, would show the SAS token to the network; \
                 use TLS, or `allow_insecure_tcp()` if you mean it"
            ));
        }
        match (&self.credentials, &self.transport) {
            (Credentials::X509, Transport::Tls(tls)) if !tls.has_client_certificate() => {
                invalid("X.509 credentials need a client certificate on the TLS transport")
            }
            (Credentials::X509, Transport::Tcp) => {
                invalid("X.509 credentials need the TLS transport")
            }
            _ => Ok(()),
        }
    }
}
