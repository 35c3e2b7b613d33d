//! A hub over a state folder ([`HubBuilder::open`]): the state file is
//! opened (or made), the devices the builder was given are written over
//! the stored ones, and every store is rebuilt from its rows before the
//! hub serves anything.

use std::path::Path;

use super::{Hub, HubBuilder};
use crate::registry::record as device_record;
use crate::store::{self, Rows, Startup, StoreError};

impl HubBuilder {
    /// The hub over the state folder `dir`, created if missing: its
    /// devices, twins, command queues and telemetry come back as they
    /// were, numbering continues where it stopped, and every change is
    /// written to it before it is acknowledged. The builder's registry
    /// wins over the stored one: its devices are written over stored
    /// devices of the same id; stored devices it lacks are added to it.
    ///
    /// Blocks while it reads the state file (call it off the async
    /// runtime's workers, as [`Emulator::start`](crate::Emulator::start)
    /// does). Only one hub at a time can have a folder open.
    pub fn open(self, dir: impl AsRef<Path>) -> Result<Hub, StoreError> {
        let changes = self
            .registry
            .list()
            .iter()
            .map(|registered| device_record::put(&registered.device))
            .collect();
        let startup = Startup {
            telemetry_capacity: self.telemetry_retention.events,
            changes,
        };
        let mut opened = store::open(dir.as_ref(), startup)?;
        let rows = std::mem::take(&mut opened.rows);
        let path = opened.path.clone();
        let journal = opened.start()?;
        match self.restore(&rows, journal.clone()) {
            Ok(hub) => {
                tracing::info!(
                    path = %path.display(),
                    devices = hub.registry().len(),
                    telemetry = hub.telemetry().len(),
                    next_telemetry = hub.telemetry().next_sequence_no(),
                    "state restored"
                );
                Ok(hub)
            }
            Err(reason) => {
                journal.close();
                Err(StoreError::Corrupt { path, reason })
            }
        }
    }

