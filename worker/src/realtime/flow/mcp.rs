//! The client side of MCP's Streamable HTTP transport, one step at a time: each step POSTs one JSON-RPC
//! message to the endpoint, and the answer comes back as `application/json` or as a `text/event-stream`
//! whose messages end with the response.
//!
//! `initialize` opens the session: the server's `Mcp-Session-Id` (if it sends one) and the protocol version
//! it chose are sent with every later message, as the transport requires.

use futures_util::StreamExt;
use serde_json::{json, Value};
use worker::{AbortSignal, Fetch, Headers, Method, Request, RequestInit, Response};

use super::event_stream::EventStreamDecoder;
use crate::api::documents::{API_TITLE, API_VERSION};
use crate::api::test_flows::{McpStep, PROTOCOL_VERSION};

/// The most bytes read from one answer: MCP list results are small, and a runaway stream must not fill
/// the object's memory.
const MAX_ANSWER_BYTES: usize = 1 << 20;
/// How much of an unexpected body a failure message quotes.
const EXCERPT_CHARS: usize = 160;

/// One conversation with an MCP endpoint.
pub struct McpSession {
    endpoint: String,
    session_id: Option<String>,
    protocol_version: Option<String>,
    next_id: u64,
}

impl McpSession {
    pub fn new(endpoint: &str) -> Self {
        Self { endpoint: endpoint.to_owned(), session_id: None, protocol_version: None, next_id: 1 }
    }

    /// Performs one step and returns what it found, for the log, or why it failed.
    pub async fn call(&mut self, step: McpStep, signal: &AbortSignal) -> Result<String, String> {
        let id = (!step.is_notification()).then(|| {
            let id = self.next_id;
            self.next_id += 1;
            id
        });
        let message = request_message(step, id);
        let mut response = self.post(&message, signal).await?;
        let status = response.status_code();
        let Some(id) = id else {
            // A notification is accepted with 202 and no body.
            return match status {
                200..=299 => Ok(format!("accepted (HTTP {status})")),
                _ => Err(http_failure(status, &read_body(&mut response).await.unwrap_or_default())),
            };
        };
        if status != 200 {
            return Err(http_failure(status, &read_body(&mut response).await.unwrap_or_default()));
        }
        if step == McpStep::Initialize {
            self.session_id = response.headers().get("Mcp-Session-Id").ok().flatten();
        }
        let media_type = response.headers().get("Content-Type").ok().flatten().unwrap_or_default();
        let media_type = media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        let answer = match media_type.as_str() {
            "application/json" => {
                let body = read_body(&mut response).await?;
                serde_json::from_str(&body).map_err(|_| format!("the answer is not JSON: {}", excerpt(&body)))?
            }
            "text/event-stream" => response_from_stream(&mut response, id).await?,
            other => {
                return Err(format!(
                    "unexpected Content-Type {other:?}; expected application/json or text/event-stream"
                ))
            }
        };
        let result = result_of(&answer, id)?;
        if step == McpStep::Initialize {
            let version = result.get("protocolVersion").and_then(Value::as_str);
            self.protocol_version = Some(version.ok_or("the initialize result names no protocolVersion")?.to_owned());
        }
        summarize(step, result, self.session_id.as_deref())
    }

    /// Ends the session the server opened, if it opened one (an HTTP DELETE, as the transport asks of a
    /// client that is done); whether the server agrees does not matter.
    pub async fn end(&self, signal: &AbortSignal) {
        if self.session_id.is_none() {
            return;
        }
        let sent = async {
            let mut init = RequestInit::new();
            init.with_method(Method::Delete).with_headers(self.session_headers()?);
            let request = Request::new_with_init(&self.endpoint, &init)?;
            Fetch::Request(request).send_with_signal(signal).await
        };
        // The run's outcome is recorded already; a failure here is only the server's to know.
        let _ = sent.await;
    }

    async fn post(&self, message: &Value, signal: &AbortSignal) -> Result<Response, String> {
        let failed = |error: worker::Error| format!("cannot build the request: {error}");
        let headers = self.session_headers().map_err(failed)?;
        headers.set("Content-Type", "application/json").map_err(failed)?;
        headers.set("Accept", "application/json, text/event-stream").map_err(failed)?;
        let mut init = RequestInit::new();
        init.with_method(Method::Post).with_headers(headers).with_body(Some(message.to_string().into()));
        let request = Request::new_with_init(&self.endpoint, &init).map_err(failed)?;
        Fetch::Request(request).send_with_signal(signal).await.map_err(|error| format!("no answer: {error}"))
    }

