//! Device twins: per device a `desired` and a `reported` JSON object, each
//! with its `$version`, and the twin's own `version`. Patches are JSON merge
//! patches (RFC 7386); each accepted patch raises its side's version and the
//! twin's version by one. A new twin has every version at 1 and both sides
//! empty. Each desired patch goes to the device's live connection (its
//! mailbox), which forwards it as the desired-state-change message, and to
//! whoever subscribed to the device's patches (a broadcast channel made on
//! the first subscription: a twin nobody follows keeps none).
//!
//! Patches follow IoT Hub's twin rules: a JSON object, property names
//! without `$`, `.`, space or control characters, nested at most
//! [`MAX_DEPTH`] objects deep.
//!
//! Each side holds at most [`MAX_SECTION_BYTES`] bytes of JSON (the real
//! service's 32 KB for desired and for reported properties); a patch that
//! would make it larger is refused.
//!
//! With durable state each accepted patch hands the whole twin to the state
//! file (the record is in `record`), and the twin is shown (read, and
//! notified to the device's desired-state subscribers) only once that is
//! durable: a version is never shown and then lost. A patch whose write
//! fails is undone, with every patch made after it.

mod record;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use iothub_client::api::Status;
use serde_json::{json, Map, Value};
use tokio::sync::broadcast;

use crate::mailbox::Mailboxes;

use crate::registry::DeviceId;
use crate::store::{Commit, Journal};

/// Deepest nesting of objects in a patch (the patch itself is level 1).
pub const MAX_DEPTH: usize = 10;

/// Largest JSON of one side (desired or reported), in bytes: the service's
/// 32 KB.
pub const MAX_SECTION_BYTES: usize = 32 * 1024;

/// How far a desired-patch receiver may lag before it misses patches (it
/// then gets `RecvError::Lagged` and should send the whole twin instead).
pub const DESIRED_CHANNEL_CAPACITY: usize = 8;

/// The JSON name of a side's version in twin documents.
const VERSION_FIELD: &str = "$version";

/// Largest JSON of a twin's tags, in bytes: the service's 8 KB.
pub const MAX_TAGS_BYTES: usize = 8 * 1024;

/// What the service API changes in a twin ([`Twins::update_from_service`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceUpdate {
    /// Merge patches (RFC 7386) of the tags and of the desired properties,
    /// each if given (`PATCH /twins/{id}`).
    Merge {
        /// The tags' patch.
        tags: Option<Value>,
        /// The desired properties' patch.
        desired: Option<Value>,
    },
    /// New tags and desired properties, whole (`PUT /twins/{id}`).
    Replace {
        /// The tags.
        tags: Map<String, Value>,
        /// The desired properties.
        desired: Map<String, Value>,
    },
}

/// Why a twin patch was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TwinError {
    /// `if-version` did not match the current reported version.
    #[error("the reported state has version {actual}, not {expected}")]
    PreconditionFailed {
        /// The version the request required.
        expected: u64,
        /// The current version.
        actual: u64,
    },
    /// The patch is not acceptable.
    #[error("bad twin patch: {reason}")]
    BadRequest {
        /// What is wrong with it.
        reason: String,
    },
    /// The patch would make its side larger than [`MAX_SECTION_BYTES`]
    /// (the tags than [`MAX_TAGS_BYTES`]).
    #[error("the {side} would take {size} bytes; at most {} are allowed", if *side == "tags" { MAX_TAGS_BYTES } else { MAX_SECTION_BYTES })]
    TooLarge {
        /// `desired`, `reported` or `tags`.
        side: &'static str,
        /// Their size after the patch.
        size: usize,
    },
    /// The change could not be made durable; nothing changed.
    #[error("the twin could not be written to the state file")]
    NotWritten,
}

impl TwinError {
    /// The API status this error answers with.
    pub fn status(&self) -> Status {
        match self {
            Self::PreconditionFailed { .. } => Status::PreconditionFailed,
            Self::BadRequest { .. } | Self::TooLarge { .. } => Status::BadRequest,
            Self::NotWritten => Status::ServerError,
        }
    }