    /// The hub with its stores rebuilt from `rows`, writing to `journal`.
    fn restore(self, rows: &Rows, journal: store::Journal) -> Result<Hub, String> {
        // Stored devices first, while the registry writes nowhere: the
        // given ones are already in it (and in the state file).
        for (id, record) in &rows.devices {
            let device = device_record::decode(id, record.expose())?;
            if self.registry.get(&device.id).is_none() {
                self.registry.put(device);
            }
        }
        let hub = self.build_with(journal.clone());
        for (id, record) in &rows.twins {
            hub.twins().restore(id, record)?;
        }
        hub.commands().restore(&rows.queues, &rows.commands)?;
        hub.telemetry()
            .restore(&rows.telemetry, rows.telemetry_floor)?;
        hub.registry().attach(journal);
        Ok(hub)
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use serde_json::json;

    use super::*;
    use crate::hub::{Command, CommandState, TelemetryRecord};
    use crate::registry::{Authentication, Device, DeviceId, Key, Registry};

    fn folder(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("iothub-emulator-hub-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn device(id: &str, key: &[u8]) -> Device {
        Device::new(
            DeviceId::new(id).unwrap(),
            Authentication::Sas {
                primary: Key::from_bytes(key).unwrap(),
                secondary: Key::from_bytes(*b"second").unwrap(),
            },
        )
    }

    fn body(hub: &Hub, n: u64) -> Bytes {
        hub.telemetry().read(n, 1)[0].record.body.clone()
    }

    #[tokio::test]
    async fn everything_acknowledged_comes_back_and_numbering_continues() {
        let dir = folder("restart");
        let registry = Registry::new();
        registry.put(device("a", b"ka"));
        let hub = Hub::builder()
            .registry(registry)
            .telemetry_capacity(3)
            .retained_finished_commands(1)
            .open(&dir)
            .unwrap();
        assert!(hub.journal().is_durable());
        let a = DeviceId::new("a").unwrap();
        let b = DeviceId::new("b").unwrap();
        let (_, commit) = hub.registry().put_with_commit(device("b", b"kb"));
        commit.wait().await.unwrap();
        let (_, commit) = hub
            .twins()
            .patch_desired_with_commit(&a, &json!({"x": 1}))
            .unwrap();
        commit.wait().await.unwrap();
        let (_, commit) = hub
            .twins()
            .patch_reported_with_commit(&a, &json!({"y": {"z": 2}}), None)
            .unwrap();
        commit.wait().await.unwrap();
        for n in 1..=4u8 {
            let record = TelemetryRecord {
                body: Bytes::from(vec![n]),
                ..TelemetryRecord::default()
            };
            let (_, commit) = hub.telemetry().append_with_commit(&a, record);
            commit.wait().await.unwrap();
        }
        for payload in ["c1", "c2", "c3", "c4"] {
            let (_, commit) = hub
                .commands()
                .enqueue_at(
                    &a,
                    Command::new(payload),
                    iothub_client::wire::Timestamp::now(),
                )
                .unwrap();
            commit.wait().await.unwrap();
        }
        // c1 and c2 completed (c1 then dropped: one finished is kept), c3
        // out for delivery, c4 queued; b's queue had one, removed with b.
        for _ in 0..2 {
            let command = hub.commands().deliver_next(&a).unwrap();
            hub.commands().complete(&a, command.sequence_no).unwrap();
        }
        hub.commands().deliver_next(&a).unwrap();
        hub.commands()
            .enqueue(&b, Command::new("for b"))
            .expect("enqueued");
        hub.twins().patch_desired(&b, &json!({"q": 1})).unwrap();
        assert!(hub.remove_device(&b).is_some());
        hub.journal().close();

        // The given registry changes a's keys: they win over the stored ones.
        let registry = Registry::new();
        registry.put(device("a", b"new key"));
        let hub = Hub::builder()
            .registry(registry)
            .telemetry_capacity(3)
            .retained_finished_commands(0)
            .open(&dir)
            .unwrap();
        assert_eq!(
            hub.registry().get(&a).unwrap().device,
            device("a", b"new key")
        );
        assert!(hub.registry().get(&b).is_none(), "removed stays removed");
        let twin = hub.twins().get(&a);
        assert_eq!(
            twin.to_json(),
            json!({"deviceId": "a", "version": 3, "properties": {
                "desired": {"x": 1, "$version": 2},
                "reported": {"y": {"z": 2}, "$version": 2}}})
        );
        assert_eq!(hub.twins().get(&b).version, 1, "b's twin is gone");
        let queue: Vec<_> = hub
            .commands()
            .list(&a)
            .iter()
            .map(|c| (c.sequence_no, c.state, c.delivery_count))
            .collect();
        assert_eq!(
            queue,
            [(3, CommandState::Queued, 1), (4, CommandState::Queued, 0)],
            "the delivered one is queued again, its count kept; none finished is kept now"
        );
        assert!(hub.commands().list(&b).is_empty());
        assert_eq!(
            hub.commands()
                .enqueue(&a, Command::new("c5"))
                .expect("enqueued"),
            5
        );
        assert_eq!(
            hub.commands()
                .enqueue(&b, Command::new("b again"))
                .expect("enqueued"),
            1
        );
        assert_eq!(hub.telemetry().len(), 3);
        assert_eq!(body(&hub, 2).as_ref(), [2]);
        assert_eq!(hub.telemetry().next_sequence_no(), 5);
        assert_eq!(
            hub.telemetry().append(&a, TelemetryRecord::default()),
            5,
            "never reused"
        );
        let (version, commit) = hub
            .twins()
            .patch_reported_with_commit(&a, &json!({"w": 0}), Some(2))
            .unwrap();
        commit.wait().await.unwrap();
        assert_eq!(version, 3);
        hub.journal().close();
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_record_it_cannot_read_names_the_file() {
        let dir = folder("bad-record");
        let hub = Hub::builder().open(&dir).unwrap();
        hub.telemetry()
            .append(&DeviceId::new("a").unwrap(), TelemetryRecord::default());
        hub.journal().close();
        // A record of another layout, written behind the hub's back.
        {
            let db = redb::Database::create(dir.join(store::STATE_FILE)).unwrap();
            let txn = db.begin_write().unwrap();
            let table: redb::TableDefinition<'_, &str, &[u8]> = redb::TableDefinition::new("twins");
            txn.open_table(table)
                .unwrap()
                .insert("a", &b"[1]"[..])
                .unwrap();
            let devices: redb::TableDefinition<'_, &str, &[u8]> =
                redb::TableDefinition::new("devices");
            txn.open_table(devices)
                .unwrap()
                .insert(
                    "a",
                    &br#"{"type":"sas","primaryKey":"eA==","secondaryKey":"eA=="}"#[..],
                )
                .unwrap();
            drop(txn.commit());
        }
        let error = Hub::builder().open(&dir).unwrap_err();
        assert!(matches!(error, StoreError::Corrupt { .. }), "{error}");
        let text = error.to_string();
        assert!(
            text.contains(store::STATE_FILE) && text.contains("twin of `a`"),
            "{text}"
        );
        // It was closed again: the folder can be opened (and fails alike).
        assert!(matches!(
            Hub::builder().open(&dir),
            Err(StoreError::Corrupt { .. })
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
