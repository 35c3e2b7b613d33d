//! The session as a state machine with no I/O and no clock of its own (the
//! shape of quinn-proto's `Connection`): bytes, the time and the
//! application's commands go in; bytes to write, events and the next
//! deadline come out. The driver ([`super::task`]) owns the socket, the
//! timers and the channels, and calls it; tests call it with an explicit
//! clock.
//!
//! It keeps what outlives a connection (QoS 1 messages in flight with
//! their packet identifiers, whether the hub granted the subscriptions,
//! whether the next CONNECT must start a clean session) and, while one is
//! open, the connection's state ([`link`]): keep alive, SAS renewal,
//! PUBACKs owed in arrival order, the SUBSCRIBE / UNSUBSCRIBE in flight.
//! Reading is [`inbound`], writing [`outbound`].

mod inbound;
mod link;
mod outbound;
#[cfg(test)]
mod tests;

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use iothub_mqtt::auth::AuthPacket;
use iothub_mqtt::packet::{Disconnect, Packet, Publish};
use iothub_mqtt::ReasonCode;

use self::link::Link;
use super::correlation::Response;
use super::inflight::{Acknowledgement, Inflight};
use super::state::DisconnectCause;
use crate::wire::Properties;
use crate::Error;

pub(crate) use self::link::LinkParams;

/// What the machine is told once, when the client starts.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    /// The topic filter and QoS of each route, by index.
    pub(crate) routes: Vec<(&'static str, u8)>,
    /// The Receive Maximum the client declared in CONNECT.
    pub(crate) receive_maximum: u16,
    /// The Maximum Packet Size the client declared in CONNECT.
    pub(crate) maximum_packet_size: u32,
    /// The Receive Maximum assumed before the first CONNACK (the API's).
    pub(crate) initial_send_maximum: u16,
    /// How long the hub may take to answer a re-authentication.
    pub(crate) auth_answer: Duration,
    /// After how many connections the hub ended with DISCONNECT while a
    /// QoS 1 message was in flight that message is given up (its sender
    /// fails) and a clean session is started.
    pub(crate) resend_limit: u32,
    /// The topic the hub's responses arrive on.
    pub(crate) responses_topic: &'static str,
    /// The name of the `status` and `reason` user properties.
    pub(crate) status_property: &'static str,
    pub(crate) reason_property: Option<&'static str>,
}

/// A message the hub sent on one of the routes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Message {
    pub(crate) topic: String,
    pub(crate) properties: Properties,
    pub(crate) payload: Bytes,
    /// The packet identifier of a QoS 1 message, to settle.
    pub(crate) pkid: Option<u16>,
    /// The connection it arrived on.
    pub(crate) connection: u64,
}

/// What the machine tells the driver.
#[derive(Debug)]
pub(crate) enum Event<T> {
    /// The hub acknowledged the QoS 1 PUBLISH of this token.
    Acknowledged(T, Acknowledgement),
    /// The PUBLISH of this token was not sent, or was given up.
    Failed(T, Error),
    /// A response to a request (by its Correlation Data).
    Response {
        correlation: Bytes,
        response: Response,
    },
    /// A message for route `route`.
    Deliver { route: usize, message: Message },
    /// The SAS token is due for renewal: sign one and call
    /// [`SessionMachine::reauthenticate`].
    TokenNeeded,
    /// The hub accepted the renewed token.
    Reauthenticated,
    /// The hub refused the subscription of a route (SUBACK reason code).
    SubscriptionRefused {
        filter: &'static str,
        reason_code: u8,
    },
}

/// Bytes to write, and the tokens of the QoS 0 PUBLISHes they complete.
#[derive(Debug)]
pub(crate) struct Transmit<T> {
    pub(crate) bytes: BytesMut,
    pub(crate) written: Vec<T>,
}

/// How a connection ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum End {
    /// The client shut down (DISCONNECT sent).
    Shutdown,
    /// The connection was lost, or ended by either side, for this cause.
    Lost(DisconnectCause),
}

