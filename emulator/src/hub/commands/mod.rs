//! Command queues: per device a FIFO of commands with increasing sequence
//! numbers, delivered in sequence order, then completed, abandoned
//! (back for redelivery after [`CommandQuotas::redelivery_delay`]) or
//! rejected. A delivery that is not completed or rejected counts toward
//! the maximum delivery count, past which the command is dead-lettered;
//! one not completed or rejected by its expiry expires. A queue holds at
//! most [`CommandQuotas::queue_depth`] unfinished commands. A [`Notify`]
//! per device wakes the MQTT side when something becomes deliverable.
//!
//! The operations that depend on the time take it as an argument (`…_at`);
//! the others read the system clock.
//!
//! Finished commands (completed or rejected) stay listed until a device has
//! more than [`DEFAULT_RETAINED_FINISHED`] of them (configurable); then the
//! oldest finished ones are dropped. Unfinished commands are never dropped.
//!
//! With durable state every change (enqueued, delivered, settled, released,
//! dropped) is handed to the state file in the order it happened (the
//! record is in `record`). An enqueued command is neither listed nor
//! delivered until it is durable, and one that could not be written is
//! taken out again, so its sequence number is never seen and no number is
//! shown twice across a crash. Only an enqueue is waited for before it is
//! acknowledged: a crash may then lose a later state change, so a command
//! may be delivered again (at least once), but never lose an acknowledged
//! command. After a restart, commands that were out for delivery are
//! queued again.

mod command;
mod quotas;
mod record;

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use iothub_client::api::Status;
use iothub_client::wire::Timestamp;
use tokio::sync::Notify;

pub use command::{Command, CommandState, QueuedCommand};
pub use quotas::CommandQuotas;

use crate::mailbox::Mailboxes;
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
    /// The device's queue holds its maximum of unfinished commands.
    #[error("device `{device_id}` has {depth} commands waiting, the most its queue holds; wait for some to be settled")]
    QueueFull {
        /// The device.
        device_id: DeviceId,
        /// The queue's limit.
        depth: usize,
    },
    /// The payload is larger than commands may be.
    #[error("the command's payload has {size} bytes; a command's may have at most {max}")]
    TooLarge {
        /// The payload's size.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// The change could not be made durable (the state file failed or
    /// is closed); nothing changed.
    #[error("the command could not be written to the state file")]
    NotWritten,
}

impl CommandError {
    /// The API status this error answers with.
    pub fn status(&self) -> Status {
        match self {
            Self::NotFound { .. } => Status::NotFound,
            Self::InvalidState { .. } => Status::Conflict,
            Self::QueueFull { .. } | Self::TooLarge { .. } => Status::BadRequest,
            Self::NotWritten => Status::ServerError,
        }
    }
}

#[derive(Debug, Default)]
struct Queue {
    last_sequence_no: u64,
    /// Ordered by sequence number.
    entries: VecDeque<QueuedCommand>,
    /// Enqueued, not durable yet: neither listed nor delivered (always the
    /// newest entries: the writer commits in order).
    pending: BTreeSet<u64>,
    notify: Arc<Notify>,
}

/// `time` plus `duration`, saturating.
fn after(time: Timestamp, duration: Duration) -> Timestamp {
    Timestamp(
        time.0
            .saturating_add(u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)),
    )
}

impl Queue {
    /// The durable entries (what anyone may see).
    fn visible(&self) -> impl Iterator<Item = &QueuedCommand> {
        let pending = &self.pending;
        self.entries
            .iter()
            .filter(move |c| !pending.contains(&c.sequence_no))
    }

    /// Unfinished commands, durable or pending.
    fn unfinished(&self) -> usize {
        self.entries
            .iter()
            .filter(|c| !c.state.is_finished())
            .count()
    }

    /// Marks queued or abandoned commands past their expiry `expired`;
    /// returns them (as they are now) for the journal.
    fn expire(&mut self, now: Timestamp) -> Vec<QueuedCommand> {
        let mut expired = Vec::new();
        for command in &mut self.entries {
            if command.state.is_deliverable()
                && command.expiry_time <= now
                && !self.pending.contains(&command.sequence_no)
            {
                command.state = CommandState::Expired;
                command.not_before = None;
                expired.push(command.clone());
            }
        }
        expired
    }

