//! One connection's loop: the `select!` that reads what the hub sends
//! ([`read`]), takes what the application queues and writes it ([`write`]),
//! keeps the connection alive, and renews the SAS token with AUTH.
//!
//! Every `select!` branch is cancel safe: `read_buf` into a buffer that
//! survives, `mpsc::Receiver::recv`, `Notify::notified`, sleeps. Writes
//! happen between `select!`s, with a timeout that restarts whenever the hub
//! takes bytes.

mod read;
mod write;

use std::collections::HashSet;
use std::pin::{pin, Pin};
use std::time::Duration;

use bytes::BytesMut;
use rumqttc::v5::mqttbytes::v5::{
    Disconnect, DisconnectReasonCode, Filter, Packet, PingReq, Subscribe,
};
use rumqttc::v5::mqttbytes::QoS;
use tokio::io::AsyncReadExt;
use tokio::sync::oneshot;
use tokio::time::{sleep_until, Instant, Sleep};

use super::connect::{self, Link};
use super::inflight::Inflight;
use super::routes::Subscriptions;
use super::state::DisconnectCause;
use super::task::{End, Inputs, Shared};
use crate::credentials::SasToken;
use crate::wire::Timestamp;
use crate::Error;

/// How long the hub may take to answer a re-authentication.
const AUTH_ANSWER: Duration = Duration::from_secs(30);

/// One connection's state.
pub(super) struct Connection<'a> {
    shared: &'a Shared,
    link: Link,
    number: u64,
    /// Encoded packets not yet written.
    write: BytesMut,
    /// Senders told once the bytes of their PUBLISH are written.
    written: Vec<oneshot::Sender<Result<(), Error>>>,
    last_write: Instant,
    ping_sent: Option<Instant>,
    renew_at: Option<Instant>,
    /// The token of a re-authentication in flight and when its answer is due.
    renewing: Option<(SasToken, Instant)>,
    /// The packet identifier of this connection's SUBSCRIBE, until its SUBACK.
    subscribe_pkid: Option<u16>,
    /// The filters of that SUBSCRIBE, in order.
    subscribe_filters: Vec<&'static str>,
    /// The packet identifiers of UNSUBSCRIBEs until their UNSUBACK.
    unsubscribe_pkids: Vec<u16>,
    /// The DISCONNECT reason code this side ends the connection with when
    /// it finds the hub breaking the protocol (default Protocol Error).
    violation: Option<DisconnectReasonCode>,
    /// Filters unsubscribed on this connection because nobody reads them.
    unsubscribed: HashSet<&'static str>,
}

/// MQTT QoS from the spec's number (the API's maximum is 1).
fn qos(n: u8) -> QoS {
    if n == 0 {
        QoS::AtMostOnce
    } else {
        QoS::AtLeastOnce
    }
}

/// Keeps `timer` at `due`, touching it only when it fired or is late for
/// `due`: a deadline that moved later (a packet written, a renewal
/// answered later than due) is left for the timer to find when it fires.
fn follow(timer: Pin<&mut Sleep>, due: Instant) {
    if timer.is_elapsed() || due < timer.deadline() {
        timer.reset(due);
    }
}

/// When a token signed at `at` is due for renewal.
fn renewal_due(shared: &Shared, at: Timestamp) -> Instant {
    let age = Duration::from_millis(Timestamp::now().as_millis().saturating_sub(at.as_millis()));
    let after = shared.options.token.renew_after().saturating_sub(age);
    Instant::now()
        .checked_add(after)
        .unwrap_or_else(|| Instant::now() + Duration::from_secs(86_400 * 365))
}

impl<'a> Connection<'a> {
    pub(super) fn new(shared: &'a Shared, link: Link, number: u64) -> Self {
        let renew_at = link.token.as_ref().map(|t| renewal_due(shared, t.at));
        Self {
            shared,
            link,
            number,
            write: BytesMut::with_capacity(8192),
            written: Vec::new(),
            last_write: Instant::now(),
            ping_sent: None,
            renew_at,
            renewing: None,
            subscribe_pkid: None,
            subscribe_filters: Vec::new(),
            unsubscribe_pkids: Vec::new(),
            violation: None,
            unsubscribed: HashSet::new(),
        }
    }

