//! Telemetry received from devices: an append-only log in arrival order,
//! numbered from 1, holding at most [`TelemetryRetention::events`] events
//! and [`TelemetryRetention::bytes`] bytes (bodies, properties and a fixed
//! cost per event): past either, the oldest are dropped, so memory stays
//! bounded and readers see a gap in sequence numbers.
//!
//! With durable state each append is also handed to the state file (the
//! record is in `record`); numbering continues after a restart. An event
//! is read only once it is durable, and never after a later one that is
//! not yet: a reader resuming from the number after the last one it saw
//! misses nothing. An event that could not be written is taken out again,
//! so its number is never seen (and may be given again after a restart).

mod record;

use std::collections::{BTreeSet, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use iothub_client::api::send_telemetry;
use iothub_client::wire::{MqttProperties, Timestamp};
use tokio::sync::Notify;

use crate::registry::DeviceId;
use crate::store::{Commit, Journal, Reservation, TelemetryRow};

/// Events kept by default.
pub const DEFAULT_CAPACITY: usize = 100_000;

/// Bytes kept by default (4 MiB).
pub const DEFAULT_BYTES: usize = 4 << 20;

/// What one event costs besides its body and properties (the event, its
/// place in the log), counted toward [`TelemetryRetention::bytes`].
pub const EVENT_OVERHEAD: usize = 256;

/// How much of the telemetry log is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TelemetryRetention {
    /// Most events (at least 1).
    pub events: usize,
    /// Most bytes (bodies, property names and values, and
    /// [`EVENT_OVERHEAD`] per event); the newest event is kept whatever
    /// its size.
    pub bytes: usize,
}

impl Default for TelemetryRetention {
    fn default() -> Self {
        Self {
            events: DEFAULT_CAPACITY,
            bytes: DEFAULT_BYTES,
        }
    }
}

impl TelemetryRetention {
    /// Sets [`events`](Self::events).
    #[must_use]
    pub fn events(mut self, events: usize) -> Self {
        self.events = events.max(1);
        self
    }

    /// Sets [`bytes`](Self::bytes).
    #[must_use]
    pub fn bytes(mut self, bytes: usize) -> Self {
        self.bytes = bytes;
        self
    }
}

/// A telemetry message as the device sent it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TelemetryRecord {
    /// Its system properties and (ordered) application properties, as the
    /// generated Send Telemetry message holds them.
    pub properties: send_telemetry::Message,
    /// The payload.
    pub body: Bytes,
}

impl TelemetryRecord {
    /// What it costs the log: its body, its properties' names and values
    /// (as they go on the wire) and [`EVENT_OVERHEAD`].
    pub fn footprint(&self) -> usize {
        let properties = self.properties.to_properties();
        let user: usize = properties.user.iter().map(|(n, v)| n.len() + v.len()).sum();
        let content = properties.content_type.as_ref().map_or(0, String::len);
        EVENT_OVERHEAD + self.body.len() + user + content
    }
}

/// A telemetry message in the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TelemetryEvent {
    /// Its position in the log (from 1, increasing).
    pub sequence_no: u64,
    /// The device that sent it.
    pub device_id: DeviceId,
    /// When the hub received it.
    pub enqueued_time: Timestamp,
    /// What it carries.
    pub record: TelemetryRecord,
}

#[derive(Debug, Default)]
struct Log {
    last_sequence_no: u64,
    /// Events with their footprints, in sequence order.
    events: VecDeque<(TelemetryEvent, usize)>,
    bytes: usize,
    /// Appended, not durable yet.
    pending: BTreeSet<u64>,
}

impl Log {
    /// Drops the oldest events until `retention` holds (the newest is
    /// always kept); returns the sequence numbers dropped.
    fn trim(&mut self, retention: &TelemetryRetention) -> Vec<u64> {
        let mut dropped = Vec::new();
        while self.events.len() > 1
            && (self.events.len() > retention.events || self.bytes > retention.bytes)
        {
            let Some((event, size)) = self.events.pop_front() else {
                break;
            };
            self.bytes -= size;
            self.pending.remove(&event.sequence_no);
            dropped.push(event.sequence_no);
        }
        dropped
    }

    /// The index of event `sequence_no`.
    fn position(&self, sequence_no: u64) -> Option<usize> {
        self.events
            .binary_search_by_key(&sequence_no, |(e, _)| e.sequence_no)
            .ok()
    }
}

