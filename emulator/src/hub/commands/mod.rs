//! Command queues: per device a FIFO of commands with increasing sequence
//! numbers, delivered in sequence order, then completed, abandoned
//! (back for redelivery) or rejected. A [`Notify`] per device wakes the
//! MQTT side when something becomes deliverable.
//!
//! Finished commands (completed or rejected) stay listed until a device has
//! more than [`DEFAULT_RETAINED_FINISHED`] of them (configurable); then the
//! oldest finished ones are dropped. Unfinished commands are never dropped.
//!
//! With durable state every change (enqueued, delivered, settled, released,
//! dropped) is handed to the state file in the order it happened (the
//! record is in `record`). Only an enqueue is waited for before it is
//! acknowledged: a crash may then lose a later state change, so a command
//! may be delivered again (at least once), but never lose an acknowledged
//! command. After a restart, commands that were out for delivery are
//! queued again.

mod command;
mod record;

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};

use iothub_client::api::Status;
use iothub_client::wire::Timestamp;
use tokio::sync::Notify;

pub use command::{Command, CommandState, QueuedCommand};

use crate::registry::DeviceId;
use crate::store::{CommandRow, Commit, Journal};

/// Finished commands kept per device for listing.
pub const DEFAULT_RETAINED_FINISHED: usize = 1000;

/// Why a command operation was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    /// The device has no command with this sequence number.
    #[error("device `{device_id}` has no command with sequence number {sequence_no}")]
    NotFound {
        /// The device.
        device_id: DeviceId,
        /// The sequence number.
        sequence_no: u64,
    },
    /// The command is not in a state that allows the operation.
    #[error("command {sequence_no} of device `{device_id}` is {state}; cannot {operation} it")]
    InvalidState {
        /// The device.
        device_id: DeviceId,
        /// The sequence number.
        sequence_no: u64,
        /// Its state.
        state: CommandState,
        /// What was asked (`deliver`, `complete`, `abandon`, `reject`).
        operation: &'static str,
    },
}

impl CommandError {
    /// The API status this error answers with.
    pub fn status(&self) -> Status {
        match self {
            Self::NotFound { .. } => Status::NotFound,
            Self::InvalidState { .. } => Status::Conflict,
        }
    }
}

#[derive(Debug, Default)]
struct Queue {
    last_sequence_no: u64,
    /// Ordered by sequence number.
    entries: VecDeque<QueuedCommand>,
    notify: Arc<Notify>,
}

impl Queue {
    fn find(&mut self, sequence_no: u64) -> Option<&mut QueuedCommand> {
        let index = self
            .entries
            .binary_search_by_key(&sequence_no, |c| c.sequence_no)
            .ok()?;
        self.entries.get_mut(index)
    }

    /// Drops the oldest finished commands past `retained`; returns their
    /// sequence numbers.
    fn trim_finished(&mut self, retained: usize) -> Vec<u64> {
        let mut finished = self
            .entries
            .iter()
            .filter(|c| c.state.is_finished())
            .count();
        let mut dropped = Vec::new();
        while finished > retained {
            match self.entries.iter().position(|c| c.state.is_finished()) {
                Some(index) => {
                    if let Some(command) = self.entries.remove(index) {
                        dropped.push(command.sequence_no);
                    }
                    finished -= 1;
                }
                None => break,
            }
        }
        dropped
    }
}

/// The command queues of all devices.
#[derive(Debug)]
pub struct Commands {
    devices: Mutex<HashMap<DeviceId, Queue>>,
    retained_finished: usize,
    journal: Journal,
}

impl Default for Commands {
    fn default() -> Self {
        Self::new(DEFAULT_RETAINED_FINISHED)
    }
}

impl Commands {
    /// Empty queues keeping at most `retained_finished` finished commands per device.
    pub fn new(retained_finished: usize) -> Self {
        Self::with_journal(retained_finished, Journal::memory())
    }

    /// Empty queues that hand every change to `journal`.
    pub(crate) fn with_journal(retained_finished: usize, journal: Journal) -> Self {
        Self {
            devices: Mutex::default(),
            retained_finished,
            journal,
        }
    }

