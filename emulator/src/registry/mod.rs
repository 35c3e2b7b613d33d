//! The device registry: device identities, thread-safe and cheap to clone.
//!
//! Every change of a device's credentials (including removing it and adding
//! it again) gives it a new *generation*, so a connection authenticated at
//! one generation can tell that it must be closed (`Not authorized`).
//! Changes are also broadcast ([`Registry::changes`]). A registry of a hub
//! with durable state also hands every change to its state file (see
//! [`crate::store`]; the record is in `record`).

mod device;
mod device_id;
mod key;
mod load;
pub(crate) mod record;
mod thumbprint;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, PoisonError, RwLock};

use tokio::sync::broadcast;

use crate::access::Policies;
use crate::mailbox::Mailboxes;
use crate::store::{Commit, Journal};

pub use device::{Authentication, Device, DeviceStatus};
pub use device_id::{DeviceId, DeviceIdError, MAX_DEVICE_ID_LEN};
pub use key::{Key, KeyError};
pub use load::{LoadError, LoadProblem};
pub use thumbprint::{Thumbprint, ThumbprintError};

/// How many unread changes a [`Registry::changes`] receiver may lag behind.
const CHANGES_CAPACITY: usize = 256;

/// A device as registered, with its credential generation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    /// The identity.
    pub device: Device,
    /// Changes whenever what it takes to connect changes (its credentials
    /// or its status); never reused in a registry.
    pub generation: u64,
    /// The generation it was created at: the same until it is removed and
    /// created again (the service's `generationId`).
    pub created: u64,
    /// Its entity tag (the service's `etag`): another one after every put,
    /// never one it had before, in this registry or an earlier run's.
    pub etag: String,
}

/// What [`Registry::put`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutOutcome {
    /// The device is new.
    Created {
        /// Its generation.
        generation: u64,
    },
    /// The device existed; its generation changed only if its credentials did.
    Updated {
        /// Its generation now.
        generation: u64,
        /// Whether the credentials differ from the previous ones.
        credentials_changed: bool,
    },
}

impl PutOutcome {
    /// The device's generation after the put.
    pub fn generation(&self) -> u64 {
        match *self {
            Self::Created { generation } | Self::Updated { generation, .. } => generation,
        }
    }
}

/// Puts `registered` in the registry, and tells the receivers of changes
/// if its credentials `changed` (under the lock, so they see changes in
/// order; no receiver is fine).
fn apply_put(
    inner: &mut Inner,
    changes: &broadcast::Sender<RegistryChange>,
    registered: Registered,
    changed: bool,
) {
    let id = registered.device.id.clone();
    let generation = registered.generation;
    inner.devices.insert(id.clone(), registered);
    if changed {
        tell_live(inner, &id);
        let _ = changes.send(RegistryChange {
            id,
            generation: Some(generation),
        });
    }
}

/// The entity tag of the `put`th put of a registry of `epoch`: opaque
/// base64, as the service's are.
fn entity_tag(epoch: u64, put: u64) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(format!("{put}:{epoch:016x}"))
}

/// Tells `id`'s live connection, if any, that its credentials changed.
fn tell_live(inner: &Inner, id: &DeviceId) {
    if let Some(mailbox) = inner.live.as_ref().and_then(|live| live.get(id)) {
        mailbox.credentials_changed();
    }
}

/// A change of a device's credentials, as broadcast by [`Registry::changes`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryChange {
    /// The device.
    pub id: DeviceId,
    /// Its new generation; `None` when it was removed.
    pub generation: Option<u64>,
}

#[derive(Debug, Default)]
struct Inner {
    devices: BTreeMap<DeviceId, Registered>,
    last_generation: u64,
    /// Puts so far (each gets an entity tag of its own).
    last_put: u64,
    /// This registry's random epoch, in every entity tag: a tag from an
    /// earlier run never matches one of this run.
    epoch: u64,
    journal: Journal,
    policies: Arc<Policies>,
    /// The live connections, told when their device's credentials change.
    live: Option<Mailboxes>,
}

/// The device registry (a handle: clones share the same devices).
#[derive(Debug, Clone)]
pub struct Registry {
    inner: Arc<RwLock<Inner>>,
    changes: broadcast::Sender<RegistryChange>,
}

