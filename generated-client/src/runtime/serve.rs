//! One connection's I/O, around the state machine: read what the hub sends
//! and write what the machine has to send *at the same time* (the socket is
//! split, so a hub that stops reading never stops the client from reading,
//! nor a shutdown from going ahead), take the application's commands and
//! PUBLISHes, hand messages to the routes, and wake the machine at its
//! deadlines. Every `select!` branch is cancel safe: `read_buf` into a
//! buffer that survives, one `write` or `flush`, channel receives, a
//! permit, a sleep.

use std::pin::{pin, Pin};
use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::time::{sleep_until, Instant, Sleep};

use super::connect::Link;
use super::driver::Driver;
use super::machine::End;
use super::outbox::{Io, Outbox};
use super::state::{ConnectionState, DisconnectCause};

/// Bytes of queued PUBLISHes taken from the application before they are
/// written.
const BATCH_BYTES: usize = 64 * 1024;

/// The least time a write may make no progress before the hub counts as gone.
const WRITE_STALL: Duration = Duration::from_secs(10);

/// The machine's clock: tokio's (paused in tests), as a std `Instant`.
pub(super) fn now() -> std::time::Instant {
    Instant::now().into_std()
}

/// Keeps `timer` at `due`, touching it only when it fired or is late for
/// `due`: a deadline that moved later (a packet written or read) is left
/// for the timer to find when it fires (arming a tokio timer on every turn
/// costs a wake of the runtime's driver per packet).
fn follow(timer: Pin<&mut Sleep>, due: Instant) {
    if timer.is_elapsed() || due < timer.deadline() {
        timer.reset(due);
    }
}

impl Driver {
    /// Serves the connection until it ends.
    pub(super) async fn serve(&mut self, link: Link) -> End {
        let Link {
            stream,
            mut read,
            params,
        } = link;
        let stall = params.keep_alive.max(WRITE_STALL);
        self.note_closed_routes();
        let number = self.machine.connected(now(), params);
        self.shared.control.set_current(number);
        tracing::info!(
            connection = number,
            session_present = params.session_present,
            "connected"
        );
        self.shared.state.send_replace(ConnectionState::Connected {
            session_present: params.session_present,
            connection: number,
            refused: Vec::new(),
        });
        self.machine.handle_bytes(now(), &mut read);
        let (mut reader, mut writer) = tokio::io::split(stream);
        let mut outbox = Outbox::default();
        let far = Instant::now() + Duration::from_secs(86_400 * 365);
        let mut timer = pin!(sleep_until(far));
        let end = loop {
            let at = now();
            self.dispatch(at);
            while let Some(transmit) = self.machine.poll_transmit(at) {
                outbox.push(transmit, at);
            }
            if let Some(end) = self.machine.poll_end() {
                break end;
            }
            let due = [self.machine.poll_timeout(), outbox.stall_deadline(stall)]
                .into_iter()
                .flatten()
                .min()
                .map_or(far, Instant::from_std);
            follow(timer.as_mut(), due);
            let room = outbox.len() < BATCH_BYTES;
            let backlog = self.backlog_sender();
            tokio::select! {
                biased;
                Some(control) = self.inputs.control.recv() => self.on_control(control),
                done = outbox.io(&mut writer), if outbox.has_work() => match done {
                    Ok(Io::Wrote(0)) => self.machine.connection_lost(DisconnectCause::Network(
                        "the connection takes no more bytes".into(),
                    )),
                    Ok(io) => outbox.done(io, now()),
                    Err(e) => self.machine.connection_lost(DisconnectCause::Network(e.to_string())),
                },
                got = reader.read_buf(&mut read) => match got {
                    Ok(0) => self.machine.connection_lost(DisconnectCause::Network(
                        "the hub closed the connection".into(),
                    )),
                    Ok(_) => self.machine.handle_bytes(now(), &mut read),
                    Err(e) => self.machine.connection_lost(DisconnectCause::Network(e.to_string())),
                },
                permit = Self::backlog_room(backlog) => self.backlog_ready(permit),
                Some(first) = self.inputs.acked.recv(), if room && self.machine.has_room() => {
                    self.take_acked(first);
                }
                Some(first) = self.inputs.outgoing.recv(), if room => self.take_outgoing(first),
                () = &mut timer => {
                    let at = now();
                    if outbox.stall_deadline(stall).is_some_and(|d| at >= d) {
                        self.machine.connection_lost(DisconnectCause::Network(format!(
                            "the hub took no byte for {stall:?}"
                        )));
                    } else {
                        self.machine.handle_timeout(at);
                    }
                }
            }
        };
        // What the machine said last (a DISCONNECT), within the close timeout.
        self.dispatch(now());
        if let End::Shutdown | End::Lost(DisconnectCause::Protocol(_)) = &end {
            let close = Instant::now() + self.shared.options.close_timeout;
            while outbox.has_work() {
                match tokio::time::timeout_at(close, outbox.io(&mut writer)).await {
                    Ok(Ok(Io::Wrote(0)) | Err(_)) | Err(_) => break,
                    Ok(Ok(io)) => outbox.done(io, now()),
                }
            }
        }
        let cause = match &end {
            End::Shutdown => "the client shut down".to_owned(),
            End::Lost(cause) => cause.to_string(),
        };
        outbox.clear(&cause);
        self.shared.control.set_current(0);
        self.connection_ended();
        end
    }

    /// Takes QoS 1 PUBLISHes into flight, as many as the hub's Receive
    /// Maximum and a batch allow. One whose sender gave up is not sent.
    fn take_acked(&mut self, first: super::shared::AckedPublish) {
        let mut next = Some(first);
        while let Some(acked) = next.take() {
            if !acked.reply.is_closed() {
                self.machine
                    .publish_acknowledged(acked.publish, super::shared::Waiter::Ack(acked.reply));
            }
            if self.machine.has_room() && self.machine.pending_bytes() < BATCH_BYTES {
                next = self.inputs.acked.try_recv().ok();
            }
        }
    }

    /// Takes QoS 0 PUBLISHes, as many as a batch allows.
    fn take_outgoing(&mut self, first: super::shared::Outgoing) {
        let mut next = Some(first);
        while let Some(outgoing) = next.take() {
            self.send(outgoing);
            if self.machine.pending_bytes() < BATCH_BYTES {
                next = self.inputs.outgoing.try_recv().ok();
            }
        }
    }
}
