//! Device twins as the service's twin API has them: `GET /twins/{id}`,
//! `PATCH /twins/{id}` (merge patches of `tags` and `properties.desired`)
//! and `PUT /twins/{id}` (both replaced), `If-Match` with the twin's
//! `etag` (412 on another; `*` or none for any).
//!
//! A twin shows `deviceId`, `etag` (the service's: the twin's version as 8
//! big-endian bytes in base64), `version`, `tags`,
//! `properties.desired`/`reported` with their `$version`s, and what the
//! registry knows of the device (`deviceEtag`, `status`,
//! `connectionState`, `lastActivityTime`, `authenticationType`, …), with
//! the entity tag in the `ETag` header. A desired change reaches a
//! connected, subscribed device as a patch; the reported side belongs to
//! the device (a body's `reported` is ignored, as are fields the emulator
//! does not keep).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine as _;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::etag::{if_match, tagged, IfMatch};
use super::{ApiError, JsonBody, Registered};
use crate::hub::{Hub, ServiceUpdate, Twin, TwinError};
use crate::registry::{Authentication, DeviceId};
use crate::time::{iso8601, NEVER};

#[derive(Deserialize)]
pub(super) struct TwinBody {
    tags: Option<Value>,
    properties: Option<TwinProperties>,
}

#[derive(Deserialize)]
struct TwinProperties {
    desired: Option<Value>,
}

impl TwinBody {
    /// The tags and the desired properties it gives; without the
    /// `$version` and `$metadata` a twin read back carries (the service
    /// ignores them), `null` as not given.
    fn parts(self) -> (Option<Value>, Option<Value>) {
        let given = |value: Option<Value>| value.filter(|v| !v.is_null());
        let desired = given(self.properties.and_then(|p| p.desired)).map(|mut desired| {
            if let Value::Object(map) = &mut desired {
                map.remove("$version");
                map.remove("$metadata");
            }
            desired
        });
        (given(self.tags), desired)
    }
}

/// The service's entity tag of a twin at `version`.
fn entity_tag(version: u64) -> String {
    base64::engine::general_purpose::STANDARD.encode(version.to_be_bytes())
}

/// The twin version an `If-Match` header names: `None` for none or `*`;
/// a tag that is no twin's is version 0, which no twin has.
fn if_version(headers: &HeaderMap) -> Result<Option<u64>, ApiError> {
    let IfMatch::Tag(tag) = if_match(headers)? else {
        return Ok(None);
    };
    let version = base64::engine::general_purpose::STANDARD
        .decode(tag)
        .ok()
        .and_then(|bytes| <[u8; 8]>::try_from(bytes).ok())
        .map_or(0, u64::from_be_bytes);
    Ok(Some(version))
}

/// The twin as the service shows it.
pub(super) fn document(hub: &Hub, twin: &Twin) -> Value {
    let id = &twin.device_id;
    let registered = hub.registry().get(id);
    let state = hub.connections().get(id);
    let connected = state.as_ref().is_some_and(|s| s.connected);
    let (kind, thumbprints) = match registered.as_ref().map(|r| &r.device.authentication) {
        Some(Authentication::SelfSigned {
            primary_thumbprint,
            secondary_thumbprint,
        }) => (
            "selfSigned",
            json!({"primaryThumbprint": primary_thumbprint.as_str(), "secondaryThumbprint": secondary_thumbprint.as_str()}),
        ),
        _ => (
            "sas",
            json!({"primaryThumbprint": null, "secondaryThumbprint": null}),
        ),
    };
    let mut body = json!({
        "deviceId": id.device(),
        "etag": entity_tag(twin.version),
        "deviceEtag": registered.as_ref().map(|r| r.etag.clone()),
        "status": registered.as_ref().map_or("enabled", |r| r.device.status.as_str()),
        "statusUpdateTime": NEVER,
        "connectionState": if connected { "Connected" } else { "Disconnected" },
        "lastActivityTime": state.as_ref().map_or_else(|| NEVER.to_owned(), |s| iso8601(s.last_activity.as_millis())),
        "cloudToDeviceMessageCount": hub.commands().unfinished(id),
        "authenticationType": kind,
        "x509Thumbprint": thumbprints,
        "version": twin.version,
        "tags": Value::Object(twin.tags.clone()),
        "properties": twin.service_properties_json(),
        "capabilities": {"iotEdge": false},
    });
    if let Some(module) = id.module_id() {
        body["moduleId"] = module.into();
    }
    body
}

/// An answer with the twin and its entity tag.
fn answer(hub: &Hub, twin: &Twin) -> Response {
    tagged(
        Json(document(hub, twin)).into_response(),
        &entity_tag(twin.version),
    )
}

fn refused(error: TwinError, id: &DeviceId) -> ApiError {
    match error {
        TwinError::BadRequest { reason } => ApiError::bad_request(reason),
        TwinError::PreconditionFailed { .. } => ApiError::new(
            StatusCode::PRECONDITION_FAILED,
            "preconditionFailed",
            format!("the twin of `{id}` has another entity tag than `If-Match` names"),
        ),
        TwinError::NotWritten => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "stateNotWritten",
            error.to_string(),
        ),
        other @ TwinError::TooLarge { .. } => ApiError::bad_request(other.to_string()),
    }
}

/// `GET /twins/{id}`.
pub(super) async fn get(State(hub): State<Hub>, Registered(id): Registered) -> Response {
    answer(&hub, &hub.twins().get(&id))
}

/// Applies `update` if the twin is at `If-Match`'s version; answers the
/// twin once the change is durable.
async fn update(
    hub: Hub,
    id: DeviceId,
    headers: &HeaderMap,
    update: ServiceUpdate,
) -> Result<Response, ApiError> {
    let expected = if_version(headers)?;
    let (twin, commit) = hub
        .twins()
        .update_from_service(&id, &update, expected)
        .map_err(|e| refused(e, &id))?;
    commit.wait().await?;
    tracing::info!(device = %id, version = twin.version, "twin updated");
    Ok(answer(&hub, &twin))
}

/// `PATCH /twins/{id}`: merges `tags` and `properties.desired`.
pub(super) async fn patch(
    State(hub): State<Hub>,
    Registered(id): Registered,
    headers: HeaderMap,
    JsonBody(body): JsonBody<TwinBody>,
) -> Result<Response, ApiError> {
    let (tags, desired) = body.parts();
    let merge = ServiceUpdate::Merge { tags, desired };
    update(hub, id, &headers, merge).await
}

/// `PUT /twins/{id}`: replaces `tags` and `properties.desired` (what the
/// body leaves out becomes empty).
pub(super) async fn put(
    State(hub): State<Hub>,
    Registered(id): Registered,
    headers: HeaderMap,
    JsonBody(body): JsonBody<TwinBody>,
) -> Result<Response, ApiError> {
    let object = |value: Option<Value>, what: &str| match value {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(map)) => Ok(map),
        Some(_) => Err(ApiError::bad_request(format!("`{what}` must be an object"))),
    };
    let (tags, desired) = body.parts();
    let replace = ServiceUpdate::Replace {
        tags: object(tags, "tags")?,
        desired: object(desired, "properties.desired")?,
    };
    update(hub, id, &headers, replace).await
}
