//! Sessions (MQTT 5 §4.1): what a device's connections share (its
//! subscriptions) and which connection is the live one, so that a new
//! connection takes over the old (which gets DISCONNECT Session taken over).
//!
//! - A session lives as long as its Session Expiry Interval says: with 0
//!   (or none) it ends when its network connection closes, so a later
//!   Clean Start 0 finds none (Session Present 0) and no subscription
//!   survives; with any other value the hub keeps it (the CONNACK says it
//!   never expires). A client's DISCONNECT may lower it to 0. Commands are
//!   not part of a session: they belong to the device and stay queued.
//! - Taking a session and marking the device connected (its connection
//!   state token) are one step under the sessions' lock, and so are
//!   releasing it and marking the device disconnected: two connections of
//!   one device cannot interleave them.
//! - A device removed from the registry loses its session, so one removed
//!   and created again starts with none. The sessions read the registry's
//!   changes (from the first connection on) whenever a connection opens,
//!   before looking its session up; a session is dropped when its device
//!   was removed and is not registered at the generation the session was
//!   opened with. Should the sessions fall too far behind the changes,
//!   every session whose device is gone or has another credential
//!   generation is dropped.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::broadcast;

use super::subscriptions::Subscription;
use crate::hub::{ConnectionToken, Hub};
use crate::mailbox::Mailbox;
use crate::registry::{DeviceId, Registry, RegistryChange};

/// The connection a session is live on.
#[derive(Debug)]
struct Live {
    connection: u64,
    /// Where it is told it was taken over.
    mailbox: Arc<Mailbox>,
}

#[derive(Debug)]
struct Session {
    subscriptions: Vec<Subscription>,
    /// The device's credential generation when the session was last opened.
    generation: u64,
    /// Whether the session ends with its network connection (Session
    /// Expiry Interval 0).
    ends_with_connection: bool,
    live: Option<Live>,
}

#[derive(Debug, Default)]
struct State {
    last_connection: u64,
    sessions: HashMap<DeviceId, Session>,
    /// The registry's changes, read from the first connection on.
    changes: Option<broadcast::Receiver<RegistryChange>>,
}

impl State {
    /// Drops the sessions of devices removed since the last look.
    fn forget_removed(&mut self, registry: &Registry) {
        let State {
            sessions, changes, ..
        } = self;
        let Some(changes) = changes.as_mut() else {
            *changes = Some(registry.changes());
            return;
        };
        loop {
            match changes.try_recv() {
                Ok(RegistryChange {
                    id,
                    generation: None,
                }) => {
                    let current = registry.generation(&id);
                    if sessions
                        .get(&id)
                        .is_some_and(|s| Some(s.generation) != current)
                    {
                        sessions.remove(&id);
                    }
                }
                Ok(_) => {}
                Err(broadcast::error::TryRecvError::Lagged(_)) => {
                    sessions.retain(|id, s| registry.generation(id) == Some(s.generation));
                }
                Err(broadcast::error::TryRecvError::Empty)
                | Err(broadcast::error::TryRecvError::Closed) => return,
            }
        }
    }
}

/// Every device's session.
#[derive(Debug, Clone, Default)]
pub struct Sessions {
    inner: Arc<Mutex<State>>,
}

/// What a connection brings to its session.
#[derive(Debug, Clone, Copy)]
pub struct Opening<'a> {
    /// The device.
    pub device: &'a DeviceId,
    /// Its credential generation the connection authenticated at.
    pub generation: u64,
    /// The CONNECT's Clean Start.
    pub clean_start: bool,
    /// The CONNECT's Session Expiry Interval (0 when absent).
    pub session_expiry: u32,
}

/// A connection's hold on its device's session.
#[derive(Debug)]
pub struct Opened {
    /// This connection's number.
    pub connection: u64,
    /// Its connection state token (see [`crate::hub::Connections`]).
    pub token: ConnectionToken,
    /// Whether a previous session was resumed.
    pub session_present: bool,
    /// Its subscriptions (empty on a clean start).
    pub subscriptions: Vec<Subscription>,
}

