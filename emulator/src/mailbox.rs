//! What the rest of the hub hands one live connection: that a newer
//! connection of its device took its session over, and direct method
//! calls (at most [`CALL_QUEUE`] waiting; past them callers wait for
//! room). One small allocation per connection, where two channels cost
//! over a kilobyte (tokio's channels pad their ends to cache lines and
//! allocate their slots ahead), for every idle connection.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, PoisonError};

use tokio::sync::Notify;

use crate::methods::MethodCall;

/// Calls waiting for one connection before callers wait for room.
pub const CALL_QUEUE: usize = 64;

/// What a connection finds in its mailbox.
#[derive(Debug)]
pub enum Mail {
    /// A newer connection of the same device took over.
    TakenOver,
    /// A direct method call for the device.
    Call(Box<MethodCall>),
}

#[derive(Debug, Default)]
struct State {
    taken_over: bool,
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

    /// The next thing that arrived: a take-over before any call.
    pub fn take(&self) -> Option<Mail> {
        let mut state = self.lock();
        if std::mem::take(&mut state.taken_over) {
            return Some(Mail::TakenOver);
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
            std::mem::take(&mut state.calls)
        };
        drop(calls);
        self.room.notify_waiters();
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
}
