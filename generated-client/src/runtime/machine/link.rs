//! One open connection's state: the CONNACK's terms, keep alive, SAS
//! renewal, the PUBACKs owed to the hub in arrival order, and the
//! SUBSCRIBE / UNSUBSCRIBEs awaiting their acknowledgement. Deadlines are
//! computed from the times the machine is given, never read from a clock.
//!
//! Keep alive (MQTT 5 §3.1.2.10, and what a device on a NAT'd path needs):
//! a PINGREQ goes out when nothing was written *or* nothing was read for a
//! keep alive; a PINGRESP (or any byte) must then come within half a keep
//! alive, so a dead path is noticed within 1.5 × the keep alive of the
//! last byte read, whatever the client keeps writing.

use iothub_mqtt::ReasonCode;
use std::collections::HashSet;
use std::time::{Duration, Instant};

use crate::runtime::acks::AckOrder;
use crate::runtime::state::DisconnectCause;

/// The terms of a connection, from its CONNACK.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LinkParams {
    pub(crate) session_present: bool,
    /// The hub's Receive Maximum.
    pub(crate) receive_maximum: u16,
    /// The hub's Maximum Packet Size.
    pub(crate) maximum_packet_size: u32,
    /// The keep alive in force (zero: none).
    pub(crate) keep_alive: Duration,
    /// When the SAS token is due for renewal, from now (none for X.509).
    pub(crate) renew_in: Option<Duration>,
}

/// What a deadline that came asks for.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Due {
    Nothing,
    Ping,
    Token,
    End(DisconnectCause),
}

#[derive(Debug)]
pub(super) struct Link {
    pub(super) params: LinkParams,
    last_read: Instant,
    last_write: Instant,
    ping_sent: Option<Instant>,
    /// When to ask for a fresh token.
    renew_at: Option<Instant>,
    /// A re-authentication in flight: its answer's deadline, and when the
    /// next renewal is due after it is accepted.
    renewing: Option<(Instant, Duration)>,
    /// QoS 1 messages of the hub waiting for their PUBACK.
    pub(super) acks: AckOrder,
    /// The packet identifier of this connection's SUBSCRIBE and its routes.
    pub(super) subscribe: Option<(u16, Vec<usize>)>,
    /// The packet identifiers of UNSUBSCRIBEs until their UNSUBACK.
    pub(super) unsubscribes: Vec<u16>,
    /// Routes unsubscribed on this connection because nobody reads them.
    pub(super) unsubscribed: HashSet<usize>,
    /// The DISCONNECT reason code this side ends the connection with when
    /// it finds the hub breaking the protocol.
    pub(super) violation: Option<ReasonCode>,
}

impl Link {
    pub(super) fn new(now: Instant, params: LinkParams) -> Self {
        Self {
            params,
            last_read: now,
            last_write: now,
            ping_sent: None,
            renew_at: params.renew_in.map(|after| now + after),
            renewing: None,
            acks: AckOrder::default(),
            subscribe: None,
            unsubscribes: Vec::new(),
            unsubscribed: HashSet::new(),
            violation: None,
        }
    }

    pub(super) fn read(&mut self, now: Instant) {
        self.last_read = now;
    }

    pub(super) fn wrote(&mut self, now: Instant) {
        self.last_write = now;
    }

    pub(super) fn pong(&mut self) {
        self.ping_sent = None;
    }

    pub(super) fn renewing(&mut self, answer_by: Instant, renew_in: Duration) {
        self.renewing = Some((answer_by, renew_in));
    }

    /// The hub accepted the re-authentication.
    pub(super) fn renewed(&mut self, now: Instant) -> bool {
        match self.renewing.take() {
            Some((_, renew_in)) => {
                self.renew_at = Some(now + renew_in);
                true
            }
            None => false,
        }
    }

    fn keep_alive(&self) -> Option<Duration> {
        Some(self.params.keep_alive).filter(|k| !k.is_zero())
    }

    fn ping_deadline(&self) -> Option<Instant> {
        let keep_alive = self.keep_alive()?;
        Some(match self.ping_sent {
            // The answer (or any byte) is due within half a keep alive.
            Some(sent) => sent.max(self.last_read) + keep_alive / 2,
            None => self.last_read.min(self.last_write) + keep_alive,
        })
    }

    /// The earliest deadline.
    pub(super) fn deadline(&self) -> Option<Instant> {
        [
            self.ping_deadline(),
            self.renew_at,
            self.renewing.map(|(by, _)| by),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// What is due at `now`.
    pub(super) fn on_timeout(&mut self, now: Instant, auth_answer: Duration) -> Due {
        if let Some((by, _)) = self.renewing {
            if now >= by {
                return Due::End(DisconnectCause::Protocol(format!(
                    "no answer to re-authentication within {auth_answer:?}"
                )));
            }
        }
        if let Some(deadline) = self.ping_deadline().filter(|d| now >= *d) {
            let _ = deadline;
            if self.ping_sent.is_some() {
                return Due::End(DisconnectCause::KeepAliveTimeout);
            }
            self.ping_sent = Some(now);
            return Due::Ping;
        }
        if self.renew_at.is_some_and(|at| now >= at) {
            self.renew_at = None;
            return Due::Token;
        }
        Due::Nothing
    }
}
