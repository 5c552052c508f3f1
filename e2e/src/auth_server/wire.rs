//! The HTTP surface in plain values: a request as the handlers read it and the answer they build, so
//! handlers are pure functions that unit tests call without a socket.

use std::collections::BTreeMap;
use std::io::Read;

use serde_json::{json, Value};

/// Larger bodies are cut: no legitimate token request comes near this.
const MAX_BODY_BYTES: u64 = 64 * 1024;

/// One request, read fully.
#[derive(Debug, Clone, Default)]
pub struct Incoming {
    pub method: String,
    pub path: String,
    /// The raw query string, without `?`.
    pub query: String,
    /// Header names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Incoming {
    pub fn from_tiny_http(request: &mut tiny_http::Request) -> Incoming {
        let (path, query) = match request.url().split_once('?') {
            Some((path, query)) => (path.to_string(), query.to_string()),
            None => (request.url().to_string(), String::new()),
        };
        let headers = request
            .headers()
            .iter()
            .map(|header| (header.field.as_str().as_str().to_ascii_lowercase(), header.value.as_str().to_string()))
            .collect();
        let mut body = Vec::new();
        // A body that cannot be read is treated as empty; the handler then reports what is missing.
        let _ = request.as_reader().take(MAX_BODY_BYTES).read_to_end(&mut body);
        Incoming { method: request.method().as_str().to_ascii_uppercase(), path, query, headers, body }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }

    /// The media type without parameters, lower-cased.
    pub fn media_type(&self) -> Option<String> {
        self.header("content-type")
            .and_then(|value| value.split(';').next())
            .map(|media_type| media_type.trim().to_ascii_lowercase())
    }
}

/// Decodes `application/x-www-form-urlencoded` parameters (a query string or a form body).
///
/// RFC 6749 §3.1: a parameter without a value counts as absent, and none may appear twice.
pub fn parse_params(encoded: &[u8]) -> Result<BTreeMap<String, String>, String> {
    let mut params = BTreeMap::new();
    for (name, value) in url::form_urlencoded::parse(encoded) {
        if value.is_empty() {
            continue;
        }
        if params.insert(name.to_string(), value.to_string()).is_some() {
            return Err(format!("parameter {name} is repeated"));
        }
    }
    Ok(params)
}

/// An answer to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn json(status: u16, value: &Value) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".to_string(), "application/json".to_string())],
            body: value.to_string(),
        }
    }

    /// An RFC 6749 §5.2 error body: `{"error": ..., "error_description": ...}`.
    pub fn oauth_error(status: u16, error: &str, description: &str) -> Reply {
        Reply::json(status, &json!({ "error": error, "error_description": description }))
    }

    pub fn redirect(location: &str) -> Reply {
        Reply { status: 302, headers: vec![("Location".to_string(), location.to_string())], body: String::new() }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Token responses carry credentials and must never be cached (RFC 6749 §5.1).
    pub fn not_cacheable(self) -> Reply {
        self.with_header("Cache-Control", "no-store").with_header("Pragma", "no-cache")
    }

    pub fn into_tiny_http(self) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
        let mut response = tiny_http::Response::from_data(self.body.into_bytes()).with_status_code(self.status);
        for (name, value) in &self.headers {
            // Names and values are built here from ASCII; a header that still fails is dropped rather
            // than failing the whole answer.
            if let Ok(header) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
                response.add_header(header);
            }
        }
        response
    }

    #[cfg(test)]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_are_decoded_and_empty_values_dropped() {
        let params = parse_params(b"a=1&b=x+y%2Fz&c=").unwrap();
        assert_eq!(params.get("a").map(String::as_str), Some("1"));
        assert_eq!(params.get("b").map(String::as_str), Some("x y/z"));
        assert!(!params.contains_key("c"));
    }

    #[test]
    fn repeated_params_are_refused() {
        assert_eq!(parse_params(b"code=1&code=2").unwrap_err(), "parameter code is repeated");
    }

    #[test]
    fn oauth_errors_are_json() {
        let reply = Reply::oauth_error(400, "invalid_grant", "code expired");
        assert_eq!(reply.status, 400);
        assert_eq!(reply.header("content-type"), Some("application/json"));
        let body: Value = serde_json::from_str(&reply.body).unwrap();
        assert_eq!(body["error"], "invalid_grant");
        assert_eq!(body["error_description"], "code expired");
    }
}