    /// The session id and negotiated protocol version, once `initialize` has set them.
    fn session_headers(&self) -> worker::Result<Headers> {
        let headers = Headers::new();
        if let Some(session_id) = &self.session_id {
            headers.set("Mcp-Session-Id", session_id)?;
        }
        if let Some(version) = &self.protocol_version {
            headers.set("MCP-Protocol-Version", version)?;
        }
        Ok(headers)
    }
}

/// The JSON-RPC message of a step: a request with `id`, or a notification without one.
fn request_message(step: McpStep, id: Option<u64>) -> Value {
    let params = match step {
        McpStep::Initialize => json!({
            "protocolVersion": PROTOCOL_VERSION,
            "capabilities": {},
            "clientInfo": {"name": API_TITLE, "version": API_VERSION},
        }),
        _ => json!({}),
    };
    let mut message = json!({"jsonrpc": "2.0", "method": step.method(), "params": params});
    if let Some(id) = id {
        message["id"] = json!(id);
    }
    message
}

/// Reads a stream until the response to `id` arrives, skipping the server's notifications and requests.
async fn response_from_stream(response: &mut Response, id: u64) -> Result<Value, String> {
    let mut stream = response.stream().map_err(|error| format!("cannot read the event stream: {error}"))?;
    let mut decoder = EventStreamDecoder::default();
    let mut read = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|error| format!("the event stream broke off: {error}"))?;
        read += chunk.len();
        if read > MAX_ANSWER_BYTES {
            return Err(format!("the event stream sent over {MAX_ANSWER_BYTES} bytes without the response"));
        }
        for data in decoder.feed(&chunk) {
            let Ok(message) = serde_json::from_str::<Value>(&data) else {
                return Err(format!("an event's data is not JSON: {}", excerpt(&data)));
            };
            if message.get("id") == Some(&json!(id))
                && (message.get("result").is_some() || message.get("error").is_some())
            {
                return Ok(message);
            }
        }
    }
    Err("the event stream ended without the response".to_owned())
}

async fn read_body(response: &mut Response) -> Result<String, String> {
    let mut stream = response.stream().map_err(|error| format!("cannot read the answer: {error}"))?;
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        body.extend(chunk.map_err(|error| format!("the answer broke off: {error}"))?);
        if body.len() > MAX_ANSWER_BYTES {
            return Err(format!("the answer is over {MAX_ANSWER_BYTES} bytes"));
        }
    }
    Ok(String::from_utf8_lossy(&body).into_owned())
}

/// The `result` of the JSON-RPC response to `id`, or the error it reports.
fn result_of(answer: &Value, id: u64) -> Result<&Value, String> {
    if answer.get("jsonrpc") != Some(&json!("2.0")) {
        return Err(format!("not a JSON-RPC 2.0 response: {}", excerpt(&answer.to_string())));
    }
    if answer.get("id") != Some(&json!(id)) {
        return Err(format!("the response answers id {}, not {id}", answer.get("id").unwrap_or(&Value::Null)));
    }
    if let Some(error) = answer.get("error") {
        let code = error.get("code").and_then(Value::as_i64).unwrap_or_default();
        let message = error.get("message").and_then(Value::as_str).unwrap_or("(no message)");
        return Err(format!("JSON-RPC error {code}: {message}"));
    }
    answer
        .get("result")
        .filter(|result| result.is_object())
        .ok_or_else(|| "the response has no result object".to_owned())
}

