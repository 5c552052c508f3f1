//! The `/mcp` WebSocket, accepted through the hibernation API: the runtime holds the sockets, so the
//! instance may be evicted between messages and every handler works from the socket it is given.

use codegen_runtime::{ApiError, ErrorCode};
use worker::{Request, Response, State, WebSocket, WebSocketIncomingMessage, WebSocketPair};

use super::jsonrpc;
use crate::store::DashboardEvent;

/// Accepts a WebSocket upgrade; any other request is told to upgrade.
pub fn upgrade(state: &State, request: &Request) -> worker::Result<Response> {
    let upgrade = request.headers().get("Upgrade")?.unwrap_or_default();
    if !upgrade.eq_ignore_ascii_case("websocket") {
        // The runtime has no "upgrade required" code; the problem is the request's Upgrade header.
        return ApiError::new(426, ErrorCode::InvalidParameter, "expected a WebSocket upgrade (Upgrade: websocket)")
            .at("header.Upgrade")
            .into_response()
            .into_worker();
    }
    let pair = WebSocketPair::new()?;
    state.accept_web_socket(&pair.server);
    Response::from_websocket(pair.client)
}

/// Answers a JSON-RPC message. A send that fails means the client is gone; its close event follows.
pub fn on_message(socket: &WebSocket, message: WebSocketIncomingMessage) {
    let answer = match message {
        WebSocketIncomingMessage::String(text) => jsonrpc::answer(&text),
        // JSON-RPC is text; a binary frame is read as UTF-8 and is a parse error otherwise.
        WebSocketIncomingMessage::Binary(bytes) => jsonrpc::answer(&String::from_utf8_lossy(&bytes)),
    };
    if let Some(answer) = answer {
        if let Err(error) = socket.send_with_str(&answer) {
            worker::console_warn!("cannot answer on the MCP socket: {error}");
        }
    }
}

/// Completes the closing handshake the client started.
pub fn on_close(socket: &WebSocket, code: usize, reason: &str) {
    // 1005 (no status), 1006 (abnormal) and 1015 (TLS) describe a close but may not be sent in one.
    let sendable = |code: &u16| matches!(code, 1000..=1003 | 1007..=1014 | 3000..=4999);
    let code = u16::try_from(code).ok().filter(sendable).unwrap_or(1000);
    // The socket may already be closed (the runtime can answer the close itself); nothing is left to do then.
    let _ = socket.close(Some(code), Some(reason));
}

/// Sends each event as a JSON-RPC notification to every accepted socket.
pub fn broadcast<'a>(state: &State, events: impl IntoIterator<Item = &'a DashboardEvent>) {
    let sockets = state.get_websockets();
    if sockets.is_empty() {
        return;
    }
    for event in events {
        let notification = match jsonrpc::notification(event) {
            Ok(notification) => notification,
            Err(error) => {
                worker::console_warn!("cannot serialize a {} notification: {error}", event.name());
                continue;
            }
        };
        for socket in &sockets {
            // A socket that is closing refuses the send; its close event removes it.
            let _ = socket.send_with_str(&notification);
        }
    }
}