    fn bad(reason: impl Into<String>) -> Self {
        Self::BadRequest {
            reason: reason.into(),
        }
    }
}

/// A desired-state change: the patch as applied and the version it produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesiredUpdate {
    /// The desired version after the patch.
    pub version: u64,
    /// The merge patch.
    pub patch: Value,
}

/// One side of a twin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TwinState {
    /// The properties (without `$version`).
    pub properties: Map<String, Value>,
    /// Its `$version`.
    pub version: u64,
    /// Its `$metadata`, as the service shows it: `$lastUpdated` (and, on
    /// the desired side, `$lastUpdatedVersion`) of the side and of every
    /// property, nested as the properties are.
    pub metadata: Map<String, Value>,
}

impl Default for TwinState {
    fn default() -> Self {
        Self {
            properties: Map::new(),
            version: 1,
            metadata: Map::new(),
        }
    }
}

/// The JSON name of a side's metadata in twin documents.
const METADATA_FIELD: &str = "$metadata";

impl TwinState {
    /// The properties with `"$version"` added, as a device gets them.
    pub fn to_json(&self) -> Value {
        let mut object = self.properties.clone();
        object.insert(VERSION_FIELD.to_owned(), Value::from(self.version));
        Value::Object(object)
    }

    /// [`to_json`](Self::to_json) with `"$metadata"`, as the service API
    /// shows it (a side never updated was last updated
    /// `0001-01-01T00:00:00Z`, as the service says it).
    pub fn to_service_json(&self) -> Value {
        let mut object = self.properties.clone();
        let mut metadata = self.metadata.clone();
        metadata
            .entry(LAST_UPDATED.to_owned())
            .or_insert_with(|| Value::from(crate::time::NEVER));
        object.insert(METADATA_FIELD.to_owned(), Value::Object(metadata));
        object.insert(VERSION_FIELD.to_owned(), Value::from(self.version));
        Value::Object(object)
    }
}

/// The metadata name of when a property was last updated.
const LAST_UPDATED: &str = "$lastUpdated";
/// The metadata name of the desired version that last updated a property.
const LAST_UPDATED_VERSION: &str = "$lastUpdatedVersion";

/// Stamps `metadata` for `patch` applied at `at` (ISO 8601), with
/// `version` (the desired side's new version) if given: every property the
/// patch sets gets `$lastUpdated` (and `$lastUpdatedVersion`), nested
/// objects property by property; a property the patch removes loses its
/// metadata.
fn stamp(
    metadata: &mut Map<String, Value>,
    patch: &Map<String, Value>,
    at: &str,
    version: Option<u64>,
) {
    for (name, value) in patch {
        if value.is_null() {
            metadata.remove(name);
            continue;
        }
        let entry = metadata
            .entry(name.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        let Value::Object(inner) = entry else {
            continue;
        };
        match value {
            Value::Object(nested) => stamp(inner, nested, at, version),
            // A leaf replaces whatever was there, its metadata too.
            _ => inner.clear(),
        }
        mark(inner, at, version);
    }
}

fn mark(metadata: &mut Map<String, Value>, at: &str, version: Option<u64>) {
    metadata.insert(LAST_UPDATED.to_owned(), Value::from(at));
    if let Some(version) = version {
        metadata.insert(LAST_UPDATED_VERSION.to_owned(), Value::from(version));
    }
}

/// A snapshot of a device twin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Twin {
    /// The device.
    pub device_id: DeviceId,
    /// The twin's version (raised by every accepted patch of either side).
    pub version: u64,
    /// The desired side.
    pub desired: TwinState,
    /// The reported side.
    pub reported: TwinState,
    /// The tags the service side keeps on the twin (devices never see
    /// them).
    pub tags: Map<String, Value>,
}

