//! The state file's tables and how a [`Change`] is applied to them.
//!
//! | table | key | value |
//! | --- | --- | --- |
//! | `meta` | name | `format`: the layout's version ([`FORMAT`]) |
//! | `devices` | device id | the device record (with its keys) |
//! | `twins` | device id | the twin record |
//! | `queues` | device id | the queue's last sequence number |
//! | `commands` | (device id, sequence number) | (record, payload) |
//! | `telemetry` | sequence number | (record, body) |

use redb::{ReadableTable, Table, TableDefinition, WriteTransaction};

use super::Change;

/// The layout version this emulator writes and reads.
pub(super) const FORMAT: u64 = 1;
/// The `meta` row that holds [`FORMAT`].
pub(super) const FORMAT_KEY: &str = "format";
/// The `meta` key of the telemetry numbering's floor: the last sequence
/// number given before the log was emptied (a reset), so that a restart
/// with no row left goes on after it.
pub(super) const TELEMETRY_FLOOR_KEY: &str = "telemetry-floor";

pub(super) const META: TableDefinition<'_, &str, u64> = TableDefinition::new("meta");
pub(super) const DEVICES: TableDefinition<'_, &str, &[u8]> = TableDefinition::new("devices");
pub(super) const TWINS: TableDefinition<'_, &str, &[u8]> = TableDefinition::new("twins");
pub(super) const QUEUES: TableDefinition<'_, &str, u64> = TableDefinition::new("queues");
/// (device id, sequence number): a command's key.
type CommandKey = (&'static str, u64);
/// (record, payload or body): a value with its bytes beside its record.
type WithBytes = (&'static [u8], &'static [u8]);

pub(super) const COMMANDS: TableDefinition<'_, CommandKey, WithBytes> =
    TableDefinition::new("commands");
pub(super) const TELEMETRY: TableDefinition<'_, u64, WithBytes> = TableDefinition::new("telemetry");

/// The tables of one write transaction (opening one creates it).
pub(super) struct Tables<'txn> {
    devices: Table<'txn, &'static str, &'static [u8]>,
    twins: Table<'txn, &'static str, &'static [u8]>,
    queues: Table<'txn, &'static str, u64>,
    commands: Table<'txn, CommandKey, WithBytes>,
    telemetry: Table<'txn, u64, WithBytes>,
    meta: Table<'txn, &'static str, u64>,
}

impl<'txn> Tables<'txn> {
    /// Opens (creating them if needed) every table.
    pub(super) fn open(txn: &'txn WriteTransaction) -> Result<Self, redb::TableError> {
        Ok(Self {
            devices: txn.open_table(DEVICES)?,
            twins: txn.open_table(TWINS)?,
            queues: txn.open_table(QUEUES)?,
            commands: txn.open_table(COMMANDS)?,
            telemetry: txn.open_table(TELEMETRY)?,
            meta: txn.open_table(META)?,
        })
    }

    /// Writes `change`.
    pub(super) fn apply(&mut self, change: &Change) -> Result<(), redb::StorageError> {
        match change {
            Change::PutDevice { id, value } => {
                self.devices.insert(id.as_str(), value.expose())?;
            }
            Change::RemoveDevice { id } => {
                self.devices.remove(id.as_str())?;
            }
            Change::PutTwin { id, value } => {
                self.twins.insert(id.as_str(), value.as_slice())?;
            }
            Change::RemoveTwin { id } => {
                self.twins.remove(id.as_str())?;
            }
            Change::PutCommand {
                id,
                sequence_no,
                meta,
                payload,
                last_sequence_no,
            } => {
                self.commands.insert(
                    (id.as_str(), *sequence_no),
                    (meta.as_slice(), payload.as_ref()),
                )?;
                if let Some(last) = last_sequence_no {
                    self.queues.insert(id.as_str(), *last)?;
                }
            }
            Change::DropCommands { id, sequence_nos } => {
                for sequence_no in sequence_nos {
                    self.commands.remove((id.as_str(), *sequence_no))?;
                }
            }
            Change::RemoveQueue { id } => {
                self.queues.remove(id.as_str())?;
                let id = id.as_str();
                self.commands
                    .retain_in((id, 0)..=(id, u64::MAX), |_, _| false)?;
            }
            Change::AppendTelemetry {
                sequence_no,
                meta,
                body,
                dropped,
            } => {
                self.telemetry
                    .insert(*sequence_no, (meta.as_slice(), body.as_ref()))?;
                for dropped in dropped {
                    self.telemetry.remove(*dropped)?;
                }
            }
            Change::ClearTelemetry { before } => {
                self.telemetry.retain_in(0..*before, |_, _| false)?;
                let floor = before.saturating_sub(1);
                let kept = self.meta.get(TELEMETRY_FLOOR_KEY)?.map_or(0, |v| v.value());
                self.meta.insert(TELEMETRY_FLOOR_KEY, floor.max(kept))?;
            }
        }
        Ok(())
    }

    /// Removes the twins, queues and commands of devices without a device
    /// row (a removal cut short by a crash), and the telemetry older than
    /// the newest `telemetry_capacity` messages.
    pub(super) fn tidy(&mut self, telemetry_capacity: usize) -> Result<(), redb::StorageError> {
        let mut devices = std::collections::HashSet::new();
        for row in self.devices.iter()? {
            let (id, _) = row?;
            devices.insert(id.value().to_owned());
        }
        self.twins.retain(|id, _| devices.contains(id))?;
        self.queues.retain(|id, _| devices.contains(id))?;
        self.commands.retain(|(id, _), _| devices.contains(id))?;
        let last = match self.telemetry.last()? {
            Some((key, _)) => key.value(),
            None => return Ok(()),
        };
        let keep = u64::try_from(telemetry_capacity.max(1)).unwrap_or(u64::MAX);
        let first_kept = last.saturating_sub(keep - 1);
        self.telemetry.retain_in(..first_kept, |_, _| false)?;
        Ok(())
    }
}
