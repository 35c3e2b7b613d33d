//! The handle the hub's stores hand their changes to ([`Journal`]), and the
//! promise of durability each change gets back ([`Commit`]).

use std::fmt;
use std::sync::Arc;

use tokio::sync::{oneshot, OwnedSemaphorePermit, Semaphore};

use super::writer::Writer;
use super::{Change, StoreError};

/// The bytes of telemetry that may wait for the writer at once: past them,
/// publishers wait ([`Journal::reserve`]) before the hub reads their next
/// packet.
pub const MAX_QUEUED_BYTES: usize = 64 << 20;

/// Where the hub's changes go: nowhere (memory mode, the default), or to a
/// state file's writer thread. Cheap to clone; clones share the writer.
#[derive(Clone)]
pub struct Journal {
    writer: Option<Arc<Writer>>,
    backlog: Arc<Semaphore>,
}

impl Default for Journal {
    fn default() -> Self {
        Self {
            writer: None,
            backlog: Arc::new(Semaphore::new(MAX_QUEUED_BYTES)),
        }
    }
}

/// Room for a change in the writer's queue, held until the change is
/// written (move it into the change's `then`); nothing in memory mode.
#[derive(Debug)]
pub struct Reservation {
    _permit: Option<OwnedSemaphorePermit>,
}

impl fmt::Debug for Journal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.writer {
            None => f.write_str("Journal(memory)"),
            Some(writer) => write!(f, "Journal({})", writer.path().display()),
        }
    }
}

impl Journal {
    /// Memory mode: changes are not written anywhere.
    pub fn memory() -> Self {
        Self::default()
    }

    pub(super) fn durable(writer: Arc<Writer>) -> Self {
        Self {
            writer: Some(writer),
            ..Self::default()
        }
    }

    /// Waits for room for `bytes` in the writer's queue (at most
    /// [`MAX_QUEUED_BYTES`] wait at once; a larger change waits for all of
    /// it): the back-pressure on publishers. At once in memory mode.
    pub async fn reserve(&self, bytes: usize) -> Reservation {
        if self.writer.is_none() {
            return Reservation { _permit: None };
        }
        let wanted = u32::try_from(bytes.clamp(1, MAX_QUEUED_BYTES)).unwrap_or(u32::MAX);
        Reservation {
            _permit: Arc::clone(&self.backlog)
                .acquire_many_owned(wanted)
                .await
                .ok(),
        }
    }

    /// Room for `bytes` in the writer's queue if there is some now (see
    /// [`reserve`](Self::reserve)); always in memory mode.
    pub fn try_reserve(&self, bytes: usize) -> Option<Reservation> {
        if self.writer.is_none() {
            return Some(Reservation { _permit: None });
        }
        let wanted = u32::try_from(bytes.clamp(1, MAX_QUEUED_BYTES)).unwrap_or(u32::MAX);
        let permit = Arc::clone(&self.backlog).try_acquire_many_owned(wanted);
        match permit {
            Ok(permit) => Some(Reservation {
                _permit: Some(permit),
            }),
            Err(tokio::sync::TryAcquireError::Closed) => Some(Reservation { _permit: None }),
            Err(tokio::sync::TryAcquireError::NoPermits) => None,
        }
    }

    /// The bytes of room free in the writer's queue now.
    pub fn room(&self) -> usize {
        self.backlog.available_permits()
    }

    /// Whether changes are written to a state file.
    pub fn is_durable(&self) -> bool {
        self.writer.is_some()
    }

    /// Hands the change `change` makes to the writer. In memory mode
    /// `change` is not even called, and the commit is ready at once.
    pub(crate) fn submit(&self, change: impl FnOnce() -> Change) -> Commit {
        match &self.writer {
            None => Commit::done(),
            Some(writer) => writer.submit(change(), None),
        }
    }

    /// Hands a change to the writer with `then`, which the writer thread
    /// runs with the batch's outcome (`true`: durable) before the commit
    /// resolves: a store makes the change visible there, or undoes it.
    /// It must not be called in memory mode (where a change is visible at
    /// once); when the change cannot be queued, `then` is dropped unrun and
    /// the commit [has failed](Commit::has_failed) already, so the caller
    /// undoes the change itself. `then` runs on the writer thread: it may
    /// take a store's lock, so a store must not wait for the writer while
    /// holding one.
    pub(crate) fn submit_then(
        &self,
        change: impl FnOnce() -> Change,
        then: impl FnOnce(bool) + Send + 'static,
    ) -> Commit {
        match &self.writer {
            None => Commit::done(),
            Some(writer) => writer.submit(change(), Some(Box::new(then))),
        }
    }

