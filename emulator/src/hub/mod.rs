//! The hub's state, in memory, behind one cheap-to-clone [`Hub`]: the
//! device registry, twins, command queues, telemetry and connection states.
//!
//! Every store locks briefly with `std::sync` locks and never across an
//! `.await`; waiting is done on the channels and [`tokio::sync::Notify`]s the
//! stores hand out. The stores do not consult the registry: the service and
//! MQTT sides check that a device exists before touching its state, and
//! [`Hub::remove_device`] forgets all of a device's state. Reads never
//! create state (a device without any reads as new: an empty twin at
//! version 1, an empty queue).
//!
//! A hub built with [`HubBuilder::open`] keeps its state durable as well:
//! every store hands its changes to the state folder's [`Journal`] and
//! offers a `…_with_commit` form of each change that answers the
//! [`Commit`](crate::store::Commit) to wait for before acknowledging it.
//! Nothing is shown before it is durable: a telemetry event, a command, a
//! twin version or a device identity becomes visible (to reads, device
//! deliveries, desired-state notifications, authentication) only once its
//! write succeeded, and a change whose write fails is undone, so no number
//! anyone saw is ever given again after a crash. What was acknowledged is
//! never lost.

pub mod commands;
pub mod connection;
pub mod faults;
mod open;
pub mod telemetry;
pub mod twin;
mod wire_record;

use std::sync::Arc;

use crate::mailbox::Mailboxes;

use crate::methods::Methods;

use crate::registry::{Device, DeviceId, Registry};
use crate::store::Journal;

pub use commands::{Command, CommandError, CommandQuotas, CommandState, Commands, QueuedCommand};
pub use connection::{ConnectionState, ConnectionToken, Connections};
pub use faults::{Fault, FaultAction, Faults};
pub use telemetry::{Telemetry, TelemetryEvent, TelemetryRecord, TelemetryRetention};
pub use twin::{DesiredUpdate, ServiceUpdate, Twin, TwinError, TwinState, Twins};

#[derive(Debug)]
struct Inner {
    registry: Registry,
    twins: Twins,
    commands: Commands,
    telemetry: Telemetry,
    connections: Connections,
    methods: Methods,
    live: Mailboxes,
    faults: Faults,
    journal: Journal,
}

/// The hub's state (a handle: clones share it).
#[derive(Debug, Clone)]
pub struct Hub {
    inner: Arc<Inner>,
}

impl Default for Hub {
    fn default() -> Self {
        Self::builder().build()
    }
}

impl Hub {
    /// A hub over `registry` with the default limits.
    pub fn new(registry: Registry) -> Self {
        Self::builder().registry(registry).build()
    }

    /// A builder for a hub with other limits.
    pub fn builder() -> HubBuilder {
        HubBuilder::default()
    }

    /// The faults a test injected ([`faults`]).
    pub fn faults(&self) -> &Faults {
        &self.inner.faults
    }

    /// The live connections' mailboxes, by device.
    pub fn live(&self) -> &Mailboxes {
        &self.inner.live
    }

    /// The live connections that take direct method calls.
    pub fn methods(&self) -> &Methods {
        &self.inner.methods
    }

    /// The device registry.
    pub fn registry(&self) -> &Registry {
        &self.inner.registry
    }

    /// The twins.
    pub fn twins(&self) -> &Twins {
        &self.inner.twins
    }

    /// The command queues.
    pub fn commands(&self) -> &Commands {
        &self.inner.commands
    }

    /// The telemetry log.
    pub fn telemetry(&self) -> &Telemetry {
        &self.inner.telemetry
    }

    /// The connection states.
    pub fn connections(&self) -> &Connections {
        &self.inner.connections
    }

    /// Where its changes are written (nowhere in memory mode).
    pub fn journal(&self) -> &Journal {
        &self.inner.journal
    }

    /// Removes device `id` from the registry and forgets its twin, commands
    /// and connection state (its telemetry stays in the log). Returns the
    /// identity it had.
    pub fn remove_device(&self, id: &DeviceId) -> Option<Device> {
        // A device's modules go with it.
        if id.module_id().is_none() {
            let modules: Vec<DeviceId> = self
                .inner
                .registry
                .list()
                .into_iter()
                .map(|r| r.device.id)
                .filter(|m| m.module_id().is_some() && m.device() == id.as_str())
                .collect();
            for module in modules {
                self.forget(&module);
            }
        }
        self.forget(id)
    }

    /// Empties the hub without a restart (for a test suite between its
    /// tests): every device and module (their connections end, as for a
    /// device removed), twin, command queue and the telemetry log; the
    /// shared access policies stay, and numbering goes on (a consumer
    /// resuming from a sequence number never skips a new event). Returns
    /// how many devices and events went.
    pub fn reset(&self) -> (usize, usize) {
        let devices: Vec<DeviceId> = self
            .inner
            .registry
            .list()
            .into_iter()
            .map(|r| r.device.id)
            .filter(|id| id.module_id().is_none())
            .collect();
        for id in &devices {
            self.remove_device(id);
        }
        self.inner.faults.clear();
        (devices.len(), self.inner.telemetry.clear())
    }

