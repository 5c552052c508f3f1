//! The MCP server over Streamable HTTP, byte for byte: version negotiation, sessions, JSON-RPC errors,
//! the tools and resources the spec declares, and the scope checks tools inherit from their routes.
//! (Real clients, the MCP Python SDK and the Inspector CLI, are run by the end-to-end suite.)

use serde_json::{json, Value};

use super::{CheckResult, Probe};
use crate::http::{Exchange, Request};

/// The versions the runtime implements; the spec lists the ones it accepts, newest first.
const VERSIONS: &[&str] = &["2025-03-26", "2025-06-18", "2025-11-25"];

fn path(probe: &Probe) -> String {
    probe.expect.spec.mcp.path.clone().unwrap_or_else(|| "/mcp".to_owned())
}

/// A POST of JSON-RPC to the MCP route, as a Streamable HTTP client sends it.
fn post(probe: &Probe, session: Option<&str>, body: &Value) -> Request {
    let mut request = Request::new("POST", probe.url(&path(probe)))
        .header("Accept", "application/json, text/event-stream")
        .json(body);
    if let Some(session) = session {
        request = request.header("Mcp-Session-Id", session);
    }
    request
}

fn initialize_body(version: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": version,
        "capabilities": {},
        "clientInfo": {"name": "e2e", "version": "1"},
    }})
}

/// An anonymous `initialize` at `version`.
pub fn initialize_request(probe: &Probe, version: &str) -> Request {
    post(probe, None, &initialize_body(version))
}

/// Opens a session at `version` and returns its id.
pub fn open_session(probe: &mut Probe, check: &str, version: &str) -> CheckResult<String> {
    let exchange = probe.send_anonymous(check, post(probe, None, &initialize_body(version)))?;
    let body = probe.expect_json_document(check, &exchange, 200)?;
    let session = exchange.header("mcp-session-id").unwrap_or_default();
    probe.ensure(!session.is_empty(), check, &exchange, "an Mcp-Session-Id header", "none")?;
    let agreed = body.pointer("/result/protocolVersion").cloned().unwrap_or_default();
    probe.ensure(agreed == version, check, &exchange, format!("protocolVersion {version}"), agreed.to_string())?;
    Ok(session)
}

/// The result of one request in `session`, which must succeed.
fn call(probe: &mut Probe, check: &str, session: &str, method: &str, params: Value) -> CheckResult<(Exchange, Value)> {
    let body = json!({"jsonrpc": "2.0", "id": 7, "method": method, "params": params});
    let exchange = probe.send(check, post(probe, Some(session), &body))?;
    let answer = probe.expect_json_document(check, &exchange, 200)?;
    let result = answer.get("result").cloned();
    probe.ensure(answer["id"] == 7 && result.is_some(), check, &exchange, "a result for id 7", answer.to_string())?;
    Ok((exchange, result.unwrap_or_default()))
}

/// The JSON-RPC error a request gets, which must have `code`.
fn expect_rpc_error(probe: &Probe, check: &str, exchange: &Exchange, status: u16, code: i64) -> CheckResult<Value> {
    let body = probe.expect_json_document(check, exchange, status)?;
    let got = body.pointer("/error/code").and_then(Value::as_i64);
    probe.ensure(got == Some(code), check, exchange, format!("JSON-RPC error {code}"), body.to_string())?;
    Ok(body)
}

/// Each supported version is agreed to as asked; an unknown one gets the newest the spec lists.
pub fn initialize_negotiates_versions(probe: &mut Probe) -> CheckResult {
    let accepted = probe.expect.spec.mcp.protocol_versions.clone();
    for version in VERSIONS.iter().filter(|v| accepted.iter().any(|a| a == *v)) {
        let check = format!("MCP initialize at {version}");
        let session = open_session(probe, &check, version)?;
        let (exchange, result) = call(probe, &check, &session, "ping", json!({}))?;
        probe.ensure(result == json!({}), &check, &exchange, "ping answers {}", result.to_string())?;
        probe.pass(&check, &exchange);
    }
    let check = "MCP initialize offers the newest version for an unknown one";
    let exchange = probe.send_anonymous(check, post(probe, None, &initialize_body("2024-01-01")))?;
    let body = probe.expect_json_document(check, &exchange, 200)?;
    let result = &body["result"];
    probe.ensure(
        result["protocolVersion"] == accepted[0].as_str(),
        check,
        &exchange,
        format!("protocolVersion {}", accepted[0]),
        result["protocolVersion"].to_string(),
    )?;
    let spec = &probe.expect.spec.mcp;
    probe.ensure(
        result["serverInfo"]["name"] == spec.name.as_str() && result["serverInfo"]["version"] == spec.version.as_str(),
        check,
        &exchange,
        format!("serverInfo {} {}", spec.name, spec.version),
        result["serverInfo"].to_string(),
    )?;
    let capabilities = &result["capabilities"];
    probe.ensure(
        capabilities["tools"].is_object() && capabilities["resources"].is_object() && capabilities["prompts"].is_null(),
        check,
        &exchange,
        "tools and resources, no prompts",
        capabilities.to_string(),
    )?;
    probe.pass(check, &exchange);
    Ok(())
}

