//! An MCP server over Streamable HTTP, for the `mcp` route the generator emits.
//!
//! POST carries JSON-RPC messages and is answered with JSON; `initialize` negotiates the protocol version
//! and opens a session (`Mcp-Session-Id`, kept in KV), which every later request must name; DELETE ends it.
//! What the server announces comes from the generator as constant JSON ([`Server`]); what it does comes from
//! the generated [`Host`], which runs each tool through its route's handler, scope checks included.

mod jsonrpc;
mod session;
mod tools;

use serde_json::{json, Map, Value};
use worker::{Env, Method};

use crate::{ApiError, CorsPolicy, ErrorCode, IncomingRequest, OutgoingResponse};
use jsonrpc::{Message, Reply, RpcError};

pub use tools::{tool_error, tool_result, Arguments};

/// What the generator knows about the server; the JSON fields are compact JSON text.
#[derive(Debug)]
pub struct Server {
    /// Newest first: a client asking for another version is offered the first.
    pub protocol_versions: &'static [&'static str],
    /// `serverInfo`.
    pub server_info: &'static str,
    pub capabilities: &'static str,
    pub instructions: Option<&'static str>,
    /// The `tools/list` array.
    pub tools: &'static str,
    /// The `resources/list` array.
    pub resources: &'static str,
    /// KV binding of sessions.
    pub session_store: &'static str,
    pub session_ttl_seconds: u64,
    /// Methods the route answers, for `Allow`.
    pub allow: &'static str,
}

/// Runs the server's tools and reads its resources; generated from the spec.
#[allow(async_fn_in_trait)] // Workers are single-threaded: futures need not be Send.
pub trait Host {
    /// The tool result (JSON text), or `None` when there is no such tool. An error with status 401 or 403
    /// fails the whole HTTP request, so the client sees the authentication challenge; any other error is
    /// reported to the model as a failed tool call.
    async fn call_tool(&self, name: &str, arguments: Arguments) -> Option<Result<String, ApiError>>;

    /// One entry of `contents` (JSON), or `None` when there is no such resource.
    async fn read_resource(&self, uri: &str) -> Option<Result<Value, ApiError>>;
}

/// The MCP spec's defence against DNS rebinding: a browser request from an origin this API does not
/// serve is refused before anything runs.
pub fn check_origin(origin: Option<&str>, cors: &CorsPolicy, own_origin: &str) -> Result<(), ApiError> {
    match origin {
        Some(origin) if origin != own_origin && cors.allowed(Some(origin)).is_none() => Err(ApiError::new(
            403,
            ErrorCode::Forbidden,
            format!("requests from origin {origin} may not use the MCP server"),
        )
        .at("header.Origin")),
        _ => Ok(()),
    }
}

/// Whether a GET asks to become a WebSocket, which the route hands to its Durable Object instead.
pub fn is_websocket_upgrade(request: &IncomingRequest) -> Result<bool, ApiError> {
    let upgrade = request.headers().get("Upgrade")?.unwrap_or_default();
    Ok(request.method() == Method::Get && upgrade.eq_ignore_ascii_case("websocket"))
}

/// A request to the MCP route, read and checked: either already answered (a DELETE, a refusal of the whole
/// body) or JSON-RPC messages for [`Exchange::answer`]. Reading comes first so that the request's body is
/// consumed before the [`Host`] borrows the request to check credentials.
pub enum Exchange {
    Answered(OutgoingResponse),
    Messages { body: jsonrpc::Body, opens_session: bool },
}

/// Reads and checks one request to the MCP route: method, headers, session and body.
pub async fn read(request: &mut IncomingRequest, env: &Env, server: &Server) -> Result<Exchange, ApiError> {
    match request.method() {
        Method::Post => read_post(request, env, server).await,
        Method::Delete => {
            let id = session_id(request)?.ok_or_else(missing_session)?;
            if !session::end(env, server, &id).await? {
                return Err(unknown_session());
            }
            Ok(Exchange::Answered(OutgoingResponse::empty(204)))
        }
        other => {
            let mut error = ApiError::new(
                405,
                ErrorCode::MethodNotAllowed,
                format!(
                    "{other} opens no event stream here: POST JSON-RPC messages to talk to the MCP server{}",
                    if server.allow.contains("GET") { ", or send `Upgrade: websocket` for the WebSocket" } else { "" }
                ),
            );
            error.allow = Some(server.allow);
            Err(error)
        }
    }
}

