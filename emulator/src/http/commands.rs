//! `POST /devices/{id}/messages/deviceBound` (enqueue a command) and
//! `GET /devices/{id}/messages/deviceBound` (the device's queue).
//!
//! A POST's body is the payload, as is (at most
//! [`COMMAND_BODY_LIMIT`](super::COMMAND_BODY_LIMIT) bytes). Its headers give
//! the command's properties:
//!
//! | header | property |
//! | --- | --- |
//! | `iothub-messageid` | message id |
//! | `iothub-correlationid` | correlation id |
//! | `iothub-userid` | user id |
//! | `content-type` | content type |
//! | `content-encoding` | content encoding |
//! | `iothub-creation-time-utc` | creation time, milliseconds since the Unix epoch (decimal) |
//! | `iothub-expiry-time-utc` | expiry time, the same form (default: enqueued time + the command time to live) |
//! | `iothub-app-NAME` | application property `NAME`, in header order (HTTP header names are case-insensitive, so `NAME` arrives in lower case) |
//!
//! Header values must be UTF-8. The answer is `201 {"sequenceNo":n}`, once
//! the command is durable (with `--state`); a device's queue full of
//! unfinished commands is 403 `queueFull` (`DeviceMaximumQueueDepthExceeded`),
//! a payload over the quota 413. A GET answers
//! `[{"sequenceNo","enqueuedTime","deliveryCount","expiryTime","state"}]` in
//! sequence order, `state` one of `queued`, `delivered`, `completed`,
//! `abandoned`, `rejected`, `deadLettered`, `expired`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use iothub_client::wire::{Timestamp, WireValue};
use serde_json::{json, Value};

use super::{ApiError, Payload, Registered, COMMAND_BODY_LIMIT};
use crate::hub::{Command, CommandError, Hub};

/// Prefix of the headers that carry application properties.
pub const APPLICATION_HEADER_PREFIX: &str = "iothub-app-";

/// The header's value as text, if present: 400 if it is not UTF-8.
fn header(headers: &HeaderMap, name: &str) -> Result<Option<String>, ApiError> {
    headers
        .get(name)
        .map(|value| {
            std::str::from_utf8(value.as_bytes())
                .map(str::to_owned)
                .map_err(|_| ApiError::bad_request(format!("header `{name}` is not UTF-8")))
        })
        .transpose()
}

/// The command the request's payload and headers describe.
fn command(headers: &HeaderMap, payload: Bytes) -> Result<Command, ApiError> {
    let time = |name: &str| {
        header(headers, name)?
            .map(|text| {
                Timestamp::from_wire(text.trim()).ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "header `{name}` must be milliseconds since the Unix epoch, in decimal digits"
                    ))
                })
            })
            .transpose()
    };
    let creation_time = time("iothub-creation-time-utc")?;
    let expiry_time = time("iothub-expiry-time-utc")?;
    let mut command = Command {
        payload,
        message_id: header(headers, "iothub-messageid")?,
        correlation_id: header(headers, "iothub-correlationid")?,
        user_id: header(headers, "iothub-userid")?,
        content_type: header(headers, "content-type")?,
        content_encoding: header(headers, "content-encoding")?,
        creation_time,
        expiry_time,
        ..Command::default()
    };
    for (name, value) in headers {
        let Some(property) = name.as_str().strip_prefix(APPLICATION_HEADER_PREFIX) else {
            continue;
        };
        if property.is_empty() {
            return Err(ApiError::bad_request(format!(
                "header `{APPLICATION_HEADER_PREFIX}` names no application property"
            )));
        }
        let value = std::str::from_utf8(value.as_bytes())
            .map_err(|_| ApiError::bad_request(format!("header `{name}` is not UTF-8")))?;
        command.application.insert(property, value);
    }
    Ok(command)
}

/// `POST /devices/{id}/messages/deviceBound`.
pub(super) async fn enqueue(
    State(hub): State<Hub>,
    Registered(id): Registered,
    headers: HeaderMap,
    Payload(payload): Payload<COMMAND_BODY_LIMIT>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let command = command(&headers, payload)?;
    let (sequence_no, commit) = hub
        .commands()
        .enqueue_at(&id, command, Timestamp::now())
        .map_err(refused)?;
    commit.wait().await?;
    tracing::info!(device = %id, sequence_no, "command enqueued");
    Ok((
        StatusCode::CREATED,
        Json(json!({ "sequenceNo": sequence_no })),
    ))
}

/// The answer to a command the queue refused: 403 `queueFull` (the
/// service's `DeviceMaximumQueueDepthExceeded`), 413 for a payload over the
/// quota, 500 `stateNotWritten`.
fn refused(error: CommandError) -> ApiError {
    match error {
        CommandError::QueueFull { .. } => {
            ApiError::new(StatusCode::FORBIDDEN, "queueFull", error.to_string())
        }
        CommandError::TooLarge { .. } => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payloadTooLarge",
            error.to_string(),
        ),
        CommandError::NotWritten => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "stateNotWritten",
            error.to_string(),
        ),
        other => ApiError::bad_request(other.to_string()),
    }
}

/// `GET /devices/{id}/messages/deviceBound`.
pub(super) async fn list(
    State(hub): State<Hub>,
    Registered(id): Registered,
) -> Result<Json<Value>, ApiError> {
    let queue: Vec<Value> = hub
        .commands()
        .list(&id)
        .iter()
        .map(|queued| {
            json!({
                "sequenceNo": queued.sequence_no,
                "enqueuedTime": queued.enqueued_time.as_millis(),
                "deliveryCount": queued.delivery_count,
                "expiryTime": queued.expiry_time.as_millis(),
                "state": queued.state.as_str(),
            })
        })
        .collect();
    Ok(Json(Value::Array(queue)))
}
