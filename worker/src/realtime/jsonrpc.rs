//! JSON-RPC 2.0 over the `/mcp` WebSocket: reading requests, answering them, and the notification that
//! carries dashboard events.
//!
//! Pure functions of text, so every rule of the specification is tested natively.

use serde_json::{json, Value};

use crate::store::DashboardEvent;

const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;
const METHOD_NOT_FOUND: i64 = -32601;

/// The method of the notification that carries a dashboard event.
pub const DASHBOARD_NOTIFICATION: &str = "notifications/dashboard";

/// The answer to one WebSocket message, or `None` when it holds only notifications (which get none).
pub fn answer(text: &str) -> Option<String> {
    let message: Value = match serde_json::from_str(text) {
        Ok(message) => message,
        Err(_) => return Some(error(Value::Null, PARSE_ERROR, "Parse error: the message is not JSON").to_string()),
    };
    match message {
        Value::Array(batch) if batch.is_empty() => {
            Some(error(Value::Null, INVALID_REQUEST, "Invalid Request: the batch is empty").to_string())
        }
        Value::Array(batch) => {
            let answers: Vec<Value> = batch.into_iter().filter_map(answer_one).collect();
            (!answers.is_empty()).then(|| Value::Array(answers).to_string())
        }
        single => answer_one(single).map(|answer| answer.to_string()),
    }
}

/// A JSON-RPC notification announcing `event` to a socket.
pub fn notification(event: &DashboardEvent) -> serde_json::Result<String> {
    serde_json::to_string(&json!({"jsonrpc": "2.0", "method": DASHBOARD_NOTIFICATION, "params": event}))
}

/// Answers one request object; a notification (no `id`) gets no answer, even when it fails.
fn answer_one(message: Value) -> Option<Value> {
    let request = match Request::read(&message) {
        Ok(request) => request,
        Err(id) => return Some(error(id, INVALID_REQUEST, "Invalid Request: expected a JSON-RPC 2.0 request object")),
    };
    let outcome = match request.method {
        // MCP's liveness check: an empty result.
        "ping" => Ok(json!({})),
        other => Err((METHOD_NOT_FOUND, format!("Method not found: {other}"))),
    };
    let id = request.id?;
    Some(match outcome {
        Ok(result) => json!({"jsonrpc": "2.0", "id": id, "result": result}),
        Err((code, message)) => error(id, code, &message),
    })
}

/// The parts of a valid request this server uses.
struct Request<'a> {
    method: &'a str,
    /// `None` for a notification.
    id: Option<Value>,
}

impl<'a> Request<'a> {
    /// Checks the request object; on failure returns the id to answer with (null when it is unusable).
    fn read(message: &'a Value) -> Result<Self, Value> {
        let Value::Object(object) = message else { return Err(Value::Null) };
        let id = match object.get("id") {
            None => None,
            Some(id @ (Value::String(_) | Value::Number(_) | Value::Null)) => Some(id.clone()),
            Some(_) => return Err(Value::Null),
        };
        let reply_id = || id.clone().unwrap_or(Value::Null);
        if object.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
            return Err(reply_id());
        }
        let Some(method) = object.get("method").and_then(Value::as_str) else { return Err(reply_id()) };
        if !matches!(object.get("params"), None | Some(Value::Object(_) | Value::Array(_))) {
            return Err(reply_id());
        }
        Ok(Self { method, id })
    }
}

fn error(id: Value, code: i64, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Value {
        serde_json::from_str(&answer(text).expect("an answer")).expect("the answer is JSON")
    }

    #[test]
    fn ping_answers_an_empty_result_with_the_same_id() {
        assert_eq!(parsed(r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#), json!({"jsonrpc":"2.0","id":1,"result":{}}));
        assert_eq!(parsed(r#"{"jsonrpc":"2.0","id":"a","method":"ping"}"#)["id"], json!("a"));
    }

    #[test]
    fn text_that_is_not_json_is_a_parse_error_without_id() {
        let answer = parsed("not json");
        assert_eq!(answer["error"]["code"], json!(PARSE_ERROR));
        assert_eq!(answer["id"], Value::Null);
    }

    #[test]
    fn malformed_requests_are_invalid() {
        for (text, id) in [
            (r#"{"id":4,"method":"ping"}"#, json!(4)),
            (r#"{"jsonrpc":"1.0","id":4,"method":"ping"}"#, json!(4)),
            (r#"{"jsonrpc":"2.0","id":4}"#, json!(4)),
            (r#"{"jsonrpc":"2.0","id":4,"method":"ping","params":3}"#, json!(4)),
            (r#"{"jsonrpc":"2.0","id":{},"method":"ping"}"#, Value::Null),
            ("42", Value::Null),
            ("[]", Value::Null),
        ] {
            let answer = parsed(text);
            assert_eq!(answer["error"]["code"], json!(INVALID_REQUEST), "{text}");
            assert_eq!(answer["id"], id, "{text}");
        }
    }

    #[test]
    fn unknown_methods_are_not_found() {
        let answer = parsed(r#"{"jsonrpc":"2.0","id":7,"method":"e2e/unknown"}"#);
        assert_eq!(answer["error"]["code"], json!(METHOD_NOT_FOUND));
        assert_eq!(answer["id"], json!(7));
    }

    #[test]
    fn notifications_get_no_answer() {
        assert_eq!(answer(r#"{"jsonrpc":"2.0","method":"ping"}"#), None);
        assert_eq!(answer(r#"{"jsonrpc":"2.0","method":"e2e/unknown"}"#), None);
    }

    #[test]
    fn batches_answer_each_request() {
        let answer = parsed(r#"[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"ping"},5]"#);
        let answers = answer.as_array().expect("a batch answer");
        assert_eq!(answers.len(), 2);
        assert_eq!(answers[0]["result"], json!({}));
        assert_eq!(answers[1]["error"]["code"], json!(INVALID_REQUEST));
        assert_eq!(super::answer(r#"[{"jsonrpc":"2.0","method":"ping"}]"#), None);
    }
}
