//! Answers to client events: the acknowledgement when the client asked for one, otherwise an
//! `error` event for failures.

use std::convert::Infallible;
use std::sync::Arc;

use serde_json::Value;
use socketioxide::adapter::Adapter;
use socketioxide::extract::{AckSender, SocketRef};
use socketioxide::handler::FromMessageParts;
use socketioxide::socket::Socket;

use crate::error::ApiResult;
use crate::fanout::events::ServerEvent;

pub struct Reply<A: Adapter> {
    ack: AckSender<A>,
    wanted: bool,
}

impl<A: Adapter> FromMessageParts<A> for Reply<A> {
    type Error = Infallible;
    fn from_message_parts(
        s: &Arc<Socket<A>>,
        v: &mut socketioxide::handler::Value,
        ack_id: &Option<i64>,
    ) -> Result<Self, Infallible> {
        Ok(Reply {
            ack: AckSender::from_message_parts(s, v, ack_id)?,
            wanted: ack_id.is_some(),
        })
    }
}

impl<A: Adapter> Reply<A> {
    /// `{ok: true, …result}` or `{ok: false, error, message}`.
    pub fn send(self, socket: &SocketRef<A>, result: ApiResult<Value>) {
        let sent = match result {
            Ok(mut body) => {
                body["ok"] = Value::Bool(true);
                self.ack.send(&body)
            }
            Err(e) => {
                if let crate::error::ApiError::Internal(cause) = &e {
                    tracing::error!(error = %format_args!("{cause:#}"), "internal error in socket event");
                }
                if self.wanted {
                    let mut body = serde_json::to_value(e.body()).expect("error bodies serialize");
                    body["ok"] = Value::Bool(false);
                    self.ack.send(&body)
                } else {
                    super::broadcast::emit_to(socket, &ServerEvent::Error(e.body()));
                    Ok(())
                }
            }
        };
        if let Err(e) = sent {
            tracing::debug!(socket = %socket.id, error = %e, "reply not delivered");
        }
    }
}
