//! A deadline for a whole request body. A body must arrive complete within the body timeout,
//! counted from when the request's headers were read: a client that trickles one byte at a
//! time does not restart the clock (a timeout between frames would let it hold the connection
//! for ever at a few bytes a minute).

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use http_body::{Body as _, Frame, SizeHint};
use tokio::time::Sleep;

/// A body that fails once its deadline has passed before its end.
pub struct Deadline {
    inner: Body,
    limit: Duration,
    expires: Pin<Box<Sleep>>,
}

/// Why a body was cut off.
#[derive(Debug, thiserror::Error)]
#[error("the request body was not received within {0:?}")]
pub struct TooSlow(Duration);

impl Deadline {
    /// Wraps a body whose whole content must arrive within `limit` from now.
    pub fn wrap(inner: Body, limit: Duration) -> Body {
        if inner.is_end_stream() {
            return inner;
        }
        Body::new(Deadline {
            inner,
            limit,
            expires: Box::pin(tokio::time::sleep(limit)),
        })
    }
}

impl http_body::Body for Deadline {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        if let Poll::Ready(frame) = Pin::new(&mut self.inner).poll_frame(cx) {
            return Poll::Ready(frame);
        }
        match self.expires.as_mut().poll(cx) {
            Poll::Ready(()) => {
                metrics::counter!("raasel_http_body_timeouts_total").increment(1);
                tracing::info!(limit = ?self.limit, "request body cut off: sent too slowly");
                Poll::Ready(Some(Err(axum::Error::new(TooSlow(self.limit)))))
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