    /// Fills empty queues from the state file: each queue's last sequence
    /// number (`queues`) and its commands (`rows`, in sequence order).
    /// Commands that were out for delivery are queued again.
    pub(crate) fn restore(
        &self,
        queues: &[(String, u64)],
        rows: &[CommandRow],
    ) -> Result<(), String> {
        for (id, last) in queues {
            let id = DeviceId::new(id.as_str()).map_err(|e| format!("a queue row: {e}"))?;
            self.with(&id, |queue| {
                queue.last_sequence_no = queue.last_sequence_no.max(*last)
            });
        }
        for row in rows {
            let id = DeviceId::new(row.id.as_str()).map_err(|e| format!("a command row: {e}"))?;
            let mut command = record::decode(row)?;
            if command.state == CommandState::Delivered {
                command.state = CommandState::Queued;
            }
            self.with(&id, |queue| {
                queue.last_sequence_no = queue.last_sequence_no.max(command.sequence_no);
                queue.entries.push_back(command);
            });
        }
        // Fewer finished commands may be kept now than when they were written.
        let mut devices = self.devices.lock().unwrap_or_else(PoisonError::into_inner);
        for (id, queue) in devices.iter_mut() {
            let dropped = queue.trim_finished(self.retained_finished);
            if !dropped.is_empty() {
                drop(self.journal.submit(|| record::dropped(id, dropped)));
            }
        }
        Ok(())
    }

    fn with<T>(&self, id: &DeviceId, f: impl FnOnce(&mut Queue) -> T) -> T {
        let mut devices = self.devices.lock().unwrap_or_else(PoisonError::into_inner);
        f(devices.entry(id.clone()).or_default())
    }

    /// `f` on device `id`'s queue if it has one (reads never create queues).
    fn with_existing<T>(&self, id: &DeviceId, f: impl FnOnce(&mut Queue) -> T) -> Option<T> {
        let mut devices = self.devices.lock().unwrap_or_else(PoisonError::into_inner);
        devices.get_mut(id).map(f)
    }

    /// Appends `command` to device `id`'s queue; returns its sequence number.
    pub fn enqueue(&self, id: &DeviceId, command: Command) -> u64 {
        let (sequence_no, _written_in_the_background) = self.enqueue_with_commit(id, command);
        sequence_no
    }

    /// [`enqueue`](Self::enqueue), and the [`Commit`] to wait for before
    /// acknowledging it (ready at once in memory mode).
    pub fn enqueue_with_commit(&self, id: &DeviceId, command: Command) -> (u64, Commit) {
        self.with(id, |queue| {
            queue.last_sequence_no += 1;
            let sequence_no = queue.last_sequence_no;
            let command = QueuedCommand {
                sequence_no,
                enqueued_time: Timestamp::now(),
                delivery_count: 0,
                state: CommandState::Queued,
                command,
            };
            let commit = self
                .journal
                .submit(|| record::put(id, &command, Some(sequence_no)));
            queue.entries.push_back(command);
            queue.notify.notify_one();
            (sequence_no, commit)
        })
    }

    /// The first deliverable command (queued or abandoned), without changing it.
    pub fn next_deliverable(&self, id: &DeviceId) -> Option<QueuedCommand> {
        self.with_existing(id, |queue| {
            queue
                .entries
                .iter()
                .find(|c| c.state.is_deliverable())
                .cloned()
        })
        .flatten()
    }

    /// Marks a deliverable command delivered (delivery count + 1); returns it
    /// as it is now.
    pub fn mark_delivered(
        &self,
        id: &DeviceId,
        sequence_no: u64,
    ) -> Result<QueuedCommand, CommandError> {
        self.transition(id, sequence_no, "deliver", |state| {
            state.is_deliverable().then_some(CommandState::Delivered)
        })
    }

    /// [`next_deliverable`](Self::next_deliverable) and
    /// [`mark_delivered`](Self::mark_delivered) in one step, so two callers
    /// never deliver the same command.
    pub fn deliver_next(&self, id: &DeviceId) -> Option<QueuedCommand> {
        self.with_existing(id, |queue| {
            let command = queue
                .entries
                .iter_mut()
                .find(|c| c.state.is_deliverable())?;
            command.state = CommandState::Delivered;
            command.delivery_count = command.delivery_count.saturating_add(1);
            drop(self.journal.submit(|| record::put(id, command, None)));
            Some(command.clone())
        })
        .flatten()
    }