    fn forget(&self, id: &DeviceId) -> Option<Device> {
        let removed = self.inner.registry.remove(id);
        self.inner.twins.remove(id);
        self.inner.commands.remove(id);
        self.inner.connections.remove(id);
        removed
    }
}

/// Options of a [`Hub`]: the registry and the memory limits.
#[derive(Debug)]
pub struct HubBuilder {
    registry: Registry,
    telemetry_retention: TelemetryRetention,
    retained_finished_commands: usize,
    command_quotas: CommandQuotas,
    desired_channel_capacity: usize,
}

impl Default for HubBuilder {
    fn default() -> Self {
        Self {
            registry: Registry::new(),
            telemetry_retention: TelemetryRetention::default(),
            retained_finished_commands: commands::DEFAULT_RETAINED_FINISHED,
            command_quotas: CommandQuotas::default(),
            desired_channel_capacity: twin::DESIRED_CHANNEL_CAPACITY,
        }
    }
}

impl HubBuilder {
    /// The device registry (default: empty).
    pub fn registry(mut self, registry: Registry) -> Self {
        self.registry = registry;
        self
    }

    /// Telemetry events kept (default [`telemetry::DEFAULT_CAPACITY`]).
    pub fn telemetry_capacity(mut self, events: usize) -> Self {
        self.telemetry_retention = self.telemetry_retention.events(events);
        self
    }

    /// How much telemetry is kept, in events and bytes (default
    /// [`TelemetryRetention::default`]).
    pub fn telemetry_retention(mut self, retention: TelemetryRetention) -> Self {
        self.telemetry_retention = retention;
        self
    }

    /// Finished commands kept per device (default
    /// [`commands::DEFAULT_RETAINED_FINISHED`]).
    pub fn retained_finished_commands(mut self, commands: usize) -> Self {
        self.retained_finished_commands = commands;
        self
    }

    /// The command quotas (default: the service's, [`CommandQuotas`]).
    pub fn command_quotas(mut self, quotas: CommandQuotas) -> Self {
        self.command_quotas = quotas;
        self
    }

    /// Desired patches a slow subscriber may lag behind (default
    /// [`twin::DESIRED_CHANNEL_CAPACITY`]).
    pub fn desired_channel_capacity(mut self, updates: usize) -> Self {
        self.desired_channel_capacity = updates;
        self
    }

    /// The hub, its state in memory.
    pub fn build(self) -> Hub {
        self.build_with(Journal::memory())
    }

    /// The hub, its stores handing their changes to `journal`.
    /// The hub over `journal` (the tests' durable hub on the testing
    /// backend).
    #[cfg(test)]
    pub(crate) fn build_on(self, journal: Journal) -> Hub {
        self.build_with(journal)
    }

    fn build_with(self, journal: Journal) -> Hub {
        // Where the stores find a device's live connection, to tell it of
        // changes that concern it (and only it).
        let live = Mailboxes::default();
        self.registry.follow(live.clone());
        Hub {
            inner: Arc::new(Inner {
                registry: self.registry,
                twins: Twins::with_journal(self.desired_channel_capacity, journal.clone())
                    .followed_by(live.clone()),
                commands: Commands::with_journal(
                    self.retained_finished_commands,
                    self.command_quotas,
                    journal.clone(),
                )
                .followed_by(live.clone()),
                telemetry: Telemetry::with_journal(self.telemetry_retention, journal.clone()),
                connections: Connections::default(),
                methods: Methods::new(live.clone()),
                live,
                faults: Faults::default(),
                journal,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::registry::{Authentication, Key};

    #[test]
    fn clones_share_state_and_remove_device_forgets_it() {
        let hub = Hub::builder().telemetry_capacity(10).build();
        let id = DeviceId::new("dev1").unwrap();
        hub.registry().put(Device::new(
            id.clone(),
            Authentication::Sas {
                primary: Key::from_bytes(*b"k1").unwrap(),
                secondary: Key::from_bytes(*b"k2").unwrap(),
            },
        ));
        let clone = hub.clone();
        clone
            .twins()
            .patch_reported(&id, &json!({"a": 1}), None)
            .unwrap();
        clone
            .commands()
            .enqueue(&id, Command::new("x"))
            .expect("enqueued");
        clone.connections().connect(&id);
        clone.telemetry().append(&id, TelemetryRecord::default());
        assert_eq!(hub.twins().get(&id).reported.version, 2);
        assert_eq!(hub.commands().list(&id).len(), 1);
        assert!(hub.connections().is_connected(&id));

        assert!(hub.remove_device(&id).is_some());
        assert!(clone.registry().get(&id).is_none());
        assert_eq!(clone.twins().get(&id).reported.version, 1);
        assert!(clone.commands().list(&id).is_empty());
        assert!(!clone.connections().is_connected(&id));
        assert_eq!(clone.telemetry().len(), 1);
    }
}
