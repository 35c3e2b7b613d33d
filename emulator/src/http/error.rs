//! The service API's errors and JSON bodies: every error answers
//! `{"error": KIND, "reason": TEXT, "Message": "ErrorCode:CODE;TEXT",
//! "ExceptionMessage": ""}` with its HTTP status and the header
//! `iothub-errorcode: CODE` (the service's error code, which its SDKs turn
//! into their typed errors), and no error ever repeats a request's values
//! (they may hold keys): quoted text in parser messages is replaced by
//! `"…"`.

use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::redact::scrub;
use crate::registry::{DeviceId, DeviceIdError};
use crate::store::StoreError;

/// An error answer of the service API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// A stable kind (`badRequest`, `deviceNotFound`, …).
    pub error: &'static str,
    /// What is wrong, for people.
    pub reason: String,
}

impl ApiError {
    /// An error with `status`, `kind` and `reason`.
    pub fn new(status: StatusCode, error: &'static str, reason: impl Into<String>) -> Self {
        Self {
            status,
            error,
            reason: reason.into(),
        }
    }

    /// 401 `unauthorized`: no valid token, or a policy without the
    /// permission.
    pub fn unauthorized(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", reason)
    }

    /// The service's error code for this error (the `iothub-errorcode`
    /// header).
    pub fn error_code(&self) -> &'static str {
        match self.error {
            "unauthorized" => "IotHubUnauthorizedAccess",
            "deviceNotFound" => "DeviceNotFound",
            "moduleNotFound" => "ModuleNotFound",
            "moduleAlreadyExists" => "ModuleAlreadyExistsOnDevice",
            "deviceAlreadyExists" => "DeviceAlreadyExists",
            "preconditionFailed" => "PreconditionFailed",
            "payloadTooLarge" => "MessageTooLarge",
            "queueFull" => "DeviceMaximumQueueDepthExceeded",
            _ if self.status.is_server_error() => "ServerError",
            _ => "ArgumentInvalid",
        }
    }

    /// 400 `badRequest`.
    pub fn bad_request(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "badRequest", reason)
    }

    /// 404 for `id`: `moduleNotFound` for a module, else `deviceNotFound`.
    pub fn not_found(id: &DeviceId) -> Self {
        match id.module_id() {
            Some(module) => Self::new(
                StatusCode::NOT_FOUND,
                "moduleNotFound",
                format!(
                    "module `{module}` of device `{}` is not registered",
                    id.device()
                ),
            ),
            None => Self::device_not_found(id.as_str()),
        }
    }

    /// 404 `deviceNotFound`.
    pub fn device_not_found(id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "deviceNotFound",
            format!("device `{id}` is not registered"),
        )
    }

    /// An error for a rejected extraction, keeping its status (413 for a
    /// body over the limit, 400 otherwise).
    fn rejected(status: StatusCode, reason: &str) -> Self {
        let error = match status {
            StatusCode::PAYLOAD_TOO_LARGE => "payloadTooLarge",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupportedMediaType",
            s if s.is_server_error() => "serverError",
            _ => "badRequest",
        };
        Self::new(status, error, scrub(reason))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let code = self.error_code();
        let body = json!({
            "error": self.error,
            "reason": self.reason,
            "Message": format!("ErrorCode:{code};{}", self.reason),
            "ExceptionMessage": "",
        });
        (self.status, [("iothub-errorcode", code)], Json(body)).into_response()
    }
}

impl From<DeviceIdError> for ApiError {
    fn from(error: DeviceIdError) -> Self {
        Self::bad_request(format!("bad device id: {error}"))
    }
}

/// 500 `stateNotWritten`: the change was not made durable, so it is not
/// acknowledged.
impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "stateNotWritten",
            error.to_string(),
        )
    }
}

impl From<BytesRejection> for ApiError {
    fn from(rejection: BytesRejection) -> Self {
        let status = rejection.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            return Self::rejected(status, "the request body is larger than this route allows");
        }
        Self::rejected(status, &rejection.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        Self::rejected(StatusCode::BAD_REQUEST, &rejection.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        Self::rejected(StatusCode::BAD_REQUEST, &rejection.body_text())
    }
}

/// 404 for a path no route serves.
pub async fn no_route() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "notFound", "no such resource")
}

/// 405 for a method a route does not serve.
pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "methodNotAllowed",
        "this resource does not support this method",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_hides_quoted_values() {
        assert_eq!(
            scrub(r#"invalid type: string "c2VjcmV0", expected a map"#),
            r#"invalid type: string "…", expected a map"#
        );
    }

    #[test]
    fn rejections_keep_their_status() {
        let error = ApiError::rejected(StatusCode::PAYLOAD_TOO_LARGE, "too big");
        assert_eq!(error.error, "payloadTooLarge");
        assert_eq!(
            ApiError::rejected(StatusCode::BAD_REQUEST, "x").error,
            "badRequest"
        );
    }
}
