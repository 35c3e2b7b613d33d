//! Connection state per device, set by the MQTT side: connected or not, since
//! when, and the last activity. Each connection gets a token, so when a new
//! connection takes a session over, the old one's late disconnect does not
//! mark the device disconnected.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use iothub_client::wire::Timestamp;

use crate::registry::DeviceId;

/// Identifies one connection of a device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConnectionToken(u64);

/// A device's connection state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionState {
    /// Whether a connection is open.
    pub connected: bool,
    /// When it last connected or disconnected.
    pub since: Timestamp,
    /// Its last activity (connect, packet, disconnect).
    pub last_activity: Timestamp,
}

#[derive(Debug)]
struct Entry {
    state: ConnectionState,
    current: Option<ConnectionToken>,
}

#[derive(Debug, Default)]
struct Inner {
    devices: HashMap<DeviceId, Entry>,
    last_token: u64,
}

/// The connection states of all devices.
#[derive(Debug, Default)]
pub struct Connections {
    inner: Mutex<Inner>,
}

impl Connections {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Device `id` connected. Returns the new connection's token and the
    /// one it replaces, if another connection was open (session takeover).
    pub fn connect(&self, id: &DeviceId) -> (ConnectionToken, Option<ConnectionToken>) {
        let now = Timestamp::now();
        let mut inner = self.lock();
        inner.last_token += 1;
        let token = ConnectionToken(inner.last_token);
        let state = ConnectionState {
            connected: true,
            since: now,
            last_activity: now,
        };
        let previous = inner
            .devices
            .insert(
                id.clone(),
                Entry {
                    state,
                    current: Some(token),
                },
            )
            .and_then(|entry| entry.current);
        (token, previous)
    }

    /// Connection `token` of device `id` closed. Returns whether that made
    /// the device disconnected (false if a newer connection is open).
    pub fn disconnect(&self, id: &DeviceId, token: ConnectionToken) -> bool {
        let now = Timestamp::now();
        let mut inner = self.lock();
        match inner.devices.get_mut(id) {
            Some(entry) if entry.current == Some(token) => {
                entry.current = None;
                entry.state = ConnectionState {
                    connected: false,
                    since: now,
                    last_activity: now,
                };
                true
            }
            _ => false,
        }
    }

    /// Connection `token` of device `id` did something; ignored if it is not
    /// the current connection.
    pub fn touch(&self, id: &DeviceId, token: ConnectionToken) {
        let now = Timestamp::now();
        if let Some(entry) = self.lock().devices.get_mut(id) {
            if entry.current == Some(token) {
                entry.state.last_activity = entry.state.last_activity.max(now);
            }
        }
    }

    /// Device `id`'s state; `None` if it never connected.
    pub fn get(&self, id: &DeviceId) -> Option<ConnectionState> {
        self.lock().devices.get(id).map(|entry| entry.state)
    }

    /// Whether device `id` has an open connection.
    pub fn is_connected(&self, id: &DeviceId) -> bool {
        self.get(id).is_some_and(|state| state.connected)
    }

    /// Forgets device `id`.
    pub fn remove(&self, id: &DeviceId) {
        self.lock().devices.remove(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_touch_disconnect() {
        let connections = Connections::default();
        let id = DeviceId::new("dev1").unwrap();
        assert_eq!(connections.get(&id), None);
        let (token, previous) = connections.connect(&id);
        assert_eq!(previous, None);
        assert!(connections.is_connected(&id));
        let before = connections.get(&id).unwrap().last_activity;
        connections.touch(&id, token);
        assert!(connections.get(&id).unwrap().last_activity >= before);
        assert!(connections.disconnect(&id, token));
        assert!(!connections.is_connected(&id));
        assert!(!connections.disconnect(&id, token), "already closed");
    }

    #[test]
    fn a_taken_over_connection_cannot_disconnect_the_new_one() {
        let connections = Connections::default();
        let id = DeviceId::new("dev1").unwrap();
        let (old, _) = connections.connect(&id);
        let (new, previous) = connections.connect(&id);
        assert_eq!(previous, Some(old));
        assert_ne!(old, new);
        assert!(!connections.disconnect(&id, old));
        assert!(connections.is_connected(&id));
        assert!(connections.disconnect(&id, new));
    }
}