/// The session's state machine; `T` is the token the driver gives with each
/// PUBLISH and gets back with its outcome.
#[derive(Debug)]
pub(crate) struct SessionMachine<T> {
    config: Config,
    inflight: Inflight<T>,
    /// Whether the hub granted this process's SUBSCRIBE: until it has, every
    /// connection subscribes, whatever Session Present says.
    subscribed: bool,
    /// Whether the next CONNECT starts a clean session.
    clean_start: bool,
    /// Routes nobody reads any more.
    closed_routes: Vec<bool>,
    /// How many connections were opened (the current one's number).
    number: u64,
    link: Option<Link>,
    /// How the last connection ended, until the driver takes it.
    end: Option<End>,
    transmit: BytesMut,
    written: Vec<T>,
    events: VecDeque<Event<T>>,
}

impl<T> SessionMachine<T> {
    pub(crate) fn new(config: Config) -> Self {
        Self {
            inflight: Inflight::new(config.initial_send_maximum),
            closed_routes: vec![false; config.routes.len()],
            config,
            subscribed: false,
            clean_start: false,
            number: 0,
            link: None,
            end: None,
            transmit: BytesMut::with_capacity(8192),
            written: Vec::new(),
            events: VecDeque::new(),
        }
    }

    /// Whether the next CONNECT must start a clean session.
    pub(crate) fn clean_start(&self) -> bool {
        self.clean_start
    }

    /// How many connections were opened (the last one's number).
    pub(crate) fn connections(&self) -> u64 {
        self.number
    }

    /// The current connection's number, if one is open.
    pub(crate) fn connection(&self) -> Option<u64> {
        self.link.as_ref().map(|_| self.number)
    }

    /// A connection is open (its CONNACK accepted it): subscribe where
    /// needed, send again what is in flight. Returns its number.
    pub(crate) fn connected(&mut self, now: Instant, params: LinkParams) -> u64 {
        self.number += 1;
        self.end = None;
        if !params.session_present {
            // A new session: the hub kept no subscription.
            self.subscribed = false;
        }
        self.clean_start = false;
        self.inflight.new_connection();
        self.inflight
            .set_limit(params.receive_maximum.min(self.config.initial_send_maximum));
        self.link = Some(Link::new(now, params));
        self.subscribe();
        self.send_again();
        self.number
    }

    /// The transport failed or closed (read or write error, end of stream).
    pub(crate) fn connection_lost(&mut self, cause: DisconnectCause) {
        self.finish(End::Lost(cause));
    }

    /// Once the connection is over: how it ended (once). The bytes still in
    /// [`SessionMachine::poll_transmit`] (a DISCONNECT) are worth writing
    /// before the socket is closed.
    pub(crate) fn poll_end(&mut self) -> Option<End> {
        self.end.take()
    }

    /// The client shuts down: what is already queued (PUBACKs whose turn has
    /// come, answers) goes first, then DISCONNECT.
    pub(crate) fn shutdown(&mut self) {
        if self.link.is_some() {
            self.encode(&Packet::Disconnect(Disconnect::new(
                ReasonCode::NORMAL_DISCONNECTION,
            )));
        }
        self.finish(End::Shutdown);
    }

    /// The client closed for good: every PUBLISH in flight fails with `error`.
    pub(crate) fn close(&mut self, error: &Error) {
        for token in self.inflight.drain() {
            self.events.push_back(Event::Failed(token, error.clone()));
        }
    }

    /// The next event.
    pub(crate) fn poll_event(&mut self) -> Option<Event<T>> {
        self.events.pop_front()
    }

    /// The bytes to write now (and the QoS 0 senders they complete).
    pub(crate) fn poll_transmit(&mut self, now: Instant) -> Option<Transmit<T>> {
        if self.transmit.is_empty() {
            return None;
        }
        if let Some(link) = &mut self.link {
            link.wrote(now);
        }
        Some(Transmit {
            bytes: self.transmit.split(),
            written: std::mem::take(&mut self.written),
        })
    }

    /// Bytes encoded and not yet taken by [`SessionMachine::poll_transmit`].
    pub(crate) fn pending_bytes(&self) -> usize {
        self.transmit.len()
    }

    /// When [`SessionMachine::handle_timeout`] must be called next.
    pub(crate) fn poll_timeout(&self) -> Option<Instant> {
        self.link.as_ref().and_then(Link::deadline)
    }

    /// The time has come (or passed) for a deadline: ping, give up on an
    /// unanswered ping or re-authentication, ask for a fresh token.
    pub(crate) fn handle_timeout(&mut self, now: Instant) {
        let Some(link) = &mut self.link else {
            return;
        };
        match link.on_timeout(now, self.config.auth_answer) {
            link::Due::Nothing => {}
            link::Due::Ping => self.encode(&Packet::PingReq(iothub_mqtt::packet::PingReq)),
            link::Due::Token => self.events.push_back(Event::TokenNeeded),
            link::Due::End(cause) => self.finish(End::Lost(cause)),
        }
    }

