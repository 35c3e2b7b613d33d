//! What a test suite needs from a local hub beside the service's API (the
//! emulator's own extras): `GET /health`, which answers `200
//! {"status":"ready"}` without a token once both listeners are bound (the
//! router is served only then), for container health checks and scripts
//! waiting for the emulator; and `POST /admin/reset` (RegistryWrite), which
//! empties the hub without a restart: every device and module, twin,
//! command queue and the telemetry log ([`Hub::reset`]).
//!
//! Fault injection (RegistryWrite): `POST /admin/faults`
//! `{"deviceId","operation","count","status"|"latencyMs"|"disconnect"}`:
//! the next `count` (default 1) operations of `deviceId` (every device's if
//! absent) named `operation` (`send-telemetry`, `get-twin`,
//! `patch-twin-reported`; any if absent) answered with `status` (a status
//! of the spec, `"0501"` say) instead of being carried out, or after
//! `latencyMs`; or, with `disconnect` (a reason code, 128–255), the
//! device's live connection (every one if no `deviceId`) ended at once
//! with that DISCONNECT. `GET /admin/faults` lists the faults waiting,
//! `DELETE /admin/faults` forgets them. Each fault that fires is logged.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use iothub_client::api::{self, Status};
use iothub_client::operation::Operation;
use iothub_client::status::StatusCode as _;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{ApiError, JsonBody};
use crate::hub::{Fault, FaultAction, Hub};
use crate::registry::DeviceId;

/// The operations a fault may catch: the client-to-server ones.
const OPERATIONS: [&str; 3] = [
    api::SendTelemetry::NAME,
    api::GetTwin::NAME,
    api::PatchTwinReported::NAME,
];

/// The longest latency a fault may add.
pub const MAX_LATENCY: Duration = Duration::from_secs(300);

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(super) struct FaultBody {
    device_id: Option<String>,
    operation: Option<String>,
    count: Option<u32>,
    status: Option<String>,
    latency_ms: Option<u64>,
    disconnect: Option<u8>,
}

/// `POST /admin/faults`.
pub(super) async fn inject(
    State(hub): State<Hub>,
    JsonBody(body): JsonBody<FaultBody>,
) -> Result<Json<Value>, ApiError> {
    let device = body.device_id.as_deref().map(DeviceId::new).transpose()?;
    if let Some(operation) = body.operation.as_deref() {
        if !OPERATIONS.contains(&operation) {
            return Err(ApiError::bad_request(format!(
                "`operation` is one of {}",
                OPERATIONS.join(", ")
            )));
        }
    }
    let action = match (body.status, body.latency_ms, body.disconnect) {
        (Some(status), None, None) => {
            let status = Status::from_text(&status)
                .map_err(|e| ApiError::bad_request(format!("`status`: {e}")))?;
            FaultAction::Status(status)
        }
        (None, Some(ms), None) => {
            let latency = Duration::from_millis(ms);
            if latency > MAX_LATENCY {
                return Err(ApiError::bad_request(format!(
                    "`latencyMs` is at most {}",
                    MAX_LATENCY.as_millis()
                )));
            }
            FaultAction::Latency(latency)
        }
        (None, None, Some(reason_code)) => {
            if reason_code < 0x80 {
                return Err(ApiError::bad_request(
                    "`disconnect` is a DISCONNECT reason code of 128 to 255",
                ));
            }
            let live = hub.live();
            let targets: Vec<_> = match &device {
                Some(device) => live.get(device).into_iter().collect(),
                None => live.all().into_iter().map(|(_, m)| m).collect(),
            };
            for mailbox in &targets {
                mailbox.disconnect(reason_code);
            }
            tracing::info!(device = ?device.as_ref().map(DeviceId::as_str), reason_code, connections = targets.len(), "injected fault: disconnect");
            return Ok(Json(json!({ "disconnected": targets.len() })));
        }
        _ => {
            return Err(ApiError::bad_request(
                "a fault is one of `status`, `latencyMs` or `disconnect`",
            ))
        }
    };
    hub.faults().add(Fault {
        device,
        operation: body.operation,
        remaining: body.count.unwrap_or(1),
        action,
    });
    Ok(Json(json!({ "waiting": hub.faults().list().len() })))
}

/// `GET /admin/faults`: the faults waiting.
pub(super) async fn list(State(hub): State<Hub>) -> Json<Value> {
    let faults: Vec<Value> = hub
        .faults()
        .list()
        .into_iter()
        .map(|fault| {
            let mut item = json!({
                "deviceId": fault.device.as_ref().map(DeviceId::as_str),
                "operation": fault.operation,
                "count": fault.remaining,
            });
            match fault.action {
                FaultAction::Status(status) => item["status"] = status.to_text().into(),
                FaultAction::Latency(latency) => {
                    item["latencyMs"] = u64::try_from(latency.as_millis())
                        .unwrap_or(u64::MAX)
                        .into();
                }
            }
            item
        })
        .collect();
    Json(Value::Array(faults))
}

/// `DELETE /admin/faults`: 204.
pub(super) async fn clear(State(hub): State<Hub>) -> StatusCode {
    hub.faults().clear();
    StatusCode::NO_CONTENT
}

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