async fn read_post(request: &mut IncomingRequest, env: &Env, server: &Server) -> Result<Exchange, ApiError> {
    let headers = request.headers();
    let accept = headers.get("Accept")?.unwrap_or_default().to_ascii_lowercase();
    if !accept.is_empty() && !["application/json", "application/*", "*/*"].iter().any(|t| accept.contains(t)) {
        return Err(
            ApiError::new(406, ErrorCode::InvalidParameter, "MCP answers with application/json").at("header.Accept")
        );
    }
    let content_type = headers.get("Content-Type")?.unwrap_or_default().to_ascii_lowercase();
    if !content_type.starts_with("application/json") {
        return Err(ApiError::new(
            415,
            ErrorCode::UnsupportedMediaType,
            "MCP messages are sent as Content-Type: application/json",
        )
        .at("header.Content-Type"));
    }
    let version = headers.get("MCP-Protocol-Version")?;
    let session = session_id(request)?;
    let bytes = request.bytes().await.map_err(|_| ApiError::invalid_body("body", "the body could not be read"))?;
    let body = match jsonrpc::parse(&bytes) {
        Ok(body) => body,
        Err(unreadable) => {
            let error = RpcError::new(unreadable.code, unreadable.message);
            return Ok(Exchange::Answered(json(400, jsonrpc::error_response(&Value::Null, &error))));
        }
    };
    let opens_session = matches!(body.messages.as_slice(), [Message::Request { method, .. }] if method == "initialize");
    if !opens_session {
        if let Some(version) = version.as_deref() {
            if !server.protocol_versions.contains(&version) {
                return Err(ApiError::invalid_parameter(
                    "header.MCP-Protocol-Version",
                    format!(
                        "protocol version {version} is not supported; use one of {}",
                        server.protocol_versions.join(", ")
                    ),
                ));
            }
        }
        let id = session.ok_or_else(missing_session)?;
        if !session::exists(env, server, &id).await? {
            return Err(unknown_session());
        }
    }
    Ok(Exchange::Messages { body, opens_session })
}

impl Exchange {
    /// Answers every request of the body in order; notifications and responses get nothing back, and a
    /// body of only those is answered 202.
    pub async fn answer(self, env: &Env, server: &Server, host: &impl Host) -> Result<OutgoingResponse, ApiError> {
        let (body, opens_session) = match self {
            Exchange::Answered(response) => return Ok(response),
            Exchange::Messages { body, opens_session } => (body, opens_session),
        };
        let mut new_session = None;
        let mut responses = Vec::new();
        for message in body.messages {
            let (id, reply) = match message {
                Message::Notification { .. } | Message::Response => continue,
                Message::Invalid { id, reason } => {
                    (id, Err(RpcError::new(jsonrpc::INVALID_REQUEST, format!("Invalid Request: {reason}"))))
                }
                Message::Request { id, method, params } if method == "initialize" => {
                    let reply = if opens_session {
                        let (reply, session) = initialize(env, server, &params).await?;
                        new_session = Some(session);
                        reply
                    } else {
                        Err(RpcError::new(jsonrpc::INVALID_REQUEST, "Invalid Request: initialize must be sent alone"))
                    };
                    (id, reply)
                }
                Message::Request { id, method, params } => {
                    let reply = call(server, host, &method, params).await?;
                    (id, reply)
                }
            };
            responses.push(jsonrpc::response(&id, &reply));
        }
        if responses.is_empty() {
            return Ok(OutgoingResponse::empty(202));
        }
        let response = json(200, jsonrpc::assemble(responses, body.batch));
        Ok(match new_session {
            Some(session) => response.with_header("Mcp-Session-Id", session),
            None => response,
        })
    }
}

