//! Live updates: the Server-Sent Events stream and JSON-RPC over WebSocket.
//!
//! Both are read with deadlines: a stream that never sends its first event, or a socket that never
//! answers, fails the check instead of hanging it.

use std::io::{BufRead, BufReader};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

use super::{failure, CheckFailure, CheckResult, Probe};

/// How long the first SSE event and each JSON-RPC answer may take.
pub const REALTIME_TIMEOUT: Duration = Duration::from_secs(15);
/// Server notifications interleaved with answers are skipped, up to this many per answer.
const MAX_SKIPPED_MESSAGES: usize = 100;

/// One dispatched Server-Sent Event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The last `id:` the stream sent, at or before this event (EventSource's `lastEventId`); `None`
    /// while the stream has sent none.
    pub id: Option<String>,
    /// The `event:` field; `message` when the server sent none, as EventSource does.
    pub name: String,
    /// The `data:` lines joined with newlines.
    pub data: String,
}

/// `/events` is an event stream whose first event is `health` with JSON data.
pub fn events_stream(probe: &mut Probe) -> CheckResult {
    let check = "event stream starts with health";
    let url = probe.url("/events");
    let (exchange, event) = first_sse_event(&url, REALTIME_TIMEOUT)
        .map_err(|reason| failure(check, "GET", &url, "a first event", reason, ""))?;
    probe.expect_status(check, &exchange, 200)?;
    probe.expect_media_type(check, &exchange, "text/event-stream")?;
    let Some(event) = event else {
        return Err(probe.fail(check, &exchange, "a first event", "the stream ended before any event"));
    };
    let as_text = format!("event: {}\ndata: {}", event.name, event.data);
    probe.ensure(event.name == "health", check, &exchange, "event: health", as_text.clone())?;
    if let Err(error) = serde_json::from_str::<Value>(&event.data) {
        return Err(probe.fail(check, &exchange, "a JSON data line", format!("{as_text} ({error})")));
    }
    probe.pass(check, &exchange);
    Ok(())
}

/// Opens an event stream, reads until the first event (or the end of the stream) and closes it.
/// The returned exchange carries the status and headers; its body is what was read.
pub fn first_sse_event(url: &str, timeout: Duration) -> Result<(crate::http::Exchange, Option<SseEvent>), String> {
    let mut stream = SseStream::open(url, timeout)?;
    let event = stream.next_event()?;
    Ok((stream.exchange, event))
}

/// An open event stream, read one event at a time.
pub struct SseStream {
    /// The status and headers; the body grows with everything read so far.
    pub exchange: crate::http::Exchange,
    /// `None` when the answer was no stream (its body is then in `exchange`).
    reader: Option<BufReader<ureq::BodyReader<'static>>>,
    parser: SseParser,
    timeout: Duration,
}

impl SseStream {
    /// Sends `GET url` with `Accept: text/event-stream`. Every read fails once `timeout` has passed since
    /// the request was sent, so a stream that goes quiet cannot hang a check.
    pub fn open(url: &str, timeout: Duration) -> Result<SseStream, String> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(timeout))
            .build()
            .into();
        let mut response =
            agent.get(url).header("Accept", "text/event-stream").call().map_err(|e| format!("no answer: {e}"))?;
        let mut exchange = crate::http::Exchange {
            method: "GET".into(),
            url: url.to_string(),
            status: response.status().as_u16(),
            headers: response
                .headers()
                .iter()
                .map(|(name, value)| {
                    (name.as_str().to_string(), String::from_utf8_lossy(value.as_bytes()).into_owned())
                })
                .collect(),
            body: String::new(),
        };
        let reader = if exchange.status == 200 {
            Some(BufReader::new(response.into_body().into_reader()))
        } else {
            exchange.body = response.body_mut().read_to_string().unwrap_or_default();
            None
        };
        Ok(SseStream { exchange, reader, parser: SseParser::default(), timeout })
    }

    /// The next event; `None` when the stream ended (or was no stream). Comments and heartbeats are
    /// skipped.
    pub fn next_event(&mut self) -> Result<Option<SseEvent>, String> {
        let Some(reader) = self.reader.as_mut() else {
            return Ok(None);
        };
        loop {
            let mut line = String::new();
            let read = reader.read_line(&mut line).map_err(|e| {
                format!(
                    "no complete event within {}s ({e}); read so far: {:?}",
                    self.timeout.as_secs(),
                    crate::http::excerpt(&self.exchange.body)
                )
            })?;
            if read == 0 {
                return Ok(None);
            }
            self.exchange.body.push_str(&line);
            if let Some(event) = self.parser.feed_line(line.trim_end_matches(['\r', '\n'])) {
                return Ok(Some(event));
            }
        }
    }
}

/// The SSE line format (WHATWG HTML, "event stream interpretation"), enough to find whole events.
#[derive(Debug, Default)]
pub struct SseParser {
    name: Option<String>,
    data: Vec<String>,
    /// The last event ID buffer: unlike the name and data, it carries over to later events.
    last_id: Option<String>,
}

