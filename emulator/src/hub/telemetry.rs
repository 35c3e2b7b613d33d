//! Telemetry received from devices: an append-only log in arrival order,
//! numbered from 1, holding at most a fixed number of events
//! ([`DEFAULT_CAPACITY`] unless configured): past it, the oldest are dropped,
//! so memory stays bounded and readers see a gap in sequence numbers.
//! With durable state each append is also handed to the state file (the
//! record is in `record`); numbering continues after a restart.

mod record;

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};

use bytes::Bytes;
use iothub_client::api::send_telemetry;
use iothub_client::wire::Timestamp;
use tokio::sync::Notify;

use crate::registry::DeviceId;
use crate::store::{Commit, Journal, TelemetryRow};

/// Events kept by default.
pub const DEFAULT_CAPACITY: usize = 100_000;

/// A telemetry message as the device sent it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TelemetryRecord {
    /// Its system properties and (ordered) application properties, as the
    /// generated Send Telemetry message holds them.
    pub properties: send_telemetry::Message,
    /// The payload.
    pub body: Bytes,
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
    events: VecDeque<TelemetryEvent>,
}

/// The telemetry log.
#[derive(Debug)]
pub struct Telemetry {
    log: Mutex<Log>,
    capacity: usize,
    appended: Notify,
    journal: Journal,
}

impl Default for Telemetry {
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY)
    }
}

impl Telemetry {
    /// An empty log keeping the last `capacity` events (at least one).
    pub fn new(capacity: usize) -> Self {
        Self::with_journal(capacity, Journal::memory())
    }

    /// An empty log that hands its appends to `journal`.
    pub(crate) fn with_journal(capacity: usize, journal: Journal) -> Self {
        Self {
            log: Mutex::default(),
            capacity: capacity.max(1),
            appended: Notify::new(),
            journal,
        }
    }

    /// Fills an empty log from the state file's `rows` (in sequence order;
    /// the newest `capacity` are kept). Numbering continues after the last.
    pub(crate) fn restore(&self, rows: &[TelemetryRow]) -> Result<(), String> {
        let mut log = self.lock();
        let skip = rows.len().saturating_sub(self.capacity);
        for row in &rows[skip..] {
            log.events.push_back(record::decode(row)?);
        }
        log.last_sequence_no = log.events.back().map_or(0, |e| e.sequence_no);
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Log> {
        self.log.lock().unwrap_or_else(PoisonError::into_inner)
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
        let appended = {
            let mut log = self.lock();
            log.last_sequence_no += 1;
            let sequence_no = log.last_sequence_no;
            let dropped = if log.events.len() >= self.capacity {
                log.events.pop_front().map(|e| e.sequence_no)
            } else {
                None
            };
            let event = TelemetryEvent {
                sequence_no,
                device_id: device_id.clone(),
                enqueued_time: Timestamp::now(),
                record,
            };
            let commit = self
                .journal
                .submit(|| self::record::append(&event, dropped));
            log.events.push_back(event);
            (sequence_no, commit)
        };
        self.appended.notify_waiters();
        appended
    }

    /// Up to `limit` events with sequence numbers from `from` on, in order
    /// (starting at the oldest kept one if `from` was dropped).
    pub fn read(&self, from: u64, limit: usize) -> Vec<TelemetryEvent> {
        let log = self.lock();
        let Some(first) = log.events.front().map(|e| e.sequence_no) else {
            return Vec::new();
        };
        let skip = usize::try_from(from.saturating_sub(first)).unwrap_or(usize::MAX);
        log.events.iter().skip(skip).take(limit).cloned().collect()
    }

    /// The sequence number the next event will get.
    pub fn next_sequence_no(&self) -> u64 {
        self.lock().last_sequence_no + 1
    }

    /// The number of events kept.
    pub fn len(&self) -> usize {
        self.lock().events.len()
    }

    /// Whether no events are kept.
    pub fn is_empty(&self) -> bool {
        self.lock().events.is_empty()
    }

    /// Completes at the next append (for readers that wait for new events;
    /// create the future before checking [`read`](Self::read) so none is missed).
    pub fn appended(&self) -> tokio::sync::futures::Notified<'_> {
        self.appended.notified()
    }
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
}