#[derive(Debug, Default)]
struct Shared {
    log: Mutex<Log>,
    appended: Notify,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Log> {
        self.log.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The telemetry log.
#[derive(Debug)]
pub struct Telemetry {
    shared: Arc<Shared>,
    retention: TelemetryRetention,
    journal: Journal,
}

impl Default for Telemetry {
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY)
    }
}

impl Telemetry {
    /// An empty log keeping the last `capacity` events (at least one) and
    /// at most [`DEFAULT_BYTES`].
    pub fn new(capacity: usize) -> Self {
        Self::with_retention(TelemetryRetention::default().events(capacity))
    }

    /// An empty log keeping what `retention` allows.
    pub fn with_retention(retention: TelemetryRetention) -> Self {
        Self::with_journal(retention, Journal::memory())
    }

    /// An empty log that hands its appends to `journal`.
    pub(crate) fn with_journal(retention: TelemetryRetention, journal: Journal) -> Self {
        Self {
            shared: Arc::default(),
            retention: retention.events(retention.events),
            journal,
        }
    }

    /// What it keeps.
    pub fn retention(&self) -> &TelemetryRetention {
        &self.retention
    }

    /// Fills an empty log from the state file's `rows` (in sequence order;
    /// the newest the retention allows are kept). Numbering continues after
    /// the last, and after `floor` (the last number given before the log
    /// was emptied).
    pub(crate) fn restore(&self, rows: &[TelemetryRow], floor: u64) -> Result<(), String> {
        let mut log = self.shared.lock();
        log.last_sequence_no = floor;
        for row in rows {
            let event = record::decode(row)?;
            let size = event.record.footprint();
            log.last_sequence_no = log.last_sequence_no.max(event.sequence_no);
            log.bytes += size;
            log.events.push_back((event, size));
            log.trim(&self.retention);
        }
        Ok(())
    }

    /// Appends a message from `device_id`; returns its sequence number.
    pub fn append(&self, device_id: &DeviceId, record: TelemetryRecord) -> u64 {
        let (sequence_no, _written_in_the_background) = self.append_with_commit(device_id, record);
        sequence_no
    }

    /// [`append`](Self::append), and the [`Commit`] to wait for before
    /// acknowledging the message (ready at once in memory mode).
    pub fn append_with_commit(
        &self,
        device_id: &DeviceId,
        record: TelemetryRecord,
    ) -> (u64, Commit) {
        let size = record.footprint();
        self.append_measured(device_id, record, size)
    }

    /// [`append_with_commit`](Self::append_with_commit) of a record whose
    /// [`footprint`](TelemetryRecord::footprint) (or a measure as good, such
    /// as its packet's size plus [`EVENT_OVERHEAD`]) is `size`.
    pub fn append_measured(
        &self,
        device_id: &DeviceId,
        record: TelemetryRecord,
        size: usize,
    ) -> (u64, Commit) {
        self.append_reserved(device_id, record, size, None)
    }

    /// [`append_measured`](Self::append_measured) holding `reservation`
    /// (room in the writer's queue, see [`Journal::reserve`]) until the
    /// event is written.
    pub fn append_reserved(
        &self,
        device_id: &DeviceId,
        record: TelemetryRecord,
        size: usize,
        reservation: Option<Reservation>,
    ) -> (u64, Commit) {
        let durable = self.journal.is_durable();
        let mut log = self.shared.lock();
        log.last_sequence_no += 1;
        let sequence_no = log.last_sequence_no;
        let event = TelemetryEvent {
            sequence_no,
            device_id: device_id.clone(),
            enqueued_time: Timestamp::now(),
            record,
        };
        log.bytes += size;
        log.events.push_back((event, size));
        let dropped = log.trim(&self.retention);
        if !durable {
            drop(log);
            self.shared.appended.notify_waiters();
            return (sequence_no, Commit::done());
        }
        let shared = Arc::clone(&self.shared);
        let Some(index) = log.position(sequence_no) else {
            return (sequence_no, Commit::done());
        };
        let change = {
            let (event, _) = &log.events[index];
            record::append(event, &dropped)
        };
        let commit = self.journal.submit_then(
            || change,
            move |written| {
                settle_pending(&shared, sequence_no, written);
                drop(reservation);
            },
        );
        if commit.has_failed() {
            if let Some(index) = log.position(sequence_no) {
                if let Some((_, size)) = log.events.remove(index) {
                    log.bytes -= size;
                }
            }
        } else {
            log.pending.insert(sequence_no);
        }
        (sequence_no, commit)
    }