    /// The index of the first command that may be delivered at `now`.
    fn first_deliverable(&self, now: Timestamp) -> Option<usize> {
        self.entries.iter().position(|c| {
            !self.pending.contains(&c.sequence_no)
                && c.state.is_deliverable()
                && c.not_before.is_none_or(|t| t <= now)
        })
    }

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

type Devices = Arc<Mutex<HashMap<DeviceId, Queue>>>;

/// The command queues of all devices.
#[derive(Debug)]
pub struct Commands {
    devices: Devices,
    retained_finished: usize,
    quotas: CommandQuotas,
    journal: Journal,
    /// The live connections, woken when their device has a command to
    /// deliver.
    live: Mailboxes,
}

impl Default for Commands {
    fn default() -> Self {
        Self::new(DEFAULT_RETAINED_FINISHED)
    }
}

impl Commands {
    /// Empty queues keeping at most `retained_finished` finished commands per device.
    pub fn new(retained_finished: usize) -> Self {
        Self::with_journal(
            retained_finished,
            CommandQuotas::default(),
            Journal::memory(),
        )
    }

    /// Empty queues with `quotas`.
    pub fn with_quotas(retained_finished: usize, quotas: CommandQuotas) -> Self {
        Self::with_journal(retained_finished, quotas, Journal::memory())
    }

    /// Empty queues that hand every change to `journal`.
    pub(crate) fn with_journal(
        retained_finished: usize,
        quotas: CommandQuotas,
        journal: Journal,
    ) -> Self {
        Self {
            devices: Arc::default(),
            retained_finished,
            quotas,
            journal,
            live: Mailboxes::default(),
        }
    }

    /// The live connections in `live` are woken when their device has a
    /// command to deliver.
    pub(crate) fn followed_by(mut self, live: Mailboxes) -> Self {
        self.live = live;
        self
    }

    /// Wakes whoever delivers device `id`'s commands: its live connection
    /// and the [`notifier`](Self::notifier)'s waiter.
    pub fn wake(&self, id: &DeviceId) {
        self.with_existing(id, |queue| queue.notify.notify_one());
        if let Some(mailbox) = self.live.get(id) {
            mailbox.commands_ready();
        }
    }

