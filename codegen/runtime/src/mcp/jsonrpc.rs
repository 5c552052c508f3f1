//! JSON-RPC 2.0 as MCP uses it: parsing a POST body into messages, and writing responses.
//!
//! Results are JSON text, not values: most of them (tool and resource lists) are constants made by the
//! generator, so a response is assembled around them without parsing or re-serializing anything.

use serde_json::{Map, Value};

/// Error codes of JSON-RPC 2.0, and MCP's for a missing resource.
pub const PARSE_ERROR: i64 = -32700;
pub const INVALID_REQUEST: i64 = -32600;
pub const METHOD_NOT_FOUND: i64 = -32601;
pub const INVALID_PARAMS: i64 = -32602;
pub const INTERNAL_ERROR: i64 = -32603;
pub const RESOURCE_NOT_FOUND: i64 = -32002;

/// One message of a POST body.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// Expects a response with the same `id` (a string or an integer).
    Request { id: Value, method: String, params: Map<String, Value> },
    /// Expects nothing back.
    Notification { method: String },
    /// The client answering a request of ours; this server sends none, so these are accepted and dropped.
    Response,
    /// Not a JSON-RPC message: answered with an `INVALID_REQUEST` error (with its id when it had a usable one).
    Invalid { id: Value, reason: &'static str },
}

/// A POST body: one message, or a batch (an array) of them.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    pub messages: Vec<Message>,
    pub batch: bool,
}

/// Why a body is not JSON-RPC at all; answered with HTTP 400 and an error that has no id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub code: i64,
    pub message: &'static str,
}

pub fn parse(bytes: &[u8]) -> Result<Body, Unreadable> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|_| Unreadable { code: PARSE_ERROR, message: "Parse error: the body is not valid JSON" })?;
    match value {
        Value::Array(items) if items.is_empty() => {
            Err(Unreadable { code: INVALID_REQUEST, message: "Invalid Request: an empty batch" })
        }
        Value::Array(items) => Ok(Body { messages: items.into_iter().map(message).collect(), batch: true }),
        Value::Object(_) => Ok(Body { messages: vec![message(value)], batch: false }),
        _ => Err(Unreadable { code: INVALID_REQUEST, message: "Invalid Request: expected a JSON-RPC object" }),
    }
}

fn message(value: Value) -> Message {
    let Value::Object(mut object) = value else {
        return Message::Invalid { id: Value::Null, reason: "a message must be a JSON object" };
    };
    // MCP ids are strings or integers, never null; anything else cannot be answered by id.
    let id = match object.remove("id") {
        Some(id @ Value::String(_)) => Some(id),
        Some(Value::Number(n)) if n.is_i64() || n.is_u64() => Some(Value::Number(n)),
        Some(_) => return Message::Invalid { id: Value::Null, reason: "`id` must be a string or an integer" },
        None => None,
    };
    if object.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Message::Invalid { id: id.unwrap_or(Value::Null), reason: "`jsonrpc` must be \"2.0\"" };
    }
    let method = match object.remove("method") {
        Some(Value::String(method)) => method,
        Some(_) => return Message::Invalid { id: id.unwrap_or(Value::Null), reason: "`method` must be a string" },
        None if id.is_some() && (object.contains_key("result") || object.contains_key("error")) => {
            return Message::Response
        }
        None => return Message::Invalid { id: id.unwrap_or(Value::Null), reason: "`method` is missing" },
    };
    let params = match object.remove("params") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(params)) => params,
        Some(_) => return Message::Invalid { id: id.unwrap_or(Value::Null), reason: "`params` must be an object" },
    };
    match id {
        Some(id) => Message::Request { id, method, params },
        None => Message::Notification { method },
    }
}

/// A request's outcome: result JSON text, or an error.
pub type Reply = Result<String, RpcError>;

#[derive(Debug, Clone, PartialEq)]
pub struct RpcError {
    pub code: i64,
    pub message: String,
    pub data: Option<Value>,
}

impl RpcError {
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), data: None }
    }

    pub fn with_data(mut self, data: Value) -> Self {
        self.data = Some(data);
        self
    }
}