    /// Sends the re-authentication AUTH with a fresh token; the next
    /// renewal is due `renew_in` after the hub accepts it.
    pub(crate) fn reauthenticate(&mut self, now: Instant, auth: &AuthPacket, renew_in: Duration) {
        if self.link.is_none() {
            return;
        }
        let start = self.transmit.len();
        match auth.write(&mut self.transmit) {
            Ok(()) => {
                if let Some(link) = &mut self.link {
                    link.renewing(now + self.config.auth_answer, renew_in);
                }
            }
            Err(e) => {
                self.transmit.truncate(start);
                self.finish(End::Lost(DisconnectCause::Protocol(format!(
                    "cannot encode AUTH: {e}"
                ))));
            }
        }
    }

    /// Ends the connection (once): what is in flight is kept for the next
    /// one, but a message the hub keeps disconnecting over is given up.
    fn finish(&mut self, end: End) {
        let Some(_) = self.link.take() else {
            return;
        };
        if let End::Lost(DisconnectCause::Hub { reason_code, .. }) = &end {
            if counts_against_messages(*reason_code) {
                let poisoned = self.inflight.count_hub_end(self.config.resend_limit);
                if !poisoned.is_empty() {
                    // MQTT 5 resends what a resumed session had in flight:
                    // only a clean session leaves them behind.
                    self.clean_start = true;
                    self.subscribed = false;
                }
                for (pkid, token) in poisoned {
                    tracing::error!(
                        pkid,
                        limit = self.config.resend_limit,
                        "the hub ended the connection every time this QoS 1 message was in flight; giving it up"
                    );
                    self.events.push_back(Event::Failed(
                        token,
                        Error::Rejected {
                            status: format!("DISCONNECT {reason_code}"),
                            reason: Some(format!(
                                "the hub ended {} connections while this message was in flight",
                                self.config.resend_limit
                            )),
                        },
                    ));
                }
            }
        }
        self.end = Some(end);
    }

    /// Appends `packet`, encoded whole or not at all; a packet the codec
    /// cannot encode ends the connection.
    fn encode(&mut self, packet: &Packet) {
        let start = self.transmit.len();
        if let Err(e) = packet.write(&mut self.transmit, None) {
            self.transmit.truncate(start);
            self.finish(End::Lost(DisconnectCause::Protocol(format!(
                "cannot encode: {e}"
            ))));
        }
    }

    /// Appends `publish` if it fits the hub's Maximum Packet Size; the error
    /// is its sender's, not the connection's.
    fn encode_publish(&mut self, publish: Publish) -> Result<(), Error> {
        let max = self
            .link
            .as_ref()
            .map_or(u32::MAX, |link| link.params.maximum_packet_size);
        let start = self.transmit.len();
        if let Err(e) = Packet::Publish(publish).write(&mut self.transmit, None) {
            self.transmit.truncate(start);
            return Err(Error::InvalidPayload {
                problem: format!("the message cannot be encoded: {e}"),
            });
        }
        let size = self.transmit.len() - start;
        if u32::try_from(size).map_or(true, |s| s > max) {
            self.transmit.truncate(start);
            return Err(Error::TooLarge { size, max });
        }
        Ok(())
    }
}

/// Whether a DISCONNECT with this reason code may be the hub's answer to a
/// message (a malformed or refused packet), rather than about the
/// connection (session taken over, an expired token, the hub busy or going
/// away, the keep alive, an administrator).
fn counts_against_messages(reason_code: u8) -> bool {
    !matches!(
        ReasonCode::from(reason_code),
        ReasonCode::Success
            | ReasonCode::DisconnectWithWillMessage
            | ReasonCode::NotAuthorized
            | ReasonCode::ServerBusy
            | ReasonCode::ServerShuttingDown
            | ReasonCode::KeepAliveTimeout
            | ReasonCode::SessionTakenOver
            | ReasonCode::AdministrativeAction
            | ReasonCode::UseAnotherServer
            | ReasonCode::ServerMoved
            | ReasonCode::ConnectionRateExceeded
    )
}
