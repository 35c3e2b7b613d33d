//! What the rest of the hub hands one live connection: that a newer
//! connection of its device took its session over, that the device's
//! credentials changed, its desired-state changes (the last few; past them
//! the connection sends the whole desired state), that the device has
//! commands to deliver, and direct method calls
//! (at most [`CALL_QUEUE`] waiting; past them callers wait for room). One
//! small allocation per connection, where channels cost over a kilobyte
//! each (tokio's channels pad their ends to cache lines and allocate their
//! slots ahead) for every idle connection; and the hub finds the live
//! connection of a device in [`Mailboxes`], so that a change wakes only
//! the connection it concerns.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::Notify;

use crate::hub::DesiredUpdate;
use crate::methods::MethodCall;
use crate::registry::DeviceId;

/// Calls waiting for one connection before callers wait for room.
pub const CALL_QUEUE: usize = 64;

/// What a connection finds in its mailbox.
#[derive(Debug)]
pub enum Mail {
    /// A newer connection of the same device took over.
    TakenOver,
    /// The device's credentials changed (or it was removed).
    CredentialsChanged,
    /// The device has a command to deliver.
    CommandsReady,
    /// The hub ends the connection with this DISCONNECT reason code (an
    /// injected fault).
    Disconnect(u8),
    /// The device's desired state changed.
    Desired(DesiredUpdate),
    /// The desired state changed more often than the connection kept up
    /// with: it sends the whole desired state instead.
    DesiredLagged,
    /// A direct method call for the device.
    Call(Box<MethodCall>),
}

#[derive(Debug, Default)]
struct State {
    taken_over: bool,
    disconnect: Option<u8>,
    credentials_changed: bool,
    commands_ready: bool,
    desired: VecDeque<DesiredUpdate>,
    desired_lagged: bool,
    calls: VecDeque<Box<MethodCall>>,
    /// The connection is gone: nothing more is taken.
    closed: bool,
}

/// One connection's mailbox.
#[derive(Debug, Default)]
pub struct Mailbox {
    state: Mutex<State>,
    /// Wakes the connection.
    arrived: Notify,
    /// Wakes callers waiting for room.
    room: Notify,
}

impl Mailbox {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere never leaves a half-made change here.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Tells the connection a newer one took its session over.
    pub fn take_over(&self) {
        self.lock().taken_over = true;
        self.arrived.notify_one();
    }

    /// Tells the connection the device's credentials changed.
    pub fn credentials_changed(&self) {
        self.lock().credentials_changed = true;
        self.arrived.notify_one();
    }

    /// Tells the connection to end with DISCONNECT `reason_code`.
    pub fn disconnect(&self, reason_code: u8) {
        self.lock().disconnect = Some(reason_code);
        self.arrived.notify_one();
    }

    /// Tells the connection the device has a command to deliver.
    pub fn commands_ready(&self) {
        self.lock().commands_ready = true;
        self.arrived.notify_one();
    }

    /// Hands a desired-state change to the connection; past `capacity`
    /// waiting, they are all dropped for the whole desired state.
    pub fn desired(&self, update: DesiredUpdate, capacity: usize) {
        {
            let mut state = self.lock();
            if state.desired.len() >= capacity.max(1) {
                state.desired = VecDeque::new();
                state.desired_lagged = true;
            } else {
                state.desired.push_back(update);
            }
        }
        self.arrived.notify_one();
    }

    /// Hands `call` to the connection, waiting for room while
    /// [`CALL_QUEUE`] calls wait; gives it back if the connection is gone.
    pub async fn deliver(&self, call: Box<MethodCall>) -> Result<(), Box<MethodCall>> {
        loop {
            let room = self.room.notified();
            tokio::pin!(room);
            {
                let mut state = self.lock();
                if state.closed {
                    return Err(call);
                }
                if state.calls.len() < CALL_QUEUE {
                    state.calls.push_back(call);
                    drop(state);
                    self.arrived.notify_one();
                    return Ok(());
                }
                // Registered before the lock is let go: no room made after
                // this is missed.
                room.as_mut().enable();
            }
            room.await;
        }
    }

    /// Waits until something may have arrived (then
    /// [`take`](Self::take) until `None`).
    pub async fn arrived(&self) {
        self.arrived.notified().await;
    }

    /// The next thing that arrived: a take-over first, then changed
    /// credentials, commands to deliver, desired-state changes in order,
    /// method calls.
    pub fn take(&self) -> Option<Mail> {
        let mut state = self.lock();
        if std::mem::take(&mut state.taken_over) {
            return Some(Mail::TakenOver);
        }
        if let Some(reason_code) = state.disconnect.take() {
            return Some(Mail::Disconnect(reason_code));
        }
        if std::mem::take(&mut state.credentials_changed) {
            return Some(Mail::CredentialsChanged);
        }
        if std::mem::take(&mut state.commands_ready) {
            return Some(Mail::CommandsReady);
        }
        if std::mem::take(&mut state.desired_lagged) {
            // The whole desired state holds every change waiting.
            state.desired = VecDeque::new();
            return Some(Mail::DesiredLagged);
        }
        if let Some(update) = state.desired.pop_front() {
            if state.desired.is_empty() {
                state.desired = VecDeque::new();
            }
            return Some(Mail::Desired(update));
        }
        let call = state.calls.pop_front()?;
        if state.calls.is_empty() {
            // An idle connection keeps no queue.
            state.calls = VecDeque::new();
        }
        drop(state);
        self.room.notify_one();
        Some(Mail::Call(call))
    }