impl Sessions {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic elsewhere never leaves a half-written session.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A connection of `opening.device` was accepted: its session is
    /// resumed (or started anew on a clean start, or when there is none),
    /// the device is marked connected, and a live older connection is told
    /// it was taken over.
    pub fn open(&self, hub: &Hub, opening: Opening<'_>, mailbox: Arc<Mailbox>) -> Opened {
        let mut guard = self.lock();
        let state = &mut *guard;
        state.forget_removed(hub.registry());
        state.last_connection += 1;
        let connection = state.last_connection;
        let existing = state.sessions.remove(opening.device);
        let session_present = existing.is_some() && !opening.clean_start;
        let (subscriptions, live) = match existing {
            Some(s) if !opening.clean_start => (s.subscriptions, s.live),
            Some(s) => (Vec::new(), s.live),
            None => (Vec::new(), None),
        };
        if let Some(old) = live {
            // The old connection may be gone already; it needs no telling then.
            old.mailbox.take_over();
        }
        let (token, _previous) = hub.connections().connect(opening.device);
        state.sessions.insert(
            opening.device.clone(),
            Session {
                subscriptions: subscriptions.clone(),
                generation: opening.generation,
                ends_with_connection: opening.session_expiry == 0,
                live: Some(Live {
                    connection,
                    mailbox,
                }),
            },
        );
        Opened {
            connection,
            token,
            session_present,
            subscriptions,
        }
    }

    /// The subscriptions of `device`'s session become `subscriptions`, if
    /// `connection` is still the live one.
    pub fn set_subscriptions(
        &self,
        device: &DeviceId,
        connection: u64,
        subscriptions: &[Subscription],
    ) {
        let mut guard = self.lock();
        if let Some(session) = guard.sessions.get_mut(device) {
            if session
                .live
                .as_ref()
                .is_some_and(|l| l.connection == connection)
            {
                session.subscriptions = subscriptions.to_vec();
            }
        }
    }

    /// Whether `connection` is the live connection of `device`.
    pub fn is_live(&self, device: &DeviceId, connection: u64) -> bool {
        self.lock()
            .sessions
            .get(device)
            .is_some_and(|s| s.live.as_ref().is_some_and(|l| l.connection == connection))
    }

    /// Connection `opened` of `device` ended, with Session Expiry Interval
    /// `session_expiry` in force: if it was still the live one (not taken
    /// over), its session is released, or ends with it when the interval is
    /// 0. The device is marked disconnected unless a newer connection is
    /// open. Returns whether it was the live one.
    pub fn close(
        &self,
        hub: &Hub,
        device: &DeviceId,
        opened: &Opened,
        session_expiry: u32,
    ) -> bool {
        let mut guard = self.lock();
        let session = guard.sessions.get_mut(device).filter(|s| {
            s.live
                .as_ref()
                .is_some_and(|l| l.connection == opened.connection)
        });
        let was_live = session.is_some();
        if let Some(session) = session {
            if session.ends_with_connection || session_expiry == 0 {
                guard.sessions.remove(device);
            } else {
                session.live = None;
            }
        }
        // The token is checked there: a newer connection's state stays.
        hub.connections().disconnect(device, opened.token);
        was_live
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::{Authentication, Device, Key};
    use iothub_mqtt::packet::QoS;

    fn hub_with(device: &DeviceId) -> (Hub, u64) {
        let hub = Hub::default();
        let generation = hub
            .registry()
            .put(Device::new(
                device.clone(),
                Authentication::Sas {
                    primary: Key::from_bytes(*b"k1").expect("key"),
                    secondary: Key::from_bytes(*b"k2").expect("key"),
                },
            ))
            .generation();
        (hub, generation)
    }

    fn opening(device: &DeviceId, generation: u64, clean: bool, expiry: u32) -> Opening<'_> {
        Opening {
            device,
            generation,
            clean_start: clean,
            session_expiry: expiry,
        }
    }

