//! A redb storage backend for tests: redb's in-memory backend, whose
//! `sync_data` a test can hold (to line changes up behind a commit) and
//! make fail (an I/O error, as a full or broken disk gives).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use redb::backends::InMemoryBackend;
use redb::StorageBackend;

/// What a test controls.
#[derive(Debug, Default)]
pub(crate) struct Control {
    /// `(hold the next sync, a sync is being held)`.
    hold: Mutex<(bool, bool)>,
    changed: Condvar,
    syncs: AtomicU64,
    /// Syncs from this number on fail (0: none does).
    fail_from: AtomicU64,
}

impl Control {
    /// The next sync waits for [`release_sync`](Self::release_sync).
    pub(crate) fn hold_sync(&self) {
        self.lock().0 = true;
    }

    /// Blocks until a sync is being held.
    pub(crate) fn wait_until_held(&self) {
        let guard = self.lock();
        let (_guard, timeout) = self
            .changed
            .wait_timeout_while(guard, Duration::from_secs(10), |(_, held)| !*held)
            .expect("the lock");
        assert!(!timeout.timed_out(), "no sync was held in time");
    }

    /// Lets the held sync go on.
    pub(crate) fn release_sync(&self) {
        *self.lock() = (false, false);
        self.changed.notify_all();
    }

    /// Syncs so far.
    pub(crate) fn syncs(&self) -> u64 {
        self.syncs.load(Ordering::SeqCst)
    }

    /// Sync number `n` (counting from 1) and every later one fail.
    pub(crate) fn fail_from(&self, n: u64) {
        self.fail_from.store(n, Ordering::SeqCst);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (bool, bool)> {
        self.hold
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The backend.
#[derive(Debug)]
pub(crate) struct Backend {
    inner: InMemoryBackend,
    control: Arc<Control>,
}

impl Backend {
    pub(crate) fn new(control: Arc<Control>) -> Self {
        Self {
            inner: InMemoryBackend::new(),
            control,
        }
    }
}

impl StorageBackend for Backend {
    fn len(&self) -> Result<u64, std::io::Error> {
        self.inner.len()
    }

    fn read(&self, offset: u64, out: &mut [u8]) -> Result<(), std::io::Error> {
        self.inner.read(offset, out)
    }

    fn set_len(&self, len: u64) -> Result<(), std::io::Error> {
        self.inner.set_len(len)
    }

    fn sync_data(&self) -> Result<(), std::io::Error> {
        let n = self.control.syncs.fetch_add(1, Ordering::SeqCst) + 1;
        {
            let mut guard = self.control.lock();
            if guard.0 {
                guard.1 = true;
                self.control.changed.notify_all();
                let _guard = self
                    .control
                    .changed
                    .wait_while(guard, |(hold, _)| *hold)
                    .expect("the lock");
            }
        }
        let fail_from = self.control.fail_from.load(Ordering::SeqCst);
        if fail_from != 0 && n >= fail_from {
            return Err(std::io::Error::other("disk on fire"));
        }
        self.inner.sync_data()
    }

    fn write(&self, offset: u64, data: &[u8]) -> Result<(), std::io::Error> {
        self.inner.write(offset, data)
    }
}

/// A durable journal over a fresh in-memory database on a [`Backend`]
/// that `control` drives.
pub(crate) fn journal(control: &Arc<Control>) -> super::Journal {
    let db = redb::Builder::new()
        .create_with_backend(Backend::new(Arc::clone(control)))
        .expect("an in-memory database");
    let writer = super::writer::Writer::start(db, std::path::PathBuf::from("memory"))
        .expect("the writer starts");
    super::Journal::durable(Arc::new(writer))
}