/// A session is required after `initialize`, must exist, ends with DELETE, and pins supported versions.
pub fn sessions_are_required_and_end(probe: &mut Probe) -> CheckResult {
    let ping = json!({"jsonrpc": "2.0", "id": 1, "method": "ping"});
    let check = "MCP request without a session";
    let exchange = probe.send_anonymous(check, post(probe, None, &ping))?;
    probe.expect_error(check, &exchange, 400, "invalid_parameter", Some("header.Mcp-Session-Id"))?;
    probe.pass(check, &exchange);

    let check = "MCP request in an unknown session";
    let exchange = probe.send_anonymous(check, post(probe, Some("no-such-session"), &ping))?;
    probe.expect_error(check, &exchange, 404, "not_found", Some("header.Mcp-Session-Id"))?;
    probe.pass(check, &exchange);

    let check = "MCP request with an unsupported MCP-Protocol-Version";
    let session = open_session(probe, check, probe.expect.spec.mcp.protocol_versions[0].clone().as_str())?;
    let request = post(probe, Some(&session), &ping).header("MCP-Protocol-Version", "1999-01-01");
    let exchange = probe.send_anonymous(check, request)?;
    probe.expect_error(check, &exchange, 400, "invalid_parameter", Some("header.MCP-Protocol-Version"))?;
    probe.pass(check, &exchange);

    let check = "MCP notifications are accepted with 202";
    let notification = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
    let exchange = probe.send_anonymous(check, post(probe, Some(&session), &notification))?;
    probe.expect_status(check, &exchange, 202)?;
    probe.pass(check, &exchange);

    let check = "MCP DELETE ends the session";
    let delete = Request::new("DELETE", probe.url(&path(probe))).header("Mcp-Session-Id", &session);
    let exchange = probe.send_anonymous(check, delete.clone())?;
    probe.expect_status(check, &exchange, 204)?;
    let after = probe.send_anonymous(check, post(probe, Some(&session), &ping))?;
    probe.expect_error(check, &after, 404, "not_found", None)?;
    let again = probe.send_anonymous(check, delete)?;
    probe.expect_error(check, &again, 404, "not_found", None)?;
    probe.pass(check, &exchange);

    let check = "MCP GET without a WebSocket upgrade";
    let exchange = probe.send_anonymous(check, Request::new("GET", probe.url(&path(probe))))?;
    let allowed = probe.allowed_methods(&path(probe));
    probe.expect_method_not_allowed(check, &exchange, &allowed)?;
    probe.pass(check, &exchange);
    Ok(())
}

/// Bodies that are not JSON-RPC, and requests for what the server does not have, get the right codes.
pub fn json_rpc_errors(probe: &mut Probe) -> CheckResult {
    let check = "MCP parse error";
    let request = Request::new("POST", probe.url(&path(probe))).json_text("{\"jsonrpc\": \"2.0\",");
    let exchange = probe.send_anonymous(check, request)?;
    expect_rpc_error(probe, check, &exchange, 400, -32700)?;
    probe.pass(check, &exchange);

    let session = open_session(probe, "MCP session for error checks", "2025-06-18")?;
    let cases = [
        ("MCP invalid request", json!({"jsonrpc": "1.0", "id": 1, "method": "ping"}), -32600),
        ("MCP method not found", json!({"jsonrpc": "2.0", "id": 1, "method": "prompts/list"}), -32601),
        (
            "MCP unknown tool",
            json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "no_such_tool"}}),
            -32602,
        ),
        (
            "MCP tools/call without a name",
            json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"arguments": {}}}),
            -32602,
        ),
        (
            "MCP unknown resource",
            json!({"jsonrpc": "2.0", "id": 1, "method": "resources/read", "params": {"uri": "ui://widget/none.html"}}),
            -32002,
        ),
    ];
    for (check, body, code) in cases {
        let exchange = probe.send_anonymous(check, post(probe, Some(&session), &body))?;
        expect_rpc_error(probe, check, &exchange, 200, code)?;
        probe.pass(check, &exchange);
    }

    let check = "MCP batch answers each request in order";
    let batch = json!([
        {"jsonrpc": "2.0", "id": "a", "method": "ping"},
        {"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": "x"}},
        {"jsonrpc": "2.0", "id": "b", "method": "no/such"},
    ]);
    let exchange = probe.send_anonymous(check, post(probe, Some(&session), &batch))?;
    let body = probe.expect_json_document(check, &exchange, 200)?;
    let ids: Vec<&Value> = body.as_array().into_iter().flatten().map(|r| &r["id"]).collect();
    probe.ensure(ids == [&json!("a"), &json!("b")], check, &exchange, "responses for a then b", body.to_string())?;
    probe.ensure(body[1]["error"]["code"] == -32601, check, &exchange, "b: -32601", body[1].to_string())?;
    probe.pass(check, &exchange);
    Ok(())
}

