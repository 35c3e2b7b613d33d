//! Starting and stopping an emulator in-process: the MQTT listener and one
//! task per connection.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::Config;
use crate::hub::Hub;
use crate::mqtt::connection::{self, Shared};
use crate::mqtt::sessions::Sessions;

/// A running emulator. Dropping it stops it.
#[derive(Debug)]
pub struct Emulator {
    mqtt: SocketAddr,
    hub: Hub,
    stop: watch::Sender<bool>,
    accept: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Binds the listeners of `config` and starts serving.
    pub async fn start(config: Config) -> std::io::Result<Self> {
        let listener = TcpListener::bind(config.mqtt).await?;
        let mqtt = listener.local_addr()?;
        let hub = Hub::new(config.registry);
        let shared = Arc::new(Shared {
            hub: hub.clone(),
            sessions: Sessions::default(),
            hostname: config.hostname,
        });
        let (stop, mut stopped) = watch::channel(false);
        let accept = tokio::spawn(async move {
            loop {
                let mut for_connection = stopped.clone();
                tokio::select! {
                    accepted = listener.accept() => match accepted {
                        Ok((stream, peer)) => {
                            tracing::debug!(%peer, "accepted");
                            let shared = Arc::clone(&shared);
                            tokio::spawn(async move {
                                tokio::select! {
                                    () = connection::serve(stream, shared) => {}
                                    _ = for_connection.wait_for(|s| *s) => {}
                                }
                            });
                        }
                        Err(e) => tracing::warn!(error = %e, "accept failed"),
                    },
                    _ = stopped.wait_for(|s| *s) => break,
                }
            }
        });
        tracing::info!(%mqtt, "listening");
        Ok(Self {
            mqtt,
            hub,
            stop,
            accept: Some(accept),
        })
    }

    /// The MQTT address it listens on.
    pub fn mqtt_addr(&self) -> SocketAddr {
        self.mqtt
    }

    /// Its state (registry, twins, commands, telemetry).
    pub fn hub(&self) -> &Hub {
        &self.hub
    }

    /// Stops listening and ends every connection.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(accept) = self.accept.take() {
            let _ = accept.await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}