impl SseParser {
    /// Feeds one line without its line ending; returns the event a blank line completes.
    pub fn feed_line(&mut self, line: &str) -> Option<SseEvent> {
        if line.is_empty() {
            // A blank line dispatches; a block with no data (only comments or `retry:`) is no event.
            let name = self.name.take();
            if self.data.is_empty() {
                return None;
            }
            let data = std::mem::take(&mut self.data).join("\n");
            return Some(SseEvent { id: self.last_id.clone(), name: name.unwrap_or_else(|| "message".into()), data });
        }
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "event" => self.name = Some(value.to_string()),
            "data" => self.data.push(value.to_string()),
            // An id with a NUL is ignored, as EventSource ignores it.
            "id" if !value.contains('\0') => self.last_id = Some(value.to_string()),
            _ => {}
        }
        None
    }
}

/// `/mcp` upgrades to a WebSocket that speaks JSON-RPC 2.0: ping, parse errors, unknown methods.
pub fn mcp_websocket(probe: &mut Probe) -> CheckResult {
    let url = websocket_url(&probe.url("/mcp"));
    let check = "MCP WebSocket answers ping";
    let mut socket = JsonRpcSocket::connect(&url, check)?;
    let answer = socket.request(check, &json!({"jsonrpc": "2.0", "id": 1, "method": "ping"}).to_string())?;
    let wanted = json!({"jsonrpc": "2.0", "id": 1, "result": {}});
    socket.ensure(answer == wanted, check, wanted.to_string(), answer.to_string())?;
    socket.pass(probe, check);

    let check = "MCP WebSocket reports parse errors";
    let answer = socket.request(check, "not json")?;
    socket.expect_rpc_error(check, &answer, -32700)?;
    socket.pass(probe, check);

    let check = "MCP WebSocket reports unknown methods";
    let answer =
        socket.request(check, &json!({"jsonrpc": "2.0", "id": 2, "method": "e2e/no-such-method"}).to_string())?;
    socket.expect_rpc_error(check, &answer, -32601)?;
    socket.ensure(answer["id"] == 2, check, "id 2", format!("id {}", answer["id"]))?;
    socket.pass(probe, check);
    socket.close();
    Ok(())
}

/// `http://host/mcp` → `ws://host/mcp`, `https://` → `wss://`.
pub fn websocket_url(http_url: &str) -> String {
    if let Some(rest) = http_url.strip_prefix("https://") {
        format!("wss://{rest}")
    } else if let Some(rest) = http_url.strip_prefix("http://") {
        format!("ws://{rest}")
    } else {
        http_url.to_string()
    }
}

/// A WebSocket speaking JSON-RPC, with a read timeout on the socket.
pub struct JsonRpcSocket {
    url: String,
    socket: WebSocket<MaybeTlsStream<TcpStream>>,
    status: u16,
    last_sent: String,
}

impl JsonRpcSocket {
    /// Connects (TLS for `wss://`) and completes the upgrade, which must answer 101.
    pub fn connect(url: &str, check: &str) -> CheckResult<JsonRpcSocket> {
        let fail = |got: String| failure(check, "GET (WebSocket upgrade)", url, "101 Switching Protocols", got, "");
        let uri: ureq::http::Uri = url.parse().map_err(|e| fail(format!("an unusable URL: {e}")))?;
        let host = uri.host().ok_or_else(|| fail("a URL without host".into()))?;
        let port = uri.port_u16().unwrap_or(if uri.scheme_str() == Some("wss") { 443 } else { 80 });
        let address = (host, port)
            .to_socket_addrs()
            .map_err(|e| fail(format!("no address for {host}: {e}")))?
            .next()
            .ok_or_else(|| fail(format!("no address for {host}")))?;
        let stream =
            TcpStream::connect_timeout(&address, REALTIME_TIMEOUT).map_err(|e| fail(format!("no connection: {e}")))?;
        stream.set_read_timeout(Some(REALTIME_TIMEOUT)).map_err(|e| fail(e.to_string()))?;
        stream.set_write_timeout(Some(REALTIME_TIMEOUT)).map_err(|e| fail(e.to_string()))?;
        let (socket, response) =
            tungstenite::client_tls_with_config(url, stream, None, None).map_err(|error| match error {
                tungstenite::HandshakeError::Failure(tungstenite::Error::Http(response)) => {
                    let body = response.body().as_deref().map(String::from_utf8_lossy).unwrap_or_default().into_owned();
                    failure(
                        check,
                        "GET (WebSocket upgrade)",
                        url,
                        "101 Switching Protocols",
                        format!("status {}", response.status()),
                        &body,
                    )
                }
                other => fail(other.to_string()),
            })?;
        Ok(JsonRpcSocket { url: url.to_string(), socket, status: response.status().as_u16(), last_sent: String::new() })
    }

