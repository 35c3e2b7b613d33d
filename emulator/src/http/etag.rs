//! Entity tags as the service API uses them: the `If-Match` a request
//! gives (none, the wildcard `*`, which the SDKs send quoted too, or a
//! tag, quoted or not, weak or not), and the `ETag` header of an answer.

use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::Response;

use super::ApiError;

/// What an `If-Match` header asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum IfMatch {
    /// No header.
    Absent,
    /// `*`: whatever is there.
    Any,
    /// Only what has this entity tag.
    Tag(String),
}

/// The `If-Match` of `headers`.
pub(super) fn if_match(headers: &HeaderMap) -> Result<IfMatch, ApiError> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(IfMatch::Absent);
    };
    let text = value
        .to_str()
        .map_err(|_| ApiError::bad_request("`If-Match` is not text"))?
        .trim();
    let text = text.strip_prefix("W/").unwrap_or(text);
    let tag = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text);
    // The SDKs quote the wildcard too (`"*"`).
    if tag == "*" {
        return Ok(IfMatch::Any);
    }
    Ok(IfMatch::Tag(tag.to_owned()))
}

/// `response` with `tag` as its `ETag` (quoted).
pub(super) fn tagged(mut response: Response, tag: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(&format!("\"{tag}\"")) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}
