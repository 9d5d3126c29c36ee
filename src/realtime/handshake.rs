//! The request that opened a socket is kept for the socket's whole life. Its URI and header
//! values are slices of the connection's 8 KiB read buffer, which they would keep allocated
//! for every idle socket; copying them out lets the buffer go when the connection upgrades.

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Uri};

/// Where Socket.IO requests arrive.
const SOCKET_PATH: &str = "/socket.io";

/// For Socket.IO requests, the URI and headers as their own small allocations.
pub async fn detach_from_read_buffer(mut req: Request) -> Request {
    if !req.uri().path().starts_with(SOCKET_PATH) {
        return req;
    }
    if let Ok(uri) = Uri::try_from(req.uri().to_string()) {
        *req.uri_mut() = uri;
    }
    let headers = std::mem::take(req.headers_mut());
    *req.headers_mut() = copied(headers);
    req
}

fn copied(headers: HeaderMap) -> HeaderMap {
    let mut out = HeaderMap::with_capacity(headers.len());
    let mut name = None;
    for (next, value) in headers {
        if next.is_some() {
            name = next;
        }
        let (Some(name), Ok(value)) = (&name, HeaderValue::from_bytes(value.as_bytes())) else {
            continue;
        };
        out.append(name.clone(), value);
    }
    out
}
