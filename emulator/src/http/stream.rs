//! `GET /messages/events/stream` (`?from=N&deviceId=ID`, both optional):
//! the telemetry log live, as Server-Sent Events (the emulator's own
//! extra, beside the paged `GET /messages/events`): each event as it
//! becomes durable, in order, once, as `id: SEQUENCE`, `event: telemetry`
//! and `data:` the event's JSON (as the paged read shows it). From `from`
//! if given (the oldest kept event if it was dropped), else from the next
//! event; only `deviceId`'s if given. Comments keep the connection open
//! while nothing comes.

use std::collections::VecDeque;
use std::convert::Infallible;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use serde::Deserialize;

use super::events::event_json;
use super::ApiError;
use crate::hub::{Hub, TelemetryEvent};

/// Events read from the log at once.
const BATCH: usize = 100;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct StreamQuery {
    from: Option<u64>,
    device_id: Option<String>,
}

/// Where a stream is: the next sequence number to read, and what was read
/// and not sent yet.
struct Cursor {
    hub: Hub,
    next: u64,
    device: Option<String>,
    read: VecDeque<TelemetryEvent>,
}

/// `GET /messages/events/stream`.
pub(super) async fn stream(
    State(hub): State<Hub>,
    query: Result<Query<StreamQuery>, QueryRejection>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let next = query
        .from
        .unwrap_or_else(|| hub.telemetry().next_sequence_no());
    let cursor = Cursor {
        hub,
        next,
        device: query.device_id,
        read: VecDeque::new(),
    };
    let events = futures_util::stream::unfold(cursor, |mut cursor| async move {
        loop {
            if let Some(event) = cursor.read.pop_front() {
                let sse = Event::default()
                    .id(event.sequence_no.to_string())
                    .event("telemetry")
                    .json_data(event_json(&event))
                    .unwrap_or_else(|_| Event::default().comment("an event that is not JSON"));
                return Some((Ok(sse), cursor));
            }
            let telemetry = cursor.hub.telemetry();
            // Waiting is registered before the read: an event that becomes
            // readable in between wakes it.
            let appended = telemetry.appended();
            tokio::pin!(appended);
            appended.as_mut().enable();
            let batch = telemetry.read(cursor.next, BATCH);
            let Some(last) = batch.last() else {
                appended.await;
                continue;
            };
            cursor.next = last.sequence_no + 1;
            let device = cursor.device.as_deref();
            cursor.read.extend(
                batch
                    .into_iter()
                    .filter(|e| device.is_none_or(|d| e.device_id.as_str() == d)),
            );
        }
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
}
