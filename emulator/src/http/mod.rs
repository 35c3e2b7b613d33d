//! The HTTP service API (see the design's emulator contract): device
//! identities, twins, cloud-to-device commands and the telemetry log, as
//! JSON over HTTP/1.1.
//!
//! | request | answer |
//! | --- | --- |
//! | `PUT /devices/{id}` | create (update with `If-Match`); 200, the identity (see [`devices`]) |
//! | `GET /devices/{id}` | the identity, its connection state |
//! | `DELETE /devices/{id}` | removes it (`If-Match`); 204 |
//! | `GET /devices?top=N` | identities |
//! | `POST /devices/query` `{"query"}` | twins the query selects, paged (see [`query`]) |
//! | `…/devices/{id}/modules/{mid}`, `GET /devices/{id}/modules`, `…/twins/{id}/modules/{mid}` | the same for module identities and their twins |
//! | `GET /twins/{id}` | the twin (see [`twins`]) |
//! | `PATCH /twins/{id}` `{"tags":{…},"properties":{"desired":{…}}}` | merge patches (`If-Match`); the new twin |
//! | `PUT /twins/{id}` | tags and desired replaced (`If-Match`); the new twin |
//! | `POST /devices/{id}/messages/deviceBound` | enqueue a command; 201 `{"sequenceNo":n}` |
//! | `GET /devices/{id}/messages/deviceBound` | the device's queue |
//! | `GET /messages/events?from=N&limit=M` | the telemetry log |
//! | `GET /messages/events/stream?from=N&deviceId=ID` | the log live, as Server-Sent Events (see [`stream`]) |
//! | `GET /health` (no token) | `{"status":"ready"}` |
//! | `POST /admin/reset` | everything gone but the policies (see [`admin`]) |
//! | `POST`, `GET`, `DELETE /admin/faults` | fault injection (see [`admin`]) |
//! | `POST /twins/{id}/methods` `{"methodName","payload","responseTimeoutInSeconds"}` | the device's answer, or 404 / 504 / 502 with the spec's status |
//!
//! Every request is authorized first ([`authorize`]: a
//! `SharedAccessSignature` token of a shared access policy with the
//! route's permission, else 401). Every per-device route then checks the device id (400) and the registry (404)
//! first ([`Registered`]), then the body ([`Payload`], [`JsonBody`]). Errors are `{"error": KIND, "reason": TEXT}`
//! ([`ApiError`]). JSON bodies may be at most [`JSON_BODY_LIMIT`] bytes and
//! command payloads [`COMMAND_BODY_LIMIT`]; larger ones get 413. Only the
//! identity answers show device keys (to a caller with a registry
//! permission, as the service does); no error or log line ever does. With durable state, a
//! change (PUT, PATCH, POST of a command) is answered once it is written;
//! one that could not be is 500 `stateNotWritten`.

pub mod admin;
pub mod authorize;
mod commands;
pub mod devices;
mod error;
mod etag;
mod events;
mod extract;
mod methods;
pub mod query;
pub mod stream;
pub mod twins;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use iothub_client::api::limits::MAXIMUM_PACKET_SIZE;

pub use error::ApiError;
pub use extract::{JsonBody, PathId, Payload, Registered};

use crate::hub::Hub;

/// Largest JSON request body, in bytes (1 MiB).
pub const JSON_BODY_LIMIT: usize = 1 << 20;

/// Largest command payload, in bytes: the API's MQTT Maximum Packet Size
/// (a larger payload could never reach a device).
pub const COMMAND_BODY_LIMIT: usize = MAXIMUM_PACKET_SIZE as usize;

/// The service API over `hub`, every request authorized with the hub's
/// shared access policies (see [`authorize`]); `hostname`, when set, is the
/// only host name a token's resource may name.
pub fn router(hub: Hub, hostname: Option<&str>, body_read_timeout: std::time::Duration) -> Router {
    let gate = authorize::Gate {
        hub: hub.clone(),
        hostname: hostname.map(Into::into),
    };
    Router::new()
        .route("/devices", get(devices::list))
        .route("/devices/query", post(query::query))
        .route(
            "/devices/{id}",
            get(devices::get).put(devices::put).delete(devices::delete),
        )
        .route(
            "/twins/{id}",
            get(twins::get).patch(twins::patch).put(twins::put),
        )
        .route("/devices/{id}/modules", get(devices::list_modules))
        .route(
            "/devices/{id}/modules/{mid}",
            get(devices::get).put(devices::put).delete(devices::delete),
        )
        .route(
            "/twins/{id}/modules/{mid}",
            get(twins::get).patch(twins::patch).put(twins::put),
        )
        .route("/twins/{id}/methods", post(methods::call))
        .route("/twins/{id}/modules/{mid}/methods", post(methods::call))
        .route(
            "/devices/{id}/messages/deviceBound",
            get(commands::list)
                .post(commands::enqueue)
                .layer(DefaultBodyLimit::max(COMMAND_BODY_LIMIT)),
        )
        .route("/messages/events", get(events::read))
        .route("/messages/events/stream", get(stream::stream))
        .route("/admin/reset", post(admin::reset))
        .route(
            "/admin/faults",
            post(admin::inject).get(admin::list).delete(admin::clear),
        )
        .fallback(error::no_route)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
        .layer(axum::Extension(extract::BodyTimeout(body_read_timeout)))
        .layer(axum::middleware::from_fn_with_state(
            gate,
            authorize::authorize,
        ))
        // After the authorizer's layer: the one route without a token.
        .route("/health", get(admin::health))
        .with_state(hub)
}