impl Twin {
    /// `{"desired":{…,"$version":n},"reported":{…,"$version":m}}`: the twin
    /// as a device gets it.
    pub fn properties_json(&self) -> Value {
        json!({ "desired": self.desired.to_json(), "reported": self.reported.to_json() })
    }

    /// `{"desired":{…,"$metadata":{…},"$version":n},"reported":{…}}`: the
    /// sides as the service API shows them.
    pub fn service_properties_json(&self) -> Value {
        json!({ "desired": self.desired.to_service_json(), "reported": self.reported.to_service_json() })
    }

    /// `{"deviceId","version","properties":{…}}`: the twin as the service API
    /// shows it.
    pub fn to_json(&self) -> Value {
        json!({
            "deviceId": self.device_id.as_str(),
            "version": self.version,
            "properties": self.properties_json(),
        })
    }
}

/// A twin's content: its version, both sides and its tags.
#[derive(Debug, Clone)]
struct Body {
    version: u64,
    desired: TwinState,
    reported: TwinState,
    tags: Map<String, Value>,
}

impl Default for Body {
    fn default() -> Self {
        Self {
            version: 1,
            desired: TwinState::default(),
            reported: TwinState::default(),
            tags: Map::new(),
        }
    }
}

impl Body {
    fn twin(&self, id: &DeviceId) -> Twin {
        Twin {
            device_id: id.clone(),
            version: self.version,
            desired: self.desired.clone(),
            reported: self.reported.clone(),
            tags: self.tags.clone(),
        }
    }

    fn of(twin: Twin) -> Self {
        Self {
            version: twin.version,
            desired: twin.desired,
            reported: twin.reported,
            tags: twin.tags,
        }
    }
}

#[derive(Debug)]
struct Entry {
    /// The twin with every accepted patch, durable or not yet: what the
    /// next patch applies to and checks `if-version` against.
    latest: Body,
    /// The twin as far as it is durable: what is shown.
    shown: Body,
    desired_updates: Option<broadcast::Sender<DesiredUpdate>>,
}

impl Entry {
    fn new() -> Self {
        Self {
            latest: Body::default(),
            shown: Body::default(),
            desired_updates: None,
        }
    }

    /// The twin with every accepted patch.
    fn latest(&self, id: &DeviceId) -> Twin {
        self.latest.twin(id)
    }

    /// The twin as shown.
    fn shown(&self, id: &DeviceId) -> Twin {
        self.shown.twin(id)
    }

    /// Shows `twin` (a durable state of this entry), and its desired patch
    /// (to the device's live connection and the subscribers).
    fn show(&mut self, twin: Twin, update: Option<DesiredUpdate>, followers: &Followers) {
        let device_id = twin.device_id.clone();
        if twin.version > self.shown.version {
            self.shown = Body::of(twin);
        }
        let Some(update) = update else {
            return;
        };
        if let Some(mailbox) = followers.live.get(&device_id) {
            mailbox.desired(update.clone(), followers.capacity);
        }
        if let Some(updates) = &self.desired_updates {
            // No subscriber left is fine.
            let _ = updates.send(update);
        }
    }

    /// Undoes every patch not durable yet.
    fn undo(&mut self) {
        self.latest = self.shown.clone();
    }
}

type Devices = Arc<Mutex<HashMap<DeviceId, Entry>>>;

/// Who is told of desired patches besides the subscribers: the device's
/// live connection, at most `capacity` waiting.
#[derive(Debug, Clone, Default)]
struct Followers {
    live: Mailboxes,
    capacity: usize,
}

/// The twins of all devices (created on first use).
#[derive(Debug)]
pub struct Twins {
    devices: Devices,
    followers: Followers,
    journal: Journal,
}

impl Default for Twins {
    fn default() -> Self {
        Self::new(DESIRED_CHANNEL_CAPACITY)
    }
}

impl Twins {
    /// No twins; desired-patch channels hold `channel_capacity` updates.
    pub fn new(channel_capacity: usize) -> Self {
        Self::with_journal(channel_capacity, Journal::memory())
    }

