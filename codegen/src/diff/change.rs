//! What one change is: its kind, whom it breaks, what it does to the
//! generated Rust API, and where it is in both specs.

use std::fmt;

use crate::diagnostic::Location;

/// Whom a change breaks, or why it breaks no one. A change is breaking for
/// devices, for hubs, or both; otherwise it is compatible or docs-only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// A device built with the client generated from the old spec may fail
    /// against a hub that implements the new one.
    BreakingForDevices,
    /// A hub that implements the old spec (the emulator as it is) may fail
    /// devices built from the new one, in an operation both know.
    BreakingForHubs,
    /// Wire-compatible both ways: an addition each side learns when it
    /// needs it (a new operation, an optional property, a status).
    Compatible,
    /// Only prose changed: titles, summaries, descriptions, document texts.
    DocsOnly,
}

impl Class {
    /// The stable name used in every output format.
    pub fn code(self) -> &'static str {
        match self {
            Self::BreakingForDevices => "breaking-for-devices",
            Self::BreakingForHubs => "breaking-for-hubs",
            Self::Compatible => "compatible",
            Self::DocsOnly => "docs-only",
        }
    }

    /// Whether it breaks anyone.
    pub fn is_breaking(self) -> bool {
        matches!(self, Self::BreakingForDevices | Self::BreakingForHubs)
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// What a change does to the Rust API generated from the spec (the
/// `iothub-client` crate's typed layer), as `cargo semver-checks` judges it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RustApi {
    /// No item, field or variant changes (values and doc comments may).
    Unchanged,
    /// Items are added and nothing existing changes.
    Additive,
    /// Code using the old items may stop compiling: an item, field or
    /// variant removed or renamed, a type changed, or a field or variant
    /// added to a generated struct or enum that code can build or match
    /// exhaustively.
    Breaking,
}

impl RustApi {
    /// The stable name used in every output format.
    pub fn code(self) -> &'static str {
        match self {
            Self::Unchanged => "unchanged",
            Self::Additive => "additive",
            Self::Breaking => "breaking",
        }
    }
}

