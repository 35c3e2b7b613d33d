//! Device identities as the service's registry API has them (what the
//! official service SDKs call): `PUT /devices/{id}` (create; update with
//! `If-Match`), `GET /devices/{id}`, `DELETE /devices/{id}` and
//! `GET /devices` (the list, at most `top`).
//!
//! Module identities are the same under `/devices/{id}/modules/{mid}`
//! (`GET /devices/{id}/modules` lists them), their device registered
//! first; a module answers with its `moduleId` beside the `deviceId`.
//!
//! A PUT's body is the service's device identity:
//! `{"deviceId","status","statusReason","authentication":{"type":"sas","symmetricKey":{"primaryKey":B64,"secondaryKey":B64}}}`
//! or `"type":"selfSigned"` with `"x509Thumbprint":{"primaryThumbprint":HEX,"secondaryThumbprint":HEX}`.
//! Fields the emulator does not keep (`capabilities`, `deviceScope`, …)
//! are ignored, as the service ignores what it does not know; SAS keys
//! left out are made (32 random bytes each), as the service makes them.
//!
//! `If-Match`: none creates (an existing device is 409
//! `DeviceAlreadyExists`), `*` creates or updates, an entity tag updates
//! only the device that has it (else 412 `PreconditionFailed`; 404 if
//! there is none). Answers are the whole identity, its keys included (the
//! caller holds a registry permission, as with the service), with
//! `etag`, `generationId`, `status`, the connection state and ISO 8601
//! times, and the entity tag in the `ETag` header.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::etag::{if_match, tagged, IfMatch};
use super::{ApiError, JsonBody, PathId};
use crate::hub::Hub;
use crate::registry::{
    Authentication, Device, DeviceId, DeviceStatus, Key, PutOutcome, Registered, Thumbprint,
};
use crate::time::{iso8601, NEVER};

/// The lengths of a symmetric key the service accepts, in bytes (decoded).
pub const KEY_BYTES: std::ops::RangeInclusive<usize> = 16..=64;

/// Devices a list gives at most (the service's `top` limit).
pub const LIST_MAX: usize = 1000;

/// The bytes of a key the emulator makes.
const MADE_KEY_BYTES: usize = 32;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct PutBody {
    device_id: Option<String>,
    module_id: Option<String>,
    status: Option<String>,
    status_reason: Option<String>,
    authentication: Option<AuthenticationBody>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AuthenticationBody {
    #[serde(rename = "type")]
    kind: Option<String>,
    symmetric_key: Option<SymmetricKey>,
    x509_thumbprint: Option<Thumbprints>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SymmetricKey {
    primary_key: Option<String>,
    secondary_key: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Thumbprints {
    primary_thumbprint: Option<String>,
    secondary_thumbprint: Option<String>,
}

fn key(name: &str, text: &str) -> Result<Key, ApiError> {
    let key =
        Key::from_base64(text).map_err(|e| ApiError::bad_request(format!("bad `{name}`: {e}")))?;
    let length = key.expose_bytes().len();
    if !KEY_BYTES.contains(&length) {
        return Err(ApiError::bad_request(format!(
            "bad `{name}`: the key has {length} bytes; the service takes keys of {} to {} bytes",
            KEY_BYTES.start(),
            KEY_BYTES.end()
        )));
    }
    Ok(key)
}

/// A new random key.
fn made_key() -> Result<Key, ApiError> {
    let mut bytes = vec![0u8; MADE_KEY_BYTES];
    getrandom::getrandom(&mut bytes).map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "serverError",
            format!("no randomness for a key: {e}"),
        )
    })?;
    Key::from_bytes(bytes).map_err(|e| ApiError::bad_request(e.to_string()))
}