    /// Serves the connection until it ends.
    pub(super) async fn serve(
        &mut self,
        inputs: &mut Inputs,
        subscriptions: &Subscriptions,
        inflight: &mut Inflight,
        subscribed: &mut bool,
    ) -> End {
        if let Err(end) = self.start(subscriptions, inflight, subscribed) {
            return end;
        }
        // Two timers for the connection's life, armed once and moved only
        // when needed (see `follow`): arming a new tokio timer on every
        // turn costs a wake of the runtime's driver per packet.
        let mut keep_alive = pin!(sleep_until(self.ping_due()));
        let mut renewal = pin!(sleep_until(self.renewal_step_due()));
        loop {
            if let Err(cause) = self.flush().await {
                return End::Lost(cause);
            }
            let keep_alive_on = !self.link.keep_alive.is_zero();
            let renewal_on = self.renew_at.is_some() || self.renewing.is_some();
            if keep_alive_on {
                follow(keep_alive.as_mut(), self.ping_due());
            }
            if renewal_on {
                follow(renewal.as_mut(), self.renewal_step_due());
            }
            let step = tokio::select! {
                biased;
                _ = inputs.shutdown.changed() => {
                    let _ = self.encode(&Packet::Disconnect(Disconnect::new(
                        DisconnectReasonCode::NormalDisconnection,
                    )));
                    let _ = self.flush().await;
                    return End::Shutdown;
                }
                read = self.link.stream.read_buf(&mut self.link.read) => match read {
                    Ok(0) => Err(End::Lost(DisconnectCause::Network(
                        "the hub closed the connection".into(),
                    ))),
                    Ok(_) => self.on_bytes(subscriptions, inflight, subscribed),
                    Err(e) => Err(End::Lost(DisconnectCause::Network(e.to_string()))),
                },
                () = self.shared.acks.ready() => self.write_acks(),
                Some(first) = inputs.acked.recv(), if inflight.has_room() => {
                    self.take_acked(first, inputs, inflight)
                }
                Some(first) = inputs.outgoing.recv() => self.take_outgoing(first, inputs),
                // A timer that fires early (its deadline moved on) only
                // gets followed at the top of the loop.
                () = &mut keep_alive, if keep_alive_on => match self.ping_due() <= Instant::now() {
                    true => self.ping(),
                    false => Ok(()),
                },
                () = &mut renewal, if renewal_on => match self.renewal_step_due() <= Instant::now() {
                    true => self.renewal_step(),
                    false => Ok(()),
                },
            };
            if let Err(end) = step {
                // Say why, if it was our side's protocol decision.
                if let End::Lost(DisconnectCause::Protocol(_)) = &end {
                    let reason = self
                        .violation
                        .unwrap_or(DisconnectReasonCode::ProtocolError);
                    let _ = self.encode(&Packet::Disconnect(Disconnect::new(reason)));
                    let _ = self.flush().await;
                }
                return end;
            }
        }
    }

    /// What a new connection does first: subscribe (unless the hub kept a
    /// session with this process's granted subscriptions), send again what
    /// was in flight, and read what came with the CONNACK.
    fn start(
        &mut self,
        subscriptions: &Subscriptions,
        inflight: &mut Inflight,
        subscribed: &mut bool,
    ) -> Result<(), End> {
        if !(self.link.session_present && *subscribed) {
            // One SUBSCRIBE for every route someone reads, so Session
            // Present means all of them.
            let routes: Vec<_> = subscriptions
                .routes
                .iter()
                .filter(|r| !r.sender.is_closed())
                .collect();
            if !routes.is_empty() {
                let filters: Vec<Filter> = routes
                    .iter()
                    .map(|r| Filter::new(r.filter, qos(r.qos)))
                    .collect();
                let pkid = inflight.reserve();
                let mut subscribe = Subscribe::new_many(filters, None);
                subscribe.pkid = pkid;
                self.subscribe_pkid = Some(pkid);
                self.subscribe_filters = routes.iter().map(|r| r.filter).collect();
                self.encode(&Packet::Subscribe(subscribe))?;
            }
        }
        self.send_again(inflight)?;
        self.on_bytes(subscriptions, inflight, subscribed)
    }

