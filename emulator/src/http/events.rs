//! `GET /messages/events?from=N&limit=M`: the telemetry log in order, from
//! sequence number `N` (default 1: the oldest kept), at most `M` events
//! (default [`DEFAULT_LIMIT`], at most [`MAX_LIMIT`]).
//!
//! Each event is `{"sequenceNo","deviceId","enqueuedTime","systemProperties",
//! "properties","body"}`: `systemProperties` by the wire names of the
//! generated Send Telemetry message (its `PROPERTIES`, valued from
//! `to_properties()`), `properties` the application properties (names
//! without `@`; the first of a repeated name), `body` the payload in
//! base64. Times are milliseconds since the Unix epoch.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::Json;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use iothub_client::api::send_telemetry;
use iothub_client::wire::{MqttProperties, PropertyKind};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::ApiError;
use crate::hub::{Hub, TelemetryEvent};

/// Events answered when the request gives no `limit`.
pub const DEFAULT_LIMIT: usize = 100;

/// Most events one request answers (a larger `limit` is 400).
pub const MAX_LIMIT: usize = 1000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct EventsQuery {
    from: Option<u64>,
    limit: Option<usize>,
}

/// The system properties of a telemetry message, by wire name.
fn system_properties(message: &send_telemetry::Message) -> Map<String, Value> {
    let wire = message.to_properties();
    let mut out = Map::new();
    for info in send_telemetry::Message::PROPERTIES {
        let value = match info.kind {
            PropertyKind::User => wire.user(info.name).map(str::to_owned),
            PropertyKind::ContentType => wire.content_type.clone(),
            PropertyKind::CorrelationData => {
                wire.correlation_data.as_ref().map(|d| STANDARD.encode(d))
            }
        };
        if let Some(value) = value {
            out.insert(info.name.to_owned(), Value::String(value));
        }
    }
    out
}

/// An event as the API shows it.
pub(super) fn event_json(event: &TelemetryEvent) -> Value {
    let message = &event.record.properties;
    let mut application = Map::new();
    for (name, value) in message.application.iter() {
        application
            .entry(name)
            .or_insert_with(|| Value::String(value.to_owned()));
    }
    json!({
        "sequenceNo": event.sequence_no,
        "deviceId": event.device_id.as_str(),
        "enqueuedTime": event.enqueued_time.as_millis(),
        "systemProperties": system_properties(message),
        "properties": application,
        "body": STANDARD.encode(&event.record.body),
    })
}

/// `GET /messages/events`.
pub(super) async fn read(
    State(hub): State<Hub>,
    query: Result<Query<EventsQuery>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(query) = query?;
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if limit > MAX_LIMIT {
        return Err(ApiError::bad_request(format!(
            "`limit` is {limit}; at most {MAX_LIMIT} events per request"
        )));
    }
    let events = hub.telemetry().read(query.from.unwrap_or(1), limit);
    Ok(Json(Value::Array(events.iter().map(event_json).collect())))
}
