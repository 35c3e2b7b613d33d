//! Starting and stopping an emulator in-process: the MQTT listener with one
//! task per connection (plain TCP, or TLS when configured), and the HTTP
//! service API beside it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use iothub_client::api::limits;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

mod budget;
pub mod http;

use crate::access::{development, Policies, ServiceConnectionString};
use crate::config::Config;
use crate::hub::Hub;
use crate::mqtt::admission::{Admission, Admitted};
use crate::mqtt::connection::{self, Shared, Transport};
use crate::mqtt::sessions::Sessions;

/// How long [`Emulator::shutdown`] lets HTTP requests in flight finish.
const HTTP_DRAIN: Duration = Duration::from_secs(5);

/// `error` with the listener and address that failed in its message.
/// The MQTT listener's backlog of connections the kernel has accepted and
/// the emulator not yet (the kernel caps it at `net.core.somaxconn`). A
/// fleet reconnecting at once sends thousands of SYNs together; with
/// tokio's default of 1,024 the rest overflow and wait for a SYN
/// retransmission, a second later.
const MQTT_BACKLOG: u32 = 4096;

/// The HTTP listener's backlog: connections past its cap wait there.
const HTTP_BACKLOG: u32 = 1024;

/// A TCP listener on `address` with `backlog`; `SO_REUSEADDR` as tokio's
/// `TcpListener::bind` sets it, so a restarted emulator gets its port back.
fn listen(address: SocketAddr, backlog: u32) -> std::io::Result<TcpListener> {
    let socket = if address.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(address)?;
    socket.listen(backlog)
}

fn bind_error(what: &str, address: SocketAddr, error: std::io::Error) -> std::io::Error {
    std::io::Error::new(
        error.kind(),
        format!("cannot listen for {what} on {address}: {error}"),
    )
}

/// The `HostName` of the development connection string: the host name the
/// emulator accepts, else `localhost` for a loopback or any-address
/// listener, else its address; with the HTTP port.
fn service_host(http: SocketAddr, hostname: Option<&str>) -> String {
    match hostname {
        Some(name) => format!("{name}:{}", http.port()),
        None if http.ip().is_loopback() || http.ip().is_unspecified() => {
            format!("localhost:{}", http.port())
        }
        None => http.to_string(),
    }
}

/// What to warn about listeners that other machines can reach without TLS.
/// With a certificate, both listeners speak TLS (MQTT over TLS, HTTPS).
fn exposure_warnings(mqtt: SocketAddr, http: SocketAddr, tls: bool) -> Vec<String> {
    let mut warnings = Vec::new();
    if !mqtt.ip().is_loopback() && !tls {
        warnings.push(format!(
            "MQTT on {mqtt} is reachable beyond loopback without TLS: device signatures and all traffic cross the network in clear text, and anyone on the path can read them and replay a device's token until it expires; give --tls-cert and --tls-key, or listen on 127.0.0.1"
        ));
    }
    if !http.ip().is_loopback() && !tls {
        warnings.push(format!(
            "the service API on {http} is reachable beyond loopback over plain HTTP: its SharedAccessSignature tokens and device keys cross the network in clear text, and anyone on the path can read them and use a token until it expires; give --tls-cert and --tls-key (HTTPS), or listen on 127.0.0.1"
        ));
    }
    warnings
}

fn warn_if_exposed(mqtt: SocketAddr, http: SocketAddr, tls: bool) {
    for warning in exposure_warnings(mqtt, http, tls) {
        tracing::warn!("{warning}");
    }
}

/// Serves one accepted TCP connection: the TLS handshake first when
/// `acceptor` is set (bounded by the CONNECT deadline; a failed handshake
/// ends only this connection), then MQTT.
async fn serve_stream(
    stream: TcpStream,
    shared: Arc<Shared>,
    acceptor: Option<TlsAcceptor>,
    admitted: Admitted,
) {
    let _ = stream.set_nodelay(true);
    match acceptor {
        None => connection::serve(stream, shared, Transport::default(), admitted).await,
        // Boxed: a TLS connection's future is larger (rustls' state), and
        // every plain connection's task would otherwise carry its size.
        Some(acceptor) => Box::pin(serve_tls(stream, shared, acceptor, admitted)).await,
    }
}

