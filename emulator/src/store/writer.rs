//! The writer thread: the only one that writes the state file. It takes the
//! first change waiting, then every other one already waiting (up to
//! [`MAX_BATCH_CHANGES`] changes or [`MAX_BATCH_BYTES`] bytes), writes them
//! all in one write transaction in the order they came, commits (one
//! `fsync` for the batch: group commit) and then answers every waiter of
//! the batch with the same outcome: `Ok`, or the batch's error, so that
//! nothing of a failed batch is acknowledged.
//!
//! After an I/O error redb refuses further writes, so every later batch
//! fails too: the emulator goes on serving, answering Server Error to what
//! it can no longer make durable.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Mutex, PoisonError};
use std::thread::JoinHandle;

use redb::Database;
use tokio::sync::oneshot;

use super::journal::Commit;
use super::tables::Tables;
use super::{Change, StoreError};

/// Most changes in one transaction.
pub(super) const MAX_BATCH_CHANGES: usize = 4096;
/// Most bytes (roughly) in one transaction, past its first change.
pub(super) const MAX_BATCH_BYTES: usize = 16 << 20;

/// What runs on the writer thread once a change's batch is committed (with
/// `true`) or failed (`false`), before its waiter hears of it: making the
/// change visible, or undoing it in memory.
pub(crate) type Then = Box<dyn FnOnce(bool) + Send>;

/// A change and whoever waits for it.
struct Pending {
    change: Change,
    waiter: oneshot::Sender<Result<(), StoreError>>,
    then: Option<Then>,
}

/// The writer thread's handle.
#[derive(Debug)]
pub(crate) struct Writer {
    path: PathBuf,
    sender: Mutex<Option<mpsc::Sender<Pending>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
    commits: std::sync::Arc<AtomicU64>,
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.change.fmt(f)
    }
}

impl Writer {
    /// Starts the writer thread over `db` (the file at `path`).
    pub(super) fn start(db: Database, path: PathBuf) -> Result<Self, StoreError> {
        let (sender, receiver) = mpsc::channel();
        let commits = std::sync::Arc::new(AtomicU64::new(0));
        let counted = std::sync::Arc::clone(&commits);
        let thread = std::thread::Builder::new()
            .name("state-writer".to_owned())
            .spawn(move || run(&db, &receiver, &counted))
            .map_err(|e| StoreError::Open {
                path: path.clone(),
                reason: format!("cannot start the writer thread: {e}"),
            })?;
        Ok(Self {
            path,
            sender: Mutex::new(Some(sender)),
            thread: Mutex::new(Some(thread)),
            commits,
        })
    }

    /// The state file.
    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// Transactions committed so far.
    #[cfg(test)]
    pub(super) fn commits(&self) -> u64 {
        self.commits.load(Ordering::Relaxed)
    }

    /// Queues `change` for the next batch; `then` runs on the writer
    /// thread with its outcome, before the commit resolves. When the change
    /// cannot be queued (the writer is closed), `then` is dropped unrun and
    /// the commit has failed already ([`Commit::has_failed`]).
    pub(super) fn submit(&self, change: Change, then: Option<Then>) -> Commit {
        let (waiter, receiver) = oneshot::channel();
        let sender = self.sender.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(sender) = sender.as_ref() else {
            return Commit::failed(StoreError::Closed);
        };
        match sender.send(Pending {
            change,
            waiter,
            then,
        }) {
            Ok(()) => Commit::pending(receiver),
            Err(_) => Commit::failed(StoreError::Closed),
        }
    }

    /// Lets the thread write what is queued, then waits for it to end
    /// (the state file is closed then).
    pub(super) fn close(&self) {
        drop(
            self.sender
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take(),
        );
        let thread = self
            .thread
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(thread) = thread {
            if thread.join().is_err() {
                tracing::error!("the state writer thread panicked");
            }
            let commits = self.commits.load(Ordering::Relaxed);
            tracing::debug!(path = %self.path.display(), commits, "state file closed");
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // The last handle is gone: the thread ends once it has written
        // what was queued (it is not waited for here).
        drop(
            self.sender
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner)
                .take(),
        );
    }
}