    /// The connection is gone: the calls waiting are dropped (their callers
    /// hear the device is unreachable) and none is taken from now on.
    pub fn close(&self) {
        let calls = {
            let mut state = self.lock();
            state.closed = true;
            state.desired = VecDeque::new();
            std::mem::take(&mut state.calls)
        };
        drop(calls);
        self.room.notify_waiters();
    }
}

/// Each device's live connection: its number and its mailbox.
type Live = HashMap<DeviceId, (u64, Arc<Mailbox>)>;

/// The live connection of each device (its number) and its mailbox.
#[derive(Debug, Clone, Default)]
pub struct Mailboxes {
    live: Arc<Mutex<Live>>,
}

impl Mailboxes {
    fn lock(&self) -> MutexGuard<'_, Live> {
        self.live.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Connection `connection` of `device` is its live one from now on (a
    /// newer connection replaces an older one).
    pub fn attach(&self, device: &DeviceId, connection: u64, mailbox: Arc<Mailbox>) {
        self.lock().insert(device.clone(), (connection, mailbox));
    }

    /// Connection `connection` of `device` ended.
    pub fn detach(&self, device: &DeviceId, connection: u64) {
        let mut live = self.lock();
        if live.get(device).is_some_and(|(c, _)| *c == connection) {
            live.remove(device);
        }
    }

    /// Every live connection's device and mailbox.
    pub fn all(&self) -> Vec<(DeviceId, Arc<Mailbox>)> {
        self.lock()
            .iter()
            .map(|(id, (_, m))| (id.clone(), Arc::clone(m)))
            .collect()
    }

    /// The mailbox of `device`'s live connection, if it has one.
    pub fn get(&self, device: &DeviceId) -> Option<Arc<Mailbox>> {
        self.lock().get(device).map(|(_, m)| Arc::clone(m))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use bytes::Bytes;
    use tokio::sync::oneshot;

    use super::*;
    use crate::methods::{MethodError, MethodResponse};

    fn call(
        name: &str,
    ) -> (
        Box<MethodCall>,
        oneshot::Receiver<Result<MethodResponse, MethodError>>,
    ) {
        let (reply, answer) = oneshot::channel();
        let call = MethodCall {
            name: name.to_owned(),
            payload: Bytes::new(),
            reply,
        };
        (Box::new(call), answer)
    }

    #[tokio::test(start_paused = true)]
    async fn calls_past_the_queue_wait_for_room_and_a_take_over_comes_first() {
        let mailbox = Arc::new(Mailbox::default());
        let mut answers = Vec::new();
        for n in 0..CALL_QUEUE {
            let (c, answer) = call(&format!("m{n}"));
            mailbox.deliver(c).await.expect("room");
            answers.push(answer);
        }
        let (late, _late_answer) = call("late");
        let waiting = tokio::spawn({
            let mailbox = Arc::clone(&mailbox);
            async move { mailbox.deliver(late).await.is_ok() }
        });
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished(), "no room yet");
        mailbox.take_over();
        assert!(matches!(mailbox.take(), Some(Mail::TakenOver)));
        match mailbox.take() {
            Some(Mail::Call(c)) => assert_eq!(c.name, "m0"),
            other => panic!("expected call m0, got {other:?}"),
        }
        assert!(waiting.await.expect("joins"), "room made, the call is in");
        mailbox.close();
        assert!(mailbox.take().is_none(), "a closed mailbox is empty");
        let (after, _) = call("after");
        assert!(mailbox.deliver(after).await.is_err(), "gone");
        // Queued calls dropped: their callers hear it.
        assert!(answers.pop().expect("one").await.is_err());
    }

    #[test]
    fn desired_changes_past_the_capacity_become_the_whole_state() {
        let mailbox = Mailbox::default();
        let update = |version| DesiredUpdate {
            version,
            patch: serde_json::json!({ "v": version }),
        };
        mailbox.desired(update(2), 2);
        mailbox.desired(update(3), 2);
        assert!(matches!(mailbox.take(), Some(Mail::Desired(u)) if u.version == 2));
        mailbox.desired(update(4), 2);
        mailbox.desired(update(5), 2);
        mailbox.credentials_changed();
        assert!(matches!(mailbox.take(), Some(Mail::CredentialsChanged)));
        assert!(matches!(mailbox.take(), Some(Mail::DesiredLagged)));
        assert!(mailbox.take().is_none(), "the whole state holds 3 and 4");
        mailbox.desired(update(6), 2);
        assert!(matches!(mailbox.take(), Some(Mail::Desired(u)) if u.version == 6));
    }
}
