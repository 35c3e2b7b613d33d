//! What a test suite needs from a local hub beside the service's API (the
//! emulator's own extras): `GET /health`, which answers `200
//! {"status":"ready"}` without a token once both listeners are bound (the
//! router is served only then), for container health checks and scripts
//! waiting for the emulator; and `POST /admin/reset` (RegistryWrite), which
//! empties the hub without a restart: every device and module, twin,
//! command queue and the telemetry log ([`Hub::reset`]).

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use crate::hub::Hub;

/// `GET /health`.
pub(super) async fn health() -> Json<Value> {
    Json(json!({ "status": "ready" }))
}

/// `POST /admin/reset`: 200 `{"devices":N,"events":M}`, what went.
pub(super) async fn reset(State(hub): State<Hub>) -> Json<Value> {
    let (devices, events) = hub.reset();
    tracing::info!(devices, events, "hub reset");
    Json(json!({ "devices": devices, "events": events }))
}