    fn commands() -> Subscription {
        Subscription {
            filter: iothub_client::api::ReceiveCommands::TOPIC_FILTER.to_owned(),
            qos: QoS::AtLeastOnce,
        }
    }

    #[test]
    fn sessions_resume_and_take_over() {
        let sessions = Sessions::default();
        let device = DeviceId::new("d1").expect("id");
        let (hub, generation) = hub_with(&device);
        let first_mailbox = Arc::new(Mailbox::default());
        let first = sessions.open(
            &hub,
            opening(&device, generation, false, 60),
            Arc::clone(&first_mailbox),
        );
        assert!(!first.session_present);
        sessions.set_subscriptions(&device, first.connection, &[commands()]);
        let second_mailbox = Arc::new(Mailbox::default());
        let second = sessions.open(
            &hub,
            opening(&device, generation, false, 60),
            Arc::clone(&second_mailbox),
        );
        assert!(second.session_present);
        assert_eq!(second.subscriptions, [commands()]);
        assert!(matches!(
            first_mailbox.take(),
            Some(crate::mailbox::Mail::TakenOver)
        ));
        // The old connection's late changes do not touch the new session,
        // nor does its end mark the device disconnected.
        sessions.set_subscriptions(&device, first.connection, &[]);
        assert!(!sessions.close(&hub, &device, &first, 60), "taken over");
        assert!(hub.connections().is_connected(&device));
        assert!(sessions.close(&hub, &device, &second, 60));
        assert!(!hub.connections().is_connected(&device));
        // Kept after its connection (interval 60): resumed.
        let third_mailbox = Arc::new(Mailbox::default());
        let third = sessions.open(
            &hub,
            opening(&device, generation, false, 0),
            Arc::clone(&third_mailbox),
        );
        assert!(third.session_present);
        assert_eq!(third.subscriptions, [commands()]);
        // Interval 0 this time: it ends with the connection.
        assert!(sessions.close(&hub, &device, &third, 0));
        let fourth_mailbox = Arc::new(Mailbox::default());
        let fourth = sessions.open(
            &hub,
            opening(&device, generation, false, 0),
            Arc::clone(&fourth_mailbox),
        );
        assert!(!fourth.session_present && fourth.subscriptions.is_empty());
        // A clean start drops what there was.
        sessions.set_subscriptions(&device, fourth.connection, &[commands()]);
        let fifth_mailbox = Arc::new(Mailbox::default());
        let fifth = sessions.open(
            &hub,
            opening(&device, generation, true, 0),
            Arc::clone(&fifth_mailbox),
        );
        assert!(!fifth.session_present && fifth.subscriptions.is_empty());
    }

    #[test]
    fn a_removed_device_loses_its_session() {
        let sessions = Sessions::default();
        let device = DeviceId::new("d1").expect("id");
        let (hub, generation) = hub_with(&device);
        let mailbox = Arc::new(Mailbox::default());
        let first = sessions.open(
            &hub,
            opening(&device, generation, false, 60),
            Arc::clone(&mailbox),
        );
        sessions.set_subscriptions(&device, first.connection, &[commands()]);
        sessions.close(&hub, &device, &first, 60);
        assert!(hub.remove_device(&device).is_some());
        let generation = hub
            .registry()
            .put(Device::new(
                device.clone(),
                Authentication::Sas {
                    primary: Key::from_bytes(*b"k1").expect("key"),
                    secondary: Key::from_bytes(*b"k2").expect("key"),
                },
            ))
            .generation();
        let mailbox = Arc::new(Mailbox::default());
        let again = sessions.open(
            &hub,
            opening(&device, generation, false, 60),
            Arc::clone(&mailbox),
        );
        assert!(!again.session_present && again.subscriptions.is_empty());
    }
}