/// [`serve_stream`] over TLS.
async fn serve_tls(
    stream: TcpStream,
    shared: Arc<Shared>,
    acceptor: TlsAcceptor,
    admitted: Admitted,
) {
    let deadline = Duration::from_secs(u64::from(limits::CONNECT_TIMEOUT_SECONDS));
    let stream = match tokio::time::timeout(deadline, acceptor.accept(stream)).await {
        Ok(Ok(stream)) => stream,
        Ok(Err(e)) => {
            tracing::debug!(error = %e, "TLS handshake failed; closing");
            return;
        }
        Err(_) => {
            tracing::debug!("no TLS handshake in time; closing");
            return;
        }
    };
    let (_, session) = stream.get_ref();
    let transport = Transport {
        sni: session.server_name().map(str::to_owned),
        thumbprint: session
            .peer_certificates()
            .and_then(|chain| chain.first())
            .and_then(|leaf| crate::tls::thumbprint(leaf)),
    };
    tracing::debug!(sni = ?transport.sni, client_certificate = transport.thumbprint.is_some(), "TLS established");
    connection::serve(stream, shared, transport, admitted).await;
}

/// A running emulator. Dropping it stops it.
#[derive(Debug)]
pub struct Emulator {
    mqtt: SocketAddr,
    http: SocketAddr,
    service: Option<ServiceConnectionString>,
    hub: Hub,
    stop: watch::Sender<bool>,
    accept: Option<JoinHandle<()>>,
    serve_http: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Opens the state folder (if any), binds the listeners of `config` and
    /// starts serving. A state folder that cannot be used is an error
    /// (its source a [`StoreError`](crate::store::StoreError)) naming it.
    pub async fn start(config: Config) -> std::io::Result<Self> {
        let development = if config.registry.policies().is_empty() {
            let policy = match &config.state {
                Some(dir) => development::load_or_create(dir)?,
                None => development::generate()?,
            };
            config
                .registry
                .set_policies(Policies::new().with(policy.clone()));
            Some(policy)
        } else {
            None
        };
        let builder = Hub::builder()
            .registry(config.registry)
            .command_quotas(config.command_quotas)
            .telemetry_retention(config.telemetry_retention);
        let hub = match config.state {
            None => builder.build(),
            Some(dir) => tokio::task::spawn_blocking(move || builder.open(dir))
                .await
                .map_err(|e| std::io::Error::other(format!("opening the state failed: {e}")))?
                .map_err(std::io::Error::other)?,
        };
        let listener =
            listen(config.mqtt, MQTT_BACKLOG).map_err(|e| bind_error("MQTT", config.mqtt, e))?;
        let mqtt = listener.local_addr()?;
        let http_listener =
            listen(config.http, HTTP_BACKLOG).map_err(|e| bind_error("HTTP", config.http, e))?;
        let http = http_listener.local_addr()?;
        warn_if_exposed(mqtt, http, config.tls.is_some());
        let service = development.map(|policy| {
            ServiceConnectionString::new(service_host(http, config.hostname.as_deref()), policy)
        });
        let router = crate::http::router(
            hub.clone(),
            config.hostname.as_deref(),
            config.http_limits.body_read_timeout,
        );
        let budget = budget::split(
            budget::descriptor_limit(),
            config.http_limits.max_connections,
        );
        tracing::debug!(http = budget.http, mqtt = ?budget.mqtt, "connection budget");
        let shared = Arc::new(Shared {
            hub: hub.clone(),
            sessions: Sessions::default(),
            hostname: config.hostname,
        });
        let tls = config.tls.is_some();
        let acceptor = config.tls.map(|tls| TlsAcceptor::from(tls.config));
        let (stop, mut stopped) = watch::channel(false);
        let http_stopped = stopped.clone();
        let http_limits = config.http_limits;
        let serve_http = tokio::spawn(http::serve(
            http_listener,
            router,
            http_limits,
            budget.http,
            acceptor.clone(),
            http_stopped,
        ));
        let mqtt_slots = Arc::new(tokio::sync::Semaphore::new(
            budget
                .mqtt
                .unwrap_or(tokio::sync::Semaphore::MAX_PERMITS)
                .clamp(1, tokio::sync::Semaphore::MAX_PERMITS),
        ));
        let admission = Admission::new(config.pending_connections);
        let accept = tokio::spawn(async move {
            loop {
                let mut for_connection = stopped.clone();
                let mut backoff = false;
                // A slot of MQTT's share of descriptors first: past it, the
                // next connection waits in the backlog.
                let slot = tokio::select! {
                    slot = Arc::clone(&mqtt_slots).acquire_owned() => match slot {
                        Ok(slot) => slot,
                        Err(_) => break,
                    },
                    _ = stopped.wait_for(|s| *s) => break,
                };
                tokio::select! {
                    accepted = listener.accept() => match accepted {
                        Ok((stream, peer)) => {
                            let Some(admitted) = admission.admit() else {
                                tracing::debug!(%peer, "too many connections waiting for CONNECT; closed");
                                continue;
                            };
                            tracing::debug!(%peer, "accepted");
                            let shared = Arc::clone(&shared);
                            let acceptor = acceptor.clone();
                            tokio::spawn(async move {
                                let _slot = slot;
                                tokio::select! {
                                    () = serve_stream(stream, shared, acceptor, admitted) => {}
                                    _ = for_connection.wait_for(|s| *s) => {}
                                }
                            });
                        }
                        Err(e) => {
                            // Out of file descriptors, say: back off rather
                            // than spin.
                            tracing::warn!(error = %e, "accept failed");
                            backoff = true;
                        }
                    },
                    _ = stopped.wait_for(|s| *s) => break,
                }
                if backoff {
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
            }
        });
        tracing::info!(%mqtt, %http, tls, "listening");
        Ok(Self {
            mqtt,
            http,
            service,
            hub,
            stop,
            accept: Some(accept),
            serve_http: Some(serve_http),
        })
    }

    /// The MQTT address it listens on.
    pub fn mqtt_addr(&self) -> SocketAddr {
        self.mqtt
    }

    /// The HTTP service API's address.
    pub fn http_addr(&self) -> SocketAddr {
        self.http
    }

    /// The service connection string of the development policy the
    /// emulator made because it was given no shared access policy (`None`
    /// when the registry had some). Its key grants everything: do not log
    /// it.
    pub fn development_connection_string(&self) -> Option<&ServiceConnectionString> {
        self.service.as_ref()
    }

    /// Its state (registry, twins, commands, telemetry).
    pub fn hub(&self) -> &Hub {
        &self.hub
    }

    /// Stops listening and ends every connection (HTTP requests in flight
    /// get a few seconds to finish), then closes the state file, if any
    /// (what was written stays; a restart on the folder finds it).
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(accept) = self.accept.take() {
            let _ = accept.await;
        }
        if let Some(mut serve_http) = self.serve_http.take() {
            if tokio::time::timeout(HTTP_DRAIN, &mut serve_http)
                .await
                .is_err()
            {
                serve_http.abort();
            }
        }
        if self.hub.journal().is_durable() {
            let journal = self.hub.journal().clone();
            if tokio::task::spawn_blocking(move || journal.close())
                .await
                .is_err()
            {
                tracing::error!("closing the state file failed");
            }
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        if let Some(serve_http) = self.serve_http.take() {
            serve_http.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listeners_beyond_loopback_without_tls_are_warned_about() {
        let local: SocketAddr = "127.0.0.1:1883".parse().unwrap();
        let any: SocketAddr = "0.0.0.0:1883".parse().unwrap();
        let v6: SocketAddr = "[::]:8080".parse().unwrap();
        assert!(exposure_warnings(local, local, false).is_empty());
        let both = exposure_warnings(any, v6, false);
        assert_eq!(both.len(), 2);
        assert!(both[0].contains("MQTT on 0.0.0.0:1883") && both[0].contains("TLS"));
        assert!(both[1].contains("[::]:8080") && both[1].contains("plain HTTP"));
        assert_eq!(exposure_warnings(any, local, true), Vec::<String>::new());
        assert_eq!(exposure_warnings(any, v6, true), Vec::<String>::new());
        assert_eq!(service_host(v6, None), "localhost:8080");
        assert_eq!(service_host(local, Some("hub.example")), "hub.example:1883");
        assert_eq!(
            service_host("10.0.0.2:80".parse().unwrap(), None),
            "10.0.0.2:80"
        );
    }
}
