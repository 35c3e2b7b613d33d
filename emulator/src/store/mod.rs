//! Durable state (`--state DIR`): the hub's changes written to an embedded
//! transactional store ([redb](https://docs.rs/redb)) before anything is
//! acknowledged, so that a killed emulator restarts with everything it
//! acknowledged.
//!
//! The hub's stores keep their state in memory as always; each change
//! they make is also handed, under the store's own lock (so in the order
//! the store made them), to a [`Journal`] as a `Change`: rows of the
//! state file's tables. In memory mode the journal does nothing: no thread,
//! no allocation, and every [`Commit`] it gives is ready at once. With a
//! state folder, one writer thread takes every change waiting, writes them
//! all in one write transaction (one `fsync`: group commit), then releases
//! every waiter of that batch with the outcome. Whoever acknowledges (a
//! PUBACK, an HTTP 2xx, an MQTT response) waits for its [`Commit`] first;
//! a change nobody waits for (a command's delivery or settlement) is
//! written just the same, in order.
//!
//! - `change`: one change as rows (`Change`).
//! - `journal`: the handle the stores submit to ([`Journal`], [`Commit`]).
//! - `writer`: the writer thread and its group commit.
//! - `tables`: the state file's tables and how a change is applied to them.
//! - `recover`: opening a state folder, its start-up tidying, and the rows
//!   it holds (`open`, `Rows`).
//!
//! The stores' own record layouts (what a row's bytes mean) live beside
//! each store, in its `record` module; this module only moves bytes.

mod change;
mod journal;
mod recover;
mod tables;
#[cfg(test)]
pub(crate) mod testing;
mod writer;

use std::path::PathBuf;
use std::sync::Arc;

use iothub_client::api::Status;

pub(crate) use change::{Change, SecretBytes};
pub use journal::{Commit, Journal, Reservation, MAX_QUEUED_BYTES};
pub use recover::STATE_FILE;
pub(crate) use recover::{open, CommandRow, Rows, Startup, TelemetryRow};

/// Why the state folder could not be used or a change not be written. No
/// variant carries a record's contents (they may hold keys).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The state folder or its file cannot be opened or created.
    #[error("cannot open the state `{}`: {reason}", path.display())]
    Open {
        /// The folder or file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// The state file holds something this emulator cannot read.
    #[error("the state file `{}` cannot be read: {reason}", path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A change could not be written (so it was not acknowledged).
    #[error("the change could not be written to the state file: {reason}")]
    Write {
        /// What went wrong (shared by every change of the failed batch).
        reason: Arc<str>,
    },
    /// The state file is closed (the emulator is stopping).
    #[error("the state file is closed")]
    Closed,
}

impl StoreError {
    /// The API status this error answers with: the hub could not do its
    /// part, so Server Error.
    pub fn status(&self) -> Status {
        Status::ServerError
    }
}