    /// No twins; every accepted patch is handed to `journal`.
    pub(crate) fn with_journal(channel_capacity: usize, journal: Journal) -> Self {
        Self {
            devices: Arc::default(),
            followers: Followers {
                live: Mailboxes::default(),
                capacity: channel_capacity,
            },
            journal,
        }
    }

    /// Desired patches go to the live connections in `live` too.
    pub(crate) fn followed_by(mut self, live: Mailboxes) -> Self {
        self.followers.live = live;
        self
    }

    /// Puts back the twin of device `id` stored as `record` (from the
    /// state file).
    pub(crate) fn restore(&self, id: &str, record: &[u8]) -> Result<(), String> {
        let twin = record::decode(id, record)?;
        self.with(&twin.device_id.clone(), |entry| {
            entry.latest = Body::of(twin);
            entry.shown = entry.latest.clone();
        });
        Ok(())
    }

    fn with<T>(&self, id: &DeviceId, f: impl FnOnce(&mut Entry) -> T) -> T {
        let mut devices = self.devices.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = devices.entry(id.clone()).or_insert_with(Entry::new);
        f(entry)
    }

    /// The twin of device `id` (a new, empty twin if it has none yet).
    pub fn get(&self, id: &DeviceId) -> Twin {
        let devices = self.devices.lock().unwrap_or_else(PoisonError::into_inner);
        match devices.get(id) {
            Some(entry) => entry.shown(id),
            None => Body::default().twin(id),
        }
    }

    /// Merge-patches the reported side; with `if_version`, only if the
    /// reported version is that. Returns the new reported version.
    pub fn patch_reported(
        &self,
        id: &DeviceId,
        patch: &Value,
        if_version: Option<u64>,
    ) -> Result<u64, TwinError> {
        let (version, _written_in_the_background) =
            self.patch_reported_with_commit(id, patch, if_version)?;
        Ok(version)
    }

    /// [`patch_reported`](Self::patch_reported), and the [`Commit`] to wait
    /// for before acknowledging it (ready at once in memory mode).
    pub fn patch_reported_with_commit(
        &self,
        id: &DeviceId,
        patch: &Value,
        if_version: Option<u64>,
    ) -> Result<(u64, Commit), TwinError> {
        let patch = check_patch(patch)?;
        self.with(id, |entry| {
            if let Some(expected) = if_version {
                if expected != entry.latest.reported.version {
                    return Err(TwinError::PreconditionFailed {
                        expected,
                        actual: entry.latest.reported.version,
                    });
                }
            }
            let reported = patched(&entry.latest.reported, patch, "reported")?;
            entry.latest.reported = reported;
            entry.latest.version = entry.latest.version.saturating_add(1);
            let version = entry.latest.reported.version;
            let commit = self.commit(id, entry, None)?;
            Ok((version, commit))
        })
    }

    /// Merge-patches the desired side and tells the device's subscribers.
    /// Returns the new desired version.
    pub fn patch_desired(&self, id: &DeviceId, patch: &Value) -> Result<u64, TwinError> {
        let (version, _written_in_the_background) = self.patch_desired_with_commit(id, patch)?;
        Ok(version)
    }

    /// [`patch_desired`](Self::patch_desired), and the [`Commit`] to wait
    /// for before acknowledging it (ready at once in memory mode). The
    /// device's subscribers are told once the patch is durable.
    pub fn patch_desired_with_commit(
        &self,
        id: &DeviceId,
        patch: &Value,
    ) -> Result<(u64, Commit), TwinError> {
        let patch = check_patch(patch)?;
        self.with(id, |entry| {
            let desired = patched(&entry.latest.desired, patch, "desired")?;
            entry.latest.desired = desired;
            entry.latest.version = entry.latest.version.saturating_add(1);
            let version = entry.latest.desired.version;
            let update = DesiredUpdate {
                version,
                patch: patch.clone(),
            };
            let commit = self.commit(id, entry, Some(update))?;
            Ok((version, commit))
        })
    }

