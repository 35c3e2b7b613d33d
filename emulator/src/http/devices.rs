//! `PUT /devices/{id}` and `GET /devices/{id}`: device identities.
//!
//! The body of a PUT is
//! `{"authentication":{"type":"sas","symmetricKey":{"primaryKey":B64,"secondaryKey":B64}}}`
//! or `{"authentication":{"type":"selfSigned","x509Thumbprint":{"primaryThumbprint":HEX,"secondaryThumbprint":HEX}}}`,
//! optionally with `"deviceId"` (which must be the path's). Answers show
//! the identity without its keys: `{"deviceId","authentication":{"type"…},"connectionState"}`
//! (thumbprints are shown; they are not secrets).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{ApiError, JsonBody, PathId, Registered};
use crate::hub::Hub;
use crate::registry::{Authentication, Device, DeviceId, Key, PutOutcome, Thumbprint};

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(super) struct PutBody {
    device_id: Option<String>,
    authentication: AuthenticationBody,
}

#[derive(Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    deny_unknown_fields,
    expecting = "an object with `type` (`sas` or `selfSigned`) and its keys or thumbprints"
)]
enum AuthenticationBody {
    #[serde(rename_all = "camelCase")]
    Sas { symmetric_key: SymmetricKey },
    #[serde(rename_all = "camelCase")]
    SelfSigned { x509_thumbprint: Thumbprints },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct SymmetricKey {
    primary_key: String,
    secondary_key: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Thumbprints {
    primary_thumbprint: String,
    secondary_thumbprint: String,
}

/// The lengths of a symmetric key the service accepts, in bytes (decoded).
pub const KEY_BYTES: std::ops::RangeInclusive<usize> = 16..=64;

impl AuthenticationBody {
    fn into_authentication(self) -> Result<Authentication, ApiError> {
        let key = |name: &str, text: &str| {
            let key = Key::from_base64(text)
                .map_err(|e| ApiError::bad_request(format!("bad `{name}`: {e}")))?;
            let length = key.expose_bytes().len();
            if !KEY_BYTES.contains(&length) {
                return Err(ApiError::bad_request(format!(
                    "bad `{name}`: the key has {length} bytes; the service takes keys of {} to {} bytes",
                    KEY_BYTES.start(),
                    KEY_BYTES.end()
                )));
            }
            Ok(key)
        };
        let thumbprint = |name: &str, text: &str| {
            Thumbprint::new(text).map_err(|e| ApiError::bad_request(format!("bad `{name}`: {e}")))
        };
        Ok(match self {
            Self::Sas { symmetric_key } => Authentication::Sas {
                primary: key("primaryKey", &symmetric_key.primary_key)?,
                secondary: key("secondaryKey", &symmetric_key.secondary_key)?,
            },
            Self::SelfSigned { x509_thumbprint } => Authentication::SelfSigned {
                primary_thumbprint: thumbprint(
                    "primaryThumbprint",
                    &x509_thumbprint.primary_thumbprint,
                )?,
                secondary_thumbprint: thumbprint(
                    "secondaryThumbprint",
                    &x509_thumbprint.secondary_thumbprint,
                )?,
            },
        })
    }
}

/// The identity of `id` as answers show it: no keys.
fn identity(hub: &Hub, id: &DeviceId, authentication: &Authentication) -> Value {
    let authentication = match authentication {
        Authentication::Sas { .. } => json!({ "type": "sas" }),
        Authentication::SelfSigned {
            primary_thumbprint,
            secondary_thumbprint,
        } => json!({
            "type": "selfSigned",
            "x509Thumbprint": {
                "primaryThumbprint": primary_thumbprint.as_str(),
                "secondaryThumbprint": secondary_thumbprint.as_str(),
            },
        }),
    };
    let state = hub.connections().get(id);
    let connected = state.is_some_and(|s| s.connected);
    let mut body = json!({
        "deviceId": id.as_str(),
        "authentication": authentication,
        "connectionState": if connected { "Connected" } else { "Disconnected" },
    });
    if let Some(state) = state {
        body["connectionStateUpdatedTime"] = state.since.as_millis().into();
        body["lastActivityTime"] = state.last_activity.as_millis().into();
    }
    body
}

/// `PUT /devices/{id}`: creates (201) or updates (200) a device identity.
pub(super) async fn put(
    State(hub): State<Hub>,
    PathId(id): PathId,
    JsonBody(body): JsonBody<PutBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    if let Some(named) = body.device_id.as_deref() {
        if named != id.as_str() {
            return Err(ApiError::bad_request(
                "`deviceId` in the body differs from the device id in the path",
            ));
        }
    }
    let authentication = body.authentication.into_authentication()?;
    let shown = identity(&hub, &id, &authentication);
    let (outcome, commit) = hub
        .registry()
        .put_with_commit(Device::new(id.clone(), authentication));
    commit.wait().await?;
    let status = match outcome {
        PutOutcome::Created { .. } => StatusCode::CREATED,
        PutOutcome::Updated { .. } => StatusCode::OK,
    };
    tracing::info!(device = %id, created = status == StatusCode::CREATED, "device identity put");
    Ok((status, Json(shown)))
}

/// `GET /devices/{id}`: the identity and its connection state.
pub(super) async fn get(
    State(hub): State<Hub>,
    Registered(id): Registered,
) -> Result<Json<Value>, ApiError> {
    let registered = hub
        .registry()
        .get(&id)
        .ok_or_else(|| ApiError::device_not_found(id.as_str()))?;
    Ok(Json(identity(&hub, &id, &registered.device.authentication)))
}