    /// Writes what is pending, closes the state file and ends the writer
    /// thread (blocking until it has). Later changes fail with
    /// [`StoreError::Closed`]. Nothing in memory mode.
    pub fn close(&self) {
        if let Some(writer) = &self.writer {
            writer.close();
        }
    }
}

/// Resolves once a change is durable (or could not be made so). Wait for
/// it before acknowledging the change. Dropping it does not cancel the
/// write.
#[derive(Debug)]
#[must_use = "a change is acknowledged only after its commit; drop it explicitly if no one waits"]
pub struct Commit(State);

#[derive(Debug)]
enum State {
    Done,
    Pending(oneshot::Receiver<Result<(), StoreError>>),
    Failed(StoreError),
}

impl Commit {
    /// A commit with nothing to wait for (memory mode, or no change).
    pub fn done() -> Self {
        Self(State::Done)
    }

    /// Whether there is nothing to wait for (memory mode, or no change).
    pub fn is_ready(&self) -> bool {
        matches!(self.0, State::Done)
    }

    /// Whether it failed before it was queued (the writer is closed).
    pub fn has_failed(&self) -> bool {
        matches!(self.0, State::Failed(_))
    }

    pub(crate) fn pending(receiver: oneshot::Receiver<Result<(), StoreError>>) -> Self {
        Self(State::Pending(receiver))
    }

    /// A commit that failed already (the writer was gone).
    pub(crate) fn failed(error: StoreError) -> Self {
        Self(State::Failed(error))
    }

    /// Waits until the change is written: `Ok` once it is durable, the
    /// error of its batch otherwise (then it must not be acknowledged).
    /// The same as awaiting the commit itself.
    pub async fn wait(self) -> Result<(), StoreError> {
        self.await
    }
}

/// A commit is a future of its outcome: `Ok` once the change is durable,
/// the error of its batch otherwise. Polled again after it resolved, it
/// says `Ok` (there is nothing left to wait for).
impl std::future::Future for Commit {
    type Output = Result<(), StoreError>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        use std::task::Poll;
        let outcome = match &mut self.0 {
            State::Done => Ok(()),
            State::Failed(_) => match std::mem::replace(&mut self.0, State::Done) {
                State::Failed(error) => Err(error),
                _ => Ok(()),
            },
            // The writer gone without an answer (it stopped or panicked):
            // not written as far as anyone can tell.
            State::Pending(receiver) => match std::pin::Pin::new(receiver).poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(answer) => answer.unwrap_or(Err(StoreError::Closed)),
            },
        };
        self.0 = State::Done;
        Poll::Ready(outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn memory_mode_never_builds_the_change() {
        let journal = Journal::memory();
        assert!(!journal.is_durable());
        let commit = journal.submit(|| unreachable!("memory mode builds no change"));
        assert!(commit.is_ready());
        assert_eq!(commit.wait().await, Ok(()));
        journal.close();
        assert_eq!(format!("{journal:?}"), "Journal(memory)");
    }

    #[tokio::test]
    async fn a_dropped_writer_is_an_error() {
        let (sender, receiver) = oneshot::channel();
        drop(sender);
        assert_eq!(
            Commit::pending(receiver).wait().await,
            Err(StoreError::Closed)
        );
    }

    #[tokio::test]
    async fn publishers_wait_for_room_in_the_writers_queue() {
        let memory = Journal::memory();
        drop(memory.reserve(MAX_QUEUED_BYTES * 2).await);
        let control = Arc::new(crate::store::testing::Control::default());
        let journal = crate::store::testing::journal(&control);
        let full = journal.reserve(MAX_QUEUED_BYTES).await;
        assert_eq!(journal.room(), 0);
        let waiting = tokio::spawn({
            let journal = journal.clone();
            async move { journal.reserve(10).await }
        });
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished(), "no room, so it waits");
        drop(full);
        let reserved = waiting.await.expect("joins");
        assert_eq!(journal.room(), MAX_QUEUED_BYTES - 10);
        drop(reserved);
        assert_eq!(journal.room(), MAX_QUEUED_BYTES);
        journal.close();
    }
}