macro_rules! kinds {
    ($($(#[$doc:meta])* $name:ident = $code:literal,)*) => {
        /// The kind of a change, MQTT-aware: what changed in the API.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Kind {
            $($(#[$doc])* $name,)*
        }

        impl Kind {
            /// The stable kebab-case name used in every output format.
            pub fn code(self) -> &'static str {
                match self {
                    $(Self::$name => $code,)*
                }
            }

            /// Every kind.
            pub const ALL: &'static [Kind] = &[$(Self::$name,)*];
        }
    };
}

kinds! {
    /// An operation was added.
    OperationAdded = "operation-added",
    /// An operation was removed (or its `name` key renamed).
    OperationRemoved = "operation-removed",
    /// An operation's interaction type changed (e.g. request–response to message–ack).
    InteractionChanged = "interaction-changed",
    /// An operation's direction changed.
    DirectionChanged = "direction-changed",
    /// An operation's QoS changed.
    QosChanged = "qos-changed",
    /// An operation's topic changed.
    TopicChanged = "topic-changed",
    /// A topic path parameter was renamed; the topics on the wire are the same.
    ParameterRenamed = "parameter-renamed",
    /// A message's payload schema changed.
    PayloadChanged = "payload-changed",
    /// Whether a message allows `@` application properties changed.
    ApplicationPropertiesChanged = "application-properties-changed",
    /// A property was added.
    PropertyAdded = "property-added",
    /// A property was removed.
    PropertyRemoved = "property-removed",
    /// An optional property became required.
    PropertyMadeRequired = "property-made-required",
    /// A required property became optional.
    PropertyMadeOptional = "property-made-optional",
    /// A property's type now allows fewer values.
    PropertyTypeNarrowed = "property-type-narrowed",
    /// A property's type now allows more values.
    PropertyTypeWidened = "property-type-widened",
    /// A property's type changed to one that is neither narrower nor wider.
    PropertyTypeChanged = "property-type-changed",
    /// A property moved between a user property and a first-class MQTT property.
    PropertyPlaceChanged = "property-place-changed",
    /// A response property's role changed.
    PropertyRoleChanged = "property-role-changed",
    /// A status (an alternative outcome) was added to an operation.
    StatusAdded = "status-added",
    /// A status was removed from an operation.
    StatusRemoved = "status-removed",
    /// An outcome's status code or reason code changed.
    StatusChanged = "status-changed",
    /// A named response was added.
    ResponseAdded = "response-added",
    /// A named response was removed.
    ResponseRemoved = "response-removed",
    /// A payload schema was added.
    SchemaAdded = "schema-added",
    /// A payload schema was removed.
    SchemaRemoved = "schema-removed",
    /// What a payload schema holds (empty, bytes, JSON) changed.
    SchemaContentChanged = "schema-content-changed",
    /// A property data type was added.
    TypeAdded = "type-added",
    /// A property data type was removed.
    TypeRemoved = "type-removed",
    /// How a data type is written on the wire changed.
    TypeEncodingChanged = "type-encoding-changed",
    /// A limit (CONNACK value, subscription count, timeout, size) was lowered.
    LimitLowered = "limit-lowered",
    /// A limit was raised.
    LimitRaised = "limit-raised",
    /// A CONNACK capability (retain, wildcards, …) is no longer available.
    CapabilityWithdrawn = "capability-withdrawn",
    /// A CONNACK capability became available.
    CapabilityAdded = "capability-added",
    /// A connection rule changed: SAS, topic rules, a reason code, a prefix.
    ConnectionRuleChanged = "connection-rule-changed",
    /// The status code layout changed.
    StatusLayoutChanged = "status-layout-changed",
    /// An authentication method was added.
    AuthenticationMethodAdded = "authentication-method-added",
    /// An authentication method was removed.
    AuthenticationMethodRemoved = "authentication-method-removed",
    /// Whether an authentication method carries data changed.
    AuthenticationMethodChanged = "authentication-method-changed",
    /// A notable DISCONNECT reason code was added.
    DisconnectReasonAdded = "disconnect-reason-added",
    /// A notable DISCONNECT reason code was removed.
    DisconnectReasonRemoved = "disconnect-reason-removed",
    /// A notable DISCONNECT reason code's name changed.
    DisconnectReasonChanged = "disconnect-reason-changed",
    /// How a client fetches the state behind a server-to-client message changed.
    SnapshotChanged = "snapshot-changed",
    /// The `api-version` sent on CONNECT changed.
    ApiVersionChanged = "api-version-changed",
    /// The API's version number changed.
    VersionChanged = "version-changed",
    /// Prose changed: a title, summary, description or document text.
    ProseChanged = "prose-changed",
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One change between two specs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// What changed.
    pub kind: Kind,
    /// Whom it breaks (sorted, never empty): one or both breaking classes,
    /// or `Compatible`, or `DocsOnly`.
    pub classes: Vec<Class>,
    /// What it does to the generated Rust API.
    pub rust_api: RustApi,
    /// The thing that changed: `operation get-twin, response, property rid`.
    pub subject: String,
    /// How: `QoS 0 → 1`.
    pub detail: String,
    /// Where it is in the old spec (for an addition: the list it joins).
    pub old: Location,
    /// Where it is in the new spec (for a removal: the list it left).
    pub new: Location,
}

impl Change {
    /// Whether it breaks devices or hubs.
    pub fn is_breaking(&self) -> bool {
        self.classes.iter().any(|c| c.is_breaking())
    }

    /// Whether it breaks this class's side (`BreakingForDevices` or
    /// `BreakingForHubs`).
    pub fn breaks(&self, class: Class) -> bool {
        self.classes.contains(&class)
    }

    /// The classes as one text: `breaking-for-devices, breaking-for-hubs`.
    pub fn class_text(&self) -> String {
        self.classes
            .iter()
            .map(|c| c.code())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Whom a change breaks, before it is located.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Impact {
    /// Breaking for devices.
    pub devices: bool,
    /// Breaking for hubs.
    pub hubs: bool,
    /// Only prose.
    pub docs: bool,
    /// Effect on the generated Rust API.
    pub rust: RustApi,
}

impl Impact {
    /// Breaks both sides.
    pub const BOTH: Self = Self::breaking(true, true, RustApi::Breaking);
    /// Prose only.
    pub const DOCS: Self = Self {
        devices: false,
        hubs: false,
        docs: true,
        rust: RustApi::Unchanged,
    };

    /// Breaking for the sides given.
    pub const fn breaking(devices: bool, hubs: bool, rust: RustApi) -> Self {
        Self {
            devices,
            hubs,
            docs: false,
            rust,
        }
    }

    /// Wire-compatible, with this effect on the Rust API.
    pub const fn compatible(rust: RustApi) -> Self {
        Self::breaking(false, false, rust)
    }

    /// Breaking for one side.
    pub const fn side(side: Side, rust: RustApi) -> Self {
        match side {
            Side::Device => Self::breaking(true, false, rust),
            Side::Hub => Self::breaking(false, true, rust),
        }
    }

    /// The classes it stands for.
    pub fn classes(self) -> Vec<Class> {
        let mut out = Vec::new();
        if self.devices {
            out.push(Class::BreakingForDevices);
        }
        if self.hubs {
            out.push(Class::BreakingForHubs);
        }
        if out.is_empty() {
            out.push(if self.docs {
                Class::DocsOnly
            } else {
                Class::Compatible
            });
        }
        out
    }
}

/// Who sends a message (or is held to a limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The device (the generated client).
    Device,
    /// The hub (the emulator).
    Hub,
}

impl Side {
    /// The other side.
    pub fn other(self) -> Self {
        match self {
            Self::Device => Self::Hub,
            Self::Hub => Self::Device,
        }
    }
}