/// `tools/list` and `resources/list` list what the spec declares; the widget reads as skybridge HTML.
pub fn tools_and_resources(probe: &mut Probe) -> CheckResult {
    let session = open_session(probe, "MCP session for listing", "2025-11-25")?;
    let check = "MCP tools/list lists the spec's tools";
    let (exchange, result) = call(probe, check, &session, "tools/list", json!({}))?;
    let listed: Vec<&str> =
        result["tools"].as_array().into_iter().flatten().filter_map(|t| t["name"].as_str()).collect();
    let declared: Vec<&str> = probe.expect.spec.mcp.tools.iter().map(|t| t.name.as_str()).collect();
    probe.ensure(listed == declared, check, &exchange, format!("{declared:?}"), format!("{listed:?}"))?;
    probe.pass(check, &exchange);

    for resource in probe.expect.spec.mcp.resources.clone() {
        let check = format!("MCP resources/read {}", resource.uri);
        let (exchange, result) = call(probe, &check, &session, "resources/read", json!({"uri": resource.uri}))?;
        let contents = &result["contents"][0];
        let text = contents["text"].as_str().unwrap_or_default();
        probe.ensure(
            contents["mimeType"] == resource.mime_type.as_str()
                && contents["uri"] == resource.uri.as_str()
                && text.to_ascii_lowercase().starts_with("<!doctype html"),
            &check,
            &exchange,
            format!("{} HTML contents", resource.mime_type),
            format!("mimeType {} and {} bytes", contents["mimeType"], text.len()),
        )?;
        probe.pass(&check, &exchange);
    }
    Ok(())
}

/// A tool bound to a scoped route answers an anonymous call like the route: HTTP 401 with the challenge.
pub fn scoped_tools_refuse_anonymous_callers(probe: &mut Probe) -> CheckResult {
    let session = open_session(probe, "MCP session for anonymous calls", "2025-06-18")?;
    let spec = &probe.expect.spec;
    let scoped: Vec<String> = spec
        .mcp
        .tools
        .iter()
        .filter(|tool| spec.routes.iter().any(|r| r.id == tool.route && !r.scopes.is_empty()))
        .map(|tool| tool.name.clone())
        .collect();
    for name in scoped {
        let check = format!("MCP tool {name} without a token");
        let body =
            json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": name, "arguments": {}}});
        let exchange = probe.send_anonymous(&check, post(probe, Some(&session), &body))?;
        probe.expect_error(&check, &exchange, 401, "unauthorized", None)?;
        let challenge = exchange.header("www-authenticate").unwrap_or_default();
        probe.ensure(
            challenge.starts_with("Bearer ") && challenge.contains("resource_metadata=\""),
            &check,
            &exchange,
            "WWW-Authenticate: Bearer resource_metadata=...",
            challenge,
        )?;
        probe.pass(&check, &exchange);
    }
    Ok(())
}

/// With a token, a tool answers its route's response as structured content, and bad arguments are a tool
/// error that names the argument.
pub fn tools_run_their_routes(probe: &mut Probe) -> CheckResult {
    let session = open_session(probe, "MCP session for tool calls", "2025-11-25")?;
    let check = "MCP tool get_logs runs GET /api/logs";
    let (exchange, result) =
        call(probe, check, &session, "tools/call", json!({"name": "get_logs", "arguments": {"limit": 2}}))?;
    probe.ensure(result["isError"] == false, check, &exchange, "isError false", result.to_string())?;
    probe
        .openapi
        .validate("LogPage", &result["structuredContent"])
        .map_err(|p| probe.fail(check, &exchange, "a LogPage", p))?;
    let text: Value =
        serde_json::from_str(result["content"][0]["text"].as_str().unwrap_or_default()).unwrap_or_default();
    probe.ensure(
        text == result["structuredContent"],
        check,
        &exchange,
        "text = structuredContent",
        text.to_string(),
    )?;
    probe.pass(check, &exchange);

    let check = "MCP tool arguments are validated like the route's";
    let (exchange, result) =
        call(probe, check, &session, "tools/call", json!({"name": "get_logs", "arguments": {"limit": 0, "x": 1}}))?;
    let message = result["content"][0]["text"].as_str().unwrap_or_default();
    probe.ensure(
        result["isError"] == true && message.starts_with("arguments.x"),
        check,
        &exchange,
        "a tool error about arguments.x",
        result.to_string(),
    )?;
    probe.pass(check, &exchange);
    Ok(())
}

/// A browser page from an origin this API does not serve may not use the MCP server.
pub fn foreign_origins_are_refused(probe: &mut Probe) -> CheckResult {
    let check = "MCP refuses a foreign Origin";
    let request = post(probe, None, &initialize_body("2025-06-18")).header("Origin", super::cors::REFUSED_ORIGIN);
    let exchange = probe.send_anonymous(check, request)?;
    probe.expect_error(check, &exchange, 403, "forbidden", Some("header.Origin"))?;
    probe.pass(check, &exchange);
    Ok(())
}