    /// The quotas.
    pub fn quotas(&self) -> &CommandQuotas {
        &self.quotas
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
    pub fn enqueue(&self, id: &DeviceId, command: Command) -> Result<u64, CommandError> {
        let (sequence_no, _written_in_the_background) =
            self.enqueue_at(id, command, Timestamp::now())?;
        Ok(sequence_no)
    }

    /// [`enqueue`](Self::enqueue) at `now`, and the [`Commit`] to wait for
    /// before acknowledging it (ready at once in memory mode). With durable
    /// state the command is neither listed nor delivered before the commit
    /// succeeds, and is taken out again if it fails. Its expiry is the
    /// sender's, or `now` plus the quota's time to live.
    pub fn enqueue_at(
        &self,
        id: &DeviceId,
        command: Command,
        now: Timestamp,
    ) -> Result<(u64, Commit), CommandError> {
        let size = command.payload.len();
        if size > self.quotas.max_payload {
            return Err(CommandError::TooLarge {
                size,
                max: self.quotas.max_payload,
            });
        }
        let durable = self.journal.is_durable();
        let mut guard = self.devices.lock().unwrap_or_else(PoisonError::into_inner);
        let queue = guard.entry(id.clone()).or_default();
        let expired = queue.expire(now);
        self.record_all(id, &expired);
        if queue.unfinished() >= self.quotas.queue_depth {
            return Err(CommandError::QueueFull {
                device_id: id.clone(),
                depth: self.quotas.queue_depth,
            });
        }
        queue.last_sequence_no += 1;
        let sequence_no = queue.last_sequence_no;
        let mut command = command;
        let expiry_time = *command
            .expiry_time
            .get_or_insert_with(|| after(now, self.quotas.ttl));
        let command = QueuedCommand {
            sequence_no,
            enqueued_time: now,
            delivery_count: 0,
            state: CommandState::Queued,
            expiry_time,
            not_before: None,
            command,
        };
        if !durable {
            queue.entries.push_back(command);
            wake(queue, &self.live, id);
            return Ok((sequence_no, Commit::done()));
        }
        let owner = id.clone();
        let devices = Arc::clone(&self.devices);
        let live = self.live.clone();
        let commit = self.journal.submit_then(
            || record::put(id, &command, Some(sequence_no)),
            move |written| {
                let mut devices = devices.lock().unwrap_or_else(PoisonError::into_inner);
                if let Some(queue) = devices.get_mut(&owner) {
                    if settle_pending(queue, sequence_no, written) {
                        wake(queue, &live, &owner);
                    }
                }
            },
        );
        if commit.has_failed() {
            queue.last_sequence_no -= 1;
            return Err(CommandError::NotWritten);
        }
        queue.entries.push_back(command);
        queue.pending.insert(sequence_no);
        Ok((sequence_no, commit))
    }

    /// Hands every command of `changed` to the journal (not waited for).
    fn record_all(&self, id: &DeviceId, changed: &[QueuedCommand]) {
        for command in changed {
            drop(self.journal.submit(|| record::put(id, command, None)));
        }
    }

    /// The first command that may be delivered now, without changing it.
    pub fn next_deliverable(&self, id: &DeviceId) -> Option<QueuedCommand> {
        self.next_deliverable_at(id, Timestamp::now())
    }

    /// The first command that may be delivered at `now` (queued, or
    /// abandoned and past its redelivery delay; not expired), without
    /// changing it.
    pub fn next_deliverable_at(&self, id: &DeviceId, now: Timestamp) -> Option<QueuedCommand> {
        self.with_existing(id, |queue| {
            let expired = queue.expire(now);
            self.record_all(id, &expired);
            let index = queue.first_deliverable(now)?;
            queue.entries.get(index).cloned()
        })
        .flatten()
    }

    /// When the next command still waiting out its redelivery delay at
    /// `now` may go, if one is (a delay already over is not waited for:
    /// that command is deliverable).
    pub fn next_redelivery(&self, id: &DeviceId, now: Timestamp) -> Option<Timestamp> {
        self.with_existing(id, |queue| {
            queue
                .entries
                .iter()
                .filter(|c| c.state.is_deliverable())
                .filter_map(|c| c.not_before)
                .filter(|t| *t > now)
                .min()
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
        self.transition(id, sequence_no, "deliver", |command| {
            if !command.state.is_deliverable() {
                return false;
            }
            command.state = CommandState::Delivered;
            command.not_before = None;
            true
        })
    }

    /// [`next_deliverable`](Self::next_deliverable) and
    /// [`mark_delivered`](Self::mark_delivered) in one step, so two callers
    /// never deliver the same command.
    pub fn deliver_next(&self, id: &DeviceId) -> Option<QueuedCommand> {
        self.deliver_next_at(id, Timestamp::now())
    }

    /// [`deliver_next`](Self::deliver_next) at `now`.
    pub fn deliver_next_at(&self, id: &DeviceId, now: Timestamp) -> Option<QueuedCommand> {
        self.with_existing(id, |queue| {
            let expired = queue.expire(now);
            self.record_all(id, &expired);
            let index = queue.first_deliverable(now)?;
            let command = queue.entries.get_mut(index)?;
            command.state = CommandState::Delivered;
            command.not_before = None;
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

    /// The device abandoned a delivered command (or its delivery failed):
    /// it will be delivered again after the redelivery delay or, delivered
    /// the maximum number of times already, it is dead-lettered. Returns its
    /// state now.
    pub fn abandon(&self, id: &DeviceId, sequence_no: u64) -> Result<CommandState, CommandError> {
        self.abandon_at(id, sequence_no, Timestamp::now())
    }

    /// [`abandon`](Self::abandon) at `now`.
    pub fn abandon_at(
        &self,
        id: &DeviceId,
        sequence_no: u64,
        now: Timestamp,
    ) -> Result<CommandState, CommandError> {
        let max = self.quotas.max_delivery_count;
        let not_before = after(now, self.quotas.redelivery_delay);
        self.transition(id, sequence_no, "abandon", |command| {
            if command.state != CommandState::Delivered {
                return false;
            }
            if command.delivery_count >= max {
                command.state = CommandState::DeadLettered;
            } else {
                command.state = CommandState::Abandoned;
                command.not_before = Some(not_before);
            }
            true
        })
        .map(|command| command.state)
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
                    command.state = self.released_state(command);
                    drop(self.journal.submit(|| record::put(id, command, None)));
                    released += 1;
                }
            }
            if released > 0 {
                wake(queue, &self.live, id);
            }
            released
        })
        .unwrap_or(0)
    }

    /// Puts command `sequence_no`, delivered and not settled, back in the
    /// queue (the connection it went out on ended); a command no longer
    /// delivered is left as it is.
    pub fn release(&self, id: &DeviceId, sequence_no: u64) -> bool {
        self.transition(id, sequence_no, "release", |command| {
            if command.state != CommandState::Delivered {
                return false;
            }
            command.state = self.released_state(command);
            true
        })
        .is_ok()
    }

    /// Where a delivered command goes when its connection ends unsettled:
    /// back to the queue, or dead-lettered once delivered the maximum
    /// number of times (the delivery counts, as the service counts it).
    fn released_state(&self, command: &QueuedCommand) -> CommandState {
        if command.delivery_count >= self.quotas.max_delivery_count {
            CommandState::DeadLettered
        } else {
            CommandState::Queued
        }
    }

    /// How many of device `id`'s commands are not finished (the service's
    /// `cloudToDeviceMessageCount`).
    pub fn unfinished(&self, id: &DeviceId) -> usize {
        self.list(id)
            .iter()
            .filter(|c| !c.state.is_finished())
            .count()
    }

    /// Device `id`'s commands in sequence order (finished ones as retained;
    /// those not durable yet left out).
    pub fn list(&self, id: &DeviceId) -> Vec<QueuedCommand> {
        self.list_at(id, Timestamp::now())
    }

    /// [`list`](Self::list) at `now` (commands past their expiry show as
    /// expired).
    pub fn list_at(&self, id: &DeviceId, now: Timestamp) -> Vec<QueuedCommand> {
        self.with_existing(id, |queue| {
            let expired = queue.expire(now);
            self.record_all(id, &expired);
            queue.visible().cloned().collect()
        })
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
        self.transition(id, sequence_no, operation, |command| {
            if command.state != CommandState::Delivered {
                return false;
            }
            command.state = to;
            true
        })
        .map(|_| ())
    }

    /// Changes command `sequence_no` with `change` (which says whether the
    /// change is allowed from its state); journals it, wakes a deliverer
    /// if it became deliverable and trims finished commands.
    fn transition(
        &self,
        id: &DeviceId,
        sequence_no: u64,
        operation: &'static str,
        change: impl FnOnce(&mut QueuedCommand) -> bool,
    ) -> Result<QueuedCommand, CommandError> {
        let retained = self.retained_finished;
        let not_found = || CommandError::NotFound {
            device_id: id.clone(),
            sequence_no,
        };
        self.with_existing(id, |queue| {
            if queue.pending.contains(&sequence_no) {
                return Err(not_found());
            }
            let command = queue.find(sequence_no).ok_or_else(not_found)?;
            let before = command.state;
            if !change(command) {
                return Err(CommandError::InvalidState {
                    device_id: id.clone(),
                    sequence_no,
                    state: before,
                    operation,
                });
            }
            if command.state == CommandState::Delivered {
                command.delivery_count = command.delivery_count.saturating_add(1);
            }
            // Not waited for: a state change lost in a crash means at
            // most one more delivery.
            drop(self.journal.submit(|| record::put(id, command, None)));
            let snapshot = command.clone();
            if snapshot.state.is_deliverable() {
                wake(queue, &self.live, id);
            }
            if snapshot.state.is_finished() {
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

/// The writer's word on pending command `sequence_no`: durable, it becomes
/// visible and deliverable (then `true`: wake its deliverer); not written,
/// it is taken out (its number is never seen, so it may be given again).
fn settle_pending(queue: &mut Queue, sequence_no: u64, written: bool) -> bool {
    if !queue.pending.remove(&sequence_no) {
        return false;
    }
    if !written {
        if let Ok(index) = queue
            .entries
            .binary_search_by_key(&sequence_no, |c| c.sequence_no)
        {
            queue.entries.remove(index);
        }
    }
    written
}

/// Wakes whoever delivers `id`'s commands (`queue` is its queue).
fn wake(queue: &Queue, live: &Mailboxes, id: &DeviceId) {
    queue.notify.notify_one();
    if let Some(mailbox) = live.get(id) {
        mailbox.commands_ready();
    }
}

#[cfg(test)]
mod tests;