    /// What the service API changes in a twin (its tags and its desired
    /// properties: merged, or replaced), if the twin's version is
    /// `if_version` when given (the service's ETag); the device is told of
    /// a desired change as of a patch. Returns the new twin (as it will be
    /// shown once durable) and the [`Commit`] to wait for.
    pub fn update_from_service(
        &self,
        id: &DeviceId,
        update: &ServiceUpdate,
        if_version: Option<u64>,
    ) -> Result<(Twin, Commit), TwinError> {
        self.with(id, |entry| {
            if let Some(expected) = if_version {
                if expected != entry.latest.version {
                    return Err(TwinError::PreconditionFailed {
                        expected,
                        actual: entry.latest.version,
                    });
                }
            }
            let (tags, desired_patch) = match update {
                ServiceUpdate::Merge { tags, desired } => {
                    let tags = match tags {
                        Some(patch) => {
                            let patch = check_patch(patch)?;
                            let mut document = Value::Object(entry.latest.tags.clone());
                            json_patch::merge(&mut document, patch);
                            match document {
                                Value::Object(map) => Some(map),
                                _ => Some(Map::new()),
                            }
                        }
                        None => None,
                    };
                    let desired = desired.as_ref().map(check_patch).transpose()?.cloned();
                    (tags, desired)
                }
                ServiceUpdate::Replace { tags, desired } => {
                    check_patch(&Value::Object(tags.clone()))?;
                    check_patch(&Value::Object(desired.clone()))?;
                    // The patch that turns the old desired into the new one.
                    let mut patch: Map<String, Value> = entry
                        .latest
                        .desired
                        .properties
                        .keys()
                        .filter(|name| !desired.contains_key(*name))
                        .map(|name| (name.clone(), Value::Null))
                        .collect();
                    patch.extend(desired.clone());
                    (Some(tags.clone()), Some(Value::Object(patch)))
                }
            };
            if let Some(tags) = &tags {
                let size = serde_json::to_vec(tags).map_or(usize::MAX, |json| json.len());
                if size > MAX_TAGS_BYTES {
                    return Err(TwinError::TooLarge { side: "tags", size });
                }
            }
            let desired = desired_patch
                .as_ref()
                .map(|patch| patched(&entry.latest.desired, patch, "desired"))
                .transpose()?;
            if let Some(tags) = tags {
                entry.latest.tags = tags;
            }
            let update = match (desired, desired_patch) {
                (Some(desired), Some(patch)) => {
                    entry.latest.desired = desired;
                    Some(DesiredUpdate {
                        version: entry.latest.desired.version,
                        patch,
                    })
                }
                _ => None,
            };
            entry.latest.version = entry.latest.version.saturating_add(1);
            let commit = self.commit(id, entry, update)?;
            Ok((entry.latest(id), commit))
        })
    }

    /// Hands `entry`'s latest twin to the journal; it is shown (and
    /// `update` sent to the desired-state subscribers, in version order)
    /// at once in memory mode, else once durable, and undone (with every
    /// later patch) if the write fails.
    fn commit(
        &self,
        id: &DeviceId,
        entry: &mut Entry,
        update: Option<DesiredUpdate>,
    ) -> Result<Commit, TwinError> {
        let twin = entry.latest(id);
        if !self.journal.is_durable() {
            entry.show(twin, update, &self.followers);
            return Ok(Commit::done());
        }
        let change = record::put(&twin);
        let devices = Arc::clone(&self.devices);
        let followers = self.followers.clone();
        let owner = id.clone();
        let commit = self.journal.submit_then(
            || change,
            move |written| {
                let mut devices = devices.lock().unwrap_or_else(PoisonError::into_inner);
                if let Some(entry) = devices.get_mut(&owner) {
                    if written {
                        entry.show(twin, update, &followers);
                    } else {
                        entry.undo();
                    }
                }
            },
        );
        if commit.has_failed() {
            entry.undo();
            return Err(TwinError::NotWritten);
        }
        Ok(commit)
    }