impl AuthenticationBody {
    fn into_authentication(self) -> Result<Authentication, ApiError> {
        match self.kind.as_deref().unwrap_or("sas") {
            "sas" => {
                let keys = self.symmetric_key.map(|k| (k.primary_key, k.secondary_key));
                match keys {
                    Some((Some(primary), Some(secondary))) => Ok(Authentication::Sas {
                        primary: key("primaryKey", &primary)?,
                        secondary: key("secondaryKey", &secondary)?,
                    }),
                    None | Some((None, None)) => Ok(Authentication::Sas {
                        primary: made_key()?,
                        secondary: made_key()?,
                    }),
                    Some((None, Some(_))) => Err(ApiError::bad_request(
                        "`primaryKey` is missing beside `secondaryKey`",
                    )),
                    Some((Some(_), None)) => Err(ApiError::bad_request(
                        "`secondaryKey` is missing beside `primaryKey`",
                    )),
                }
            }
            "selfSigned" => {
                let thumbprints = self
                    .x509_thumbprint
                    .ok_or_else(|| ApiError::bad_request("`selfSigned` needs `x509Thumbprint`"))?;
                let thumbprint = |name: &str, text: Option<String>| {
                    let text =
                        text.ok_or_else(|| ApiError::bad_request(format!("`{name}` is missing")))?;
                    Thumbprint::new(&text)
                        .map_err(|e| ApiError::bad_request(format!("bad `{name}`: {e}")))
                };
                Ok(Authentication::SelfSigned {
                    primary_thumbprint: thumbprint(
                        "primaryThumbprint",
                        thumbprints.primary_thumbprint,
                    )?,
                    secondary_thumbprint: thumbprint(
                        "secondaryThumbprint",
                        thumbprints.secondary_thumbprint,
                    )?,
                })
            }
            other => Err(ApiError::bad_request(format!(
                "authentication type `{}` is not one the emulator has (`sas` or `selfSigned`)",
                other.escape_debug()
            ))),
        }
    }
}

/// Whether `condition` holds for `current` (what is registered now).
fn check(condition: &IfMatch, current: Option<&Registered>, id: &DeviceId) -> Result<(), ApiError> {
    match (condition, current) {
        (IfMatch::Absent, Some(_)) if id.module_id().is_some() => Err(ApiError::new(
            StatusCode::CONFLICT,
            "moduleAlreadyExists",
            format!("module `{id}` exists; update it with `If-Match`"),
        )),
        (IfMatch::Absent, Some(_)) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "deviceAlreadyExists",
            format!("device `{id}` exists; update it with `If-Match`"),
        )),
        (IfMatch::Tag(_), None) => Err(ApiError::not_found(id)),
        (IfMatch::Tag(tag), Some(current)) if *tag != current.etag => Err(ApiError::new(
            StatusCode::PRECONDITION_FAILED,
            "preconditionFailed",
            format!("device `{id}` has another entity tag than `If-Match` names"),
        )),
        _ => Ok(()),
    }
}

/// The identity as the service shows it to a caller with a registry
/// permission: keys included.
fn identity(hub: &Hub, registered: &Registered) -> Value {
    let device = &registered.device;
    let id = &device.id;
    let null = Value::Null;
    let (kind, symmetric_key, thumbprints) = match &device.authentication {
        Authentication::Sas { primary, secondary } => (
            "sas",
            json!({"primaryKey": primary.expose_base64(), "secondaryKey": secondary.expose_base64()}),
            json!({"primaryThumbprint": null, "secondaryThumbprint": null}),
        ),
        Authentication::SelfSigned {
            primary_thumbprint,
            secondary_thumbprint,
        } => (
            "selfSigned",
            json!({"primaryKey": null, "secondaryKey": null}),
            json!({
                "primaryThumbprint": primary_thumbprint.as_str(),
                "secondaryThumbprint": secondary_thumbprint.as_str(),
            }),
        ),
    };
    let state = hub.connections().get(id);
    let connected = state.as_ref().is_some_and(|s| s.connected);
    let time = |ms: Option<u64>| ms.map_or_else(|| NEVER.to_owned(), iso8601);
    let waiting = hub.commands().unfinished(id);
    let mut body = json!({
        "deviceId": id.device(),
        "generationId": registered.created.to_string(),
        "etag": registered.etag,
        "connectionState": if connected { "Connected" } else { "Disconnected" },
        "status": device.status.as_str(),
        "statusReason": device.status_reason.as_deref().map_or(null.clone(), Value::from),
        "connectionStateUpdatedTime": time(state.as_ref().map(|s| s.since.as_millis())),
        "statusUpdatedTime": NEVER,
        "lastActivityTime": time(state.as_ref().map(|s| s.last_activity.as_millis())),
        "cloudToDeviceMessageCount": waiting,
        "authentication": {
            "type": kind,
            "symmetricKey": symmetric_key,
            "x509Thumbprint": thumbprints,
        },
        "capabilities": {"iotEdge": false},
    });
    if let Some(module) = id.module_id() {
        body["moduleId"] = module.into();
    }
    body
}