/// A line for the log saying what the step found; a result without the list its method promises fails.
fn summarize(step: McpStep, result: &Value, session_id: Option<&str>) -> Result<String, String> {
    let listed = |key: &str, noun: &str, label: &str| -> Result<String, String> {
        let items =
            result.get(key).and_then(Value::as_array).ok_or_else(|| format!("the result has no `{key}` list"))?;
        let names: Vec<&str> = items.iter().filter_map(|item| item.get(label).and_then(Value::as_str)).collect();
        let plural = if items.len() == 1 { "" } else { "s" };
        let more = if result.get("nextCursor").is_some() { " (more on further pages)" } else { "" };
        Ok(format!(
            "{} {noun}{plural}{}{more}",
            items.len(),
            if names.is_empty() { String::new() } else { format!(": {}", names.join(", ")) }
        ))
    };
    match step {
        McpStep::Initialize => {
            let server = &result["serverInfo"];
            let name = server.get("name").and_then(Value::as_str).unwrap_or("an unnamed server");
            let version = server.get("version").and_then(Value::as_str).unwrap_or("?");
            let protocol = result.get("protocolVersion").and_then(Value::as_str).unwrap_or("?");
            let session = if session_id.is_some() { "a session id" } else { "no session id" };
            Ok(format!("{name} {version}, protocol {protocol}, {session}"))
        }
        McpStep::Initialized => Ok("accepted".to_owned()),
        McpStep::Ping => Ok("pong".to_owned()),
        McpStep::ToolsList => listed("tools", "tool", "name"),
        McpStep::ResourcesList => listed("resources", "resource", "uri"),
        McpStep::ResourceTemplatesList => listed("resourceTemplates", "resource template", "uriTemplate"),
        McpStep::PromptsList => listed("prompts", "prompt", "name"),
    }
}

fn http_failure(status: u16, body: &str) -> String {
    if body.trim().is_empty() {
        format!("HTTP {status}")
    } else {
        format!("HTTP {status}: {}", excerpt(body))
    }
}

fn excerpt(text: &str) -> String {
    let text = text.trim();
    match text.char_indices().nth(EXCERPT_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_carry_an_id_and_notifications_do_not() {
        let initialize = request_message(McpStep::Initialize, Some(1));
        assert_eq!(initialize["id"], json!(1));
        assert_eq!(initialize["method"], json!("initialize"));
        assert_eq!(initialize["params"]["protocolVersion"], json!(PROTOCOL_VERSION));
        assert_eq!(initialize["params"]["clientInfo"]["version"], json!(API_VERSION));
        let initialized = request_message(McpStep::Initialized, None);
        assert_eq!(initialized["method"], json!("notifications/initialized"));
        assert!(initialized.get("id").is_none());
    }

    #[test]
    fn results_errors_and_wrong_ids() {
        let ok = json!({"jsonrpc": "2.0", "id": 3, "result": {}});
        assert_eq!(result_of(&ok, 3), Ok(&json!({})));
        assert_eq!(result_of(&ok, 4), Err("the response answers id 3, not 4".to_owned()));
        let error = json!({"jsonrpc": "2.0", "id": 3, "error": {"code": -32601, "message": "Method not found"}});
        assert_eq!(result_of(&error, 3), Err("JSON-RPC error -32601: Method not found".to_owned()));
        assert!(result_of(&json!({"id": 3, "result": {}}), 3).is_err());
        assert!(result_of(&json!({"jsonrpc": "2.0", "id": 3, "result": 5}), 3).is_err());
    }

    #[test]
    fn summaries_name_what_was_found() {
        let tools = json!({"tools": [{"name": "add"}, {"name": "echo"}]});
        assert_eq!(summarize(McpStep::ToolsList, &tools, None), Ok("2 tools: add, echo".to_owned()));
        let one = json!({"resources": [{"uri": "config://dashboard"}], "nextCursor": "x"});
        assert_eq!(
            summarize(McpStep::ResourcesList, &one, None),
            Ok("1 resource: config://dashboard (more on further pages)".to_owned())
        );
        assert_eq!(summarize(McpStep::PromptsList, &json!({"prompts": []}), None), Ok("0 prompts".to_owned()));
        assert_eq!(summarize(McpStep::ToolsList, &json!({}), None), Err("the result has no `tools` list".to_owned()));
        let init = json!({"protocolVersion": "2025-06-18", "serverInfo": {"name": "demo", "version": "1.2"}});
        assert_eq!(
            summarize(McpStep::Initialize, &init, Some("abc")),
            Ok("demo 1.2, protocol 2025-06-18, a session id".to_owned())
        );
    }

    #[test]
    fn failures_quote_a_short_excerpt() {
        assert_eq!(http_failure(404, ""), "HTTP 404");
        let long = "x".repeat(500);
        let message = http_failure(500, &long);
        assert!(message.starts_with("HTTP 500: xxx") && message.ends_with('…'));
        assert!(message.chars().count() < 200);
    }
}
