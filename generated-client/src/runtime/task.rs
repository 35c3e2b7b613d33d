//! The session task: the loop over connections. It connects (with the
//! reconnect policy's backoff), lets [`super::serve`] serve each connection,
//! fails what a lost connection leaves without an answer, and on every exit
//! path resolves what waits on it. Nothing here awaits the application: it
//! only `try_send`s to bounded channels (or holds a QoS 1 message, at most
//! the client's Receive Maximum of them, until there is room), so a slow
//! application never stalls the connection (rumqttc's event loop deadlocks
//! when its poller publishes into a full channel, rumqttc #1025 / #263;
//! this loop has no such path).

use std::sync::Arc;

use tokio::time::{sleep, timeout, Instant};

use super::connect::{self, Failure};
use super::control::Control;
use super::driver::Driver;
use super::machine::End;
use super::routes::Subscriptions;
use super::shared::{Inputs, Shared};
use super::state::{ConnectionState, DisconnectCause};

/// Runs the session until the client shuts down (or is refused for good).
pub(crate) async fn run(shared: Arc<Shared>, inputs: Inputs, subscriptions: Subscriptions) {
    let mut driver = Driver::new(shared, inputs, subscriptions);
    let cause = driver.connections().await;
    driver.close(cause);
}

impl Driver {
    /// Connects again and again until the client shuts down or is refused
    /// for good (the cause, then).
    async fn connections(&mut self) -> Option<DisconnectCause> {
        let options = self.shared.options.clone();
        let policy = options.reconnect;
        let mut failures = 0u32;
        let mut refusals = 0u32;
        loop {
            if self.shutting_down {
                return None;
            }
            self.shared.state.send_replace(ConnectionState::Connecting {
                attempt: failures + 1,
            });
            let clean_start = self.machine.clean_start();
            let attempt = tokio::select! {
                biased;
                () = self.until_shutdown() => return None,
                attempt = timeout(options.connect_timeout, connect::open(&options, clean_start)) => attempt,
            };
            let cause = match attempt {
                Ok(Ok(link)) => {
                    refusals = 0;
                    let started = Instant::now();
                    let end = self.serve(link).await;
                    if started.elapsed() >= policy.stable_duration() {
                        failures = 0;
                    }
                    let number = self.machine.connections();
                    match end {
                        End::Shutdown => {
                            self.shared
                                .correlations
                                .fail_sent_on(number, "the client shut down");
                            return None;
                        }
                        End::Lost(cause) => {
                            self.shared
                                .correlations
                                .fail_sent_on(number, &cause.to_string());
                            cause
                        }
                    }
                }
                Ok(Err(Failure { cause, fatal: true })) => {
                    tracing::error!(%cause, "the hub refused the connection; not retrying");
                    return Some(cause);
                }
                Ok(Err(Failure { cause, .. })) => {
                    if matches!(cause, DisconnectCause::Refused { .. }) {
                        refusals += 1;
                    }
                    if policy.gives_up(&cause, refusals) {
                        tracing::error!(%cause, refusals, "the hub keeps refusing the connection; not retrying");
                        return Some(cause);
                    }
                    cause
                }
                Err(_) => DisconnectCause::Network(format!(
                    "no CONNACK within {:?}",
                    options.connect_timeout
                )),
            };
            let retry_in = policy.delay_after(&cause, failures);
            failures = failures.saturating_add(1);
            tracing::warn!(%cause, ?retry_in, "disconnected");
            self.shared
                .state
                .send_replace(ConnectionState::Disconnected { cause, retry_in });
            tokio::select! {
                biased;
                () = self.until_shutdown() => return None,
                () = sleep(retry_in) => {}
            }
        }
    }

    /// Handles commands between connections until the shutdown.
    async fn until_shutdown(&mut self) {
        while let Some(control) = self.inputs.control.recv().await {
            let shutdown = matches!(control, Control::Shutdown);
            self.on_control(control);
            if shutdown {
                return;
            }
        }
        self.shutting_down = true;
    }

    /// Resolves everything still waiting with [`crate::Error::Closed`] (or
    /// the refusal) and publishes the final state.
    fn close(&mut self, cause: Option<DisconnectCause>) {
        let error = DisconnectCause::closing_error(cause.as_ref());
        self.machine.close(&error);
        self.dispatch(super::serve::now());
        self.inputs.acked.close();
        self.inputs.outgoing.close();
        while let Ok(acked) = self.inputs.acked.try_recv() {
            let _ = acked.reply.send(Err(error.clone()));
        }
        while let Ok(outgoing) = self.inputs.outgoing.try_recv() {
            if let Some(written) = outgoing.written {
                let _ = written.send(Err(error.clone()));
            }
        }
        self.shared.correlations.fail_all(&error);
        self.shared
            .state
            .send_replace(ConnectionState::Closed { cause });
    }
}