/// An answer with the identity and its entity tag.
fn answer(hub: &Hub, registered: &Registered) -> Response {
    tagged(
        Json(identity(hub, registered)).into_response(),
        &registered.etag,
    )
}

/// `PUT /devices/{id}`: creates or (with `If-Match`) updates a device
/// identity; 200 with it.
pub(super) async fn put(
    State(hub): State<Hub>,
    PathId(id): PathId,
    headers: HeaderMap,
    JsonBody(body): JsonBody<PutBody>,
) -> Result<Response, ApiError> {
    if let Some(named) = body.device_id.as_deref() {
        if named != id.device() {
            return Err(ApiError::bad_request(
                "`deviceId` in the body differs from the device id in the path",
            ));
        }
    }
    if let (Some(named), Some(module)) = (body.module_id.as_deref(), id.module_id()) {
        if named != module {
            return Err(ApiError::bad_request(
                "`moduleId` in the body differs from the module id in the path",
            ));
        }
    }
    // A module belongs to a registered device.
    if id.module_id().is_some() {
        let device = DeviceId::new(id.device())?;
        if hub.registry().get(&device).is_none() {
            return Err(ApiError::device_not_found(device.as_str()));
        }
    }
    let status = match body.status.as_deref() {
        None => DeviceStatus::Enabled,
        Some(text) => DeviceStatus::parse(text)
            .ok_or_else(|| ApiError::bad_request("`status` is neither `enabled` nor `disabled`"))?,
    };
    let condition = if_match(&headers)?;
    check(&condition, hub.registry().get(&id).as_ref(), &id)?;
    let authentication = match body.authentication {
        Some(authentication) => authentication.into_authentication()?,
        None => AuthenticationBody {
            kind: None,
            symmetric_key: None,
            x509_thumbprint: None,
        }
        .into_authentication()?,
    };
    let device = Device::new(id.clone(), authentication).with_status(status, body.status_reason);
    let (outcome, commit) = hub.registry().put_with_commit(device);
    commit.wait().await?;
    let registered = hub
        .registry()
        .get(&id)
        .ok_or_else(|| ApiError::not_found(&id))?;
    tracing::info!(device = %id, created = matches!(outcome, PutOutcome::Created { .. }), "device identity put");
    Ok(answer(&hub, &registered))
}

/// `GET /devices/{id}`: the identity and its connection state.
pub(super) async fn get(State(hub): State<Hub>, PathId(id): PathId) -> Result<Response, ApiError> {
    let registered = hub
        .registry()
        .get(&id)
        .ok_or_else(|| ApiError::not_found(&id))?;
    Ok(answer(&hub, &registered))
}

/// `DELETE /devices/{id}`: removes the identity (and its modules, twin,
/// commands and connection); 204.
pub(super) async fn delete(
    State(hub): State<Hub>,
    PathId(id): PathId,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let current = hub.registry().get(&id);
    if current.is_none() {
        return Err(ApiError::not_found(&id));
    }
    match if_match(&headers)? {
        IfMatch::Absent => check(&IfMatch::Any, current.as_ref(), &id)?,
        condition => check(&condition, current.as_ref(), &id)?,
    }
    hub.remove_device(&id);
    tracing::info!(device = %id, "device identity deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /devices/{id}/modules`: the device's module identities, by id.
pub(super) async fn list_modules(
    State(hub): State<Hub>,
    PathId(id): PathId,
) -> Result<Json<Vec<Value>>, ApiError> {
    if hub.registry().get(&id).is_none() {
        return Err(ApiError::not_found(&id));
    }
    let modules = hub
        .registry()
        .list()
        .iter()
        .filter(|r| r.device.id.module_id().is_some() && r.device.id.device() == id.as_str())
        .map(|r| identity(&hub, r))
        .collect();
    Ok(Json(modules))
}

/// The query of `GET /devices`.
#[derive(Deserialize)]
pub(super) struct ListQuery {
    top: Option<usize>,
}

/// `GET /devices?top=N`: device identities (not modules), ordered by id,
/// at most `top` (at most [`LIST_MAX`], as the service has it).
pub(super) async fn list(
    State(hub): State<Hub>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<Vec<Value>>, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let top = query
        .top
        .filter(|n| (1..=LIST_MAX).contains(n))
        .unwrap_or(LIST_MAX);
    let devices = hub
        .registry()
        .list()
        .iter()
        .filter(|r| r.device.id.module_id().is_none())
        .take(top)
        .map(|r| identity(&hub, r))
        .collect();
    Ok(Json(devices))
}