/// The thread: batches until every sender is gone.
fn run(db: &Database, receiver: &mpsc::Receiver<Pending>, commits: &AtomicU64) {
    let mut failures = 0u64;
    while let Ok(first) = receiver.recv() {
        let mut bytes = first.change.size();
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH_CHANGES && bytes < MAX_BATCH_BYTES {
            match receiver.try_recv() {
                Ok(next) => {
                    bytes += next.change.size();
                    batch.push(next);
                }
                Err(_) => break,
            }
        }
        let started = std::time::Instant::now();
        let outcome = write(db, &batch).map_err(|reason| StoreError::Write {
            reason: reason.into(),
        });
        tracing::trace!(
            changes = batch.len(),
            bytes,
            micros = started.elapsed().as_micros() as u64,
            ok = outcome.is_ok(),
            "batch written"
        );
        match &outcome {
            Ok(()) => {
                commits.fetch_add(1, Ordering::Relaxed);
            }
            Err(error) => {
                failures += 1;
                // Once is news; after that, every tenth time is enough.
                if failures == 1 || failures.is_multiple_of(10) {
                    tracing::error!(%error, changes = batch.len(), failures, "state not written; not acknowledged");
                }
            }
        }
        for pending in batch {
            if let Some(then) = pending.then {
                then(outcome.is_ok());
            }
            // A waiter that went away (a connection closed) is fine.
            let _ = pending.waiter.send(outcome.clone());
        }
    }
}

/// Writes `batch` in one transaction.
fn write(db: &Database, batch: &[Pending]) -> Result<(), String> {
    let txn = db.begin_write().map_err(|e| e.to_string())?;
    {
        let mut tables = Tables::open(&txn).map_err(|e| e.to_string())?;
        for pending in batch {
            tables
                .apply(&pending.change)
                .map_err(|e| format!("{} ({}): {e}", pending.change.kind(), batch.len()))?;
        }
    }
    txn.commit().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::store::testing::{Backend, Control};

    fn telemetry(sequence_no: u64) -> Change {
        Change::AppendTelemetry {
            sequence_no,
            meta: b"{}".to_vec(),
            body: bytes::Bytes::from_static(b"x"),
            dropped: Vec::new(),
        }
    }

    impl Writer {
        fn submit_plain(&self, change: Change) -> Commit {
            self.submit(change, None)
        }
    }

    fn writer(control: &Arc<Control>) -> Writer {
        let db = redb::Builder::new()
            .create_with_backend(Backend::new(Arc::clone(control)))
            .expect("an in-memory database");
        Writer::start(db, PathBuf::from("memory")).expect("starts")
    }

    #[tokio::test]
    async fn a_batch_releases_every_waiter_after_one_commit() {
        let control = Arc::new(Control::default());
        let writer = writer(&control);
        // The writer is held in its first commit's sync while ten more
        // changes queue up: they all go in the next transaction.
        control.hold_sync();
        let first = writer.submit_plain(telemetry(1));
        control.wait_until_held();
        let rest: Vec<Commit> = (2..=11)
            .map(|n| writer.submit_plain(telemetry(n)))
            .collect();
        control.release_sync();
        assert_eq!(first.wait().await, Ok(()));
        for commit in rest {
            assert_eq!(commit.wait().await, Ok(()));
        }
        assert_eq!(writer.commits(), 2, "one transaction for the ten");
        writer.close();
    }

    #[tokio::test]
    async fn an_io_error_fails_every_waiter_of_its_batch() {
        let control = Arc::new(Control::default());
        let writer = writer(&control);
        let before = control.syncs();
        assert_eq!(writer.submit_plain(telemetry(1)).wait().await, Ok(()));
        let per_commit = control.syncs() - before;
        // Batch A (change 2) is held in its sync while batch B (3 to 6)
        // queues; A's syncs succeed, B's first one fails.
        control.hold_sync();
        let first = writer.submit_plain(telemetry(2));
        control.wait_until_held();
        let batch: Vec<Commit> = (3..=6).map(|n| writer.submit_plain(telemetry(n))).collect();
        control.fail_from(before + 2 * per_commit + 1);
        control.release_sync();
        assert_eq!(first.wait().await, Ok(()));
        for commit in batch {
            let error = commit.wait().await.expect_err("not acknowledged");
            assert!(matches!(error, StoreError::Write { .. }), "{error:?}");
            assert_eq!(error.status(), iothub_client::api::Status::ServerError);
        }
        assert_eq!(writer.commits(), 2);
        writer.close();
        assert_eq!(
            writer.submit_plain(telemetry(7)).wait().await,
            Err(StoreError::Closed)
        );
    }
}
