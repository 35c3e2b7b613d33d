//! `POST /devices/query` `{"query": "SELECT * FROM devices WHERE …"}`: the
//! twins of the devices the query selects (see [`crate::query`] for the
//! language the emulator answers), by device id, as `GET /twins/{id}`
//! shows them; at most `x-ms-max-item-count` (default 100, at most 1000)
//! at a time, the next page from the `x-ms-continuation` the previous one
//! gave. Answers carry `x-ms-item-type: twin`. A query the emulator does
//! not answer is 400 with what and where.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine as _;
use serde::Deserialize;
use serde_json::Value;

use super::{twins, ApiError, JsonBody};
use crate::hub::Hub;
use crate::query::Query;

/// Twins a page holds when the caller says nothing.
pub const DEFAULT_PAGE: usize = 100;
/// Twins a page holds at most.
pub const MAX_PAGE: usize = 1000;

#[derive(Deserialize)]
pub(super) struct QueryBody {
    query: String,
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Result<Option<&'h str>, ApiError> {
    headers
        .get(name)
        .map(|v| {
            v.to_str()
                .map_err(|_| ApiError::bad_request(format!("`{name}` is not text")))
        })
        .transpose()
}

/// `POST /devices/query`.
pub(super) async fn query(
    State(hub): State<Hub>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<QueryBody>,
) -> Result<Response, ApiError> {
    let query =
        Query::parse(&body.query).map_err(|e| ApiError::bad_request(format!("the query: {e}")))?;
    let page = match header(&headers, "x-ms-max-item-count")? {
        None => DEFAULT_PAGE,
        Some(text) => text
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_PAGE).contains(n))
            .ok_or_else(|| {
                ApiError::bad_request(format!("`x-ms-max-item-count` must be 1 to {MAX_PAGE}"))
            })?,
    };
    let after = match header(&headers, "x-ms-continuation")? {
        None | Some("") => None,
        Some(token) => Some(
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(token.trim())
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .ok_or_else(|| ApiError::bad_request("`x-ms-continuation` is not one of ours"))?,
        ),
    };
    let mut selected = Vec::new();
    let mut more = false;
    for registered in hub.registry().list() {
        let id = &registered.device.id;
        if id.module_id().is_some() || after.as_deref().is_some_and(|a| id.as_str() <= a) {
            continue;
        }
        let twin = twins::document(&hub, &hub.twins().get(id));
        if !query.matches(&twin) {
            continue;
        }
        if selected.len() == page {
            more = true;
            break;
        }
        selected.push((id.as_str().to_owned(), twin));
    }
    let next = more
        .then(|| selected.last().map(|(id, _)| id.clone()))
        .flatten()
        .map(|id| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(id));
    let items: Vec<Value> = selected.into_iter().map(|(_, twin)| twin).collect();
    let mut response = Json(items).into_response();
    let headers = response.headers_mut();
    headers.insert("x-ms-item-type", HeaderValue::from_static("twin"));
    if let Some(next) = next.and_then(|n| HeaderValue::from_str(&n).ok()) {
        headers.insert("x-ms-continuation", next);
    }
    Ok(response)
}
