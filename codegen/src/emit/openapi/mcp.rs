//! The MCP route's operations: JSON-RPC over Streamable HTTP on POST, ending a session on DELETE.

use serde_json::{json, Map, Value};

use crate::model::{HttpMethod, Mcp, Model};

/// `Mcp-Session-Id` and `MCP-Protocol-Version`, as the Streamable HTTP transport uses them.
pub fn headers(method: HttpMethod) -> Vec<Value> {
    let session = if method == HttpMethod::Delete {
        "The session to end"
    } else {
        "The session `initialize` answered with; required on every request after it"
    };
    vec![
        json!({
            "name": "Mcp-Session-Id",
            "in": "header",
            "description": session,
            "required": method == HttpMethod::Delete,
            "schema": { "type": "string", "maxLength": 128 },
        }),
        json!({
            "name": "MCP-Protocol-Version",
            "in": "header",
            "description": "The protocol version `initialize` agreed on; 2025-03-26 is assumed without it",
            "required": false,
            "schema": { "type": "string", "examples": ["2025-11-25"] },
        }),
    ]
}

/// One JSON-RPC 2.0 message, or a batch of them.
pub fn request_body() -> Value {
    let message = json!({
        "type": "object",
        "description": "A JSON-RPC 2.0 request (with `id`), notification (without) or response",
        "properties": {
            "jsonrpc": { "const": "2.0" },
            "id": { "type": ["string", "integer"] },
            "method": {
                "type": "string",
                "examples": ["initialize", "tools/list", "tools/call", "resources/read"],
            },
            "params": { "type": "object" },
        },
        "required": ["jsonrpc"],
    });
    json!({
        "description": "MCP messages: `initialize` first, then tools/list, tools/call, resources/list, \
                        resources/read, ping and notifications",
        "required": true,
        "content": { "application/json": { "schema": {
            "oneOf": [message, { "type": "array", "items": message, "minItems": 1 }],
        } } },
    })
}

/// The success answers of `method`, by status.
pub fn success(method: HttpMethod) -> Map<String, Value> {
    let mut answers = Map::new();
    if method == HttpMethod::Delete {
        answers.insert("204".into(), json!({ "description": "The session is ended" }));
        return answers;
    }
    let response = json!({
        "type": "object",
        "description": "A JSON-RPC 2.0 response: `result`, or `error` with `code` and `message`",
        "properties": {
            "jsonrpc": { "const": "2.0" },
            "id": { "type": ["string", "integer", "null"] },
            "result": { "type": "object" },
            "error": {
                "type": "object",
                "properties": {
                    "code": { "type": "integer" },
                    "message": { "type": "string" },
                    "data": {},
                },
                "required": ["code", "message"],
            },
        },
        "required": ["jsonrpc", "id"],
    });
    answers.insert(
        "200".into(),
        json!({
            "description": "The JSON-RPC response (a batch gets an array); `initialize` also sets `Mcp-Session-Id`",
            "headers": { "Mcp-Session-Id": {
                "description": "The new session, on the answer to `initialize`",
                "schema": { "type": "string" },
            } },
            "content": { "application/json": { "schema": {
                "oneOf": [response, { "type": "array", "items": response }],
            } } },
        }),
    );
    answers.insert("202".into(), json!({ "description": "Accepted: the body held only notifications or responses" }));
    answers
}

/// A 400 is the API's error body, or, for a body that is not JSON-RPC at all, a JSON-RPC error without id.
pub fn bad_request_schema(error: Value) -> Value {
    let rpc_error = json!({
        "type": "object",
        "description": "A JSON-RPC 2.0 error response: -32700 (parse error) or -32600 (invalid request)",
        "properties": {
            "jsonrpc": { "const": "2.0" },
            "id": { "type": "null" },
            "error": {
                "type": "object",
                "properties": { "code": { "type": "integer" }, "message": { "type": "string" } },
                "required": ["code", "message"],
            },
        },
        "required": ["jsonrpc", "id", "error"],
    });
    json!({ "oneOf": [error, rpc_error] })
}

/// Every scope some tool needs, sorted and once each.
pub fn tool_scopes(model: &Model, mcp: &Mcp) -> Vec<String> {
    let mut scopes: Vec<String> = mcp
        .tools
        .iter()
        .filter_map(|tool| model.routes.iter().find(|r| r.id == tool.route))
        .flat_map(|route| route.scopes.iter().cloned())
        .collect();
    scopes.sort();
    scopes.dedup();
    scopes
}