    /// A receiver of device `id`'s later desired patches (the device's
    /// live connection gets them without one).
    pub fn subscribe_desired(&self, id: &DeviceId) -> broadcast::Receiver<DesiredUpdate> {
        let capacity = self.followers.capacity.max(1);
        self.with(id, |entry| {
            entry
                .desired_updates
                .get_or_insert_with(|| broadcast::channel(capacity).0)
                .subscribe()
        })
    }

    /// Forgets device `id`'s twin (its subscribers see the channel close).
    pub fn remove(&self, id: &DeviceId) {
        let mut devices = self.devices.lock().unwrap_or_else(PoisonError::into_inner);
        if devices.remove(id).is_some() {
            // Not waited for: nothing acknowledges a removal.
            drop(self.journal.submit(|| record::remove(id)));
        }
    }
}

/// `state` with `patch` applied (its metadata stamped with now), if it
/// stays within [`MAX_SECTION_BYTES`].
fn patched(state: &TwinState, patch: &Value, side: &'static str) -> Result<TwinState, TwinError> {
    let mut next = state.clone();
    apply(&mut next, patch);
    let at = crate::time::iso8601(iothub_client::wire::Timestamp::now().as_millis());
    let version = (side == "desired").then_some(next.version);
    if let Value::Object(patch) = patch {
        stamp(&mut next.metadata, patch, &at, version);
    }
    mark(&mut next.metadata, &at, version);
    let size = serde_json::to_vec(&next.properties).map_or(usize::MAX, |json| json.len());
    if size > MAX_SECTION_BYTES {
        return Err(TwinError::TooLarge { side, size });
    }
    Ok(next)
}

fn apply(state: &mut TwinState, patch: &Value) {
    let mut document = Value::Object(std::mem::take(&mut state.properties));
    json_patch::merge(&mut document, patch);
    state.properties = match document {
        Value::Object(map) => map,
        // A checked patch is an object, so the merge keeps an object.
        _ => Map::new(),
    };
    state.version = state.version.saturating_add(1);
}

/// `patch` if it is an acceptable twin patch.
fn check_patch(patch: &Value) -> Result<&Value, TwinError> {
    let Value::Object(object) = patch else {
        return Err(TwinError::bad(format!(
            "a twin patch must be a JSON object, not {}",
            kind(patch)
        )));
    };
    check_object(object, "", 1)?;
    Ok(patch)
}