    /// Up to `limit` durable events with sequence numbers from `from` on,
    /// in order (starting at the oldest kept one if `from` was dropped),
    /// ending before the first event that is not durable yet.
    pub fn read(&self, from: u64, limit: usize) -> Vec<TelemetryEvent> {
        let log = self.shared.lock();
        let first_pending = log.pending.first().copied().unwrap_or(u64::MAX);
        let start = log.events.partition_point(|(e, _)| e.sequence_no < from);
        log.events
            .range(start..)
            .take_while(|(e, _)| e.sequence_no < first_pending)
            .take(limit)
            .map(|(e, _)| e.clone())
            .collect()
    }

    /// Empties the log of every durable event (a reset: numbering goes on,
    /// so a consumer resuming from a number never skips a new event);
    /// events still being written stay. Returns how many were dropped.
    pub fn clear(&self) -> usize {
        let mut log = self.shared.lock();
        let before = log
            .pending
            .first()
            .copied()
            .unwrap_or(log.last_sequence_no + 1);
        let mut dropped = 0;
        while log
            .events
            .front()
            .is_some_and(|(e, _)| e.sequence_no < before)
        {
            if let Some((_, size)) = log.events.pop_front() {
                log.bytes -= size;
                dropped += 1;
            }
        }
        // Not waited for: a reset acknowledges nothing.
        drop(
            self.journal
                .submit(|| crate::store::Change::ClearTelemetry { before }),
        );
        dropped
    }

    /// The sequence number the next event will get.
    pub fn next_sequence_no(&self) -> u64 {
        self.shared.lock().last_sequence_no + 1
    }

    /// The number of events kept (durable or not yet).
    pub fn len(&self) -> usize {
        self.shared.lock().events.len()
    }

    /// The bytes the kept events count for.
    pub fn bytes(&self) -> usize {
        self.shared.lock().bytes
    }

    /// Whether no events are kept.
    pub fn is_empty(&self) -> bool {
        self.shared.lock().events.is_empty()
    }

    /// Completes when the next event becomes readable (for readers that
    /// wait for new events; create the future before checking
    /// [`read`](Self::read) so none is missed).
    pub fn appended(&self) -> tokio::sync::futures::Notified<'_> {
        self.shared.appended.notified()
    }
}

