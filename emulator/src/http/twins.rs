//! `GET /twins/{id}` and `PATCH /twins/{id}`: device twins as
//! `{"deviceId","version","properties":{"desired":{…,"$version":n},"reported":{…,"$version":m}}}`.
//! A PATCH body is `{"properties":{"desired":{…}}}`, a JSON merge patch of
//! the desired side (a connected, subscribed device is told); the reported
//! side belongs to the device.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::Value;

use super::{ApiError, JsonBody, Registered};
use crate::hub::{Hub, TwinError};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PatchBody {
    properties: PatchProperties,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PatchProperties {
    desired: Value,
}

/// `GET /twins/{id}`.
pub(super) async fn get(
    State(hub): State<Hub>,
    Registered(id): Registered,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(hub.twins().get(&id).to_json()))
}

/// `PATCH /twins/{id}`: merges the desired patch; answers the new twin.
pub(super) async fn patch(
    State(hub): State<Hub>,
    Registered(id): Registered,
    JsonBody(body): JsonBody<PatchBody>,
) -> Result<Json<Value>, ApiError> {
    let (version, commit) = hub
        .twins()
        .patch_desired_with_commit(&id, &body.properties.desired)
        .map_err(|error| match error {
            TwinError::BadRequest { reason } => ApiError::bad_request(reason),
            TwinError::NotWritten => ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "stateNotWritten",
                error.to_string(),
            ),
            other => ApiError::bad_request(other.to_string()),
        })?;
    commit.wait().await?;
    tracing::info!(device = %id, version, "desired properties patched");
    Ok(Json(hub.twins().get(&id).to_json()))
}