    /// Sends a text frame and returns the first JSON-RPC response (a message with `result` or `error`),
    /// skipping notifications the server broadcasts in between.
    pub fn request(&mut self, check: &str, text: &str) -> CheckResult<Value> {
        self.last_sent = text.to_string();
        self.socket
            .send(Message::text(text))
            .map_err(|e| self.failure(check, "the message to be sent", e.to_string(), ""))?;
        let deadline = Instant::now() + REALTIME_TIMEOUT;
        for _ in 0..MAX_SKIPPED_MESSAGES {
            if Instant::now() > deadline {
                break;
            }
            let value = self.next_json(check)?;
            if value.get("result").is_some() || value.get("error").is_some() {
                return Ok(value);
            }
        }
        Err(self.failure(check, "a JSON-RPC answer", "only notifications", ""))
    }

    /// The next JSON message the server sends, answer or notification; control frames are skipped.
    /// Fails when the socket closes or nothing comes within [`REALTIME_TIMEOUT`].
    pub fn next_json(&mut self, check: &str) -> CheckResult<Value> {
        loop {
            let message = self.socket.read().map_err(|e| {
                self.failure(check, format!("a message within {}s", REALTIME_TIMEOUT.as_secs()), e.to_string(), "")
            })?;
            let text = match message {
                Message::Text(text) => text.to_string(),
                Message::Binary(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                Message::Close(frame) => {
                    return Err(self.failure(check, "a JSON message", format!("the socket closed: {frame:?}"), ""))
                }
                _ => continue,
            };
            return serde_json::from_str(&text)
                .map_err(|e| self.failure(check, "a JSON message", format!("not JSON ({e})"), &text));
        }
    }

    pub fn expect_rpc_error(&self, check: &str, answer: &Value, code: i64) -> CheckResult {
        let got = &answer["error"]["code"];
        self.ensure(
            got.as_i64() == Some(code) && answer["jsonrpc"] == "2.0",
            check,
            format!("a JSON-RPC 2.0 error with code {code}"),
            answer.to_string(),
        )
    }

    pub fn ensure(
        &self,
        condition: bool,
        check: &str,
        expected: impl Into<String>,
        got: impl Into<String>,
    ) -> CheckResult {
        if condition {
            Ok(())
        } else {
            Err(self.failure(check, expected, got, ""))
        }
    }

    pub fn pass(&self, probe: &mut Probe, check: &str) {
        let exchange = crate::http::Exchange {
            method: "WebSocket".into(),
            url: self.url.clone(),
            status: self.status,
            headers: Vec::new(),
            body: String::new(),
        };
        probe.pass(check, &exchange);
    }

    /// Sends a close frame and reads until the server's close frame (or a short timeout), so the server
    /// sees a clean close rather than a dropped connection.
    pub fn close(mut self) {
        let short = Some(Duration::from_secs(2));
        let _ = match self.socket.get_mut() {
            MaybeTlsStream::Plain(stream) => stream.set_read_timeout(short),
            MaybeTlsStream::Rustls(stream) => stream.sock.set_read_timeout(short),
            _ => Ok(()),
        };
        let _ = self.socket.close(None);
        while self.socket.read().is_ok() {}
    }

    fn failure(&self, check: &str, expected: impl Into<String>, got: impl Into<String>, body: &str) -> CheckFailure {
        let method = format!("WebSocket message {:?}", crate::http::excerpt(&self.last_sent));
        failure(check, &method, &self.url, expected, got, body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(lines: &[&str]) -> Vec<SseEvent> {
        let mut parser = SseParser::default();
        lines.iter().filter_map(|line| parser.feed_line(line)).collect()
    }

    #[test]
    fn comments_and_retry_blocks_are_not_events() {
        let got = events(&[": connected", "retry: 1000", "", "event: health", "data: {\"status\":\"ok\"}", ""]);
        assert_eq!(got, vec![SseEvent { id: None, name: "health".into(), data: "{\"status\":\"ok\"}".into() }]);
    }

    #[test]
    fn multi_line_data_is_joined_and_unnamed_events_are_messages() {
        let got = events(&["data: a", "data:b", ""]);
        assert_eq!(got, vec![SseEvent { id: None, name: "message".into(), data: "a\nb".into() }]);
    }

    #[test]
    fn event_ids_carry_over_until_the_next_id() {
        let got = events(&["id: 7", "event: log", "data: 1", "", "data: 2", "", "id: 8", "data: 3", ""]);
        let ids: Vec<Option<&str>> = got.iter().map(|event| event.id.as_deref()).collect();
        assert_eq!(ids, [Some("7"), Some("7"), Some("8")]);
    }

    #[test]
    fn websocket_urls_follow_the_http_scheme() {
        assert_eq!(websocket_url("http://127.0.0.1:8787/mcp"), "ws://127.0.0.1:8787/mcp");
        assert_eq!(websocket_url("https://dashboard.cortexdx.io/mcp"), "wss://dashboard.cortexdx.io/mcp");
    }
}