/// The response to request `id`.
pub fn response(id: &Value, reply: &Reply) -> String {
    match reply {
        Ok(result) => format!(r#"{{"jsonrpc":"2.0","id":{id},"result":{result}}}"#),
        Err(error) => error_response(id, error),
    }
}

pub fn error_response(id: &Value, error: &RpcError) -> String {
    let mut object = Map::new();
    object.insert("code".into(), Value::from(error.code));
    object.insert("message".into(), Value::from(error.message.as_str()));
    if let Some(data) = &error.data {
        object.insert("data".into(), data.clone());
    }
    format!(r#"{{"jsonrpc":"2.0","id":{id},"error":{}}}"#, Value::Object(object))
}

/// Responses in request order; a batch is answered with an array, a single request with an object.
pub fn assemble(responses: Vec<String>, batch: bool) -> String {
    if batch {
        format!("[{}]", responses.join(","))
    } else {
        responses.into_iter().next().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn parse_value(value: Value) -> Result<Body, Unreadable> {
        parse(value.to_string().as_bytes())
    }

    #[test]
    fn requests_notifications_and_responses_are_told_apart() {
        let body = parse_value(json!([
            {"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
            {"jsonrpc": "2.0", "id": "a", "method": "tools/call", "params": {"name": "x"}},
            {"jsonrpc": "2.0", "method": "notifications/initialized"},
            {"jsonrpc": "2.0", "id": 7, "result": {}},
        ]))
        .unwrap();
        assert!(body.batch);
        assert_eq!(
            body.messages,
            vec![
                Message::Request { id: json!(1), method: "tools/list".into(), params: Map::new() },
                Message::Request {
                    id: json!("a"),
                    method: "tools/call".into(),
                    params: json!({"name": "x"}).as_object().unwrap().clone()
                },
                Message::Notification { method: "notifications/initialized".into() },
                Message::Response,
            ]
        );
    }

    #[test]
    fn malformed_messages_are_invalid_requests_keeping_a_usable_id() {
        let cases = [
            (json!({"id": 1, "method": "ping"}), json!(1), "`jsonrpc` must be \"2.0\""),
            (
                json!({"jsonrpc": "2.0", "id": null, "method": "ping"}),
                Value::Null,
                "`id` must be a string or an integer",
            ),
            (
                json!({"jsonrpc": "2.0", "id": 1.5, "method": "ping"}),
                Value::Null,
                "`id` must be a string or an integer",
            ),
            (json!({"jsonrpc": "2.0", "id": 2, "method": 3}), json!(2), "`method` must be a string"),
            (json!({"jsonrpc": "2.0", "id": 3}), json!(3), "`method` is missing"),
            (json!({"jsonrpc": "2.0", "id": 4, "method": "x", "params": [1]}), json!(4), "`params` must be an object"),
        ];
        for (input, id, reason) in cases {
            let body = parse_value(input.clone()).unwrap();
            assert_eq!(body.messages, vec![Message::Invalid { id, reason }], "{input}");
        }
    }

    #[test]
    fn bodies_that_are_not_json_rpc_are_refused_whole() {
        assert_eq!(parse(b"{not json").unwrap_err().code, PARSE_ERROR);
        assert_eq!(parse(b"").unwrap_err().code, PARSE_ERROR);
        assert_eq!(parse(b"[]").unwrap_err().code, INVALID_REQUEST);
        assert_eq!(parse(b"42").unwrap_err().code, INVALID_REQUEST);
    }

    #[test]
    fn responses_are_valid_json_with_the_request_id() {
        let ok = response(&json!("r1"), &Ok(r#"{"tools":[]}"#.to_owned()));
        assert_eq!(
            serde_json::from_str::<Value>(&ok).unwrap(),
            json!({"jsonrpc": "2.0", "id": "r1", "result": {"tools": []}})
        );
        let error = RpcError::new(METHOD_NOT_FOUND, "Method not found: x").with_data(json!({"method": "x"}));
        let failed = response(&json!(9), &Err(error));
        assert_eq!(
            serde_json::from_str::<Value>(&failed).unwrap(),
            json!({"jsonrpc": "2.0", "id": 9, "error": {"code": -32601, "message": "Method not found: x", "data": {"method": "x"}}})
        );
        let batch = assemble(vec![ok.clone(), failed], true);
        assert_eq!(serde_json::from_str::<Value>(&batch).unwrap().as_array().unwrap().len(), 2);
        assert_eq!(assemble(vec![ok.clone()], false), ok);
    }
}