    /// Sends again what an earlier connection left unacknowledged, as far
    /// as this connection's Receive Maximum allows (called again at each
    /// PUBACK until none is left). DUP only if the hub kept the session:
    /// to a new session they are new messages.
    pub(super) fn send_again(&mut self, inflight: &mut Inflight) -> Result<(), End> {
        for mut publish in inflight.resend() {
            publish.dup = self.link.session_present;
            let pkid = publish.pkid;
            if let Err(error) = self.encode_publish(publish)? {
                inflight.fail(pkid, error);
            }
        }
        Ok(())
    }

    fn ping_due(&self) -> Instant {
        let keep_alive = self.link.keep_alive;
        match self.ping_sent {
            Some(sent) => sent + keep_alive,
            None => self.last_write + keep_alive,
        }
    }

    fn ping(&mut self) -> Result<(), End> {
        if self.ping_sent.is_some() {
            return Err(End::Lost(DisconnectCause::KeepAliveTimeout));
        }
        self.ping_sent = Some(Instant::now());
        self.encode(&Packet::PingReq(PingReq))
    }

    fn renewal_step_due(&self) -> Instant {
        match (&self.renewing, self.renew_at) {
            (Some((_, due)), _) => *due,
            (None, Some(at)) => at,
            (None, None) => Instant::now(),
        }
    }

    /// Sends the re-authentication, or gives up on an unanswered one (the
    /// connection is then made again, with a fresh token).
    fn renewal_step(&mut self) -> Result<(), End> {
        if self.renewing.is_some() {
            return Err(End::Lost(DisconnectCause::Protocol(format!(
                "no answer to re-authentication within {AUTH_ANSWER:?}"
            ))));
        }
        self.renew_at = None;
        let Some((auth, token)) = connect::reauthenticate(&self.shared.options) else {
            return Ok(());
        };
        auth.write(&mut self.write).map_err(|e| {
            End::Lost(DisconnectCause::Protocol(format!(
                "cannot encode AUTH: {e}"
            )))
        })?;
        tracing::debug!(expiry = %token.expiry, "re-authenticating");
        self.renewing = Some((token, Instant::now() + AUTH_ANSWER));
        Ok(())
    }

    /// The hub accepted the re-authentication.
    fn renewed(&mut self) {
        if let Some((token, _)) = self.renewing.take() {
            tracing::debug!(expiry = %token.expiry, "re-authenticated");
            self.renew_at = Some(renewal_due(self.shared, token.at));
            self.link.token = Some(token);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_timer_follows_its_deadline_only_when_it_must() {
        let start = Instant::now();
        let mut timer = pin!(sleep_until(start + Duration::from_secs(10)));
        // Later: left alone; the timer fires early and is followed then.
        follow(timer.as_mut(), start + Duration::from_secs(20));
        assert_eq!(timer.deadline(), start + Duration::from_secs(10));
        // Earlier: moved at once.
        follow(timer.as_mut(), start + Duration::from_secs(5));
        assert_eq!(timer.deadline(), start + Duration::from_secs(5));

        let mut fired = pin!(sleep_until(Instant::now()));
        fired.as_mut().await;
        assert!(fired.is_elapsed());
        let due = Instant::now() + Duration::from_secs(30);
        follow(fired.as_mut(), due);
        assert_eq!(fired.deadline(), due);
        assert!(!fired.is_elapsed());
    }
}
