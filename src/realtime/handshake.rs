//! The request that opened a socket is kept for the socket's whole life. Its URI and header
//! values are slices of the connection's 8 KiB read buffer, which they would keep allocated
//! for every idle socket; copying them out lets the buffer go when the connection upgrades.
//! Only the headers the socket layer reads are kept (the request's span, its limits and its
//! origin check ran before, on the whole request): a browser's dozen headers and cookies
//! would otherwise cost each idle socket a kilobyte or more. A socket handler that needs
//! another header adds it to `KEPT`.

use axum::extract::Request;
use axum::http::header::{CONTENT_TYPE, SEC_WEBSOCKET_KEY};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Uri};

/// Where Socket.IO requests arrive.
const SOCKET_PATH: &str = "/socket.io";

/// The headers the socket layer reads: the WebSocket upgrade's key, a polling body's type.
const KEPT: [HeaderName; 2] = [SEC_WEBSOCKET_KEY, CONTENT_TYPE];

/// For Socket.IO requests, the URI and the headers kept as their own small allocations.
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
    let mut out = HeaderMap::new();
    for name in KEPT {
        for value in headers.get_all(&name) {
            if let Ok(value) = HeaderValue::from_bytes(value.as_bytes()) {
                out.append(name.clone(), value);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(path: &str) -> Request {
        Request::builder()
            .uri(path)
            .header("cookie", "a=b")
            .header("user-agent", "Mozilla/5.0")
            .header(SEC_WEBSOCKET_KEY, "dGhlIHNhbXBsZSBub25jZQ==")
            .header(CONTENT_TYPE, "text/plain")
            .body(axum::body::Body::empty())
            .unwrap()
    }

    #[tokio::test]
    async fn a_socket_request_keeps_only_what_the_socket_layer_reads() {
        let req = detach_from_read_buffer(request("/socket.io/?EIO=4&transport=websocket")).await;
        assert_eq!(req.uri(), "/socket.io/?EIO=4&transport=websocket");
        assert_eq!(req.headers().len(), 2);
        assert_eq!(req.headers()[SEC_WEBSOCKET_KEY], "dGhlIHNhbXBsZSBub25jZQ==");
        assert_eq!(req.headers()[CONTENT_TYPE], "text/plain");
        let other = detach_from_read_buffer(request("/api/health")).await;
        assert_eq!(other.headers().len(), 4, "other requests are left alone");
    }
}