/// The writer's word on event `sequence_no`: durable, it becomes readable;
/// not written, it is taken out (its number never seen).
fn settle_pending(shared: &Shared, sequence_no: u64, written: bool) {
    let mut log = shared.lock();
    if !log.pending.remove(&sequence_no) {
        return;
    }
    if !written {
        if let Some(index) = log.position(sequence_no) {
            if let Some((_, size)) = log.events.remove(index) {
                log.bytes -= size;
            }
        }
    }
    drop(log);
    shared.appended.notify_waiters();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(body: &'static str) -> TelemetryRecord {
        let mut properties = send_telemetry::Message {
            content_type: Some("application/json".into()),
            ..Default::default()
        };
        properties.application.insert("b", "2").insert("a", "1");
        TelemetryRecord {
            properties,
            body: Bytes::from_static(body.as_bytes()),
        }
    }

    fn bodies(events: &[TelemetryEvent]) -> Vec<(u64, &[u8])> {
        events
            .iter()
            .map(|e| (e.sequence_no, e.record.body.as_ref()))
            .collect()
    }

    #[test]
    fn append_and_read_in_order() {
        let telemetry = Telemetry::default();
        let dev = DeviceId::new("dev1").unwrap();
        assert!(telemetry.read(1, 10).is_empty());
        assert_eq!(telemetry.append(&dev, record("a")), 1);
        assert_eq!(telemetry.append(&dev, record("b")), 2);
        assert_eq!(telemetry.append(&dev, record("c")), 3);
        assert_eq!(
            bodies(&telemetry.read(0, 10)),
            [(1, &b"a"[..]), (2, b"b"), (3, b"c")]
        );
        assert_eq!(bodies(&telemetry.read(2, 1)), [(2, &b"b"[..])]);
        assert!(telemetry.read(4, 10).is_empty());
        assert!(telemetry.read(u64::MAX, 10).is_empty());
        assert!(telemetry.read(1, 0).is_empty());
        let event = &telemetry.read(1, 1)[0];
        assert_eq!(event.device_id, dev);
        let application: Vec<_> = event.record.properties.application.iter().collect();
        assert_eq!(application, [("b", "2"), ("a", "1")], "order kept");
        assert_eq!(telemetry.next_sequence_no(), 4);
    }

    #[test]
    fn capacity_drops_the_oldest() {
        let telemetry = Telemetry::new(2);
        let dev = DeviceId::new("dev1").unwrap();
        for body in ["a", "b", "c"] {
            telemetry.append(&dev, record(body));
        }
        assert_eq!(telemetry.len(), 2);
        assert_eq!(bodies(&telemetry.read(1, 10)), [(2, &b"b"[..]), (3, b"c")]);
        assert_eq!(bodies(&telemetry.read(3, 10)), [(3, &b"c"[..])]);
    }

    #[tokio::test]
    async fn appended_wakes_readers() {
        let telemetry = std::sync::Arc::new(Telemetry::default());
        let writer = std::sync::Arc::clone(&telemetry);
        let waiting = telemetry.appended();
        tokio::spawn(async move {
            writer.append(&DeviceId::new("dev1").unwrap(), record("a"));
        });
        tokio::time::timeout(std::time::Duration::from_secs(5), waiting)
            .await
            .expect("woken");
        assert_eq!(telemetry.len(), 1);
    }

    #[test]
    fn bytes_bound_the_log_too_and_the_newest_is_always_kept() {
        let dev = DeviceId::new("dev1").unwrap();
        let retention = TelemetryRetention::default().bytes(3 * (EVENT_OVERHEAD + 100));
        let telemetry = Telemetry::with_retention(retention);
        let sized = |n: usize| TelemetryRecord {
            body: Bytes::from(vec![b'x'; n]),
            ..TelemetryRecord::default()
        };
        assert_eq!(sized(100).footprint(), EVENT_OVERHEAD + 100);
        for _ in 0..5 {
            telemetry.append(&dev, sized(100));
        }
        assert_eq!(telemetry.len(), 3, "three fit");
        assert_eq!(telemetry.bytes(), 3 * (EVENT_OVERHEAD + 100));
        assert_eq!(telemetry.read(0, 10)[0].sequence_no, 3);
        // One larger than the whole budget: alone, but kept.
        telemetry.append(&dev, sized(10_000));
        assert_eq!(telemetry.len(), 1);
        assert_eq!(telemetry.read(0, 10)[0].sequence_no, 6);
        telemetry.append(&dev, sized(1));
        assert_eq!(
            telemetry
                .read(0, 10)
                .iter()
                .map(|e| e.sequence_no)
                .collect::<Vec<_>>(),
            [7]
        );
    }

    /// An event is read only once durable, never after one that is not yet,
    /// and one whose write fails is gone: a reader resuming after the last
    /// number it saw misses nothing, and no number it saw comes back.
    #[tokio::test]
    async fn an_event_is_read_only_once_durable_and_a_failed_write_leaves_nothing() {
        use crate::store::testing::{journal, Control};
        let control = std::sync::Arc::new(Control::default());
        let telemetry = Telemetry::with_journal(TelemetryRetention::default(), journal(&control));
        let dev = DeviceId::new("dev1").unwrap();
        let (first, commit) = telemetry.append_with_commit(&dev, TelemetryRecord::default());
        commit.wait().await.unwrap();
        control.hold_sync();
        let (second, held) = telemetry.append_with_commit(&dev, TelemetryRecord::default());
        control.wait_until_held();
        // A third waits behind the held commit; neither is read yet.
        let (third, queued) = telemetry.append_with_commit(&dev, TelemetryRecord::default());
        let seen: Vec<u64> = telemetry
            .read(0, 10)
            .iter()
            .map(|e| e.sequence_no)
            .collect();
        assert_eq!(seen, [first]);
        // The held commit fails (the disk), and so does every later one.
        control.fail_from(control.syncs());
        control.release_sync();
        assert!(held.wait().await.is_err());
        assert!(queued.wait().await.is_err());
        let seen: Vec<u64> = telemetry
            .read(0, 10)
            .iter()
            .map(|e| e.sequence_no)
            .collect();
        assert_eq!(seen, [first], "{second} and {third} were never durable");
        assert_eq!(telemetry.len(), 1);
    }
}
