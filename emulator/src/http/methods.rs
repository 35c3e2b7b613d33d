//! `POST /twins/{id}/methods` (and `/twins/{id}/modules/{mid}/methods`)
//! `{"methodName","payload","responseTimeoutInSeconds","connectTimeoutInSeconds"}`,
//! as the service SDKs send it: a direct method call (the emulator does
//! not wait for a device to connect: one that is not is Target
//! Unavailable at once; fields it does not know are ignored). `200 {"status":<response-code>,"payload":…}` when
//! the device answers; otherwise the spec's outcome as its status code:
//! Target Unavailable (404), Target Timeout (504), Target Failed (502). A
//! request payload over [`MAX_PAYLOAD_BYTES`] (the service's 128 KB) is
//! 413; a device's answer over it is Target Failed.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use bytes::Bytes;
use iothub_client::status::StatusCode as _;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{ApiError, JsonBody, Registered};
use crate::hub::Hub;
use crate::methods::MethodError;

/// The longest response timeout a call may ask for, in seconds.
pub const MAX_TIMEOUT_SECONDS: u64 = 300;
/// The response timeout when a call gives none, in seconds.
pub const DEFAULT_TIMEOUT_SECONDS: u64 = 30;
/// The largest request or response payload of a direct method, in bytes:
/// the service's 128 KB.
pub const MAX_PAYLOAD_BYTES: usize = 128 * 1024;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CallBody {
    method_name: String,
    #[serde(default)]
    payload: Value,
    #[serde(default)]
    response_timeout_in_seconds: Option<u64>,
}

/// `POST /twins/{id}/methods`.
pub(super) async fn call(
    State(hub): State<Hub>,
    Registered(id): Registered,
    JsonBody(body): JsonBody<CallBody>,
) -> Result<Response, ApiError> {
    let timeout = body
        .response_timeout_in_seconds
        .unwrap_or(DEFAULT_TIMEOUT_SECONDS);
    if timeout == 0 || timeout > MAX_TIMEOUT_SECONDS {
        return Err(ApiError::bad_request(format!(
            "responseTimeoutInSeconds must be 1 to {MAX_TIMEOUT_SECONDS}"
        )));
    }
    // The method name is a topic segment: the generated topic builder says
    // whether it can be one.
    iothub_client::api::receive_direct_methods::topic(&body.method_name)
        .map_err(|e| ApiError::bad_request(format!("methodName: {e}")))?;
    let payload =
        serde_json::to_vec(&body.payload).map_err(|e| ApiError::bad_request(e.to_string()))?;
    if payload.len() > MAX_PAYLOAD_BYTES {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payloadTooLarge",
            format!(
                "the method payload has {} bytes; at most {MAX_PAYLOAD_BYTES} are allowed",
                payload.len()
            ),
        ));
    }
    let outcome = hub
        .methods()
        .invoke(
            &id,
            &body.method_name,
            Bytes::from(payload),
            Duration::from_secs(timeout),
        )
        .await;
    // A device's answer over the limit fails the call, as the service's does.
    let outcome = outcome.and_then(|answer| {
        if answer.payload.len() > MAX_PAYLOAD_BYTES {
            Err(MethodError::Failed(format!(
                "the device's response payload has {} bytes; at most {MAX_PAYLOAD_BYTES} are allowed",
                answer.payload.len()
            )))
        } else {
            Ok(answer)
        }
    });
    Ok(match outcome {
        Ok(answer) => {
            // A payload that is not JSON is returned as a string.
            let payload: Value = serde_json::from_slice(&answer.payload).unwrap_or_else(|_| {
                Value::String(String::from_utf8_lossy(&answer.payload).into_owned())
            });
            (
                StatusCode::OK,
                Json(json!({ "status": answer.response_code, "payload": payload })),
            )
                .into_response()
        }
        Err(error) => {
            let http = match error {
                MethodError::Unreachable(_) => StatusCode::NOT_FOUND,
                MethodError::Timeout(_) => StatusCode::GATEWAY_TIMEOUT,
                MethodError::Failed(_) => StatusCode::BAD_GATEWAY,
            };
            tracing::info!(device = %id, method = %body.method_name, %error, "direct method failed");
            // The service's error code, in its header and `Message`.
            let code = match error {
                MethodError::Unreachable(_) => "DeviceNotOnline",
                MethodError::Timeout(_) => "GatewayTimeout",
                MethodError::Failed(_) => "BadGateway",
            };
            let body = json!({
                "status": error.status().to_text(),
                "reason": error.to_string(),
                "Message": format!("ErrorCode:{code};{error}"),
                "ExceptionMessage": "",
            });
            (http, [("iothub-errorcode", code)], Json(body)).into_response()
        }
    })
}
