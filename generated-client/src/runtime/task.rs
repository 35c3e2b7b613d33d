//! The session task: the one owner of the connection. It connects (with
//! backoff), subscribes until the hub has granted it, writes what the
//! application queues, reads what the hub sends, keeps the connection alive,
//! renews the SAS token with AUTH, and on every exit path resolves what
//! waits on it. Nothing here awaits the application: it only `try_send`s
//! to bounded channels, so a slow application never stalls the connection
//! (rumqttc's event loop deadlocks when its poller publishes into a full
//! channel, rumqttc #1025 / #263; this loop has no such path).
//!
//! One connection's loop is [`super::connection`]; this file is the loop
//! over connections: connect with backoff, serve, resolve what the
//! connection leaves behind, close.

use std::sync::Arc;

use bytes::Bytes;
use rumqttc::v5::mqttbytes::v5::Publish;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::{sleep, timeout, Instant};

use super::acks::AckQueue;
use super::connect::{self, Failure};
use super::connection::Connection;
use super::correlation::Correlations;
use super::inflight::{AckSender, Inflight};
use super::routes::Subscriptions;
use super::state::{ConnectionState, DisconnectCause};
use crate::api::limits;
use crate::options::ClientOptions;
use crate::Error;

/// What the session shares with the client handles.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) options: ClientOptions,
    pub(crate) correlations: Arc<Correlations>,
    pub(crate) acks: Arc<AckQueue>,
    pub(crate) state: watch::Sender<ConnectionState>,
}

/// A QoS 1 PUBLISH to send and the sender waiting for its PUBACK.
#[derive(Debug)]
pub(crate) struct AckedPublish {
    pub(crate) publish: Publish,
    pub(crate) reply: AckSender,
}

/// A QoS 0 PUBLISH to send.
#[derive(Debug)]
pub(crate) struct Outgoing {
    pub(crate) publish: Publish,
    /// The request's Correlation Data (request–response requests).
    pub(crate) correlation: Option<Bytes>,
    /// Send only on this connection (answers to the hub's requests).
    pub(crate) connection: Option<u64>,
    /// Told when the PUBLISH is written (or why it was not).
    pub(crate) written: Option<oneshot::Sender<Result<(), Error>>>,
}

impl Outgoing {
    /// A QoS 0 PUBLISH of `properties` and `payload` on `topic`.
    pub(crate) fn qos0(
        topic: String,
        properties: &crate::wire::Properties,
        payload: Bytes,
        correlation: Option<Bytes>,
        connection: Option<u64>,
        written: Option<oneshot::Sender<Result<(), Error>>>,
    ) -> Self {
        Self {
            publish: Publish::new(
                topic,
                rumqttc::v5::mqttbytes::QoS::AtMostOnce,
                payload,
                Some(properties.to_publish()),
            ),
            correlation,
            connection,
            written,
        }
    }
}

/// The session's inputs.
#[derive(Debug)]
pub(crate) struct Inputs {
    pub(crate) acked: mpsc::Receiver<AckedPublish>,
    pub(crate) outgoing: mpsc::Receiver<Outgoing>,
    pub(crate) shutdown: watch::Receiver<bool>,
}

/// How a connection ended.
pub(super) enum End {
    /// The client shut down.
    Shutdown,
    /// The connection was lost (or refused to go on) for this cause.
    Lost(DisconnectCause),
}

/// Runs the session until the client shuts down (or is refused for good).
pub(crate) async fn run(shared: Arc<Shared>, mut inputs: Inputs, subscriptions: Subscriptions) {
    let mut inflight = Inflight::new(limits::RECEIVE_MAXIMUM);
    // Whether the hub granted this process's SUBSCRIBE: until it has, every
    // connection subscribes, whatever Session Present says (a session can
    // outlive a SUBSCRIBE that never got its SUBACK, and an older firmware's
    // session may lack an operation).
    let mut subscribed = false;
    let mut failures = 0u32;
    let mut number = 0u64;
    let policy = shared.options.reconnect;
    let closing_cause = loop {
        if *inputs.shutdown.borrow() {
            break None;
        }
        shared.state.send_replace(ConnectionState::Connecting {
            attempt: failures + 1,
        });
        let attempt = tokio::select! {
            biased;
            _ = inputs.shutdown.changed() => break None,
            attempt = timeout(shared.options.connect_timeout, connect::open(&shared.options)) => attempt,
        };
        let cause = match attempt {
            Ok(Ok(link)) => {
                number += 1;
                shared.acks.reset(number);
                inflight.new_connection();
                inflight.set_limit(link.receive_maximum.min(limits::RECEIVE_MAXIMUM));
                shared.state.send_replace(ConnectionState::Connected {
                    session_present: link.session_present,
                    connection: number,
                });
                tracing::info!(
                    connection = number,
                    session_present = link.session_present,
                    "connected"
                );
                let started = Instant::now();
                let mut connection = Connection::new(&shared, link, number);
                let end = connection
                    .serve(&mut inputs, &subscriptions, &mut inflight, &mut subscribed)
                    .await;
                shared.acks.reset(number + 1);
                if started.elapsed() >= policy.stable_duration() {
                    failures = 0;
                }
                match end {
                    End::Shutdown => {
                        shared
                            .correlations
                            .fail_sent_on(number, "the client shut down");
                        break None;
                    }
                    End::Lost(cause) => {
                        shared.correlations.fail_sent_on(number, &cause.to_string());
                        cause
                    }
                }
            }
            Ok(Err(Failure { cause, fatal: true })) => {
                tracing::error!(%cause, "the hub refused the connection; not retrying");
                break Some(cause);
            }
            Ok(Err(Failure { cause, .. })) => cause,
            Err(_) => DisconnectCause::Network(format!(
                "no CONNACK within {:?}",
                shared.options.connect_timeout
            )),
        };
        let retry_in = policy.delay(failures);
        failures = failures.saturating_add(1);
        tracing::warn!(%cause, ?retry_in, "disconnected");
        shared
            .state
            .send_replace(ConnectionState::Disconnected { cause, retry_in });
        tokio::select! {
            biased;
            _ = inputs.shutdown.changed() => break None,
            () = sleep(retry_in) => {}
        }
    };
    close(&shared, &mut inputs, &mut inflight, closing_cause);
}

/// Resolves everything still waiting with [`Error::Closed`] (or the
/// refusal) and publishes the final state.
fn close(
    shared: &Shared,
    inputs: &mut Inputs,
    inflight: &mut Inflight,
    cause: Option<DisconnectCause>,
) {
    let error = DisconnectCause::closing_error(cause.as_ref());
    inputs.acked.close();
    inputs.outgoing.close();
    inflight.fail_all(&error);
    while let Ok(acked) = inputs.acked.try_recv() {
        let _ = acked.reply.send(Err(error.clone()));
    }
    while let Ok(outgoing) = inputs.outgoing.try_recv() {
        if let Some(written) = outgoing.written {
            let _ = written.send(Err(error.clone()));
        }
    }
    shared.correlations.fail_all(&error);
    shared.state.send_replace(ConnectionState::Closed { cause });
}