fn check_object(object: &Map<String, Value>, path: &str, depth: usize) -> Result<(), TwinError> {
    if depth > MAX_DEPTH {
        return Err(TwinError::bad(format!(
            "`{path}` nests objects deeper than {MAX_DEPTH} levels"
        )));
    }
    for (name, value) in object {
        let here = if path.is_empty() {
            name.clone()
        } else {
            format!("{path}.{name}")
        };
        if name.is_empty()
            || name
                .chars()
                .any(|c| c == '$' || c == '.' || c == ' ' || c.is_control())
        {
            let place = if path.is_empty() {
                "the top level".to_owned()
            } else {
                format!("`{path}`")
            };
            return Err(TwinError::bad(format!(
                "property name {name:?} (at {place}) is empty or holds `$`, `.`, a space or a control character"
            )));
        }
        if let Value::Object(inner) = value {
            check_object(inner, &here, depth + 1)?;
        }
    }
    Ok(())
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn id() -> DeviceId {
        DeviceId::new("dev1").unwrap()
    }

    #[test]
    fn new_twin_is_empty_at_version_one() {
        let twins = Twins::default();
        assert_eq!(
            twins.get(&id()).to_json(),
            json!({"deviceId": "dev1", "version": 1, "properties": {
                "desired": {"$version": 1}, "reported": {"$version": 1}}})
        );
    }

    #[test]
    fn reading_a_twin_creates_nothing() {
        let twins = Twins::default();
        assert_eq!(twins.get(&id()).version, 1);
        assert!(twins.devices.lock().unwrap().is_empty());
    }

    #[test]
    fn reported_patch_merges_and_checks_if_version() {
        let twins = Twins::default();
        assert_eq!(
            twins.patch_reported(&id(), &json!({"a": 1, "b": {"c": 2}}), None),
            Ok(2)
        );
        assert_eq!(
            twins.patch_reported(&id(), &json!({"a": null, "b": {"d": 3}}), Some(2)),
            Ok(3)
        );
        let error = twins
            .patch_reported(&id(), &json!({"x": 1}), Some(2))
            .unwrap_err();
        assert_eq!(
            error,
            TwinError::PreconditionFailed {
                expected: 2,
                actual: 3
            }
        );
        assert_eq!(error.status(), Status::PreconditionFailed);
        let twin = twins.get(&id());
        assert_eq!(
            twin.reported.to_json(),
            json!({"b": {"c": 2, "d": 3}, "$version": 3})
        );
        assert_eq!(twin.desired.version, 1);
        assert_eq!(twin.version, 3);
    }

    #[test]
    fn bad_patches_are_refused_with_a_reason() {
        let twins = Twins::default();
        for (patch, needle) in [
            (json!([1]), "not an array"),
            (json!(null), "not null"),
            (json!("x"), "not a string"),
            (json!({"$version": 4}), "\"$version\""),
            (json!({"a": {"b.c": 1}}), "at `a`"),
            (json!({"": 1}), "empty"),
        ] {
            let error = twins.patch_reported(&id(), &patch, None).unwrap_err();
            assert_eq!(error.status(), Status::BadRequest);
            assert!(error.to_string().contains(needle), "{error} / {needle}");
        }
        let mut deep = json!(1);
        for _ in 0..MAX_DEPTH {
            deep = json!({ "n": deep });
        }
        assert!(twins.patch_desired(&id(), &deep).is_ok());
        let too_deep = json!({ "n": deep });
        assert!(twins.patch_desired(&id(), &too_deep).is_err());
        assert_eq!(
            twins.get(&id()).reported.version,
            1,
            "refused patches change nothing"
        );
    }

    #[tokio::test]
    async fn desired_patches_reach_only_that_devices_subscribers() {
        let twins = Twins::default();
        let other = DeviceId::new("dev2").unwrap();
        let mut mine = twins.subscribe_desired(&id());
        let mut theirs = twins.subscribe_desired(&other);
        assert_eq!(twins.patch_desired(&id(), &json!({"t": 20})), Ok(2));
        assert_eq!(
            mine.recv().await.unwrap(),
            DesiredUpdate {
                version: 2,
                patch: json!({"t": 20})
            }
        );
        assert!(theirs.try_recv().is_err());
        twins.remove(&id());
        assert!(
            mine.recv().await.is_err(),
            "removing the twin closes the channel"
        );
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i32>().prop_map(Value::from),
            "[a-z]{0,4}".prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 16, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..3).prop_map(Value::from),
                prop::collection::btree_map("[a-c]{1,2}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn patch() -> impl Strategy<Value = Value> {
        prop::collection::btree_map("[a-c]{1,2}", json_value(), 0..4)
            .prop_map(|m| Value::Object(m.into_iter().collect()))
    }

    proptest! {
        /// Kinds: 0 desired, 1 reported with the right `if-version`, 2
        /// reported without one, 3 reported with a wrong one (refused).
        #[test]
        fn patches_match_sequential_merge(
            patches in prop::collection::vec((0u8..4, patch()), 0..12)
        ) {
            let twins = Twins::default();
            let (mut desired, mut reported) = (json!({}), json!({}));
            let (mut desired_version, mut reported_version, mut version) = (1, 1, 1);
            for (kind, patch) in &patches {
                match kind {
                    0 => {
                        json_patch::merge(&mut desired, patch);
                        desired_version += 1;
                        prop_assert_eq!(twins.patch_desired(&id(), patch), Ok(desired_version));
                    }
                    3 => {
                        let wrong = Some(reported_version + 1);
                        prop_assert_eq!(
                            twins.patch_reported(&id(), patch, wrong),
                            Err(TwinError::PreconditionFailed {
                                expected: reported_version + 1,
                                actual: reported_version,
                            })
                        );
                        continue;
                    }
                    _ => {
                        json_patch::merge(&mut reported, patch);
                        let at = (*kind == 1).then_some(reported_version);
                        reported_version += 1;
                        prop_assert_eq!(twins.patch_reported(&id(), patch, at), Ok(reported_version));
                    }
                }
                version += 1;
            }
            let twin = twins.get(&id());
            prop_assert_eq!(Value::Object(twin.desired.properties), desired);
            prop_assert_eq!(Value::Object(twin.reported.properties), reported);
            prop_assert_eq!(twin.desired.version, desired_version);
            prop_assert_eq!(twin.reported.version, reported_version);
            prop_assert_eq!(twin.version, version);
        }
    }

    #[test]
    fn a_side_over_32_kb_is_refused_and_nothing_changes() {
        let twins = Twins::default();
        let big = "x".repeat(MAX_SECTION_BYTES);
        let error = twins
            .patch_desired(&id(), &json!({ "big": big }))
            .unwrap_err();
        assert!(
            matches!(
                error,
                TwinError::TooLarge {
                    side: "desired",
                    ..
                }
            ),
            "{error}"
        );
        assert_eq!(error.status(), Status::BadRequest);
        let fits = "x".repeat(MAX_SECTION_BYTES - 100);
        assert_eq!(
            twins.patch_reported(&id(), &json!({ "big": fits }), None),
            Ok(2)
        );
        assert!(matches!(
            twins.patch_reported(&id(), &json!({ "more": "y".repeat(200) }), None),
            Err(TwinError::TooLarge {
                side: "reported",
                ..
            })
        ));
        let twin = twins.get(&id());
        assert_eq!(
            (twin.version, twin.desired.version, twin.reported.version),
            (2, 1, 2)
        );
    }

    /// A patch is shown (read, notified) only once durable; one whose write
    /// fails is undone with every patch after it.
    #[tokio::test]
    async fn a_patch_is_shown_only_once_durable_and_a_failed_write_is_undone() {
        use crate::store::testing::{journal, Control};
        let control = std::sync::Arc::new(Control::default());
        let twins = Twins::with_journal(DESIRED_CHANNEL_CAPACITY, journal(&control));
        let mut updates = twins.subscribe_desired(&id());
        let (version, commit) = twins
            .patch_desired_with_commit(&id(), &json!({"a": 1}))
            .unwrap();
        commit.wait().await.unwrap();
        assert_eq!(updates.try_recv().map(|u| u.version), Ok(version));
        control.hold_sync();
        let (second, held) = twins
            .patch_desired_with_commit(&id(), &json!({"a": 2}))
            .unwrap();
        control.wait_until_held();
        let (third, queued) = twins
            .patch_desired_with_commit(&id(), &json!({"b": 3}))
            .unwrap();
        assert_eq!((second, third), (3, 4), "numbered as they are accepted");
        assert_eq!(
            twins.get(&id()).desired.version,
            version,
            "not shown before durable"
        );
        assert!(updates.try_recv().is_err(), "not notified before durable");
        control.fail_from(control.syncs());
        control.release_sync();
        assert!(held.wait().await.is_err());
        assert!(queued.wait().await.is_err());
        let twin = twins.get(&id());
        assert_eq!(twin.desired.version, version);
        assert_eq!(twin.desired.properties.get("a"), Some(&json!(1)));
        assert!(
            updates.try_recv().is_err(),
            "a version never durable was never sent"
        );
        // The next patch builds on what was durable (and fails too: the
        // store refuses writes after an I/O error).
        let (next, commit) = twins
            .patch_desired_with_commit(&id(), &json!({"c": 1}))
            .unwrap();
        assert_eq!(next, version + 1);
        assert!(commit.wait().await.is_err());
    }
}