    /// The device acknowledged a delivered command.
    pub fn complete(&self, id: &DeviceId, sequence_no: u64) -> Result<(), CommandError> {
        self.settle(id, sequence_no, "complete", CommandState::Completed)
    }

    /// The device abandoned a delivered command: it will be delivered again.
    pub fn abandon(&self, id: &DeviceId, sequence_no: u64) -> Result<(), CommandError> {
        self.settle(id, sequence_no, "abandon", CommandState::Abandoned)
    }

    /// The device rejected a delivered command: it is never delivered again.
    pub fn reject(&self, id: &DeviceId, sequence_no: u64) -> Result<(), CommandError> {
        self.settle(id, sequence_no, "reject", CommandState::Rejected)
    }

    /// Puts every delivered, unacknowledged command back for redelivery (for
    /// when the device's connection ends); returns how many.
    pub fn release_delivered(&self, id: &DeviceId) -> usize {
        self.with_existing(id, |queue| {
            let mut released = 0;
            for command in &mut queue.entries {
                if command.state == CommandState::Delivered {
                    command.state = CommandState::Queued;
                    drop(self.journal.submit(|| record::put(id, command, None)));
                    released += 1;
                }
            }
            if released > 0 {
                queue.notify.notify_one();
            }
            released
        })
        .unwrap_or(0)
    }

    /// Puts command `sequence_no`, delivered and not settled, back in the
    /// queue (the connection it went out on ended); a command no longer
    /// delivered is left as it is.
    pub fn release(&self, id: &DeviceId, sequence_no: u64) -> bool {
        self.transition(id, sequence_no, "release", |state| {
            (state == CommandState::Delivered).then_some(CommandState::Queued)
        })
        .is_ok()
    }

    /// Device `id`'s commands in sequence order (finished ones as retained).
    pub fn list(&self, id: &DeviceId) -> Vec<QueuedCommand> {
        self.with_existing(id, |queue| queue.entries.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Notified whenever a command of device `id` becomes deliverable. It
    /// keeps one permit, so a wake-up between a check and the wait is not lost.
    pub fn notifier(&self, id: &DeviceId) -> Arc<Notify> {
        self.with(id, |queue| Arc::clone(&queue.notify))
    }

    /// Forgets device `id`'s queue; sequence numbers start again from 1.
    pub fn remove(&self, id: &DeviceId) {
        let mut devices = self.devices.lock().unwrap_or_else(PoisonError::into_inner);
        if devices.remove(id).is_some() {
            // Not waited for: nothing acknowledges a removal.
            drop(self.journal.submit(|| record::remove(id)));
        }
    }

    fn settle(
        &self,
        id: &DeviceId,
        sequence_no: u64,
        operation: &'static str,
        to: CommandState,
    ) -> Result<(), CommandError> {
        self.transition(id, sequence_no, operation, |state| {
            (state == CommandState::Delivered).then_some(to)
        })
        .map(|_| ())
    }

    fn transition(
        &self,
        id: &DeviceId,
        sequence_no: u64,
        operation: &'static str,
        next: impl FnOnce(CommandState) -> Option<CommandState>,
    ) -> Result<QueuedCommand, CommandError> {
        let retained = self.retained_finished;
        let not_found = || CommandError::NotFound {
            device_id: id.clone(),
            sequence_no,
        };
        self.with_existing(id, |queue| {
            let command = queue
                .find(sequence_no)
                .ok_or_else(|| CommandError::NotFound {
                    device_id: id.clone(),
                    sequence_no,
                })?;
            let Some(state) = next(command.state) else {
                return Err(CommandError::InvalidState {
                    device_id: id.clone(),
                    sequence_no,
                    state: command.state,
                    operation,
                });
            };
            command.state = state;
            if state == CommandState::Delivered {
                command.delivery_count = command.delivery_count.saturating_add(1);
            }
            // Not waited for: a state change lost in a crash means at
            // most one more delivery.
            drop(self.journal.submit(|| record::put(id, command, None)));
            let snapshot = command.clone();
            if state.is_deliverable() {
                queue.notify.notify_one();
            }
            if state.is_finished() {
                let dropped = queue.trim_finished(retained);
                if !dropped.is_empty() {
                    drop(self.journal.submit(|| record::dropped(id, dropped)));
                }
            }
            Ok(snapshot)
        })
        .unwrap_or_else(|| Err(not_found()))
    }
}

#[cfg(test)]
mod tests;
