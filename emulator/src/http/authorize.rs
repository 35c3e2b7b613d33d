//! Every request of the service API is authorized before anything else
//! reads it, as the service does it: a `SharedAccessSignature` token signed
//! with one of the hub's shared access policies
//! ([`access::token`](crate::access::token)), and the permission the route
//! needs:
//!
//! | route | permission (any one) |
//! | --- | --- |
//! | `GET /devices/{id}`, `GET /devices` (and modules: `…/modules/{mid}`, `GET /devices/{id}/modules`) | RegistryRead |
//! | `PUT`, `DELETE /devices/{id}` (and `…/modules/{mid}`) | RegistryWrite |
//! | `GET /twins/{id}` (and `…/modules/{mid}`) | ServiceConnect, RegistryRead |
//! | `PATCH` and `PUT /twins/{id}` (and `…/modules/{mid}`) | ServiceConnect |
//! | `POST /twins/{id}/methods` (and `…/modules/{mid}/methods`) | ServiceConnect |
//! | `GET`, `POST /devices/{id}/messages/deviceBound` | ServiceConnect |
//! | `GET /messages/events`, `GET /messages/events/stream` | ServiceConnect |
//! | `POST /admin/reset`, `/admin/faults` | RegistryWrite |
//! | `POST /devices/query` | RegistryRead |
//! | `GET /health` | none (no token: it says only that the hub is up) |
//! | anything else | a valid token (then 404 or 405) |
//!
//! A missing, malformed, expired or wrongly signed token, and a policy
//! without the permission, are all 401 `IotHubUnauthorizedAccess`, as the
//! service answers them. A browser cannot send the header cross-origin
//! without a preflight, which is answered the same way (no CORS header is
//! ever sent), so a web page cannot reach the API.

use std::sync::Arc;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use iothub_client::wire::Timestamp;

use super::ApiError;
use crate::access::{token, Permission, TokenError};
use crate::hub::Hub;

/// What the middleware needs: the hub (its policies) and the one host name
/// it accepts, if set.
#[derive(Debug, Clone)]
pub(super) struct Gate {
    pub(super) hub: Hub,
    pub(super) hostname: Option<Arc<str>>,
}

/// The permissions of which a request to `route` (the matched route, if
/// any) with `method` needs one; empty when any valid token will do.
fn needed(method: &Method, route: Option<&str>) -> &'static [Permission] {
    use Permission::{RegistryRead, RegistryWrite, ServiceConnect};
    match (route, method.as_str()) {
        (
            Some(
                "/devices/{id}"
                | "/devices"
                | "/devices/{id}/modules"
                | "/devices/{id}/modules/{mid}",
            ),
            "GET",
        ) => &[RegistryRead],
        (Some("/devices/{id}" | "/devices/{id}/modules/{mid}"), "PUT" | "DELETE") => {
            &[RegistryWrite]
        }
        (Some("/twins/{id}" | "/twins/{id}/modules/{mid}"), "GET") => {
            &[ServiceConnect, RegistryRead]
        }
        (Some("/twins/{id}" | "/twins/{id}/modules/{mid}"), "PATCH" | "PUT") => &[ServiceConnect],
        (Some("/twins/{id}/methods" | "/twins/{id}/modules/{mid}/methods"), "POST") => {
            &[ServiceConnect]
        }
        (Some("/devices/{id}/messages/deviceBound"), "GET" | "POST") => &[ServiceConnect],
        (Some("/messages/events" | "/messages/events/stream"), "GET") => &[ServiceConnect],
        (Some("/admin/reset"), "POST") => &[RegistryWrite],
        (Some("/admin/faults"), "POST" | "GET" | "DELETE") => &[RegistryWrite],
        (Some("/devices/query"), "POST") => &[RegistryRead],
        _ => &[],
    }
}

fn now_seconds() -> u64 {
    Timestamp::now().as_millis() / 1000
}

/// The middleware: 401 unless the request's token verifies and its policy
/// grants what the route needs.
pub(super) async fn authorize(State(gate): State<Gate>, request: Request, next: Next) -> Response {
    let needed = needed(
        request.method(),
        request
            .extensions()
            .get::<MatchedPath>()
            .map(MatchedPath::as_str),
    );
    let header = request
        .headers()
        .get(AUTHORIZATION)
        .map(|value| value.to_str().unwrap_or(""));
    let policies = gate.hub.registry().policies();
    let verified = token::verify(
        header,
        &policies,
        gate.hostname.as_deref(),
        request.uri().path(),
        now_seconds(),
    )
    .and_then(|grant| {
        if needed.is_empty() || needed.iter().any(|p| grant.permissions.contains(*p)) {
            Ok(grant)
        } else {
            let needed: Vec<&str> = needed.iter().map(|p| p.name()).collect();
            Err(TokenError::Forbidden {
                policy: grant.policy,
                granted: grant.permissions,
                needed: needed.join(" or "),
            })
        }
    });
    match verified {
        Ok(grant) => {
            tracing::trace!(policy = %grant.policy, method = %request.method(), "authorized");
            next.run(request).await
        }
        Err(error) => {
            tracing::debug!(method = %request.method(), reason = %error, "unauthorized");
            ApiError::unauthorized(error.to_string()).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_needs_a_permission_and_writes_need_more_than_reads() {
        let routes = [
            ("/devices", "GET"),
            ("/devices/{id}", "GET"),
            ("/devices/{id}", "PUT"),
            ("/devices/{id}", "DELETE"),
            ("/twins/{id}", "GET"),
            ("/twins/{id}", "PATCH"),
            ("/twins/{id}", "PUT"),
            ("/twins/{id}/methods", "POST"),
            ("/devices/{id}/modules", "GET"),
            ("/devices/{id}/modules/{mid}", "GET"),
            ("/devices/{id}/modules/{mid}", "PUT"),
            ("/devices/{id}/modules/{mid}", "DELETE"),
            ("/twins/{id}/modules/{mid}", "GET"),
            ("/twins/{id}/modules/{mid}", "PATCH"),
            ("/twins/{id}/modules/{mid}", "PUT"),
            ("/twins/{id}/modules/{mid}/methods", "POST"),
            ("/devices/{id}/messages/deviceBound", "GET"),
            ("/devices/{id}/messages/deviceBound", "POST"),
            ("/messages/events", "GET"),
            ("/messages/events/stream", "GET"),
            ("/admin/reset", "POST"),
            ("/admin/faults", "POST"),
            ("/admin/faults", "GET"),
            ("/admin/faults", "DELETE"),
            ("/devices/query", "POST"),
        ];
        for (route, method) in routes {
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            assert!(!needed(&method, Some(route)).is_empty(), "{method} {route}");
        }
        assert_eq!(
            needed(&Method::PUT, Some("/devices/{id}")),
            [Permission::RegistryWrite]
        );
        assert!(!needed(&Method::PATCH, Some("/twins/{id}")).contains(&Permission::RegistryRead));
        assert!(needed(&Method::GET, None).is_empty());
    }
}
