//! The generic runtime under the generated operation methods: the session
//! as a state machine with no I/O (`machine`: correlation of responses,
//! QoS 1 messages in flight, acknowledgements in arrival order, keep alive,
//! SAS renewal), the thin async driver that owns the socket, the timers and
//! the channels (`task`, `serve`, `driver`), the handle applications hold
//! ([`Session`]), routes for incoming messages, reconnection backoff and
//! the connection state. It knows MQTT 5 and the spec's shared rules
//! (`api::topics`, `api::limits`, `api::connection`), never one operation.

mod acks;
mod backoff;
mod connect;
mod control;
mod correlation;
mod driver;
mod handle;
mod inflight;
mod machine;
mod outbox;
mod routes;
mod serve;
mod settlement;
mod shared;
mod snapshots;
mod state;
mod task;
mod typed;

pub use acks::Delivery;
pub use backoff::ReconnectPolicy;
pub use connect::CLIENT_RECEIVE_MAXIMUM;
pub use correlation::Response;
pub use handle::{Session, WeakSession};
pub use inflight::Acknowledgement;
pub use routes::{Incoming, RouteReceiver, Subscriptions};
pub use settlement::Settlement;
pub use snapshots::{snapshot_of, spawn_snapshots};
pub use state::{ConnectionState, DisconnectCause, RefusedSubscription};
pub use typed::{
    default_settlement, from_json, invalid_settlement, settlement, to_json, Call, Calls, Messages,
    Received, Reply,
};
