//! Serving the HTTP service API with hyper's HTTP/1.1 connection and its
//! own limits (axum's `serve` sets none): a request's head must arrive
//! within [`HttpLimits::header_read_timeout`], which also bounds how long
//! an idle keep-alive connection waits for its next request; a body within
//! [`HttpLimits::body_read_timeout`] (the extractors' bound, 408); at most
//! the listener's share of connections at once, the next ones left in the
//! kernel's backlog.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};
use tokio_rustls::TlsAcceptor;

/// The HTTP listener's limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpLimits {
    /// Connections at once (further ones wait in the kernel's backlog);
    /// at most a quarter of the process's file descriptors.
    pub max_connections: usize,
    /// How long a request's head may take to arrive, and an idle
    /// connection may wait for its next request.
    pub header_read_timeout: Duration,
    /// How long a request's body may take to arrive.
    pub body_read_timeout: Duration,
}

impl Default for HttpLimits {
    fn default() -> Self {
        Self {
            max_connections: 256,
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(30),
        }
    }
}

impl HttpLimits {
    /// Sets [`max_connections`](Self::max_connections) (at least 1).
    #[must_use]
    pub fn max_connections(mut self, connections: usize) -> Self {
        self.max_connections = connections.max(1);
        self
    }

    /// Sets [`header_read_timeout`](Self::header_read_timeout).
    #[must_use]
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// Sets [`body_read_timeout`](Self::body_read_timeout).
    #[must_use]
    pub fn body_read_timeout(mut self, timeout: Duration) -> Self {
        self.body_read_timeout = timeout;
        self
    }
}

/// Serves `router` on `listener` (over TLS when `tls` is given: HTTPS, as
/// the service SDKs call the service), at most `connections` at once,
/// until `stop` says so; then each connection finishes the request it is
/// on.
pub(super) async fn serve(
    listener: TcpListener,
    router: Router,
    limits: HttpLimits,
    connections: usize,
    tls: Option<TlsAcceptor>,
    mut stop: watch::Receiver<bool>,
) {
    let slots = Arc::new(Semaphore::new(connections.clamp(1, Semaphore::MAX_PERMITS)));
    loop {
        // A slot first: past the cap, the next connection waits in the
        // backlog instead of taking a descriptor.
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => return,
            },
            () = stopped(&mut stop) => return,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    tracing::warn!(error = %e, "HTTP accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = stopped(&mut stop) => return,
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(router.clone());
        let stop_connection = stop.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            let _slot = slot;
            match tls {
                None => serve_connection(stream, peer, service, limits, stop_connection).await,
                Some(tls) => {
                    // The handshake within the header-read timeout: a
                    // client that says nothing holds no slot for long.
                    let handshake =
                        tokio::time::timeout(limits.header_read_timeout, tls.accept(stream)).await;
                    match handshake {
                        Ok(Ok(stream)) => {
                            serve_connection(stream, peer, service, limits, stop_connection).await;
                        }
                        Ok(Err(e)) => tracing::debug!(%peer, error = %e, "HTTPS handshake failed"),
                        Err(_) => tracing::debug!(%peer, "no HTTPS handshake in time"),
                    }
                }
            }
        });
    }
}

/// Serves one HTTP/1.1 connection until it ends or `stop` says so.
async fn serve_connection<S>(
    stream: S,
    peer: std::net::SocketAddr,
    service: TowerToHyperService<Router>,
    limits: HttpLimits,
    mut stop: watch::Receiver<bool>,
) where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true);
    let connection = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    tokio::select! {
        served = connection.as_mut() => {
            if let Err(e) = served {
                tracing::debug!(%peer, error = %e, "HTTP connection ended");
            }
            return;
        }
        () = stopped(&mut stop) => connection.as_mut().graceful_shutdown(),
    }
    // The request in progress finishes; a response that never ends (a live
    // telemetry stream) is cut after a grace period.
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, connection).await;
}

/// How long a stopping emulator lets a response in progress go on.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// Completes once `stop` says to stop (or its sender is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}
