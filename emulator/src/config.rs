//! What an emulator starts with: where to listen (MQTT and HTTP), which
//! host name to accept, the device registry and, optionally, TLS for MQTT
//! and a state folder.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::hub::{CommandQuotas, TelemetryRetention};
use crate::registry::Registry;
use crate::server::http::HttpLimits;
use crate::tls::Tls;

/// The emulator's configuration (build it with [`Config::new`] and the
/// setters).
#[derive(Debug, Clone)]
pub struct Config {
    pub(crate) mqtt: SocketAddr,
    pub(crate) http: SocketAddr,
    pub(crate) hostname: Option<String>,
    pub(crate) registry: Registry,
    pub(crate) tls: Option<Tls>,
    pub(crate) pending_connections: usize,
    pub(crate) state: Option<PathBuf>,
    pub(crate) command_quotas: CommandQuotas,
    pub(crate) telemetry_retention: TelemetryRetention,
    pub(crate) http_limits: HttpLimits,
}

impl Default for Config {
    fn default() -> Self {
        Self::new()
    }
}

impl Config {
    /// MQTT (plain TCP) and HTTP on free loopback ports, any host name, an
    /// empty registry, state in memory.
    pub fn new() -> Self {
        Self {
            mqtt: SocketAddr::from(([127, 0, 0, 1], 0)),
            http: SocketAddr::from(([127, 0, 0, 1], 0)),
            hostname: None,
            registry: Registry::new(),
            tls: None,
            pending_connections: crate::mqtt::admission::DEFAULT_PENDING_CONNECTIONS,
            state: None,
            command_quotas: CommandQuotas::default(),
            telemetry_retention: TelemetryRetention::default(),
            http_limits: HttpLimits::default(),
        }
    }

    /// The MQTT listening address (port 0 picks a free one).
    pub fn mqtt(mut self, address: SocketAddr) -> Self {
        self.mqtt = address;
        self
    }

    /// The HTTP service API's listening address (port 0 picks a free one).
    pub fn http(mut self, address: SocketAddr) -> Self {
        self.http = address;
        self
    }

    /// Accept only this host name (in the SAS string to sign); by default
    /// any.
    pub fn hostname(mut self, name: impl Into<String>) -> Self {
        self.hostname = Some(name.into());
        self
    }

    /// The device registry.
    pub fn registry(mut self, registry: Registry) -> Self {
        self.registry = registry;
        self
    }

    /// Serve MQTT over TLS with this identity (TLS 1.2/1.3; a client
    /// certificate is asked for but not required: see [`crate::tls`]).
    pub fn tls(mut self, tls: Tls) -> Self {
        self.tls = Some(tls);
        self
    }

    /// How many MQTT connections may wait for their CONNECT (TLS handshake
    /// included) at once; a socket accepted beyond that is closed at once.
    /// Default [`DEFAULT_PENDING_CONNECTIONS`](crate::mqtt::admission::DEFAULT_PENDING_CONNECTIONS)
    /// (4,096).
    pub fn pending_connections(mut self, connections: usize) -> Self {
        self.pending_connections = connections;
        self
    }

    /// The cloud-to-device command quotas (default: the real service's,
    /// see [`CommandQuotas`]).
    pub fn command_quotas(mut self, quotas: CommandQuotas) -> Self {
        self.command_quotas = quotas;
        self
    }

    /// How much telemetry the log keeps, in events and bytes (default
    /// [`TelemetryRetention::default`]: 100,000 events, 4 MiB).
    pub fn telemetry_retention(mut self, retention: TelemetryRetention) -> Self {
        self.telemetry_retention = retention;
        self
    }

    /// The HTTP listener's timeouts and connection cap (default
    /// [`HttpLimits::default`]).
    pub fn http_limits(mut self, limits: HttpLimits) -> Self {
        self.http_limits = limits;
        self
    }

    /// Keep the state durable in folder `dir` (created if missing): every
    /// change is written there before it is acknowledged, and a restart on
    /// the same folder comes back with it (see [`HubBuilder::open`]: the
    /// registry given here is written over the stored devices). By default
    /// the state lives in memory.
    ///
    /// [`HubBuilder::open`]: crate::hub::HubBuilder::open
    pub fn state(mut self, dir: impl Into<PathBuf>) -> Self {
        self.state = Some(dir.into());
        self
    }
}