impl Default for Registry {
    fn default() -> Self {
        Self::new()
    }
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        let mut epoch = [0u8; 8];
        // No randomness at hand (never seen): tags still differ by put.
        let _ = getrandom::getrandom(&mut epoch);
        let inner = Inner {
            epoch: u64::from_le_bytes(epoch),
            ..Inner::default()
        };
        Self {
            inner: Arc::new(RwLock::new(inner)),
            changes: broadcast::channel(CHANGES_CAPACITY).0,
        }
    }

    /// A registry with the devices of a YAML file (see [`Registry::from_yaml_str`]).
    pub fn load_yaml(path: impl AsRef<Path>) -> Result<Self, LoadError> {
        let loaded = load::load_file(path.as_ref())?;
        Ok(Self::with_devices(loaded.devices).with_policies(loaded.policies))
    }

    /// A registry with the devices of YAML text; `origin` names it in errors
    /// (usually the file path). The text is:
    ///
    /// ```yaml
    /// devices:
    ///   - id: dev1
    ///     authentication: { type: sas, primary-key: c2VjcmV0MQ==, secondary-key: c2VjcmV0Mg== }
    ///   - id: dev2
    ///     authentication: { type: self-signed, primary-thumbprint: <40 or 64 hex>, secondary-thumbprint: <hex> }
    ///     modules:    # module identities (client id `dev2/sensor`), with keys of their own
    ///       - id: sensor
    ///         authentication: { type: sas, primary-key: c2VjcmV0NQ==, secondary-key: c2VjcmV0Ng== }
    /// policies:   # hub-level shared access policies (none: a development policy is made on start)
    ///   - name: service
    ///     primary-key: c2VjcmV0Mw==
    ///     secondary-key: c2VjcmV0NA==
    ///     permissions: [ServiceConnect, RegistryRead]   # and RegistryWrite, DeviceConnect
    /// ```
    pub fn from_yaml_str(origin: impl AsRef<Path>, text: &str) -> Result<Self, LoadError> {
        let loaded = load::parse(origin.as_ref(), text)?;
        Ok(Self::with_devices(loaded.devices).with_policies(loaded.policies))
    }

    /// `self` with the hub's shared access policies set to `policies`.
    #[must_use]
    pub fn with_policies(self, policies: Policies) -> Self {
        self.set_policies(policies);
        self
    }

    /// Sets the hub's shared access policies.
    pub fn set_policies(&self, policies: Policies) {
        self.write().policies = Arc::new(policies);
    }

    /// The hub's shared access policies (which the service API's tokens
    /// and policy-signed device tokens are verified against).
    pub fn policies(&self) -> Arc<Policies> {
        Arc::clone(&self.read().policies)
    }

    fn with_devices(devices: Vec<Device>) -> Self {
        let registry = Self::new();
        for device in devices {
            registry.put(device);
        }
        registry
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Inner> {
        self.inner.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Inner> {
        self.inner.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// Creates or replaces a device identity.
    pub fn put(&self, device: Device) -> PutOutcome {
        let (outcome, _written_in_the_background) = self.put_with_commit(device);
        outcome
    }

    /// [`put`](Self::put), and the [`Commit`] to wait for before
    /// acknowledging it (ready at once in memory mode).
    pub fn put_with_commit(&self, device: Device) -> (PutOutcome, Commit) {
        let mut inner = self.write();
        let previous = inner.devices.get(&device.id).map(|r| {
            (
                r.generation,
                !r.device.admission_differs(&device),
                r.created,
            )
        });
        let created = previous.map(|(_, _, created)| created);
        let (outcome, changed) = match previous.map(|(generation, same, _)| (generation, same)) {
            Some((generation, true)) => (
                PutOutcome::Updated {
                    generation,
                    credentials_changed: false,
                },
                false,
            ),
            Some((_, false)) => {
                inner.last_generation += 1;
                let generation = inner.last_generation;
                (
                    PutOutcome::Updated {
                        generation,
                        credentials_changed: true,
                    },
                    true,
                )
            }
            None => {
                inner.last_generation += 1;
                let generation = inner.last_generation;
                (PutOutcome::Created { generation }, true)
            }
        };
        let generation = outcome.generation();
        inner.last_put += 1;
        let etag = entity_tag(inner.epoch, inner.last_put);
        let registered = Registered {
            device,
            generation,
            created: created.unwrap_or(generation),
            etag,
        };
        if !inner.journal.is_durable() {
            apply_put(&mut inner, &self.changes, registered, changed);
            return (outcome, Commit::done());
        }
        // With durable state the device changes only once that is durable
        // (a failed write changes nothing). Written even when nothing
        // changed: an identical put answered while the first one is still
        // being written must wait for it too.
        let change = record::put(&registered.device);
        let shared = Arc::clone(&self.inner);
        let changes = self.changes.clone();
        let commit = inner.journal.submit_then(
            || change,
            move |written| {
                if written {
                    let mut inner = shared.write().unwrap_or_else(PoisonError::into_inner);
                    apply_put(&mut inner, &changes, registered, changed);
                }
            },
        );
        (outcome, commit)
    }

    /// The device with id `id`.
    pub fn get(&self, id: &DeviceId) -> Option<Registered> {
        self.read().devices.get(id).cloned()
    }

    /// The current generation of device `id`, if it is registered.
    pub fn generation(&self, id: &DeviceId) -> Option<u64> {
        self.read().devices.get(id).map(|r| r.generation)
    }

    /// Removes device `id`; returns what it was.
    pub fn remove(&self, id: &DeviceId) -> Option<Device> {
        let mut inner = self.write();
        let removed = inner.devices.remove(id)?;
        // Not waited for: nothing acknowledges a removal.
        drop(inner.journal.submit(|| record::remove(id)));
        tell_live(&inner, id);
        let _ = self.changes.send(RegistryChange {
            id: id.clone(),
            generation: None,
        });
        Some(removed.device)
    }

    /// Every device, ordered by id.
    pub fn list(&self) -> Vec<Registered> {
        self.read().devices.values().cloned().collect()
    }

    /// The number of devices.
    pub fn len(&self) -> usize {
        self.read().devices.len()
    }

    /// Whether there are no devices.
    pub fn is_empty(&self) -> bool {
        self.read().devices.is_empty()
    }

    /// From now on, hands every change to `journal` (a durable hub's).
    pub(crate) fn attach(&self, journal: Journal) {
        self.write().journal = journal;
    }

    /// The live connections in `live` are told when their device's
    /// credentials change (or it is removed).
    pub(crate) fn follow(&self, live: Mailboxes) {
        self.write().live = Some(live);
    }

    /// A receiver of every later credential change (new generation or removal).
    pub fn changes(&self) -> broadcast::Receiver<RegistryChange> {
        self.changes.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sas(id: &str, primary: &[u8]) -> Device {
        Device::new(
            DeviceId::new(id).unwrap(),
            Authentication::Sas {
                primary: Key::from_bytes(primary).unwrap(),
                secondary: Key::from_bytes(*b"second").unwrap(),
            },
        )
    }

    #[test]
    fn put_get_list_remove() {
        let registry = Registry::new();
        let id = DeviceId::new("dev1").unwrap();
        assert!(registry.get(&id).is_none());
        let created = registry.put(sas("dev1", b"k1"));
        assert!(matches!(created, PutOutcome::Created { .. }));
        registry.put(sas("dev0", b"k1"));
        let clone = registry.clone();
        assert_eq!(clone.get(&id).unwrap().device, sas("dev1", b"k1"));
        let ids: Vec<_> = clone.list().into_iter().map(|r| r.device.id).collect();
        assert_eq!(ids, ["dev0", "dev1"].map(|s| DeviceId::new(s).unwrap()));
        assert_eq!(registry.remove(&id), Some(sas("dev1", b"k1")));
        assert_eq!(registry.remove(&id), None);
        assert_eq!(clone.len(), 1);
    }

    #[test]
    fn generation_changes_only_with_credentials() {
        let registry = Registry::new();
        let id = DeviceId::new("dev1").unwrap();
        let mut changes = registry.changes();
        let first = registry.put(sas("dev1", b"k1")).generation();
        let same = registry.put(sas("dev1", b"k1"));
        assert_eq!(
            same,
            PutOutcome::Updated {
                generation: first,
                credentials_changed: false
            }
        );
        let second = registry.put(sas("dev1", b"k2")).generation();
        assert!(second > first);
        registry.remove(&id);
        let third = registry.put(sas("dev1", b"k2")).generation();
        assert!(
            third > second,
            "a re-added device never reuses a generation"
        );
        let seen: Vec<_> = std::iter::from_fn(|| changes.try_recv().ok())
            .map(|c| c.generation)
            .collect();
        assert_eq!(seen, [Some(first), Some(second), None, Some(third)]);
    }

    /// With durable state a put changes the registry only once it is
    /// durable; one whose write fails changes nothing (its 500 is the truth).
    #[tokio::test]
    async fn a_put_takes_effect_once_durable_and_a_failed_one_not_at_all() {
        use crate::store::testing::{journal, Control};
        let control = Arc::new(Control::default());
        let registry = Registry::new();
        registry.attach(journal(&control));
        let mut changes = registry.changes();
        let id = DeviceId::new("dev1").unwrap();
        let (_, commit) = registry.put_with_commit(sas("dev1", b"k1"));
        commit.wait().await.unwrap();
        let first = registry.generation(&id).unwrap();
        assert_eq!(changes.try_recv().map(|c| c.generation), Ok(Some(first)));
        control.hold_sync();
        let (outcome, commit) = registry.put_with_commit(sas("dev1", b"k2"));
        control.wait_until_held();
        assert_eq!(
            registry.get(&id).unwrap().device,
            sas("dev1", b"k1"),
            "not before durable"
        );
        let (_, other) = registry.put_with_commit(sas("dev2", b"k3"));
        assert!(registry.get(&DeviceId::new("dev2").unwrap()).is_none());
        control.fail_from(control.syncs());
        control.release_sync();
        assert!(commit.wait().await.is_err());
        assert!(other.wait().await.is_err());
        assert_eq!(registry.get(&id).unwrap().device, sas("dev1", b"k1"));
        assert_eq!(registry.generation(&id), Some(first));
        assert!(registry.get(&DeviceId::new("dev2").unwrap()).is_none());
        assert!(changes.try_recv().is_err(), "no change was announced");
        assert!(
            outcome.generation() > first,
            "a generation is never given twice"
        );
    }
}
