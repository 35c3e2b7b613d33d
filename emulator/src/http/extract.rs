//! The service API's extractors, which run in this order and answer with
//! [`ApiError`]s: [`PathId`] (the path's device id: 400 if it is not one)
//! or [`Registered`] (also 404 if unregistered), then the body, [`Payload`] (raw) or [`JsonBody`]
//! (JSON): 413 when the announced `content-length` is over the route's
//! limit (answered before reading anything), or when a body without one
//! grows past it; 415 for a JSON route given another content type, or none.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use super::ApiError;
use crate::hub::Hub;
use crate::redact::scrub;
use crate::registry::DeviceId;

/// The `{id}` of the path as a device id, or with `{mid}` as a module's
/// (`device/module`, as the registry keeps modules), registered or not.
#[derive(Debug, Clone)]
pub struct PathId(pub DeviceId);

impl FromRequestParts<Hub> for PathId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, hub: &Hub) -> Result<Self, ApiError> {
        let Path(params) =
            Path::<std::collections::BTreeMap<String, String>>::from_request_parts(parts, hub)
                .await?;
        let device = params
            .get("id")
            .ok_or_else(|| ApiError::bad_request("the path names no device"))?;
        let device = DeviceId::new(device.as_str())?;
        match params.get("mid") {
            None => Ok(Self(device)),
            Some(module) => Ok(Self(DeviceId::module(&device, module)?)),
        }
    }
}

/// The `{id}` of the path, as a registered device's id.
#[derive(Debug, Clone)]
pub struct Registered(pub DeviceId);

impl FromRequestParts<Hub> for Registered {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, hub: &Hub) -> Result<Self, ApiError> {
        let PathId(id) = PathId::from_request_parts(parts, hub).await?;
        if hub.registry().get(&id).is_none() {
            return Err(ApiError::not_found(&id));
        }
        Ok(Self(id))
    }
}

/// A raw body of at most `LIMIT` bytes (the route's `DefaultBodyLimit`
/// must be the same, for bodies without a `content-length`).
#[derive(Debug, Clone)]
pub struct Payload<const LIMIT: usize>(pub Bytes);

/// 413 if `headers` announce more than `limit` bytes.
fn check_length(headers: &HeaderMap, limit: usize) -> Result<(), ApiError> {
    let announced = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    match announced {
        Some(length) if length > limit as u64 => Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payloadTooLarge",
            format!("the body has {length} bytes; this route takes at most {limit}"),
        )),
        _ => Ok(()),
    }
}

/// How long a request's body may take to arrive (set by the router).
#[derive(Debug, Clone, Copy)]
pub struct BodyTimeout(pub std::time::Duration);

/// The request's body, within its [`BodyTimeout`] (408 past it).
async fn body(request: Request, hub: &Hub) -> Result<Bytes, ApiError> {
    let timeout = request
        .extensions()
        .get::<BodyTimeout>()
        .map_or(std::time::Duration::from_secs(30), |t| t.0);
    match tokio::time::timeout(timeout, Bytes::from_request(request, hub)).await {
        Ok(bytes) => Ok(bytes?),
        Err(_) => Err(ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "requestTimeout",
            format!("the request body did not arrive within {timeout:?}"),
        )),
    }
}

impl<const LIMIT: usize> FromRequest<Hub> for Payload<LIMIT> {
    type Rejection = ApiError;

    async fn from_request(request: Request, hub: &Hub) -> Result<Self, ApiError> {
        check_length(request.headers(), LIMIT)?;
        Ok(Self(body(request, hub).await?))
    }
}

/// A JSON body of type `T`, at most [`JSON_BODY_LIMIT`](super::JSON_BODY_LIMIT)
/// bytes. Any `content-type` but JSON (`application/json`, `…+json`) is
/// refused, and so is none at all: a browser sends a cross-origin request
/// without a preflight only with a form or text type, and the service
/// itself wants `application/json`.
#[derive(Debug, Clone)]
pub struct JsonBody<T>(pub T);

fn is_json(headers: &HeaderMap) -> bool {
    let Some(content_type) = headers.get(CONTENT_TYPE) else {
        return false;
    };
    let essence = content_type
        .to_str()
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

impl<T: DeserializeOwned> FromRequest<Hub> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, hub: &Hub) -> Result<Self, ApiError> {
        check_length(request.headers(), super::JSON_BODY_LIMIT)?;
        if !is_json(request.headers()) {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupportedMediaType",
                "the body must be JSON (`content-type: application/json`)",
            ));
        }
        let bytes = body(request, hub).await?;
        serde_json::from_slice(&bytes).map(Self).map_err(|error| {
            ApiError::bad_request(format!("malformed JSON: {}", scrub(&error.to_string())))
        })
    }
}
