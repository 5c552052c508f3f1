//! A small blocking HTTP client that returns every answer as a plain [`Exchange`].
//!
//! Checks look at error statuses, redirects and raw headers, so the client never turns a status into an
//! error and never follows redirects; only transport failures (refused connection, timeout) are errors.

use std::fmt;
use std::time::Duration;

use serde_json::Value;
use ureq::http::{self, Method};

/// How long one request may take end to end; generous because the first request to a fresh Durable
/// Object also creates its storage.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Longest body excerpt shown in failure messages.
const EXCERPT_CHARS: usize = 600;

/// A request that was sent and the answer that came back.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub method: String,
    pub url: String,
    pub status: u16,
    /// Response headers, names lower-cased, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Exchange {
    /// A header's value; several headers of the same name are joined with ", " as HTTP allows.
    pub fn header(&self, name: &str) -> Option<String> {
        let values: Vec<&str> = self
            .headers
            .iter()
            .filter(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
            .collect();
        (!values.is_empty()).then(|| values.join(", "))
    }

    /// The comma-separated items of a list header (`Allow`, `Vary`, ...), trimmed; empty when absent.
    pub fn header_items(&self, name: &str) -> Vec<String> {
        self.header(name)
            .map(|value| value.split(',').map(|item| item.trim().to_string()).filter(|item| !item.is_empty()).collect())
            .unwrap_or_default()
    }

    /// The media type without parameters, lower-cased: `application/json; charset=utf-8` → `application/json`.
    pub fn media_type(&self) -> Option<String> {
        self.header("content-type").map(|value| value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase())
    }

    pub fn json(&self) -> Result<Value, String> {
        serde_json::from_str(&self.body).map_err(|e| format!("body is not JSON ({e})"))
    }

    /// The start of the body, for failure messages.
    pub fn body_excerpt(&self) -> String {
        excerpt(&self.body)
    }

    /// The headers whose names start with a prefix, e.g. every `access-control-` header.
    pub fn headers_starting_with(&self, prefix: &str) -> Vec<(String, String)> {
        let prefix = prefix.to_ascii_lowercase();
        self.headers.iter().filter(|(key, _)| key.starts_with(&prefix)).cloned().collect()
    }
}

impl fmt::Display for Exchange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} → {}", self.method, self.url, self.status)
    }
}

/// Shortens a text to a readable excerpt, on a character boundary.
pub fn excerpt(text: &str) -> String {
    if text.chars().count() <= EXCERPT_CHARS {
        return text.to_string();
    }
    let cut: String = text.chars().take(EXCERPT_CHARS).collect();
    format!("{cut}… ({} bytes in all)", text.len())
}

/// What to send: method, URL, extra headers and an optional body.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

impl Request {
    pub fn new(method: &str, url: impl Into<String>) -> Self {
        Request { method: method.to_string(), url: url.into(), headers: Vec::new(), body: None }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// A JSON body sent as-is (so malformed JSON can be sent too), with `Content-Type: application/json`.
    pub fn json_text(self, body: &str) -> Self {
        let mut request = self.header("Content-Type", "application/json");
        request.body = Some(body.to_string());
        request
    }

    pub fn json(self, body: &Value) -> Self {
        self.json_text(&body.to_string())
    }
}

/// A transport failure: nothing came back.
#[derive(Debug, Clone)]
pub struct TransportError {
    pub method: String,
    pub url: String,
    pub reason: String,
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} got no answer: {}", self.method, self.url, self.reason)
    }
}

impl std::error::Error for TransportError {}

#[derive(Clone)]
pub struct HttpClient {
    agent: ureq::Agent,
}

impl Default for HttpClient {
    fn default() -> Self {
        HttpClient::with_timeout(REQUEST_TIMEOUT)
    }
}

impl HttpClient {
    pub fn with_timeout(timeout: Duration) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(timeout))
            .build()
            .into();
        HttpClient { agent }
    }

    pub fn get(&self, url: &str) -> Result<Exchange, TransportError> {
        self.send(Request::new("GET", url))
    }

    pub fn send(&self, request: Request) -> Result<Exchange, TransportError> {
        let failure =
            |reason: String| TransportError { method: request.method.clone(), url: request.url.clone(), reason };
        let method = Method::from_bytes(request.method.as_bytes()).map_err(|e| failure(e.to_string()))?;
        let mut builder = http::Request::builder().method(method).uri(&request.url);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        let result = match &request.body {
            Some(body) => self.agent.run(builder.body(body.clone()).map_err(|e| failure(e.to_string()))?),
            None => self.agent.run(builder.body(()).map_err(|e| failure(e.to_string()))?),
        };
        let mut response = result.map_err(|e| failure(e.to_string()))?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| (name.as_str().to_string(), String::from_utf8_lossy(value.as_bytes()).into_owned()))
            .collect();
        let body = response.body_mut().read_to_string().map_err(|e| failure(format!("reading the body: {e}")))?;
        Ok(Exchange { method: request.method, url: request.url, status, headers, body })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange_with_headers(headers: &[(&str, &str)]) -> Exchange {
        Exchange {
            method: "GET".into(),
            url: "http://127.0.0.1/".into(),
            status: 200,
            headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            body: String::new(),
        }
    }

    #[test]
    fn list_headers_are_split_and_repeated_headers_joined() {
        let exchange = exchange_with_headers(&[("allow", "GET, POST"), ("allow", "OPTIONS"), ("vary", "Origin")]);
        assert_eq!(exchange.header_items("Allow"), ["GET", "POST", "OPTIONS"]);
        assert_eq!(exchange.header("VARY").as_deref(), Some("Origin"));
        assert_eq!(exchange.header("x-missing"), None);
    }

    #[test]
    fn media_type_drops_parameters() {
        let exchange = exchange_with_headers(&[("content-type", "Application/JSON; charset=utf-8")]);
        assert_eq!(exchange.media_type().as_deref(), Some("application/json"));
    }

    #[test]
    fn long_bodies_are_shortened_on_char_boundaries() {
        let text = "é".repeat(1000);
        let short = excerpt(&text);
        assert!(short.starts_with(&"é".repeat(EXCERPT_CHARS)));
        assert!(short.ends_with("(2000 bytes in all)"), "{short}");
    }
}