/// Agrees on a version (the client's when supported, else the newest) and opens a session.
async fn initialize(env: &Env, server: &Server, params: &Map<String, Value>) -> Result<(Reply, String), ApiError> {
    let requested = params.get("protocolVersion").and_then(Value::as_str);
    let version = requested.filter(|v| server.protocol_versions.contains(v)).unwrap_or(server.protocol_versions[0]);
    let session = session::open(env, server, version).await?;
    let mut result = format!(
        r#"{{"protocolVersion":{},"capabilities":{},"serverInfo":{}"#,
        json!(version),
        server.capabilities,
        server.server_info
    );
    if let Some(instructions) = server.instructions {
        result.push_str(&format!(r#","instructions":{}"#, json!(instructions)));
    }
    result.push('}');
    Ok((Ok(result), session))
}

/// Every method but `initialize`. `Err` only for an authentication failure, which ends the HTTP request.
async fn call(server: &Server, host: &impl Host, method: &str, params: Map<String, Value>) -> Result<Reply, ApiError> {
    Ok(match method {
        "ping" => Ok("{}".to_owned()),
        "tools/list" => Ok(format!(r#"{{"tools":{}}}"#, server.tools)),
        "resources/list" => Ok(format!(r#"{{"resources":{}}}"#, server.resources)),
        "resources/templates/list" => Ok(r#"{"resourceTemplates":[]}"#.to_owned()),
        "tools/call" => {
            let Some(name) = params.get("name").and_then(Value::as_str) else {
                return Ok(Err(invalid_params("tools/call needs `name`, a string")));
            };
            let arguments = match params.get("arguments") {
                None | Some(Value::Null) => Arguments::default(),
                Some(Value::Object(arguments)) => Arguments(arguments.clone()),
                Some(_) => return Ok(Err(invalid_params("`arguments` must be an object"))),
            };
            match host.call_tool(name, arguments).await {
                None => Err(invalid_params(format!("Unknown tool: {name}"))),
                Some(Ok(result)) => Ok(result),
                Some(Err(error)) if matches!(error.status, 401 | 403) => return Err(error),
                Some(Err(error)) => Ok(tool_error(&error)),
            }
        }
        "resources/read" => {
            let Some(uri) = params.get("uri").and_then(Value::as_str) else {
                return Ok(Err(invalid_params("resources/read needs `uri`, a string")));
            };
            match host.read_resource(uri).await {
                None => {
                    Err(RpcError::new(jsonrpc::RESOURCE_NOT_FOUND, "Resource not found")
                        .with_data(json!({ "uri": uri })))
                }
                Some(Ok(contents)) => Ok(json!({ "contents": [contents] }).to_string()),
                Some(Err(error)) if matches!(error.status, 401 | 403) => return Err(error),
                Some(Err(error)) => Err(RpcError::new(jsonrpc::INTERNAL_ERROR, error.message.to_string())),
            }
        }
        other => Err(RpcError::new(jsonrpc::METHOD_NOT_FOUND, format!("Method not found: {other}"))
            .with_data(json!({ "method": other }))),
    })
}

/// Reads a resource's bytes from the static assets, as the contents entry of `resources/read`.
pub async fn asset_contents(
    env: &Env,
    assets_binding: &str,
    path: &str,
    uri: &str,
    mime_type: &str,
    meta: Option<&str>,
) -> Result<Value, ApiError> {
    let mut response = env.assets(assets_binding)?.fetch(format!("https://assets.invalid{path}"), None).await?;
    if response.status_code() != 200 {
        worker::console_error!("MCP resource {uri}: asset {path} answered {}", response.status_code());
        return Err(ApiError::internal(format!("the contents of {uri} are missing")));
    }
    let text = response.text().await?;
    let mut contents = json!({ "uri": uri, "mimeType": mime_type, "text": text });
    if let Some(meta) = meta.and_then(|m| serde_json::from_str::<Value>(m).ok()) {
        contents["_meta"] = meta;
    }
    Ok(contents)
}

fn invalid_params(message: impl Into<String>) -> RpcError {
    RpcError::new(jsonrpc::INVALID_PARAMS, message)
}

fn session_id(request: &IncomingRequest) -> Result<Option<String>, ApiError> {
    Ok(request.headers().get("Mcp-Session-Id")?.filter(|id| !id.is_empty()))
}

fn missing_session() -> ApiError {
    ApiError::invalid_parameter(
        "header.Mcp-Session-Id",
        "send the Mcp-Session-Id that initialize answered with (or initialize first)",
    )
}

fn unknown_session() -> ApiError {
    ApiError::not_found("the MCP session does not exist or has ended: initialize again").at("header.Mcp-Session-Id")
}

fn json(status: u16, body: String) -> OutgoingResponse {
    OutgoingResponse::with_body(status, "application/json", body.into_bytes().into())
}
