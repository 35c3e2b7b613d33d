//! Sessions: what a device's connections share (its subscriptions, kept
//! across reconnects unless it asks for a clean start) and which connection
//! is the live one, so that a new connection takes over the old (which gets
//! DISCONNECT Session taken over).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::mpsc;

use super::subscriptions::Subscription;
use crate::registry::DeviceId;

/// What a connection is told by the rest of the hub.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// A newer connection of the same device took over.
    TakenOver,
}

#[derive(Debug, Default)]
struct Session {
    subscriptions: Vec<Subscription>,
    live: Option<(u64, mpsc::Sender<Control>)>,
}

/// Every device's session.
#[derive(Debug, Clone, Default)]
pub struct Sessions {
    inner: Arc<Mutex<(u64, HashMap<DeviceId, Session>)>>,
}

/// A connection's hold on its device's session.
#[derive(Debug)]
pub struct Opened {
    /// This connection's number.
    pub connection: u64,
    /// Whether a previous session was resumed.
    pub session_present: bool,
    /// Its subscriptions (empty on a clean start).
    pub subscriptions: Vec<Subscription>,
}

impl Sessions {
    fn lock(&self) -> std::sync::MutexGuard<'_, (u64, HashMap<DeviceId, Session>)> {
        // A panic elsewhere never leaves a half-written session.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// `device` connected: the session is resumed (or started anew on a
    /// clean start), and a live older connection is told it was taken over.
    pub fn open(
        &self,
        device: &DeviceId,
        clean_start: bool,
        control: mpsc::Sender<Control>,
    ) -> Opened {
        let mut guard = self.lock();
        let (next, sessions) = &mut *guard;
        *next += 1;
        let connection = *next;
        let existing = sessions.remove(device);
        let session_present = existing.is_some() && !clean_start;
        let mut session = match existing {
            Some(s) if !clean_start => s,
            _ => Session::default(),
        };
        if let Some((_, old)) = session.live.replace((connection, control)) {
            // The old connection may be gone already; it needs no telling then.
            let _ = old.try_send(Control::TakenOver);
        }
        let subscriptions = session.subscriptions.clone();
        sessions.insert(device.clone(), session);
        Opened {
            connection,
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
        if let Some(session) = guard.1.get_mut(device) {
            if session.live.as_ref().is_some_and(|(c, _)| *c == connection) {
                session.subscriptions = subscriptions.to_vec();
            }
        }
    }

    /// Whether `connection` is the live connection of `device`.
    pub fn is_live(&self, device: &DeviceId, connection: u64) -> bool {
        self.lock()
            .1
            .get(device)
            .is_some_and(|s| s.live.as_ref().is_some_and(|(c, _)| *c == connection))
    }

    /// Connection `connection` of `device` ended; whether it was still the
    /// live one (not taken over).
    pub fn close(&self, device: &DeviceId, connection: u64) -> bool {
        let mut guard = self.lock();
        match guard.1.get_mut(device) {
            Some(session) if session.live.as_ref().is_some_and(|(c, _)| *c == connection) => {
                session.live = None;
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_resume_and_take_over() {
        let sessions = Sessions::default();
        let device = DeviceId::new("d1").expect("id");
        let (first_tx, mut first_rx) = mpsc::channel(1);
        let first = sessions.open(&device, false, first_tx);
        assert!(!first.session_present);
        let filter = Subscription {
            filter: iothub_client::api::ReceiveCommands::TOPIC_FILTER.to_owned(),
            qos: rumqttc::v5::mqttbytes::QoS::AtLeastOnce,
        };
        sessions.set_subscriptions(&device, first.connection, std::slice::from_ref(&filter));
        let (second_tx, _second_rx) = mpsc::channel(1);
        let second = sessions.open(&device, false, second_tx);
        assert!(second.session_present);
        assert_eq!(second.subscriptions, [filter]);
        assert_eq!(first_rx.try_recv(), Ok(Control::TakenOver));
        // The old connection's late changes do not touch the new session.
        sessions.set_subscriptions(&device, first.connection, &[]);
        assert!(!sessions.close(&device, first.connection), "taken over");
        let (third_tx, _third_rx) = mpsc::channel(1);
        let third = sessions.open(&device, true, third_tx);
        assert!(!third.session_present && third.subscriptions.is_empty());
    }
}
